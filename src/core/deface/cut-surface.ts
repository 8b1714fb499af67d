/**
 * The cut surface that `remove` and `soft` leave. Setting the face region to air exposes, where
 * the region ends, a cross-section through the head: orbital roofs, the nasal cavity, sinuses,
 * the orbit's fat cone. Rendered, that relief (dark bone and air pockets either side of a midline
 * ridge) is read as a face by a face detector, and a person sees anatomy in it too. So the region's
 * deepest layer — the region voxels within CUT_COVER_MM of a kept voxel — is not set to air but
 * to the heavily smoothed volume (what `blur` uses), which covers the cross-section and fills its
 * hollows with a featureless plate. It stays inside the face region: no voxel outside it, and so no brain voxel,
 * changes.
 */
import { spacingOf } from './grid.ts';
import type { Volume } from './types.ts';

/**
 * Depth of the smoothed layer over the cut (mm). 12 because the layer must also fill the hollows
 * of the cut (under the orbital roofs, where the region keeps its distance from the frontal lobes):
 * on Colin27 a 4 mm layer left two orbit-like hollows the detector still scored 0.74 from below,
 * 8 mm 0.57, 12 mm 0.30, 16 mm 0.19 (README, "Defacing: the automatic face check").
 */
export const CUT_COVER_MM = 12;

/**
 * Region voxels within `depthMm` of a voxel outside the region (a chamfer distance over the
 * region, 26-neighbourhood, weighted by the voxel spacing), as a mask over the volume. Every kept
 * voxel counts, dark ones too: bone and air pockets are what make the cut's relief. Where the
 * layer borders air outside the head its smoothed value stays below the skin, so it adds nothing
 * there that a rendering shows as a surface of its own.
 */
export function cutCover(volume: Volume, region: Uint8Array, depthMm = CUT_COVER_MM): Uint8Array {
  const [nx, ny, nz] = volume.dims;
  const spacing = spacingOf(volume.indexToPatient);
  // Work on the region's bounding box grown by one voxel (the kept voxels it touches).
  const lo = [nx, ny, nz];
  const hi = [-1, -1, -1];
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) {
    const row = nx * (j + ny * k);
    for (let i = 0; i < nx; i++) {
      if (!region[row + i]) continue;
      if (i < lo[0]) lo[0] = i;
      if (i > hi[0]) hi[0] = i;
      if (j < lo[1]) lo[1] = j;
      if (j > hi[1]) hi[1] = j;
      if (k < lo[2]) lo[2] = k;
      if (k > hi[2]) hi[2] = k;
    }
  }
  const cover = new Uint8Array(region.length);
  if (hi[0] < 0) return cover;
  for (let a = 0; a < 3; a++) {
    lo[a] = Math.max(0, lo[a] - 1);
    hi[a] = Math.min(volume.dims[a] - 1, hi[a] + 1);
  }
  const [bx, by, bz] = [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1];
  const at = (i: number, j: number, k: number): number => lo[0] + i + nx * (lo[1] + j + ny * (lo[2] + k));
  // Distance seeds: every kept voxel of the box.
  const FAR = 1e9;
  const distance = new Float32Array(bx * by * bz);
  const inRegion = new Uint8Array(bx * by * bz);
  for (let k = 0; k < bz; k++) for (let j = 0; j < by; j++) for (let i = 0; i < bx; i++) {
    const b = i + bx * (j + by * k);
    const n = at(i, j, k);
    inRegion[b] = region[n];
    distance[b] = region[n] ? FAR : 0;
  }
  const offsets: [number, number, number, number][] = [];
  for (let c = -1; c <= 1; c++) for (let b = -1; b <= 1; b++) for (let a = -1; a <= 1; a++) {
    if (c < 0 || (c === 0 && (b < 0 || (b === 0 && a < 0)))) offsets.push([a, b, c, Math.hypot(a * spacing[0], b * spacing[1], c * spacing[2])]);
  }
  const pass = (forward: boolean): void => {
    const s = forward ? 1 : -1;
    for (let kk = 0; kk < bz; kk++) {
      const k = forward ? kk : bz - 1 - kk;
      for (let jj = 0; jj < by; jj++) {
        const j = forward ? jj : by - 1 - jj;
        for (let ii = 0; ii < bx; ii++) {
          const i = forward ? ii : bx - 1 - ii;
          const b = i + bx * (j + by * k);
          if (!inRegion[b]) continue;
          let best = distance[b];
          for (const [a0, b0, c0, w] of offsets) {
            const ia = i + s * a0;
            const jb = j + s * b0;
            const kc = k + s * c0;
            if (ia < 0 || jb < 0 || kc < 0 || ia >= bx || jb >= by || kc >= bz) continue;
            const v = distance[ia + bx * (jb + by * kc)] + w;
            if (v < best) best = v;
          }
          distance[b] = best;
        }
      }
    }
  };
  pass(true);
  pass(false);
  for (let k = 0; k < bz; k++) for (let j = 0; j < by; j++) for (let i = 0; i < bx; i++) {
    const b = i + bx * (j + by * k);
    if (inRegion[b] && distance[b] <= depthMm) cover[at(i, j, k)] = 1;
  }
  return cover;
}
