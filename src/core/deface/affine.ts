/**
 * 4×4 affine matrices (row-major Float64Array of 16, acting on column vectors [x y z 1]), the
 * representation types.ts fixes for every transform in core/deface.
 */

export type Mat4 = Float64Array;
export type Vec3 = [number, number, number];

export function mat4(values: ArrayLike<number>): Mat4 {
  if (values.length !== 16) throw new Error(`a 4×4 matrix takes 16 values, got ${values.length}`);
  return Float64Array.from(values);
}

export const identity = (): Mat4 => mat4([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);

/** a·b: apply b first, then a. */
export function multiply(a: Mat4, b: Mat4): Mat4 {
  const out = new Float64Array(16);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r * 4 + k] * b[k * 4 + c];
      out[r * 4 + c] = s;
    }
  }
  return out;
}

export function apply(m: Mat4, p: readonly number[]): Vec3 {
  const [x, y, z] = p;
  return [
    m[0] * x + m[1] * y + m[2] * z + m[3],
    m[4] * x + m[5] * y + m[6] * z + m[7],
    m[8] * x + m[9] * y + m[10] * z + m[11],
  ];
}

export function determinant3(m: Mat4): number {
  return m[0] * (m[5] * m[10] - m[6] * m[9]) - m[1] * (m[4] * m[10] - m[6] * m[8]) + m[2] * (m[4] * m[9] - m[5] * m[8]);
}

/** Inverse of an affine matrix (last row 0 0 0 1). Throws on a singular linear part. */
export function invert(m: Mat4): Mat4 {
  const det = determinant3(m);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error('singular transform');
  const [a, b, c, , d, e, f, , g, h, i] = [m[0], m[1], m[2], 0, m[4], m[5], m[6], 0, m[8], m[9], m[10]];
  const inv = [
    (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
    (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
    (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det,
  ];
  const t = [m[3], m[7], m[11]];
  const out = identity();
  for (let r = 0; r < 3; r++) {
    for (let col = 0; col < 3; col++) out[r * 4 + col] = inv[r * 3 + col];
    out[r * 4 + 3] = -(inv[r * 3] * t[0] + inv[r * 3 + 1] * t[1] + inv[r * 3 + 2] * t[2]);
  }
  return out;
}

export function translation(t: readonly number[]): Mat4 {
  return mat4([1, 0, 0, t[0], 0, 1, 0, t[1], 0, 0, 1, t[2], 0, 0, 0, 1]);
}

export function scaling(s: readonly number[]): Mat4 {
  return mat4([s[0], 0, 0, 0, 0, s[1], 0, 0, 0, 0, s[2], 0, 0, 0, 0, 1]);
}

/** Rotation by `deg` degrees about axis 0 (x), 1 (y) or 2 (z), right-handed. */
export function rotation(axis: 0 | 1 | 2, deg: number): Mat4 {
  const r = (deg * Math.PI) / 180;
  const c = Math.cos(r);
  const s = Math.sin(r);
  const m = identity();
  const [p, q] = axis === 0 ? [1, 2] : axis === 1 ? [2, 0] : [0, 1];
  m[p * 4 + p] = c;
  m[p * 4 + q] = -s;
  m[q * 4 + p] = s;
  m[q * 4 + q] = c;
  return m;
}

/** `m` applied about the point `center` rather than the origin. */
export function about(center: readonly number[], m: Mat4): Mat4 {
  return multiply(translation(center), multiply(m, translation([-center[0], -center[1], -center[2]])));
}

/** Matrix from a 3×3 linear part (row-major) and a translation. */
export function fromLinear(linear: ArrayLike<number>, t: readonly number[]): Mat4 {
  return mat4([linear[0], linear[1], linear[2], t[0], linear[3], linear[4], linear[5], t[1], linear[6], linear[7], linear[8], t[2], 0, 0, 0, 1]);
}

export function distance(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}
