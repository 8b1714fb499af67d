/**
 * Defacing one head series: volume → registration to the template → face region per subject
 * voxel → brain guard → new values → FramePatches in stored values. DOM- and Node-free; the host
 * supplies the registrar (elastix in Node or in a browser worker).
 */
import { T } from '../dicom/tags.ts';
import { getNumber } from '../dicom/values.ts';
import { displayParams } from '../pixels/display.ts';
import { readImagePixel } from '../pixels/image-pixel.ts';
import { invert, multiply, type Vec3 } from './affine.ts';
import { cutCover } from './cut-surface.ts';
import { regionValues } from './modes.ts';
import { brainDistance, faceRegion } from './region.ts';
import { registerToTemplate } from './registration.ts';
import { loadTemplate } from './template.ts';
import type { DefaceOptions, DefaceOutcome, FramePatch, Registrar, SeriesInstance, Volume } from './types.ts';
import { volumeFromSeries } from './volume.ts';

/** Region voxels within this distance of the template brain are never changed (template mm). */
export const BRAIN_GUARD_MM = 4;
/** More than this share of the face region inside the guard: the registration is suspect. */
export const GUARD_DECLINE_FRACTION = 0.05;

let distanceCache: Float32Array | undefined;

export interface RegionMask {
  /** 1 where the voxel is in the face region (after the brain guard). */
  region: Uint8Array;
  /** Voxels of the region the brain guard removed. */
  guarded: number;
  /** Voxels in the region before the guard. */
  candidates: number;
}

/**
 * Changes to the face region for tests and calibration, never for users: they move the region
 * against the brain so that the brain guard, which does not move, can be seen to hold.
 */
export interface RegionTuning {
  /** Distance the region keeps from the template brain (template mm; default BRAIN_CLEARANCE_MM). */
  clearanceMm?: number;
  /** The region moved by this much (template mm, LPS), as a misplaced region would be. */
  offsetMm?: Vec3;
}

/** The face region over a subject volume, through a template → patient transform. */
export function regionOverVolume(volume: Volume, templateToPatient: Float64Array, options: { ears: boolean; soft: boolean } & RegionTuning): RegionMask {
  const t = loadTemplate();
  distanceCache ??= brainDistance(t);
  const shape = faceRegion(t, distanceCache, options);
  const [ox, oy, oz] = options.offsetMm ?? [0, 0, 0];
  const m = multiply(invert(templateToPatient), volume.indexToPatient); // subject index → template mm
  const [nx, ny, nz] = volume.dims;
  const region = new Uint8Array(nx * ny * nz);
  let guarded = 0;
  let candidates = 0;
  const p: Vec3 = [0, 0, 0];
  const q: Vec3 = [0, 0, 0];
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) {
    const row = nx * (j + ny * k);
    for (let i = 0; i < nx; i++) {
      p[0] = m[0] * i + m[1] * j + m[2] * k + m[3];
      p[1] = m[4] * i + m[5] * j + m[6] * k + m[7];
      p[2] = m[8] * i + m[9] * j + m[10] * k + m[11];
      q[0] = p[0] - ox;
      q[1] = p[1] - oy;
      q[2] = p[2] - oz;
      if (!shape.contains(q)) continue;
      // The guard looks at where the voxel really is, whatever the region's shape or offset.
      candidates++;
      if (shape.brainDistance(p) <= BRAIN_GUARD_MM) {
        guarded++;
        continue;
      }
      region[row + i] = 1;
    }
  }
  return { region, guarded, candidates };
}

const declined = (options: DefaceOptions, reason: string, extra: Partial<DefaceOutcome> = {}): DefaceOutcome => ({
  status: 'declined', reason, mode: options.mode, patches: new Map(), changedVoxels: 0, ...extra,
});

export async function defaceSeries(instances: readonly SeriesInstance[], options: DefaceOptions, hosts: { registrar: Registrar }): Promise<DefaceOutcome> {
  const progress = options.onProgress;
  progress?.(0, 'reading the series');
  const volume = await volumeFromSeries(instances);
  if ('refused' in volume) return declined(options, volume.refused);
  let reg;
  try {
    reg = await registerToTemplate(volume, hosts.registrar, (f, stage) => progress?.(0.05 + 0.8 * f, stage));
  } catch (e) {
    return declined(options, `needs manual review: the registration to the template failed (${(e as Error).message})`, { volume });
  }
  if ('refused' in reg) return declined(options, reg.refused, { volume });
  const registration = { templateToPatient: reg.templateToPatient, similarity: reg.similarity, floor: reg.floor };
  if (reg.similarity < reg.floor) {
    return declined(options, `needs manual review: the head does not match the template well enough (similarity ${reg.similarity.toFixed(3)}, floor ${reg.floor})`, { volume, registration });
  }
  return defaceRegistered(instances, volume, registration, options);
}

