/**
 * The face region as geometry in template millimetres, so it reaches a face that lies outside the
 * template's field of view: a face zone (half-spaces: in front of a coronal plane that tilts back
 * below the skull base, below the brow, above the neck), kept a clearance away from the template
 * brain (a distance field, which is what lets the region hug the orbits from below rather than
 * cutting the eyes with one plane), plus an ear box each side. Soft mode subtracts spheres and a
 * capsule around the nasion, the nose ridge and the pre-auricular points (Bruña et al. 2022).
 * Written in RAS terms (x right→left of the reader's eye: +x = patient's left in LPS is −x here),
 * because anatomical descriptions are; points arrive in LPS and are converted once.
 */
import { LANDMARKS } from './landmarks.ts';
import type { Template } from './template.ts';
import { apply, invert, type Mat4, type Vec3 } from './affine.ts';

/** The region never comes nearer than this to the template brain (template mm). */
export const BRAIN_CLEARANCE_MM = 6;
/**
 * The ear boxes keep further away: beside the temporal lobes the scalp is thin and two fits of
 * the same head (the CT and its mirrored copy) disagree by more than 6 mm at the lateral temporal
 * cortex, while the pinna lies outside the skull, well clear of it.
 */
export const EAR_CLEARANCE_MM = 12;

/** Chamfer distance (mm) from every template voxel to the nearest brain voxel, 0 inside. */
export function brainDistance(t: Template): Float32Array {
  const [nx, ny, nz] = t.dims;
  const step = 2; // template spacing
  const d = new Float32Array(t.brain.length);
  for (let n = 0; n < d.length; n++) d[n] = t.brain[n] ? 0 : 1e9;
  const offsets: [number, number, number, number][] = [];
  for (let c = -1; c <= 1; c++) for (let b = -1; b <= 1; b++) for (let a = -1; a <= 1; a++) {
    if (c < 0 || (c === 0 && (b < 0 || (b === 0 && a < 0)))) offsets.push([a, b, c, step * Math.hypot(a, b, c)]);
  }
  const pass = (forward: boolean): void => {
    for (let kk = 0; kk < nz; kk++) {
      const k = forward ? kk : nz - 1 - kk;
      for (let jj = 0; jj < ny; jj++) {
        const j = forward ? jj : ny - 1 - jj;
        for (let ii = 0; ii < nx; ii++) {
          const i = forward ? ii : nx - 1 - ii;
          const n = i + nx * (j + ny * k);
          let best = d[n];
          for (const [a0, b0, c0, w] of offsets) {
            const a = forward ? a0 : -a0;
            const b = forward ? b0 : -b0;
            const c = forward ? c0 : -c0;
            const ia = i + a;
            const jb = j + b;
            const kc = k + c;
            if (ia < 0 || jb < 0 || kc < 0 || ia >= nx || jb >= ny || kc >= nz) continue;
            const v = d[ia + nx * (jb + ny * kc)] + w;
            if (v < best) best = v;
          }
          d[n] = best;
        }
      }
    }
  };
  pass(true);
  pass(false);
  return d;
}

export interface RegionOptions {
  ears: boolean;
  soft: boolean;
  /** Distance the region keeps from the template brain (template mm); BRAIN_CLEARANCE_MM unless set. */
  clearanceMm?: number;
}

export interface FaceRegion {
  /** Is this template point (LPS mm) in the region? */
  contains(p: Vec3): boolean;
  /** Distance (template mm) from this template point to the template brain. */
  brainDistance(p: Vec3): number;
}

const distanceToSegment = (p: Vec3, a: Vec3, b: Vec3): number => {
  const ab = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const ap = [p[0] - a[0], p[1] - a[1], p[2] - a[2]];
  const t = Math.max(0, Math.min(1, (ap[0] * ab[0] + ap[1] * ab[1] + ap[2] * ab[2]) / (ab[0] ** 2 + ab[1] ** 2 + ab[2] ** 2)));
  return Math.hypot(ap[0] - t * ab[0], ap[1] - t * ab[1], ap[2] - t * ab[2]);
};
const distance = (p: Vec3, q: Vec3): number => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);

/** Face zone in RAS mm: anterior of y = 20 (tilting back to y = 0 below the skull base), below the brow. */
function inFaceZone(x: number, y: number, z: number): boolean {
  if (z > -16 || z < -175) return false; // brow line … well below the chin
  if (Math.abs(x) > 78) return false; // cheeks, not the ears (their own zone)
  return y >= 20 + 0.5 * (z + 50) && y >= 0; // orbits and their fat to the apex; mandible below
}

function inEarZone(x: number, y: number, z: number): boolean {
  return Math.abs(x) >= 58 && y >= -62 && y <= 8 && z >= -78 && z <= -8;
}

export function faceRegion(t: Template, distanceField: Float32Array, options: RegionOptions): FaceRegion {
  const toIndex = invert(t.indexToMm);
  const [nx, ny, nz] = t.dims;
  const brainDistanceAt = (p: Vec3): number => {
    const [i, j, k] = apply(toIndex, p);
    const ci = Math.min(nx - 1, Math.max(0, Math.round(i)));
    const cj = Math.min(ny - 1, Math.max(0, Math.round(j)));
    const ck = Math.min(nz - 1, Math.max(0, Math.round(k)));
    // Outside the grid: the distance to the grid plus the distance from its edge (an upper bound,
    // safe here because no brain lies in front of or below the face zone beyond the template).
    const outside = 2 * Math.hypot(i - ci, j - cj, k - ck);
    return distanceField[ci + nx * (cj + ny * ck)] + outside;
  };
  const keep = options.soft
    ? (p: Vec3): boolean =>
        distance(p, LANDMARKS.nasion) < 15 ||
        distanceToSegment(p, LANDMARKS.nasion, LANDMARKS.noseTip) < 14 ||
        distance(p, LANDMARKS.leftPreauricular) < 15 ||
        distance(p, LANDMARKS.rightPreauricular) < 15
    : (): boolean => false;
  const clearance = options.clearanceMm ?? BRAIN_CLEARANCE_MM;
  return {
    contains(p) {
      const [x, y, z] = [-p[0], -p[1], p[2]];
      const face = inFaceZone(x, y, z);
      const ear = !face && options.ears && inEarZone(x, y, z);
      if ((!face && !ear) || keep(p)) return false;
      return brainDistanceAt(p) >= (ear ? Math.max(clearance, EAR_CLEARANCE_MM) : clearance);
    },
    brainDistance: brainDistanceAt,
  };
}

export type { Mat4 };
