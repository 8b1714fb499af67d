/**
 * Template ↔ subject registration: a multi-start similarity search (three pitches and the mirror
 * image of the best), an affine refinement of the best start, and a similarity of our own (similarity.ts) against a calibrated floor. The registrar
 * (elastix in either host) maps FIXED points to MOVING points; the template is the fixed image
 * and the subject the moving one, so its answer is directly template mm → patient mm.
 */
import { about, apply, determinant3, invert, multiply, rotation, scaling, translation, type Mat4, type Vec3 } from './affine.ts';
import { downsample, registrationImage, type Grid } from './grid.ts';
import { headSamples, similarity } from './similarity.ts';
import { loadTemplate, type Template } from './template.ts';
import type { Registrar, RegistrationImage, Volume } from './types.ts';

/**
 * Below this NMI a registration is a failure, not a guess. Calibrated on the fixture heads with
 * scripts/calibrate-deface-similarity.ts (similarity.ts over the dilated template head, 32 bins;
 * wrong alignments are the right one shifted, turned or flipped over):
 *
 *                               CT, ±200 HU window   CT as T1 (ctAsT1)   Colin MR
 *   right alignment                  1.098              1.093             1.369
 *   shifted 10 mm up                 1.077              1.063             1.077
 *   shifted 10 mm forward            1.054              1.041             1.051
 *   shifted 10 mm sideways           1.049              1.039             1.037
 *   shifted 20 mm forward            1.036              1.027             1.028
 *   pitched 30° / −30°           1.040 / 1.031      1.033 / 1.024     1.034 / 1.022
 *   rolled 90°                       1.034              1.028             1.026
 *   turned 90° / 180°, upside down   ≤ 1.012            ≤ 1.009           ≤ 1.011
 *
 * With the window, a CT 10 mm too low scored 1.077, above the former floor (1.075) and 0.021 from
 * the right one: CT is now mapped to T1-like contrast before registration, which lowers every
 * wrong score by ~0.01 and the right one by 0.005 (margin 0.030), and lands within 2.3 mm of the
 * window's answer at every landmark. The floor sits between the best wrong CT (1.063) and the
 * right CT (1.093), just above Colin shifted 10 mm (1.077; Colin is the template itself, so its
 * right score says nothing about real MR). A 10 mm error is not what the registration ends in
 * (it is no local optimum); the floor is for gross failures. CT scores far lower than MR against
 * a T1 template, so a CT that is noisier or differently reconstructed than the fixture may be
 * declined: declining is the safe failure.
 */
export const SIMILARITY_FLOOR = 1.08;
/** Less of the template head than this inside the subject's field of view: not enough to judge. */
export const MIN_OVERLAP = 0.5;

/** Registration grid spacing for the subject (mm). */
const SUBJECT_SPACING = 3;

/**
 * CT Hounsfield units → grey levels of a T1 image like the template (0–255): air and cortical bone
 * dark, fat bright, CSF and the vitreous dark, white matter brighter than grey matter (the reverse
 * of CT), muscle mid-grey. Control points read off Colin27's histogram (brain 32–128, white matter
 * ~100–120, scalp fat up to ~220) and textbook HU (fat −100, CSF 0–15, white matter ~25, grey
 * matter ~38, bone > 400).
 */
const CT_AS_T1: readonly [number, number][] = [
  [-1000, 0], [-400, 0], [-200, 150], [-100, 180], [-30, 100], [0, 35], [12, 40],
  [25, 110], [38, 80], [60, 75], [150, 40], [400, 15], [3000, 15],
];

export function ctAsT1(hu: number): number {
  if (hu <= CT_AS_T1[0][0]) return CT_AS_T1[0][1];
  for (let n = 1; n < CT_AS_T1.length; n++) {
    const [x1, y1] = CT_AS_T1[n];
    if (hu > x1) continue;
    const [x0, y0] = CT_AS_T1[n - 1];
    return y0 + ((hu - x0) * (y1 - y0)) / (x1 - x0);
  }
  return CT_AS_T1[CT_AS_T1.length - 1][1];
}

/** How CT reaches the registration: a ±200 HU window, or mapped to T1-like contrast. */
export type CtContrast = 'window' | 't1';
let ctContrast: CtContrast = 't1';
/** For the calibration script (scripts/calibrate-deface-similarity.ts) only. */
export const setCtContrast = (c: CtContrast): void => {
  ctContrast = c;
};

/** Subject values as registration sees them: CT in T1-like contrast (or windowed), MR clipped at its 99.5th percentile. */
export function registrationValues(volume: Volume): { grid: Grid & { data: Float32Array }; range: [number, number] } {
  const small = downsample({ dims: volume.dims, indexToMm: volume.indexToPatient, data: volume.data }, SUBJECT_SPACING);
  if (volume.modality === 'CT' && ctContrast === 't1') {
    for (let n = 0; n < small.data.length; n++) small.data[n] = ctAsT1(small.data[n]);
    return { grid: small, range: [0, 256] };
  }
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
  // Head = not air: above −300 HU in a CT window; in T1-like contrast air (≤ −400 HU) alone is 0.
  const headThreshold = volume.modality !== 'CT' ? range[0] + 0.1 * (range[1] - range[0]) : ctContrast === 't1' ? 0 : -300;
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
