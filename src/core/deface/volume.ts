/**
 * One regular 3-D volume out of a series of single-frame CT/MR slices, with its patient (LPS)
 * geometry, or a refusal that says why the series is not one regular head volume. Slices are
 * sorted along the slice normal (Image Position projected on Image Orientation's cross product),
 * so axial, sagittal, coronal and oblique acquisitions are all the same case. Modality values
 * come through Rescale Slope/Intercept; compressed frames through the codec path redaction uses.
 */
import { T } from '../dicom/tags.ts';
import { getNumber, getString, getStrings } from '../dicom/values.ts';
import { decodeFrame, transferSyntaxSupport } from '../pixels/codecs/index.ts';
import { frameFragments, imageInfo, nativeFrame, pixelElement } from '../pixels/frames.ts';
import { displayParams } from '../pixels/display.ts';
import { mat4 } from './affine.ts';
import { isHeadModality } from './head-modalities.ts';
import { namesOtherBodyPart, seriesWords, suggestsHead } from './head-words.ts';
import type { SeriesInstance, Volume } from './types.ts';

/** Below these a series is not a head volume a registration can work with. */
export const MIN_SLICES = 20;
export const MIN_EXTENT_MM = 80;
/** A head fits in these bounds (mm) along its largest in-plane extent; an adult head is ~ 150–220. */
export const MIN_HEAD_FOV_MM = 120;
export const MAX_HEAD_FOV_MM = 500;

interface SliceGeometry {
  instance: SeriesInstance;
  position: [number, number, number];
  row: [number, number, number];
  column: [number, number, number];
  spacing: [number, number];
  rows: number;
  columns: number;
}

const dot = (a: readonly number[], b: readonly number[]): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: readonly number[], b: readonly number[]): [number, number, number] => [
  a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0],
];

function numbers(inst: SeriesInstance, tag: number): number[] {
  return getStrings(inst.dataset, tag).map(Number);
}

function sliceGeometry(inst: SeriesInstance): SliceGeometry | string {
  const ds = inst.dataset;
  const ipp = numbers(inst, T.ImagePositionPatient);
  const iop = numbers(inst, T.ImageOrientationPatient);
  const ps = numbers(inst, T.PixelSpacing);
  if (ipp.length !== 3 || ipp.some((v) => !Number.isFinite(v))) return 'an instance has no usable Image Position (Patient)';
  if (iop.length !== 6 || iop.some((v) => !Number.isFinite(v))) return 'an instance has no usable Image Orientation (Patient)';
  if (ps.length !== 2 || ps.some((v) => !(v > 0))) return 'an instance has no usable Pixel Spacing';
  const rows = getNumber(ds, T.Rows);
  const columns = getNumber(ds, T.Columns);
  if (!rows || !columns) return 'an instance has no Rows/Columns';
  const row: [number, number, number] = [iop[0], iop[1], iop[2]];
  const column: [number, number, number] = [iop[3], iop[4], iop[5]];
  if (Math.abs(Math.hypot(...row) - 1) > 0.01 || Math.abs(Math.hypot(...column) - 1) > 0.01 || Math.abs(dot(row, column)) > 0.01) {
    return 'Image Orientation (Patient) is not two orthogonal unit vectors';
  }
  // Pixel Spacing is row spacing (between rows, along the column direction) \ column spacing.
  return { instance: inst, position: [ipp[0], ipp[1], ipp[2]], row, column, spacing: [ps[1], ps[0]], rows, columns };
}

const NOT_A_VOLUME = 'not one regular 3-D head volume';

/** Cheap header test for offering defacing: CT/MR, head-like description or a head-sized regular stack. */
export function isHeadSeries(instances: readonly SeriesInstance[]): true | string {
  if (instances.length === 0) return 'no instances';
  const ds = instances[0].dataset;
  const modality = (getString(ds, T.Modality) ?? '').trim().toUpperCase();
  if (!isHeadModality(modality)) return `modality ${modality || 'absent'}: only CT and MR are defaced`;
  const geometry = stackGeometry(instances);
  if (typeof geometry === 'string') return geometry;
  const words = seriesWords(ds);
  if (suggestsHead(words)) return true;
  if (namesOtherBodyPart(words)) return `the series is described as ${words.trim().replace(/\s+/g, ' ')}, not a head`;
  return true; // head-sized regular stack without a telling description: offer, registration decides
}

interface StackGeometry {
  slices: SliceGeometry[];
  normal: [number, number, number];
  sliceSpacing: number;
}

