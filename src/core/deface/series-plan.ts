/**
 * Which series of a run get defaced, before any file is written: inputs are grouped by Series
 * Instance UID from a first pass over their headers, and each series is decided as
 *
 * - deface: a head CT/MR series (the engine's isHeadSeries says yes): defaced as a whole;
 * - decline: it describes itself as a head CT/MR (Body Part Examined, descriptions) but is not
 *   one regular volume the engine can deface — a head asked to be defaced that cannot be is a
 *   failure, not a silent pass (fail closed);
 * - skip: not a head CT/MR series (another modality, another body part, or a stack that is not a
 *   head volume and does not claim to be a head): written as usual.
 *
 * The first pass keeps a light copy of each header (the attributes below, copied out of the
 * file's buffer), so the pixel bytes of files that are not defaced are never held. Both hosts use
 * this; it is DOM- and Node-free like the rest of the core.
 */
import { Dataset, type DataElement } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { getString } from '../dicom/values.ts';
import { isHeadModality } from './head-modalities.ts';
import { describedAsHead } from './head-words.ts';
import type { SeriesInstance } from './types.ts';
import { NOT_A_HEAD_SERIES } from './write-back.ts';

/** The attributes a series decision reads (identity, description, geometry). */
const HEADER_TAGS: readonly number[] = [
  T.SOPClassUID, T.SOPInstanceUID, T.Modality, T.StudyDescription, T.SeriesDescription, T.ProtocolName, T.BodyPartExamined,
  T.StudyInstanceUID, T.SeriesInstanceUID, T.InstanceNumber, T.ImagePositionPatient, T.ImageOrientationPatient,
  T.PixelSpacing, T.SliceThickness, T.SpacingBetweenSlices, T.Rows, T.Columns, T.NumberOfFrames, T.SamplesPerPixel,
  T.BitsAllocated, T.BitsStored, T.HighBit, T.PixelRepresentation, T.PhotometricInterpretation,
  T.RescaleIntercept, T.RescaleSlope, T.PixelPaddingValue, T.ImageType, T.SpecificCharacterSet,
];

/** A copy of the header attributes a series decision needs, holding none of the file's buffer. */
export function lightHeader(ds: Dataset): Dataset {
  const light = new Dataset(ds.charset);
  for (const tag of HEADER_TAGS) {
    const el = ds.get(tag);
    if (el && !el.items && !el.fragments) light.set({ tag: el.tag, vr: el.vr, value: el.value.slice() } as DataElement);
  }
  return light;
}

export type SeriesDecision = { kind: 'deface' } | { kind: 'decline'; reason: string } | { kind: 'skip'; reason: string };

/** The engine's cheap header test (deface/volume.ts): true, or why the series is not a head volume. */
export type HeadTest = (instances: readonly SeriesInstance[]) => true | string;

export function decideSeries(instances: readonly SeriesInstance[], isHeadSeries: HeadTest): SeriesDecision {
  const modality = (getString(instances[0]?.dataset ?? new Dataset(), T.Modality) ?? '').trim().toUpperCase();
  if (!isHeadModality(modality)) return { kind: 'skip', reason: `${NOT_A_HEAD_SERIES} (modality ${modality || 'absent'})` };
  const verdict = isHeadSeries(instances);
  if (verdict === true) return { kind: 'deface' };
  if (instances.some((i) => describedAsHead(i.dataset))) return { kind: 'decline', reason: verdict };
  return { kind: 'skip', reason: `${NOT_A_HEAD_SERIES} (${verdict})` };
}

/** One input as the first pass saw it. */
export interface HeaderEntry {
  /** The input's index in the run. */
  index: number;
  path: string;
  seriesInstanceUID: string;
  header: Dataset;
  transferSyntaxUID: string;
}

/** Inputs grouped by Series Instance UID, in order of each series' first input. */
export function groupBySeries(entries: readonly HeaderEntry[]): HeaderEntry[][] {
  const groups = new Map<string, HeaderEntry[]>();
  for (const e of entries) {
    const g = groups.get(e.seriesInstanceUID);
    if (g) g.push(e);
    else groups.set(e.seriesInstanceUID, [e]);
  }
  return [...groups.values()];
}
