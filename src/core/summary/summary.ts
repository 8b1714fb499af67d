/**
 * What the study browser shows about one ORIGINAL instance: who, which study and series, what
 * kind of image. Read from a parsed file; DOM-free, so it runs in the workers and in unit tests.
 *
 * These values are the original identifiers (PHI): they are shown locally so the user can see
 * what they are working on, and never leave the machine.
 */
import type { ParsedFile } from '../dicom/reader.ts';
import { T } from '../dicom/tags.ts';
import { encodingOf, transferSyntaxName } from '../dicom/transfer-syntax.ts';
import { getNumber, getString } from '../dicom/values.ts';
import { readImagePixel } from '../pixels/image-pixel.ts';

export interface InstanceSummary {
  patientName: string;
  patientId: string;
  patientBirthDate: string;
  patientSex: string;
  studyInstanceUID: string;
  studyDate: string;
  studyDescription: string;
  accessionNumber: string;
  seriesInstanceUID: string;
  seriesNumber?: number;
  seriesDescription: string;
  modality: string;
  sopInstanceUID: string;
  sopClassUID: string;
  instanceNumber?: number;
  rows?: number;
  columns?: number;
  frames: number;
  photometricInterpretation: string;
  transferSyntaxUID: string;
  transferSyntaxName: string;
  /** Pixel data is encapsulated (compressed): no thumbnail without a codec. */
  compressed: boolean;
  hasPixels: boolean;
}

const text = (parsed: ParsedFile, tag: number): string => getString(parsed.dataset, tag)?.trim() ?? '';

function integer(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? Math.trunc(value) : undefined;
}

export function summarizeInstance(parsed: ParsedFile): InstanceSummary {
  const ds = parsed.dataset;
  const ts = parsed.transferSyntaxUID;
  const frames = integer(getNumber(ds, T.NumberOfFrames));
  const image = readImagePixel(ds);
  return {
    patientName: text(parsed, T.PatientName),
    patientId: text(parsed, T.PatientID),
    patientBirthDate: text(parsed, T.PatientBirthDate),
    patientSex: text(parsed, T.PatientSex),
    studyInstanceUID: text(parsed, T.StudyInstanceUID),
    studyDate: text(parsed, T.StudyDate),
    studyDescription: text(parsed, T.StudyDescription),
    accessionNumber: text(parsed, T.AccessionNumber),
    seriesInstanceUID: text(parsed, T.SeriesInstanceUID),
    seriesNumber: integer(getNumber(ds, T.SeriesNumber)),
    seriesDescription: text(parsed, T.SeriesDescription),
    modality: text(parsed, T.Modality).toUpperCase(),
    sopInstanceUID: text(parsed, T.SOPInstanceUID) || getString(parsed.meta, T.MediaStorageSOPInstanceUID)?.trim() || '',
    sopClassUID: text(parsed, T.SOPClassUID) || getString(parsed.meta, T.MediaStorageSOPClassUID)?.trim() || '',
    instanceNumber: integer(getNumber(ds, T.InstanceNumber)),
    rows: integer(image.rows),
    columns: integer(image.columns),
    frames: frames && frames > 0 ? frames : 1,
    photometricInterpretation: image.photometric ?? '',
    transferSyntaxUID: ts,
    transferSyntaxName: transferSyntaxName(ts),
    compressed: encodingOf(ts).encapsulated,
    hasPixels: ds.has(T.PixelData),
  };
}
