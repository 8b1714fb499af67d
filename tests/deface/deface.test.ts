/**
 * The engine end to end on the fixture heads and on copies of the Colin MR resampled with known
 * transforms: registration recovers the transform, the face landmarks (carried with the known
 * transform) fall in the region, and no voxel of the carried brain mask changes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { about, apply, distance, invert, multiply, rotation, scaling, translation, type Mat4 } from '../../src/core/deface/affine.ts';
import { defaceSeries, regionOverVolume } from '../../src/core/deface/deface.ts';
import { nearestIndex, sampleIndex } from '../../src/core/deface/grid.ts';
import { LANDMARKS, type LandmarkName } from '../../src/core/deface/landmarks.ts';
import { registerToTemplate } from '../../src/core/deface/registration.ts';
import { loadTemplate } from '../../src/core/deface/template.ts';
import type { Volume } from '../../src/core/deface/types.ts';
import { volumeFromSeries } from '../../src/core/deface/volume.ts';
import { nodeRegistrar } from '../../src/cli/elastix-node.ts';
import { useNodeCodecs } from '../../src/cli/codec-loader.ts';
import { readSeries } from './helpers.ts';

useNodeCodecs();
const registrar = nodeRegistrar();
let colin: Volume;

beforeAll(async () => {
  const v = await volumeFromSeries(readSeries('mr-colin27'));
  if ('refused' in v) throw new Error(v.refused);
  colin = v;
});

/** Colin (whose patient mm are template mm) moved by `truth` (template → new patient mm) onto a new axial grid. */
function moved(truth: Mat4, spacing: [number, number, number], cutBelowMm = -Infinity): Volume {
  const dims: [number, number, number] = [Math.ceil(240 / spacing[0]), Math.ceil(260 / spacing[1]), Math.ceil(230 / spacing[2])];
  const indexToPatient = multiply(translation([-120, -130, -120]), scaling(spacing));
  const toColin = multiply(invert(colin.indexToPatient), multiply(invert(truth), indexToPatient));
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) {
    if (apply(indexToPatient, [i, j, k])[2] < cutBelowMm) continue;
    const [a, b, c] = apply(toColin, [i, j, k]);
    data[i + dims[0] * (j + dims[1] * k)] = sampleIndex({ dims: colin.dims, indexToMm: colin.indexToPatient, data: colin.data }, a, b, c, 0);
  }
  return { dims, indexToPatient, data, modality: 'MR', slices: Array.from({ length: dims[2] }, (_, k) => ({ path: `k${k}`, frame: 0 })) };
}

const FACE: LandmarkName[] = ['leftEye', 'rightEye', 'noseTip', 'lips', 'chin'];
const IN_VIEW: LandmarkName[] = ['leftEye', 'rightEye', 'nasion', 'leftPreauricular', 'rightPreauricular'];

/** Region value at the subject voxel nearest to a patient point. */
function regionAt(v: Volume, region: Uint8Array, p: readonly number[]): number {
  const [i, j, k] = apply(invert(v.indexToPatient), p);
  return nearestIndex({ dims: v.dims, indexToMm: v.indexToPatient, data: region }, i, j, k, -1);
}

/** Subject voxels inside the brain mask carried with the true transform that the region takes. */
function brainVoxelsInRegion(v: Volume, region: Uint8Array, truth: Mat4): number {
  const t = loadTemplate();
  const toTemplateIndex = multiply(invert(t.indexToMm), multiply(invert(truth), v.indexToPatient));
  let hits = 0;
  for (let n = 0; n < region.length; n++) {
    if (!region[n]) continue;
    const i = n % v.dims[0];
    const j = Math.floor(n / v.dims[0]) % v.dims[1];
    const k = Math.floor(n / (v.dims[0] * v.dims[1]));
    const [a, b, c] = apply(toTemplateIndex, [i, j, k]);
    if (nearestIndex({ dims: t.dims, indexToMm: t.indexToMm, data: t.brain }, a, b, c, 0)) hits++;
  }
  return hits;
}