/**
 * The steps after registration: the face region over the volume, the brain guard, the new values
 * and their patches. Separate so that one registration can serve several modes (the app's
 * preview, the tests) without registering again.
 */
export function defaceRegistered(
  instances: readonly SeriesInstance[],
  volume: Volume,
  registration: NonNullable<DefaceOutcome['registration']>,
  options: DefaceOptions,
  tuning: RegionTuning = {},
): DefaceOutcome {
  const progress = options.onProgress;
  progress?.(0.87, 'face region');
  const ears = options.ears ?? options.mode !== 'soft';
  const mask = regionOverVolume(volume, registration.templateToPatient, { ears, soft: options.mode === 'soft', ...tuning });
  if (mask.candidates === 0) return declined(options, 'needs manual review: the face region does not meet the image (is the face in the field of view?)', { volume, registration });
  if (mask.guarded > GUARD_DECLINE_FRACTION * mask.candidates) {
    return declined(options, `needs manual review: ${((100 * mask.guarded) / mask.candidates).toFixed(1)} % of the face region lies against the brain`, { volume, registration, guardedVoxels: mask.guarded });
  }
  progress?.(0.9, options.mode === 'blur' ? 'blurring' : 'removing');
  const indices: number[] = [];
  for (let n = 0; n < mask.region.length; n++) if (mask.region[n]) indices.push(n);
  const regionIdx = Uint32Array.from(indices);
  const { values, air } = newValues(volume, mask.region, regionIdx, options.mode);
  const { patches, changed, region } = toPatches(volume, instances, regionIdx, values, air);
  progress?.(1, 'done');
  return { status: 'defaced', mode: options.mode, patches, registration, changedVoxels: changed, volume, region, guardedVoxels: mask.guarded };
}

/**
 * The region's new modality values, and which of them are air (1: written as the Pixel Padding
 * Value where the image declares one). `remove` and `soft` set the region to air but cover the
 * cut they leave with a smoothed layer (cut-surface.ts); `blur` smooths all of it.
 */
function newValues(volume: Volume, regionMask: Uint8Array, indices: Uint32Array, mode: DefaceOptions['mode']): { values: Float32Array; air: Uint8Array } {
  const values = regionValues(volume, indices, mode);
  const air = new Uint8Array(indices.length);
  if (mode === 'blur') return { values, air };
  const cover = cutCover(volume, regionMask);
  const coverAt: number[] = [];
  indices.forEach((n, q) => {
    if (cover[n]) coverAt.push(q);
    else air[q] = 1;
  });
  const smoothed = regionValues(volume, Uint32Array.from(coverAt, (q) => indices[q]), 'blur');
  coverAt.forEach((q, c) => {
    values[q] = smoothed[c];
  });
  return { values, air };
}

/** New modality values → stored values per frame, keeping only pixels whose stored value changes. */
function toPatches(volume: Volume, instances: readonly SeriesInstance[], indices: Uint32Array, values: Float32Array, airAt: Uint8Array) {
  const byPath = new Map(instances.map((inst) => [inst.path, inst]));
  const [nx, ny] = volume.dims;
  const perSlice = nx * ny;
  const patches = new Map<string, FramePatch[]>();
  const region = new Uint8Array(volume.data.length);
  let changed = 0;
  let q = 0;
  while (q < indices.length) {
    const k = Math.floor(indices[q] / perSlice);
    const slice = volume.slices[k];
    const ds = byPath.get(slice.path)!.dataset;
    const p = displayParams(ds);
    const px = readImagePixel(ds);
    const bits = px.bitsStored ?? 16;
    const signed = px.pixelRepresentation === 1;
    const [minStored, maxStored] = signed ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
    const padding = getNumber(ds, T.PixelPaddingValue);
    const at: number[] = [];
    const stored: number[] = [];
    for (; q < indices.length && Math.floor(indices[q] / perSlice) === k; q++) {
      const n = indices[q];
      const original = volume.data[n];
      // Air is the Pixel Padding Value where the image declares one (already a stored value).
      const air = airAt[q] === 1 && padding !== undefined;
      const s = air ? padding! : Math.min(maxStored, Math.max(minStored, Math.round((values[q] - p.rescaleIntercept) / p.rescaleSlope)));
      const before = Math.round((original - p.rescaleIntercept) / p.rescaleSlope);
      region[n] = 1;
      if (s === before) continue;
      at.push(n - k * perSlice);
      stored.push(s);
    }
    if (at.length) {
      changed += at.length;
      const list = patches.get(slice.path) ?? [];
      list.push({ frame: slice.frame, indices: Uint32Array.from(at), storedValues: Int32Array.from(stored) });
      patches.set(slice.path, list);
    }
  }
  return { patches, changed, region };
}
