/**
 * A cheap look at encapsulated Pixel Data, without decoding: does each frame's codestream start
 * and end with the markers its transfer syntax requires? Header-only de-identification copies
 * the fragments byte for byte, so a damaged codestream is passed on as it came; the report says so.
 */
import type { DataElement } from '../dicom/dataset.ts';
import { transferSyntaxInfo } from '../dicom/transfer-syntax.ts';

function endsWith(b: Uint8Array, hi: number, lo: number): boolean {
  // Fragments are padded to even length, and some encoders leave a few stray bytes after the
  // end marker, which decoders ignore: look for the marker near the end, not at the last byte.
  for (let i = b.length - 2; i >= Math.max(0, b.length - 32); i--) if (b[i] === hi && b[i + 1] === lo) return true;
  return false;
}

/** Image size from a JPEG 2000 SIZ segment (right after SOC): [columns, rows]. */
function j2kSize(b: Uint8Array): [number, number] | undefined {
  if (b.length < 24 || b[2] !== 0xff || b[3] !== 0x51) return undefined;
  const u32 = (at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  return [u32(8) - u32(16), u32(12) - u32(20)];
}

export function checkCodestream(pixels: DataElement, transferSyntaxUID: string, rows?: number, columns?: number): string | undefined {
  const fragments = pixels.fragments;
  if (!fragments) return undefined;
  const data = fragments.slice(1).filter((f) => f.length > 0);
  if (data.length === 0) return 'encapsulated Pixel Data has no fragments: the image is empty';
  const first = data[0];
  const last = data[data.length - 1];
  const family = transferSyntaxInfo(transferSyntaxUID)?.family;
  if (family === 'jpeg' || family === 'jpeg-ls') {
    if (first[0] !== 0xff || first[1] !== 0xd8) return 'JPEG codestream does not start with an SOI marker: the pixel data may be damaged';
    if (!endsWith(last, 0xff, 0xd9)) return 'JPEG codestream does not end with an EOI marker: the pixel data may be truncated';
  } else if (family === 'j2k' || family === 'htj2k') {
    if (first[4] === 0x6a && first[5] === 0x50 && first[6] === 0x20 && first[7] === 0x20) {
      return 'JPEG 2000 pixel data carries a JP2 file header instead of a bare codestream (not conformant; some decoders refuse it)';
    }
    if (first[0] !== 0xff || first[1] !== 0x4f) return 'JPEG 2000 codestream does not start with an SOC marker: the pixel data may be damaged';
    if (!endsWith(last, 0xff, 0xd9)) return 'JPEG 2000 codestream does not end with an EOC marker: the pixel data may be truncated or damaged';
    const size = j2kSize(first);
    if (size && rows && columns && (size[0] !== columns || size[1] !== rows)) {
      return `JPEG 2000 codestream says ${size[0]}×${size[1]} pixels but the header says ${columns}×${rows}: the pixel data is damaged`;
    }
  }
  return undefined;
}
