/**
 * The engine end to end on the fixture heads and on copies of the Colin MR resampled with known
 * transforms: registration recovers the transform, the face landmarks (carried with the known
 * transform) fall in the region, and no voxel of the carried brain mask changes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { about, apply, distance, invert, mat4, multiply, rotation, scaling, translation, type Mat4 } from '../../src/core/deface/affine.ts';
import { defaceRegistered, defaceSeries, regionOverVolume } from '../../src/core/deface/deface.ts';
import { cutCover } from '../../src/core/deface/cut-surface.ts';
import { nearestIndex, sampleIndex } from '../../src/core/deface/grid.ts';
import { LANDMARKS, type LandmarkName } from '../../src/core/deface/landmarks.ts';
import { registerToTemplate } from '../../src/core/deface/registration.ts';
import { loadTemplate } from '../../src/core/deface/template.ts';
import type { DefaceOutcome, SeriesInstance, Volume } from '../../src/core/deface/types.ts';
import { volumeFromSeries } from '../../src/core/deface/volume.ts';
import { nodeRegistrar } from '../../src/cli/elastix-node.ts';
import { useNodeCodecs } from '../../src/cli/codec-loader.ts';
import { applyPatches, readSeries, seriesFromVolume } from './helpers.ts';

useNodeCodecs();
const registrar = nodeRegistrar();
let colin: Volume;

beforeAll(async () => {
  const v = await volumeFromSeries(readSeries('mr-colin27'));
  if ('refused' in v) throw new Error(v.refused);
  colin = v;
});

/** Colin (whose patient mm are template mm) moved by `truth` (template → new patient mm), sampled on a new grid. */
function resampleColin(truth: Mat4, dims: [number, number, number], indexToPatient: Mat4, cutBelowMm = -Infinity): Float32Array {
  const toColin = multiply(invert(colin.indexToPatient), multiply(invert(truth), indexToPatient));
  const colinGrid = { dims: colin.dims, indexToMm: colin.indexToPatient, data: colin.data };
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) {
    if (apply(indexToPatient, [i, j, k])[2] < cutBelowMm) continue;
    const [a, b, c] = apply(toColin, [i, j, k]);
    data[i + dims[0] * (j + dims[1] * k)] = sampleIndex(colinGrid, a, b, c, 0);
  }
  return data;
}

/** Colin moved by `truth` onto a new axial grid of the given spacing. */
function moved(truth: Mat4, spacing: [number, number, number], cutBelowMm = -Infinity): Volume {
  const dims: [number, number, number] = [Math.ceil(240 / spacing[0]), Math.ceil(260 / spacing[1]), Math.ceil(230 / spacing[2])];
  const indexToPatient = multiply(translation([-120, -130, -120]), scaling(spacing));
  const data = resampleColin(truth, dims, indexToPatient, cutBelowMm);
  return { dims, indexToPatient, data, modality: 'MR', slices: Array.from({ length: dims[2] }, (_, k) => ({ path: `k${k}`, frame: 0 })) };
}

/**
 * Colin moved by `truth` and acquired sagittally, written as a DICOM series: 2 mm slices from the
 * patient's left to right, rows running posterior, columns running down (IOP 0\1\0\0\0\−1).
 */
function sagittalSeries(truth: Mat4): SeriesInstance[] {
  const dims: [number, number, number] = [174, 154, 120];
  // i → posterior 1.5 mm, j → inferior 1.5 mm, k → right (−x) 2 mm; starting anterior, superior, left.
  const indexToPatient = mat4([0, 0, -2, 119, 1.5, 0, 0, -130, 0, -1.5, 0, 110, 0, 0, 0, 1]);
  return seriesFromVolume(dims, indexToPatient, resampleColin(truth, dims, indexToPatient), 'sag');
}

