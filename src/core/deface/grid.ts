/**
 * Sampling and resizing of volumes on regular grids: trilinear sampling at patient points,
 * block-average downsampling to a registration grid, and the RegistrationImage view of a grid.
 */
import { apply, invert, type Mat4 } from './affine.ts';
import type { RegistrationImage } from './types.ts';

export interface Grid {
  dims: [number, number, number];
  indexToMm: Mat4;
  data: ArrayLike<number>;
}

/** Trilinear value at continuous index (i, j, k); `outside` beyond the grid. */
export function sampleIndex(g: Grid, i: number, j: number, k: number, outside: number): number {
  const [nx, ny, nz] = g.dims;
  if (i < 0 || j < 0 || k < 0 || i > nx - 1 || j > ny - 1 || k > nz - 1) return outside;
  const i0 = Math.min(Math.floor(i), nx - 2 < 0 ? 0 : nx - 2);
  const j0 = Math.min(Math.floor(j), ny - 2 < 0 ? 0 : ny - 2);
  const k0 = Math.min(Math.floor(k), nz - 2 < 0 ? 0 : nz - 2);
  const fi = i - i0;
  const fj = j - j0;
  const fk = k - k0;
  const sx = 1;
  const sy = nx;
  const sz = nx * ny;
  const n = i0 + nx * (j0 + ny * k0);
  const d = g.data;
  const c00 = d[n] * (1 - fi) + d[n + sx] * fi;
  const c10 = d[n + sy] * (1 - fi) + d[n + sy + sx] * fi;
  const c01 = d[n + sz] * (1 - fi) + d[n + sz + sx] * fi;
  const c11 = d[n + sz + sy] * (1 - fi) + d[n + sz + sy + sx] * fi;
  return (c00 * (1 - fj) + c10 * fj) * (1 - fk) + (c01 * (1 - fj) + c11 * fj) * fk;
}

/** Nearest-voxel value at a continuous index; `outside` beyond the grid. */
export function nearestIndex(g: Grid, i: number, j: number, k: number, outside: number): number {
  const a = Math.round(i);
  const b = Math.round(j);
  const c = Math.round(k);
  if (a < 0 || b < 0 || c < 0 || a >= g.dims[0] || b >= g.dims[1] || c >= g.dims[2]) return outside;
  return g.data[a + g.dims[0] * (b + g.dims[1] * c)];
}

/** Spacing of each index axis (length of each column of the linear part). */
export function spacingOf(m: Mat4): [number, number, number] {
  return [0, 1, 2].map((c) => Math.hypot(m[c], m[4 + c], m[8 + c])) as [number, number, number];
}

/**
 * Block-average downsampling to about `target` mm per axis (integer factors, so no resampling
 * blur beyond the averaging). The result keeps the grid's orientation.
 */
export function downsample(g: Grid, target: number): Grid & { data: Float32Array } {
  const spacing = spacingOf(g.indexToMm);
  const f = spacing.map((s) => Math.max(1, Math.round(target / s))) as [number, number, number];
  const dims = g.dims.map((n, a) => Math.max(1, Math.floor(n / f[a]))) as [number, number, number];
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  const [nx, ny] = g.dims;
  const count = f[0] * f[1] * f[2];
  for (let k = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) {
    let s = 0;
    for (let c = 0; c < f[2]; c++) for (let b = 0; b < f[1]; b++) {
      const row = i * f[0] + nx * (j * f[1] + b + ny * (k * f[2] + c));
      for (let a = 0; a < f[0]; a++) s += g.data[row + a];
    }
    data[i + dims[0] * (j + dims[1] * k)] = s / count;
  }
  const m = g.indexToMm;
  const indexToMm = Float64Array.from(m);
  for (let c = 0; c < 3; c++) for (let r = 0; r < 3; r++) indexToMm[r * 4 + c] = m[r * 4 + c] * f[c];
  // The new voxel 0 is the centre of the first block.
  const origin = apply(m, [(f[0] - 1) / 2, (f[1] - 1) / 2, (f[2] - 1) / 2]);
  for (let r = 0; r < 3; r++) indexToMm[r * 4 + 3] = origin[r];
  return { dims, indexToMm, data };
}

/** A grid as elastix sees it: spacing, origin and a row-major direction of unit columns. */
export function registrationImage(g: Grid & { data: Float32Array }): RegistrationImage {
  const spacing = spacingOf(g.indexToMm);
  const m = g.indexToMm;
  const direction = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) direction[r * 3 + c] = m[r * 4 + c] / spacing[c];
  return { dims: g.dims, spacing, origin: [m[3], m[7], m[11]], direction, data: g.data };
}

/** mm → continuous index of a grid. */
export const mmToIndex = (g: Grid): Mat4 => invert(g.indexToMm);
