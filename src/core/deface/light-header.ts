/**
 * The head check's facts about one file, carried from load to the check as a small Part 10 file:
 * the light header (series-plan.ts `lightHeader`: identity, descriptions, geometry, pixel
 * description — about 1 kB) and the file's transfer syntax. Load has the file parsed anyway; with
 * these bytes the head check of a 400-slice series parses 400 kB instead of re-reading 211 MB.
 *
 * Part 10 rather than an ad-hoc object: the bytes cross threads as one transferable buffer, the
 * page holds them without parsing DICOM, and the check reads them back with the same reader,
 * so the dataset the check sees is the one `decideSeries` always saw (values little endian,
 * charset from Specific Character Set, which the light header keeps).
 */
import type { ParsedFile } from '../dicom/reader.ts';
import { readPart10 } from '../dicom/reader.ts';
import { T } from '../dicom/tags.ts';
import { TS } from '../dicom/transfer-syntax.ts';
import { getString } from '../dicom/values.ts';
import { writePart10 } from '../dicom/writer.ts';
import { lightHeader } from './series-plan.ts';
import type { SeriesInstance } from './types.ts';

export interface LightHeaderBytes {
  /** The light header as Explicit VR Little Endian Part 10 bytes. */
  bytes: Uint8Array;
  /** The transfer syntax of the file it was read from (the check may look at it). */
  transferSyntaxUID: string;
}

/** The light header of a parsed file, encoded; undefined if it cannot be written (the check then reads the file). */
export function encodeLightHeader(parsed: ParsedFile): LightHeaderBytes | undefined {
  const ds = parsed.dataset;
  try {
    const bytes = writePart10({
      dataset: lightHeader(ds),
      transferSyntaxUID: TS.ExplicitVRLittleEndian,
      sopClassUID: getString(ds, T.SOPClassUID) ?? '',
      sopInstanceUID: getString(ds, T.SOPInstanceUID) ?? '',
    });
    return { bytes, transferSyntaxUID: parsed.transferSyntaxUID };
  } catch {
    return undefined;
  }
}

/** One instance as the series decision takes it, from its encoded light header. */
export function instanceFromLightHeader(path: string, header: LightHeaderBytes): SeriesInstance {
  return { path, dataset: readPart10(header.bytes).dataset, transferSyntaxUID: header.transferSyntaxUID };
}
