/**
 * What happens inside the face region: `remove` and `soft` set it to air (but for the layer over
 * the cut, which deface.ts fills with the smoothing below: cut-surface.ts), `blur` replaces it with
 * a heavy smoothing of the volume (three passes of a ~20 mm box, so no eyelid, nostril or lip edge
 * survives, only a smooth shell).
 */
import { spacingOf } from './grid.ts';
import type { DefaceMode, Volume } from './types.ts';

/** Air in modality units: CT −1024 HU, MR 0. (Pixel Padding Value is handled as a stored value by the caller.) */
export const airValue = (volume: Volume): number => (volume.modality === 'CT' ? -1024 : 0);

const BLUR_WIDTH_MM = 20;
const BLUR_PASSES = 3;

/** Modality values the region takes, per region voxel (same order as `indices`). */
export function regionValues(volume: Volume, indices: Uint32Array, mode: DefaceMode): Float32Array {
  const out = new Float32Array(indices.length);
  if (mode !== 'blur') return out.fill(airValue(volume));
  const [nx, ny, nz] = volume.dims;
  const spacing = spacingOf(volume.indexToPatient);
  const radius = spacing.map((s) => Math.max(1, Math.round(BLUR_WIDTH_MM / 2 / s)));
  // Work on the region's bounding box grown by the blur reach, not the whole volume.
  const lo = [nx, ny, nz];
  const hi = [-1, -1, -1];
  for (const n of indices) {
    const c = [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))];
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a], c[a]);
      hi[a] = Math.max(hi[a], c[a]);
    }
  }
  const dims = volume.dims;
  for (let a = 0; a < 3; a++) {
    lo[a] = Math.max(0, lo[a] - radius[a] * BLUR_PASSES);
    hi[a] = Math.min(dims[a] - 1, hi[a] + radius[a] * BLUR_PASSES);
  }
  const bx = hi[0] - lo[0] + 1;
  const by = hi[1] - lo[1] + 1;
  const bz = hi[2] - lo[2] + 1;
  let box: Float32Array = new Float32Array(bx * by * bz);
  for (let k = 0; k < bz; k++) for (let j = 0; j < by; j++) {
    const from = lo[0] + nx * (lo[1] + j + ny * (lo[2] + k));
    box.set(volume.data.subarray(from, from + bx), bx * (j + by * k));
  }
  const bdims = [bx, by, bz];
  const strides = [1, bx, bx * by];
  for (let pass = 0; pass < BLUR_PASSES; pass++) {
    for (let axis = 0; axis < 3; axis++) box = boxBlurAxis(box, bdims, strides, axis, radius[axis]);
  }
  indices.forEach((n, q) => {
    const i = (n % nx) - lo[0];
    const j = (Math.floor(n / nx) % ny) - lo[1];
    const k = Math.floor(n / (nx * ny)) - lo[2];
    out[q] = box[i + bx * (j + by * k)];
  });
  return out;
}

/** Running-sum box filter along one axis; edges average over the part of the window inside. */
function boxBlurAxis(src: Float32Array, dims: number[], strides: number[], axis: number, r: number): Float32Array {
  const out = new Float32Array(src.length);
  const n = dims[axis];
  const stride = strides[axis];
  const others = [0, 1, 2].filter((a) => a !== axis);
  const line = new Float64Array(n + 1);
  for (let v = 0; v < dims[others[1]]; v++) for (let u = 0; u < dims[others[0]]; u++) {
    const base = u * strides[others[0]] + v * strides[others[1]];
    line[0] = 0;
    for (let t = 0; t < n; t++) line[t + 1] = line[t] + src[base + t * stride];
    for (let t = 0; t < n; t++) {
      const a = Math.max(0, t - r);
      const b = Math.min(n - 1, t + r);
      out[base + t * stride] = (line[b + 1] - line[a]) / (b - a + 1);
    }
  }
  return out;
}
