/**
 * Which images and frames to read. OCR costs a few hundred milliseconds a frame, a CT series has
 * hundreds of slices and a cine loop hundreds of frames, so:
 * - images of the kinds that usually carry burned-in text are always read: ultrasound, secondary
 *   and screen captures, angiography/fluoroscopy, projection radiography, "other", photographs,
 *   and anything whose Burned In Annotation is YES;
 * - other series (CT, MR, PET, NM…) are sampled: first, middle and last image, plus the first
 *   image of every geometry that differs from the rest (size, spacing, orientation, colour);
 *   what the samples show is proposed for the unread images of the same geometry;
 * - a multi-frame image is read on a few frames (first, middle, last); detect.ts carries each box
 *   to every other frame whose pixels under the box are the same, and reads frames that differ;
 * - `readEverything` reads every image and every frame.
 */
import type { Dataset } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { getNumber, getString, getStrings } from '../dicom/values.ts';
import { readImagePixel } from '../pixels/image-pixel.ts';

export interface InstanceSummary {
  sopInstanceUID: string;
  seriesInstanceUID: string;
  sopClassUID: string;
  modality: string;
  burnedInAnnotation: string;
  imageType: string[];
  rows: number;
  columns: number;
  frames: number;
  instanceNumber?: number;
  /** Size, spacing, orientation and colour: images with equal keys share overlay positions. */
  geometry: string;
}

export function summarize(ds: Dataset): InstanceSummary {
  const image = readImagePixel(ds);
  const rows = image.rows ?? 0;
  const columns = image.columns ?? 0;
  const orientation = getStrings(ds, T.ImageOrientationPatient).map((v) => Math.round(Number(v) * 100) / 100).join(',');
  const spacing = getStrings(ds, T.PixelSpacing).map((v) => Number(v).toFixed(3)).join(',');
  const photometric = image.photometric ?? '';
  return {
    sopInstanceUID: getString(ds, T.SOPInstanceUID)?.trim() ?? '',
    seriesInstanceUID: getString(ds, T.SeriesInstanceUID)?.trim() ?? '',
    sopClassUID: getString(ds, T.SOPClassUID)?.trim() ?? '',
    modality: (getString(ds, T.Modality) ?? '').trim().toUpperCase(),
    burnedInAnnotation: (getString(ds, T.BurnedInAnnotation) ?? '').trim().toUpperCase(),
    imageType: getStrings(ds, T.ImageType).map((v) => v.toUpperCase()),
    rows,
    columns,
    frames: Math.max(1, Math.trunc(getNumber(ds, T.NumberOfFrames) ?? 1) || 1),
    instanceNumber: getNumber(ds, T.InstanceNumber),
    geometry: `${rows}x${columns}|${spacing}|${orientation}|${photometric}`,
  };
}

/** Modalities whose images usually carry burned-in text. */
const TEXT_PRONE_MODALITIES = new Set(['US', 'IVUS', 'XA', 'RF', 'CR', 'DX', 'MG', 'IO', 'PX', 'OT', 'SC', 'XC', 'ES', 'GM', 'SM', 'OP', 'DOC', 'ECG', 'HD']);

/** Secondary capture (single and multi-frame) and video photographic classes. */
function isCaptureClass(uid: string): boolean {
  return uid.startsWith('1.2.840.10008.5.1.4.1.1.7') || uid.startsWith('1.2.840.10008.5.1.4.1.1.77.1');
}

/** Whether an image is always read (never only sampled), and why. */
export function alwaysReadReason(s: InstanceSummary): string | undefined {
  if (s.burnedInAnnotation === 'YES') return 'Burned In Annotation is YES';
  if (TEXT_PRONE_MODALITIES.has(s.modality)) return `${s.modality} images usually carry burned-in text`;
  if (isCaptureClass(s.sopClassUID)) return 'secondary or screen capture';
  if (s.imageType.some((t) => t.includes('SCREEN') || t === 'SECONDARY')) return 'screen capture or secondary image';
  return undefined;
}

export interface ReadPlan {
  /** Instances to read, by index in the input list. */
  read: number[];
  /** For each unread instance (by index): the read instances whose boxes it takes over. */
  propagate: Map<number, number[]>;
  /** Why each read instance is read. */
  reasons: Map<number, string>;
}

export interface SamplingOptions {
  /** Read every instance (and, in detect.ts, every frame). */
  readEverything?: boolean;
}

/** Plans the reads for a batch of instances (any number of series). */
export function planReads(instances: readonly InstanceSummary[], options: SamplingOptions = {}): ReadPlan {
  const read = new Set<number>();
  const reasons = new Map<number, string>();
  const propagate = new Map<number, number[]>();
  const bySeries = new Map<string, number[]>();
  instances.forEach((s, i) => {
    if (s.rows === 0 || s.columns === 0) return; // no pixels: nothing to read
    const why = options.readEverything ? 'every image is read' : alwaysReadReason(s);
    if (why) {
      read.add(i);
      reasons.set(i, why);
      return;
    }
    const key = s.seriesInstanceUID || `instance:${i}`;
    const list = bySeries.get(key);
    if (list) list.push(i);
    else bySeries.set(key, [i]);
  });

  for (const members of bySeries.values()) {
    const ordered = [...members].sort((a, b) => (instances[a].instanceNumber ?? a) - (instances[b].instanceNumber ?? b) || a - b);
    const sample = new Set<number>([ordered[0], ordered[ordered.length >> 1], ordered[ordered.length - 1]]);
    const groups = new Map<string, number[]>();
    for (const i of ordered) {
      const g = instances[i].geometry;
      const list = groups.get(g);
      if (list) list.push(i);
      else groups.set(g, [i]);
    }
    for (const [, list] of groups) {
      // Every geometry gets at least one read image.
      if (!list.some((i) => sample.has(i))) sample.add(list[0]);
    }
    for (const i of sample) {
      read.add(i);
      reasons.set(i, ordered.length > 3 ? `sampled from a series of ${ordered.length}` : 'small series: every image is read');
    }
    for (const list of groups.values()) {
      const sources = list.filter((i) => sample.has(i));
      for (const i of list) if (!sample.has(i)) propagate.set(i, sources);
    }
  }
  return { read: [...read].sort((a, b) => a - b), propagate, reasons };
}

/** Frames to read first in a multi-frame image (0-based). */
export function sampleFrames(frameCount: number, readEveryFrame = false): number[] {
  if (readEveryFrame || frameCount <= 3) return Array.from({ length: frameCount }, (_, i) => i);
  return [...new Set([0, frameCount >> 1, frameCount - 1])];
}