/** Per-axis rotations about the head centre: pitch nods (about x), roll tilts to a shoulder (about y), yaw turns (about z). */
const HEAD_CENTRE = [0, -15, 10];
const turn = (axis: 0 | 1 | 2, deg: number): Mat4 => about(HEAD_CENTRE, rotation(axis, deg));

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

/** What must hold after any registration of a moved Colin: landmarks found, face removed, brain untouched. */
function expectRecovered(v: Volume, templateToPatient: Mat4, region: Uint8Array, truth: Mat4): void {
  for (const name of IN_VIEW) {
    const error = distance(apply(templateToPatient, LANDMARKS[name]), apply(truth, LANDMARKS[name]));
    expect(error, `${name} misplaced by ${error.toFixed(1)} mm`).toBeLessThan(5);
  }
  for (const name of FACE) {
    const p = apply(truth, LANDMARKS[name]);
    // Outside the new grid (chin below a cut field of view) there is nothing to remove.
    if (regionAt(v, region, p) === -1) continue;
    expect(regionAt(v, region, p), `${name} not in the region`).toBe(1);
  }
  expect(brainVoxelsInRegion(v, region, truth)).toBe(0);
}

describe('registration recovers known transforms of the Colin head', () => {
  // Several transforms per registration where they do not interfere, to keep the run short.
  const cases: [string, Mat4, [number, number, number], number?][] = [
    ['pitched +20°, shifted 25 mm, scaled 1.1', multiply(translation([10, -25, 15]), multiply(turn(0, 20), scaling([1.1, 1.1, 1.1]))), [2, 2, 2]],
    ['rolled −20°, 3 mm slices, scaled 0.9, field of view cut 20 mm below the eyes', multiply(translation([-20, 10, -10]), multiply(turn(1, -20), scaling([0.9, 0.9, 0.9]))), [1.5, 1.5, 3], -75],
    ['mirrored left–right (a wrong header), pitched −20°, shifted 25 mm', multiply(translation([0, 25, 0]), multiply(turn(0, -20), scaling([-1, 1, 1]))), [2, 2, 2]],
  ];
  it.each(cases)('%s', async (name, truth, spacing, cut) => {
    const v = moved(truth, spacing, cut);
    const reg = await registerToTemplate(v, registrar);
    if ('refused' in reg) throw new Error(reg.refused);
    expect(reg.similarity).toBeGreaterThan(reg.floor);
    // Colin is the template itself, so its mirror image fits clearly worse: the flip is found.
    expect(reg.mirrored).toBe(name.startsWith('mirrored'));
    const { region } = regionOverVolume(v, reg.templateToPatient, { ears: true, soft: false });
    expectRecovered(v, reg.templateToPatient, region, truth);
  }, 240_000);

  it('a sagittal DICOM acquisition, turned +20° and shifted −25 mm, through volumeFromSeries and defaceSeries', async () => {
    const truth = multiply(translation([-25, 0, 5]), turn(2, 20));
    const series = sagittalSeries(truth);
    const out = await defaceSeries(series, { mode: 'remove' }, { registrar });
    expect(out.status, out.reason).toBe('defaced');
    const v = out.volume!;
    // The stack runs along the patient's left–right axis.
    expect(Math.abs(v.indexToPatient[2])).toBeCloseTo(2, 3);
    expectRecovered(v, out.registration!.templateToPatient, out.region!, truth);
    // Every patched pixel lies in the region and is air (0), except in the smoothed layer that
    // covers the cut; nothing else changed.
    const after = applyPatches(v, series, out.patches);
    const cover = cutCover(v, out.region!);
    let changed = 0;
    let outsideRegion = 0;
    let notAir = 0;
    for (let n = 0; n < after.length; n++) {
      if (after[n] === v.data[n]) continue;
      changed++;
      if (!out.region![n]) outsideRegion++;
      if (after[n] !== 0 && !cover[n]) notAir++;
    }
    expect(outsideRegion).toBe(0);
    expect(notAir).toBe(0);
    expect(changed).toBe(out.changedVoxels);
    expect(changed).toBeGreaterThan(50_000);
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

/** Region voxels whose 3×3×3 neighbourhood lies wholly in the region: their mean local variance. */
function meanLocalVariance(v: Volume, values: Float32Array, region: Uint8Array): number {
  const [nx, ny, nz] = v.dims;
  let sum = 0;
  let count = 0;
  for (let k = 1; k < nz - 1; k++) for (let j = 1; j < ny - 1; j++) for (let i = 1; i < nx - 1; i += 2) {
    if (!region[i + nx * (j + ny * k)]) continue;
    let s1 = 0;
    let s2 = 0;
    let inside = true;
    for (let c = -1; c <= 1 && inside; c++) for (let b = -1; b <= 1 && inside; b++) for (let a = -1; a <= 1; a++) {
      const n = i + a + nx * (j + b + ny * (k + c));
      if (!region[n]) {
        inside = false;
        break;
      }
      s1 += values[n];
      s2 += values[n] * values[n];
    }
    if (!inside) continue;
    sum += s2 / 27 - (s1 / 27) ** 2;
    count++;
  }
  return sum / count;
}

describe('defacing the head CT fixture (one registration, every mode)', () => {
  const series = readSeries('ct-cranium');
  let removed: DefaceOutcome;
  beforeAll(async () => {
    removed = await defaceSeries(series, { mode: 'remove' }, { registrar });
  }, 240_000);

  it('remove: the face becomes air as stored values, and the brain is left alone', () => {
    const out = removed;
    expect(out.status, out.reason).toBe('defaced');
    const v = out.volume!;
    const reg = out.registration!;
    expect(reg.similarity).toBeGreaterThan(reg.floor);
    // Eyes (as registered) are in the region and every patched pixel becomes air (stored −1024 −
    // intercept), except in the smoothed layer over the cut, which stays clear of the eyes.
    const cover = cutCover(v, out.region!);
    for (const name of ['leftEye', 'rightEye'] as const) {
      const eye = apply(reg.templateToPatient, LANDMARKS[name]);
      expect(regionAt(v, out.region!, eye)).toBe(1);
      expect(regionAt(v, cover, eye), `the ${name} is air, not under the cover`).toBe(0);
    }
    expect(out.changedVoxels).toBeGreaterThan(100_000);
    const intercept = Number(/-?\d+/.exec(new TextDecoder().decode(series[0].dataset.get(0x00281052)!.value))![0]);
    const perSlice = v.dims[0] * v.dims[1];
    const slices = new Map(v.slices.map((slice, k) => [`${slice.path}#${slice.frame}`, k]));
    let air = 0;
    let covered = 0;
    for (const [path, patches] of out.patches) for (const p of patches) {
      const k = slices.get(`${path}#${p.frame}`)!;
      p.storedValues.forEach((value, q) => {
        if (value === -1024 - intercept) air++;
        else {
          expect(cover[k * perSlice + p.indices[q]], 'a patched pixel that is not air lies in the layer over the cut').toBe(1);
          covered++;
        }
      });
    }
    expect(air).toBeGreaterThan(covered);
    expect(brainVoxelsInRegion(v, out.region!, reg.templateToPatient)).toBe(0);
  });

  it('blur: the texture inside the region is gone (local variance collapses), nothing outside it or in the brain changes', () => {
    const v = removed.volume!;
    const out = defaceRegistered(series, v, removed.registration!, { mode: 'blur' });
    expect(out.status, out.reason).toBe('defaced');
    const region = out.region!;
    const after = applyPatches(v, series, out.patches);
    const before = meanLocalVariance(v, v.data, region);
    const blurred = meanLocalVariance(v, after, region);
    // Skin, eyelid, nostril and lip edges make the original vary by hundreds of HU within 3 mm.
    expect(before).toBeGreaterThan(1000);
    expect(blurred, `local variance ${before.toFixed(0)} → ${blurred.toFixed(0)} HU²`).toBeLessThan(0.02 * before);
    const changed = new Uint8Array(after.length);
    let outsideRegion = 0;
    for (let n = 0; n < after.length; n++) {
      if (after[n] === v.data[n]) continue;
      if (!region[n]) outsideRegion++;
      changed[n] = 1;
    }
    expect(outsideRegion).toBe(0);
    expect(out.changedVoxels).toBeGreaterThan(100_000);
    expect(brainVoxelsInRegion(v, changed, removed.registration!.templateToPatient)).toBe(0);
  });

  it('a left–right mirrored copy of the real CT (a wrong header): the same face region, mirrored, and the brain untouched', async () => {
    const v = removed.volume!;
    const [nx, ny, nz] = v.dims;
    const mirrorIndex = (n: number): number => {
      const i = n % nx;
      return n - i + (nx - 1 - i);
    };
    const data = new Float32Array(v.data.length);
    for (let n = 0; n < data.length; n++) data[n] = v.data[mirrorIndex(n)];
    const mirrored: Volume = { ...v, data };
    const reg = await registerToTemplate(mirrored, registrar);
    if ('refused' in reg) throw new Error(reg.refused);
    expect(reg.similarity).toBeGreaterThan(reg.floor);
    // A real head is nearly symmetric, so the mirrored and the direct fit score within noise of
    // each other and either may win; what matters is the region, which must be the mirror image
    // of the original's: same eyes, nose, mouth, chin, ears, and still no brain.
    const region = regionOverVolume(mirrored, reg.templateToPatient, { ears: true, soft: false }).region;
    const back = new Uint8Array(region.length);
    for (let n = 0; n < region.length; n++) back[n] = region[mirrorIndex(n)];
    let both = 0;
    let sizes = 0;
    for (let n = 0; n < back.length; n++) {
      both += back[n] & removed.region![n];
      sizes += back[n] + removed.region![n];
    }
    expect((2 * both) / sizes, 'Dice of the region with the mirrored original region').toBeGreaterThan(0.95);
    for (const name of ['leftEye', 'rightEye'] as const) expect(regionAt(v, back, apply(removed.registration!.templateToPatient, LANDMARKS[name]))).toBe(1);
    expect(brainVoxelsInRegion(v, back, removed.registration!.templateToPatient)).toBe(0);
  }, 240_000);

  it('declines as "needs manual review" when the brain guard would have to cut into the face region', () => {
    const v = removed.volume!;
    // A region misplaced 25 mm back and 15 mm up, into the frontal lobes: the guard, which stays
    // with the registered brain, must take a large part of it, and the series is declined.
    const out = defaceRegistered(series, v, removed.registration!, { mode: 'remove' }, { offsetMm: [0, 25, 15] });
    expect(out.status).toBe('declined');
    expect(out.reason).toMatch(/^needs manual review: \d+\.\d % of the face region lies against the brain$/);
    expect(out.guardedVoxels).toBeGreaterThan(0);
    expect(out.patches.size).toBe(0);
    expect(out.changedVoxels).toBe(0);
    // Without the guard that region would have taken brain: the guard is what stopped it.
    const unguarded = regionOverVolume(v, removed.registration!.templateToPatient, { ears: true, soft: false, offsetMm: [0, 25, 15] });
    expect(unguarded.guarded).toBe(out.guardedVoxels);
    // A little closer than usual (3 mm, inside the guard): the guard shrinks the region and still defaces, brain untouched.
    const closer = defaceRegistered(series, v, removed.registration!, { mode: 'remove' }, { clearanceMm: 3 });
    expect(closer.status, closer.reason).toBe('defaced');
    expect(closer.guardedVoxels).toBeGreaterThan(0);
    expect(brainVoxelsInRegion(v, closer.region!, removed.registration!.templateToPatient)).toBe(0);
  });
});