function stackGeometry(instances: readonly SeriesInstance[]): StackGeometry | string {
  const multiFrame = instances.find((inst) => Number(getString(inst.dataset, T.NumberOfFrames) ?? '1') > 1);
  if (multiFrame) return `${NOT_A_VOLUME}: multi-frame (enhanced) instances are not defaced yet`;
  if (instances.length < MIN_SLICES) return `${NOT_A_VOLUME}: ${instances.length} slice(s), at least ${MIN_SLICES} are needed`;
  const slices: SliceGeometry[] = [];
  for (const inst of instances) {
    const g = sliceGeometry(inst);
    if (typeof g === 'string') return `${NOT_A_VOLUME}: ${g}`;
    slices.push(g);
  }
  const first = slices[0];
  for (const s of slices) {
    if (s.rows !== first.rows || s.columns !== first.columns) return `${NOT_A_VOLUME}: mixed image sizes (${first.columns}×${first.rows} and ${s.columns}×${s.rows})`;
    if (dot(s.row, first.row) < 0.9999 || dot(s.column, first.column) < 0.9999) return `${NOT_A_VOLUME}: mixed orientations (a localiser or several stacks in one series)`;
    if (Math.abs(s.spacing[0] - first.spacing[0]) > 1e-3 || Math.abs(s.spacing[1] - first.spacing[1]) > 1e-3) return `${NOT_A_VOLUME}: mixed pixel spacing`;
  }
  const normal = cross(first.row, first.column);
  slices.sort((a, b) => dot(a.position, normal) - dot(b.position, normal));
  const gaps = slices.slice(1).map((s, i) => dot(s.position, normal) - dot(slices[i].position, normal));
  const sliceSpacing = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  if (!(sliceSpacing > 0.1)) return `${NOT_A_VOLUME}: slices at the same position`;
  const worst = Math.max(...gaps.map((g) => Math.abs(g - sliceSpacing)));
  if (worst > Math.max(0.05 * sliceSpacing, 0.02)) return `${NOT_A_VOLUME}: uneven gaps between slices (${Math.min(...gaps).toFixed(2)} to ${Math.max(...gaps).toFixed(2)} mm)`;
  // Every slice origin must lie on the line along the normal through the first: no shear.
  for (const s of slices) {
    const d = [s.position[0] - first.position[0], s.position[1] - first.position[1], s.position[2] - first.position[2]];
    const along = dot(d, normal);
    const off = Math.hypot(d[0] - along * normal[0], d[1] - along * normal[1], d[2] - along * normal[2]);
    if (off > 0.5 * Math.min(...first.spacing) + 0.01) return `${NOT_A_VOLUME}: slice positions are sheared (${off.toFixed(1)} mm off the stack axis)`;
  }
  const extent = sliceSpacing * (slices.length - 1);
  if (extent < MIN_EXTENT_MM) return `${NOT_A_VOLUME}: the slices cover ${extent.toFixed(0)} mm, at least ${MIN_EXTENT_MM} mm are needed`;
  const fov = Math.max(first.columns * first.spacing[0], first.rows * first.spacing[1], extent);
  if (fov < MIN_HEAD_FOV_MM || fov > MAX_HEAD_FOV_MM) return `${NOT_A_VOLUME}: a ${fov.toFixed(0)} mm field of view is not head-sized`;
  return { slices, normal, sliceSpacing };
}

/** The series as one volume, slices sorted along their normal, values in modality units. */
export async function volumeFromSeries(instances: readonly SeriesInstance[]): Promise<Volume | { refused: string }> {
  if (instances.length === 0) return { refused: `${NOT_A_VOLUME}: no instances` };
  const modality = (getString(instances[0].dataset, T.Modality) ?? '').trim().toUpperCase();
  if (!isHeadModality(modality)) return { refused: `modality ${modality || 'absent'}: only CT and MR are defaced` };
  const geometry = stackGeometry(instances);
  if (typeof geometry === 'string') return { refused: geometry };
  const { slices, normal, sliceSpacing } = geometry;
  const first = slices[0];
  const [nx, ny, nz] = [first.columns, first.rows, slices.length];
  const data = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) {
    const inst = slices[k].instance;
    const samples = await frameSamples(inst);
    if (typeof samples === 'string') return { refused: `${inst.path}: ${samples}` };
    if (samples.length < nx * ny) return { refused: `${inst.path}: the frame holds ${samples.length} samples, ${nx * ny} expected` };
    const p = displayParams(inst.dataset);
    const out = data.subarray(k * nx * ny, (k + 1) * nx * ny);
    for (let n = 0; n < nx * ny; n++) out[n] = samples[n] * p.rescaleSlope + p.rescaleIntercept;
  }
  const [cs, rs] = first.spacing;
  const o = first.position;
  const indexToPatient = mat4([
    first.row[0] * cs, first.column[0] * rs, normal[0] * sliceSpacing, o[0],
    first.row[1] * cs, first.column[1] * rs, normal[1] * sliceSpacing, o[1],
    first.row[2] * cs, first.column[2] * rs, normal[2] * sliceSpacing, o[2],
    0, 0, 0, 1,
  ]);
  return { dims: [nx, ny, nz], indexToPatient, data, modality, slices: slices.map((s) => ({ path: s.instance.path, frame: 0 })) };
}

/** Stored samples of frame 0 of a single-sample image, decoded if compressed. */
async function frameSamples(inst: SeriesInstance): Promise<ArrayLike<number> | string> {
  try {
    const info = imageInfo(inst.dataset);
    if (info.samplesPerPixel !== 1) return `${info.samplesPerPixel} samples per pixel: not a grey-scale CT/MR image`;
    const element = pixelElement(inst.dataset);
    if (!element) return 'no Pixel Data';
    const support = transferSyntaxSupport(inst.transferSyntaxUID);
    if (!support.decode) return `${support.name}: ${support.note}`;
    const codestream = element.fragments ? frameFragments(element, info.numberOfFrames, inst.dataset)[0] : nativeFrame(inst.dataset, 0, info);
    const frame = await decodeFrame(inst.transferSyntaxUID, codestream, info);
    return frame.pixels;
  } catch (e) {
    return `the frame could not be decoded (${(e as Error).message})`;
  }
}
