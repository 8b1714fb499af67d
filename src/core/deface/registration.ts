/**
 * Template ↔ subject registration: a multi-start rigid search, an affine refinement of the best
 * start, and a similarity of our own (similarity.ts) against a calibrated floor. The registrar
 * (elastix in either host) maps FIXED points to MOVING points; the template is the fixed image
 * and the subject the moving one, so its answer is directly template mm → patient mm.
 */
import { about, apply, determinant3, invert, multiply, rotation, scaling, translation, type Mat4, type Vec3 } from './affine.ts';
import { downsample, registrationImage, type Grid } from './grid.ts';
import { headSamples, similarity } from './similarity.ts';
import { loadTemplate, type Template } from './template.ts';
import type { Registrar, RegistrationImage, Volume } from './types.ts';

/**
 * Below this NMI a registration is a failure, not a guess. Calibrated on the fixture heads
 * (similarity.ts over the dilated template head, 32 bins):
 *   correct alignment: head CT 1.099, Colin MR 1.370;
 *   deliberately wrong (from the correct one): shifted 10 mm 1.054 / 1.049, 20 mm 1.033 / 1.028,
 *   40 mm up 1.026 / 1.028, 40 mm sideways 1.008 / 1.010, pitched 30° 1.053 / 1.049,
 *   turned 90° 1.021 / 1.019, 180° 1.016 / 1.016, upside down 1.011 / 1.009, rolled 90° 1.036 / 1.025.
 * The floor sits between the best wrong one (1.054) and the worst right one (1.099). CT against a
 * T1 template scores far lower than MR, so a CT that is noisier or differently windowed than the
 * fixture may be declined: declining is the safe failure.
 */
export const SIMILARITY_FLOOR = 1.075;
/** Less of the template head than this inside the subject's field of view: not enough to judge. */
export const MIN_OVERLAP = 0.5;

/** Registration grid spacing for the subject (mm). */
const SUBJECT_SPACING = 3;

/** Subject values as registration sees them: CT windowed so bone, soft tissue and air stay apart. */
export function registrationValues(volume: Volume): { grid: Grid & { data: Float32Array }; range: [number, number] } {
  const small = downsample({ dims: volume.dims, indexToMm: volume.indexToPatient, data: volume.data }, SUBJECT_SPACING);
  if (volume.modality === 'CT') {
    for (let n = 0; n < small.data.length; n++) small.data[n] = Math.min(200, Math.max(-200, small.data[n]));
    return { grid: small, range: [-200, 200] };
  }
  const sorted = Float32Array.from(small.data).sort();
  const hi = sorted[Math.floor(sorted.length * 0.995)] || 1;
  for (let n = 0; n < small.data.length; n++) small.data[n] = Math.min(hi, Math.max(0, small.data[n]));
  return { grid: small, range: [0, hi] };
}

export function templateImage(t: Template): RegistrationImage {
  return registrationImage({ dims: t.dims, indexToMm: t.indexToMm, data: Float32Array.from(t.t1) });
}

/** Centre of the head part of a grid that lies within `height` mm below its top (patient z up). */
function headCentre(g: Grid, isHead: (v: number) => boolean, height: number): Vec3 | undefined {
  const [nx, ny, nz] = g.dims;
  const zs: number[] = [];
  const pts: Vec3[] = [];
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    if (!isHead(g.data[i + nx * (j + ny * k)])) continue;
    const p = apply(g.indexToMm, [i, j, k]);
    pts.push(p);
    zs.push(p[2]);
  }
  if (pts.length === 0) return undefined;
  zs.sort((a, b) => a - b);
  const top = zs[Math.floor(zs.length * 0.999)];
  const c: Vec3 = [0, 0, 0];
  let n = 0;
  for (const p of pts) {
    if (p[2] < top - height) continue;
    c[0] += p[0];
    c[1] += p[1];
    c[2] += p[2];
    n++;
  }
  return [c[0] / n, c[1] / n, c[2] / n];
}

export interface RegistrationResult {
  templateToPatient: Mat4;
  similarity: number;
  overlap: number;
  floor: number;
  /** Every start tried, with its similarity after the search stage, for reports and calibration. */
  starts: { label: string; similarity: number }[];
  /** The template had to be mirrored left–right to fit: the series' header is probably mirrored. */
  mirrored: boolean;
}

