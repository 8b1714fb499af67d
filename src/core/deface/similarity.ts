/**
 * Normalized mutual information, (H(A) + H(B)) / H(A, B), between the template and the subject
 * sampled through a template → patient transform, over the template head (dilated, so the skin
 * edge counts). Computed here rather than taken from elastix so that every start of the search
 * and every host are judged by the same number. 1 = independent, 2 = identical up to relabelling.
 */
import { apply, invert, multiply, type Mat4 } from './affine.ts';
import { sampleIndex, type Grid } from './grid.ts';
import type { Template } from './template.ts';

const BINS = 32;

export interface Similarity {
  nmi: number;
  /** Fraction of the sampled template head that the subject's field of view covers. */
  overlap: number;
}

/** Template voxels (every `step`-th along each axis) inside the head dilated by `dilate` voxels. */
export function headSamples(t: Template, step = 2, dilate = 3): Int32Array {
  const [nx, ny, nz] = t.dims;
  const out: number[] = [];
  for (let k = 0; k < nz; k += step) for (let j = 0; j < ny; j += step) for (let i = 0; i < nx; i += step) {
    let near = false;
    for (let c = Math.max(0, k - dilate); c <= Math.min(nz - 1, k + dilate) && !near; c += dilate) {
      for (let b = Math.max(0, j - dilate); b <= Math.min(ny - 1, j + dilate) && !near; b += dilate) {
        for (let a = Math.max(0, i - dilate); a <= Math.min(nx - 1, i + dilate) && !near; a += dilate) {
          if (t.head[a + nx * (b + ny * c)]) near = true;
        }
      }
    }
    if (near) out.push(i + nx * (j + ny * k));
  }
  return Int32Array.from(out);
}

export function similarity(t: Template, samples: Int32Array, subject: Grid, range: [number, number], templateToPatient: Mat4): Similarity {
  const [nx, ny] = t.dims;
  const toSubject = multiply(invert(subject.indexToMm), multiply(templateToPatient, t.indexToMm));
  const joint = new Float64Array(BINS * BINS);
  const [lo, hi] = range;
  const scale = (BINS - 1e-6) / Math.max(1e-6, hi - lo);
  let inside = 0;
  for (const n of samples) {
    const i = n % nx;
    const j = Math.floor(n / nx) % ny;
    const k = Math.floor(n / (nx * ny));
    const [si, sj, sk] = apply(toSubject, [i, j, k]);
    const v = sampleIndex(subject, si, sj, sk, Number.NaN);
    if (Number.isNaN(v)) continue;
    inside++;
    const a = Math.min(BINS - 1, Math.floor(t.t1[n] / (256 / BINS)));
    const b = Math.min(BINS - 1, Math.max(0, Math.floor((v - lo) * scale)));
    joint[a * BINS + b]++;
  }
  if (inside === 0) return { nmi: 0, overlap: 0 };
  const pa = new Float64Array(BINS);
  const pb = new Float64Array(BINS);
  let hab = 0;
  for (let a = 0; a < BINS; a++) for (let b = 0; b < BINS; b++) {
    const p = joint[a * BINS + b] / inside;
    pa[a] += p;
    pb[b] += p;
    if (p > 0) hab -= p * Math.log(p);
  }
  const entropy = (ps: Float64Array): number => ps.reduce((h, p) => (p > 0 ? h - p * Math.log(p) : h), 0);
  return { nmi: hab > 0 ? (entropy(pa) + entropy(pb)) / hab : 0, overlap: inside / samples.length };
}
