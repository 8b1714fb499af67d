/**
 * What the app shows of a defacing before anyone accepts it: the volume as the export will write
 * it (the original with the patches applied, so the preview cannot disagree with the output), a
 * mid-sagittal slice with the changed voxels, and the volume's geometry split into origin,
 * spacing and direction for a 3-D renderer. DOM-free: it runs in the defacing worker.
 */
import type { FramePatch, Volume } from './types.ts';

/** Stored value → modality value of one instance (Rescale Slope / Intercept; 1 and 0 when absent). */
export interface Rescale {
  slope: number;
  intercept: number;
}

/**
 * The volume after defacing: a copy of `volume.data` with every patched pixel replaced by its new
 * stored value through its instance's rescale. Patches address frame pixels row-major, which is
 * the volume's (i, j) order within slice k (types.ts).
 */
export function applyPatches(volume: Volume, patches: ReadonlyMap<string, readonly FramePatch[]>, rescaleOf: (path: string) => Rescale): Float32Array {
  const after = volume.data.slice();
  const sliceLength = volume.dims[0] * volume.dims[1];
  const sliceOf = new Map<string, number>();
  volume.slices.forEach((s, k) => sliceOf.set(`${s.frame}\u0000${s.path}`, k));
  for (const [path, frames] of patches) {
    const { slope, intercept } = rescaleOf(path);
    for (const patch of frames) {
      const k = sliceOf.get(`${patch.frame}\u0000${path}`);
      if (k === undefined) continue;
      const base = k * sliceLength;
      for (let n = 0; n < patch.indices.length; n++) after[base + patch.indices[n]] = patch.storedValues[n] * slope + intercept;
    }
  }
  return after;
}

/** The columns of indexToPatient: the patient-space step of one voxel along i, j and k. */
function axes(volume: Volume): [number[], number[], number[]] {
  const m = volume.indexToPatient;
  return [0, 1, 2].map((c) => [m[c], m[4 + c], m[8 + c]]) as [number[], number[], number[]];
}

const norm = (v: readonly number[]): number => Math.hypot(v[0], v[1], v[2]);

/** Origin, spacing and unit direction vectors (row-major 3×3, one row per voxel axis). */
export function volumeGeometry(volume: Volume): { origin: [number, number, number]; spacing: [number, number, number]; direction: number[] } {
  const m = volume.indexToPatient;
  const cols = axes(volume);
  const spacing = cols.map(norm) as [number, number, number];
  const direction = cols.flatMap((c, a) => c.map((x) => x / spacing[a]));
  return { origin: [m[3], m[7], m[11]], spacing, direction };
}

/** The grey-level window the slice is shown with: soft tissue to bone for CT, 1st–99th percentile for MR. */
export function displayWindow(volume: Volume): [number, number] {
  if (volume.modality === 'CT') return [-400, 600];
  const sample: number[] = [];
  const step = Math.max(1, Math.floor(volume.data.length / 200_000));
  for (let n = 0; n < volume.data.length; n += step) sample.push(volume.data[n]);
  sample.sort((a, b) => a - b);
  const lo = sample[Math.floor(sample.length * 0.01)] ?? 0;
  const hi = sample[Math.floor(sample.length * 0.99)] ?? 1;
  return [lo, hi > lo ? hi : lo + 1];
}

/** The value above which a voxel is the head rather than the air around it. */
export function tissueThreshold(volume: Volume, window: [number, number]): number {
  return volume.modality === 'CT' ? -500 : window[0] + 0.1 * (window[1] - window[0]);
}

/**
 * A slice through the volume for the 2-D preview: grey levels (0..255) before and after, and the
 * changed voxels (1) on the same grid. Row 0 is the top of the head, column 0 the face side.
 */
export interface SagittalSlice {
  width: number;
  height: number;
  /** Physical size of one pixel: [across, down] in millimetres (the canvas keeps the aspect). */
  spacing: [number, number];
  before: Uint8Array;
  after: Uint8Array;
  region: Uint8Array;
}

/**
 * The sagittal slice through the head's centre of mass (the midline on any head that is roughly
 * centred left–right), face to the left and the top of the head up, whatever the acquisition
 * plane: the voxel axis closest to left–right is cut, the one closest to head–foot runs down.
 */
export function midSagittalSlice(volume: Volume, after: Float32Array, region: Uint8Array | undefined): SagittalSlice {
  const [ni, nj, nk] = volume.dims;
  const dims = volume.dims;
  const cols = axes(volume);
  const along = (axis: number) => cols.map((c) => Math.abs(c[axis]) / norm(c));
  const lr = argmax(along(0));
  const rest = [0, 1, 2].filter((a) => a !== lr);
  const si = rest[argmax(rest.map((a) => along(2)[a]))];
  const ap = rest.find((a) => a !== si)!;
  const window = displayWindow(volume);
  const threshold = tissueThreshold(volume, window);

  // Centre of the head along the left–right voxel axis.
  let sum = 0;
  let count = 0;
  const stride = [1, ni, ni * nj];
  for (let k = 0; k < nk; k += 2) {
    for (let j = 0; j < nj; j += 2) {
      for (let i = 0; i < ni; i += 2) {
        if (volume.data[i + ni * j + ni * nj * k] > threshold) {
          sum += [i, j, k][lr];
          count++;
        }
      }
    }
  }
  const cut = count ? Math.round(sum / count) : Math.floor(dims[lr] / 2);

  const width = dims[ap];
  const height = dims[si];
  const before = new Uint8Array(width * height);
  const afterGray = new Uint8Array(width * height);
  const changed = new Uint8Array(width * height);
  const toGray = (v: number) => Math.max(0, Math.min(255, Math.round(((v - window[0]) / (window[1] - window[0])) * 255)));
  // Anterior is −y in LPS, superior +z: flip the voxel axes that run the other way.
  const apForward = cols[ap][1] > 0;
  const siUp = cols[si][2] > 0;
  for (let v = 0; v < height; v++) {
    const idxSi = siUp ? height - 1 - v : v;
    for (let u = 0; u < width; u++) {
      const idxAp = apForward ? u : width - 1 - u;
      const index = cut * stride[lr] + idxAp * stride[ap] + idxSi * stride[si];
      const p = u + v * width;
      before[p] = toGray(volume.data[index]);
      afterGray[p] = toGray(after[index]);
      changed[p] = region ? region[index] : after[index] !== volume.data[index] ? 1 : 0;
    }
  }
  const spacing = cols.map(norm);
  return { width, height, spacing: [spacing[ap], spacing[si]], before, after: afterGray, region: changed };
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let n = 1; n < values.length; n++) if (values[n] > values[best]) best = n;
  return best;
}

/** The range of the values (for a transfer function scaled to the volume). */
export function valueRange(data: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let n = 0; n < data.length; n++) {
    const v = data[n];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