/** Starting orientations: the header's, nodded ±20°. */
const STARTS: { label: string; axis: 0 | 1 | 2; deg: number }[] = [
  { label: 'as the header says', axis: 0, deg: 0 },
  { label: 'pitched +20°', axis: 0, deg: 20 },
  { label: 'pitched −20°', axis: 0, deg: -20 },
];

/** Left–right mirror of template millimetres about the template's mid-sagittal plane (x = 0). */
const MIRROR = scaling([-1, 1, 1]);

/**
 * A series whose header is mirrored left–right can only be matched by a transform with a
 * reflection, which no rigid, similarity or affine run starting from a proper rotation reaches.
 * So the best start is searched once more from its mirror image, and whichever scores higher
 * wins. A head is nearly symmetric, so on a real subject the two may score within noise of each
 * other; either way the face region (symmetric about the mid-sagittal plane) lands on the face and
 * the brain guard follows the registered brain. The flag only reports which one won.
 */
export async function registerToTemplate(volume: Volume, registrar: Registrar, onProgress?: (f: number, stage: string) => void): Promise<RegistrationResult | { refused: string }> {
  const t = loadTemplate();
  const fixed = templateImage(t);
  const { grid, range } = registrationValues(volume);
  const moving = registrationImage(grid);
  const samples = headSamples(t);
  const templateGrid: Grid = { dims: t.dims, indexToMm: t.indexToMm, data: t.head };
  const templateHeight = 150;
  const tc = headCentre(templateGrid, (v) => v > 0, templateHeight);
  const headThreshold = volume.modality === 'CT' ? -300 : range[0] + 0.1 * (range[1] - range[0]);
  const sc = headCentre(grid, (v) => v > headThreshold, templateHeight);
  if (!tc || !sc) return { refused: 'not one regular 3-D head volume: no head found in the image' };
  const shift = translation([sc[0] - tc[0], sc[1] - tc[1], sc[2] - tc[2]]);
  const score = (m: Mat4) => similarity(t, samples, grid, range, m);
  // With stages: a quick similarity run per start, affine only for the best. Without: full runs.
  const search = registrar.stage?.('similarity', 1) ?? registrar;
  const affine = registrar.stage?.('affine', 2);
  const steps = STARTS.length + 2;

  const starts: { label: string; similarity: number }[] = [];
  let best: { m: Mat4; s: number } | undefined;
  const tryStart = async (label: string, t0: Mat4): Promise<void> => {
    onProgress?.(starts.length / steps, `registration: ${label}`);
    const { fixedToMoving } = await search.register(fixed, moving, t0);
    const s = score(fixedToMoving).nmi;
    starts.push({ label, similarity: s });
    if (!best || s > best.s) best = { m: fixedToMoving, s };
  };
  for (const start of STARTS) await tryStart(start.label, multiply(shift, about(tc, rotation(start.axis, start.deg))));
  // The mirror of the best fit, about the template's mid-sagittal plane: same place, reflected.
  await tryStart('mirrored left–right', multiply(best!.m, MIRROR));
  onProgress?.((steps - 1) / steps, 'registration: affine refinement');
  let final = affine ? (await affine.register(fixed, moving, best!.m)).fixedToMoving : best!.m;
  let s = score(final);
  // An affine step that made things worse (rare: a degenerate scale) keeps the search's answer.
  if (s.nmi < best!.s) {
    final = best!.m;
    s = score(final);
  }
  // Sanity of the linear part: a head is not squashed to half or blown up to double.
  const det = Math.abs(final[0] * (final[5] * final[10] - final[6] * final[9]) - final[1] * (final[4] * final[10] - final[6] * final[8]) + final[2] * (final[4] * final[9] - final[5] * final[8]));
  invert(final);
  if (det < 0.5 || det > 2) return { refused: `needs manual review: the registration to the template scales the head by ${Math.cbrt(det).toFixed(2)}` };
  if (s.overlap < MIN_OVERLAP) return { refused: `needs manual review: only ${(100 * s.overlap).toFixed(0)} % of the template head lies in the field of view` };
  return { templateToPatient: final, similarity: s.nmi, overlap: s.overlap, floor: SIMILARITY_FLOOR, starts, mirrored: determinant3(final) < 0 };
}
