/**
 * Does the Pixel Data's encoding match the transfer syntax the file declares? Encapsulated
 * (compressed) pixels are fragments in items; native pixels are one plain value. A file that
 * declares one and holds the other would be written as an invalid object (and, for fragments
 * under a native syntax, with pixels no step could decode or check). Native pixels under a
 * compressed syntax whose length is exactly that of the image are unambiguous: the declaration
 * is corrected to Explicit VR Little Endian. Fragments under a native syntax name no codec, so
 * that file fails with the reason.
 */
import type { Dataset } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { TS, encodingOf, transferSyntaxName } from '../dicom/transfer-syntax.ts';
import { expectedPixelBytes } from './pixel-length.ts';

export type EncodingMatch =
  | { kind: 'match' }
  | { kind: 'corrected'; transferSyntaxUID: string; note: string }
  | { kind: 'mismatch'; reason: string };

export function matchPixelEncoding(ds: Dataset, transferSyntaxUID: string): EncodingMatch {
  const pixels = ds.get(T.PixelData);
  if (!pixels) return { kind: 'match' };
  const declared = transferSyntaxName(transferSyntaxUID);
  const encapsulated = encodingOf(transferSyntaxUID).encapsulated;
  if (pixels.fragments && !encapsulated) {
    return {
      kind: 'mismatch',
      reason: `Pixel Data is encapsulated (compressed fragments) but the file declares ${declared}, an uncompressed transfer syntax; the codec is unknown, so the pixels cannot be checked and the file is not written`,
    };
  }
  if (!pixels.fragments && encapsulated) {
    const expected = expectedPixelBytes(ds);
    const actual = pixels.value.length;
    if (expected !== undefined && expected > 0 && (actual === expected || actual === expected + (expected % 2))) {
      return {
        kind: 'corrected',
        transferSyntaxUID: TS.ExplicitVRLittleEndian,
        note: `the file declares ${declared} but its Pixel Data is uncompressed (${actual} bytes, as the image attributes need); written as Explicit VR Little Endian, the pixels unchanged`,
      };
    }
    return {
      kind: 'mismatch',
      reason: `the file declares ${declared} but its Pixel Data is not encapsulated, and its ${actual} bytes are not the ${expected ?? 'unknown'} an uncompressed image needs; cannot tell what it holds, so the file is not written`,
    };
  }
  return { kind: 'match' };
}
