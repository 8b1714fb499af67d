/**
 * What the per-format codestream strippers (jpeg-segments, j2k-segments, jxl-boxes) hand back
 * for one frame, and the small byte helpers they share.
 */
import { PixelDataError } from './codecs/types.ts';

export interface StrippedFrame {
  /** The frame as it is to be written: the input itself when nothing had to go. */
  bytes: Uint8Array;
  /** What was taken out, by kind ("COM", "APP1", "JP2 box 'xml '"…), never by content. */
  removed: string[];
  /**
   * The bytes that stay outside entropy-coded data (marker segments, container boxes), for the
   * residual scan: text hidden there would not be pixels, so it must not match an identifier.
   */
  headers: Uint8Array[];
  /** A JPEG XL 'jbrd' box (JPEG reconstruction data) was dropped: the frame is no longer a JPEG recompression. */
  droppedJpegReconstruction?: boolean;
}

/** A frame whose structure cannot be followed: it cannot be checked, so it is not written. */
export class CodestreamError extends PixelDataError {}

export const u16be = (b: Uint8Array, at: number): number => (b[at] << 8) | b[at + 1];
export const u32be = (b: Uint8Array, at: number): number => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/**
 * A copy that owns its bytes. Not `.slice()`: inputs may be Node Buffers, whose slice is a view,
 * and a write through it would change the input file's bytes.
 */
export function copyOf(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Bytes after a codestream's end marker. 00 and FF bytes are padding and stay (so an untouched
 * frame keeps its exact bytes); anything else is where text could hide, and goes.
 */
export function trailingBytes(rest: Uint8Array): { keep: Uint8Array; removed?: string } {
  if (rest.every((x) => x === 0 || x === 0xff)) return { keep: rest };
  return { keep: new Uint8Array(0), removed: 'bytes after the end-of-codestream marker' };
}