describe('registration recovers known transforms of the Colin head', () => {
  const cases: [string, Mat4, [number, number, number], number?][] = [
    ['pitched 20°, shifted 25 mm, scaled 1.08', multiply(translation([10, -25, 15]), about([0, 0, 0], multiply(rotation(0, 20), scaling([1.08, 1.08, 1.08])))), [2, 2, 2]],
    ['turned −20° and rolled 15°, 3 mm slices, 0.92 scale, field of view cut 20 mm below the eyes', multiply(translation([-20, 10, -10]), multiply(rotation(2, -20), multiply(rotation(1, 15), scaling([0.92, 0.92, 0.92])))), [1.5, 1.5, 3], -75],
  ];
  it.each(cases)('%s', async (_name, truth, spacing, cut) => {
    const v = moved(truth, spacing, cut);
    const reg = await registerToTemplate(v, registrar);
    if ('refused' in reg) throw new Error(reg.refused);
    expect(reg.similarity).toBeGreaterThan(reg.floor);
    for (const name of IN_VIEW) {
      const error = distance(apply(reg.templateToPatient, LANDMARKS[name]), apply(truth, LANDMARKS[name]));
      expect(error, `${name} misplaced by ${error.toFixed(1)} mm`).toBeLessThan(5);
    }
    const { region } = regionOverVolume(v, reg.templateToPatient, { ears: true, soft: false });
    for (const name of FACE) {
      const p = apply(truth, LANDMARKS[name]);
      // Outside the new grid (chin below a cut field of view) there is nothing to remove.
      if (regionAt(v, region, p) === -1) continue;
      expect(regionAt(v, region, p), `${name} not in the region`).toBe(1);
    }
    expect(brainVoxelsInRegion(v, region, truth)).toBe(0);
  }, 240_000);
});

describe('the face region on the Colin head (identity registration)', () => {
  const identity = multiply(translation([0, 0, 0]), scaling([1, 1, 1]));
  it('takes the eyes whole, keeps the brain, and soft keeps nasion and pre-auricular points', () => {
    const remove = regionOverVolume(colin, identity, { ears: true, soft: false });
    const soft = regionOverVolume(colin, identity, { ears: false, soft: true });
    for (const eye of [LANDMARKS.leftEye, LANDMARKS.rightEye]) {
      // Every point of the globe (radius 12 mm) and lids, on a 3 mm lattice.
      for (let dx = -12; dx <= 12; dx += 3) for (let dy = -12; dy <= 12; dy += 3) for (let dz = -12; dz <= 12; dz += 3) {
        if (Math.hypot(dx, dy, dz) > 12) continue;
        expect(regionAt(colin, remove.region, [eye[0] + dx, eye[1] + dy, eye[2] + dz])).toBe(1);
        expect(regionAt(colin, soft.region, [eye[0] + dx, eye[1] + dy, eye[2] + dz])).toBe(1);
      }
    }
    for (const name of ['nasion', 'leftPreauricular', 'rightPreauricular'] as const) {
      expect(regionAt(colin, soft.region, LANDMARKS[name]), `soft removes the ${name}`).toBe(0);
      expect(regionAt(colin, remove.region, LANDMARKS[name]), `remove keeps the ${name}`).toBe(1);
    }
    expect(brainVoxelsInRegion(colin, remove.region, identity)).toBe(0);
    expect(remove.guarded).toBe(0);
  });
});

describe('defaceSeries on the head CT fixture', () => {
  it('removes the face, writes air as stored values, and leaves the brain alone', async () => {
    const series = readSeries('ct-cranium');
    const out = await defaceSeries(series, { mode: 'remove' }, { registrar });
    expect(out.status, out.reason).toBe('defaced');
    const v = out.volume!;
    const reg = out.registration!;
    expect(reg.similarity).toBeGreaterThan(reg.floor);
    // Eyes (as registered) are in the region and every patched pixel becomes air (stored −1024 − intercept).
    for (const name of ['leftEye', 'rightEye'] as const) expect(regionAt(v, out.region!, apply(reg.templateToPatient, LANDMARKS[name]))).toBe(1);
    expect(out.changedVoxels).toBeGreaterThan(100_000);
    const intercept = Number(/-?\d+/.exec(new TextDecoder().decode(series[0].dataset.get(0x00281052)!.value))![0]);
    for (const patches of out.patches.values()) for (const p of patches) expect(new Set(p.storedValues)).toEqual(new Set([-1024 - intercept]));
    expect(brainVoxelsInRegion(v, out.region!, reg.templateToPatient)).toBe(0);
  }, 240_000);
});
