/**
 * Boxes of one JPEG XL frame (ISO/IEC 18181-2). A bare codestream (FF0A) has no boxes. In the
 * container, only the boxes that make up the image stay: signature, file type, level,
 * codestream (whole or partial) and frame index. Exif, XML, JUMBF and Brotli-compressed boxes
 * (brob, which wraps those) can carry any text and go. So does 'jbrd', the JPEG bitstream
 * reconstruction data: it is Brotli-compressed and holds the original JPEG's COM and APPn
 * segments, which cannot be checked here; without it the pixels decode the same, but the frame
 * is no longer a JPEG recompression (the caller relabels the transfer syntax).
 */
import { CodestreamError, concat, type StrippedFrame } from './codestream-parts.ts';
import { boxName, readBoxes } from './j2k-segments.ts';

const KEEP = new Set(['JXL ', 'ftyp', 'jxll', 'jxlc', 'jxlp', 'jxli']);

export function isJxlCodestream(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0xff && b[1] === 0x0a;
}

export function isJxlContainer(b: Uint8Array): boolean {
  return b.length >= 12 && b[3] === 12 && b[4] === 0x4a && b[5] === 0x58 && b[6] === 0x4c && b[7] === 0x20;
}

export function stripJxl(b: Uint8Array): StrippedFrame {
  if (isJxlCodestream(b)) return { bytes: b, removed: [], headers: [] };
  if (!isJxlContainer(b)) throw new CodestreamError('the JPEG XL frame starts with neither a codestream nor a container signature');
  const boxes = readBoxes(b, 0, b.length, 'JPEG XL');
  const removed: string[] = [];
  const parts: Uint8Array[] = [];
  const headers: Uint8Array[] = [];
  let droppedJpegReconstruction = false;
  let codestream = false;
  for (const x of boxes) {
    if (KEEP.has(x.type)) {
      parts.push(b.subarray(x.start, x.end));
      if (x.type === 'jxlc' || x.type === 'jxlp') codestream = true;
      else headers.push(b.subarray(x.start, x.end));
    } else {
      removed.push(`JPEG XL box ${boxName(x.type)}`);
      if (x.type === 'jbrd') droppedJpegReconstruction = true;
    }
  }
  if (!codestream) throw new CodestreamError('the JPEG XL container holds no codestream box');
  if (removed.length === 0) return { bytes: b, removed, headers };
  const last = boxes[boxes.length - 1];
  if (last.end < b.length) parts.push(b.subarray(last.end));
  return { bytes: concat(parts), removed, headers, droppedJpegReconstruction };
}
