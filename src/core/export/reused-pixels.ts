/**
 * Pixel data read once. A de-identified image is mostly its input: the engine rewrites the
 * header and leaves native Pixel Data untouched (writePart10Parts keeps it as a view of the
 * input). So the browser reads each file once, at load, keeps the few kilobytes around the pixel
 * value (`head`, `tail`) and the value's CRC-32, and at export de-identifies the header again
 * over a zero-filled placeholder of the value's length: the zip entry's CRC is the new header's
 * CRC joined to the stored one (crc32Combine), and its content a byte range of the input file.
 *
 * It is used only where it is exact, and checked where it is used:
 *   at load   native (not encapsulated) Pixel Data, little endian, left by the engine as one
 *             untouched view of the input under the load session — the value itself was read and
 *             needed no change (no hidden overlay bits, no stray high bits, nothing painted);
 *   at export the output must hold the placeholder exactly once, as that same untouched range,
 *             the pixel step must have done nothing (painting copies the pixels), and the
 *             placeholder must still be zero. Anything else: the caller reads the whole file
 *             again and de-identifies it as before.
 */
import type { ParsedFile } from '../dicom/reader.ts';
import { pixelElement } from '../pixels/image-pixel.ts';
import type { PixelRedaction } from '../pixels/redact.ts';
import { crc32, crc32Combine } from './crc32.ts';
import type { ReusedOutput } from './reused-output.ts';

/** Whether the pixel step changed the pixel value (painted, cleared bits, re-encoded): then nothing is reused. */
export const pixelsChanged = (pixels: PixelRedaction | undefined): boolean =>
  pixels !== undefined && (pixels.encoding !== 'unchanged' || pixels.painted.length > 0 || pixels.overlayBitsCleared.length > 0);

/** What load keeps for one file: about the size of its header, never its pixels. */
export interface ReusedPixels {
  /** Input bytes before the pixel value (the whole header). */
  head: Uint8Array;
  /** Input bytes after it (trailing elements, padding; usually empty). */
  tail: Uint8Array;
  /** The value's byte range in the input file, and its CRC-32. */
  start: number;
  end: number;
  crc: number;
  /** The de-identified output load made under the options it names (reused-output.ts), when there is one. */
  output?: ReusedOutput;
}

/** Above this, head + tail are not kept (a header with large values before the pixels): export reads the file. */
export const MAX_KEPT_BYTES = 256 * 1024;

/**
 * At load: the reusable pixel value of `input`, given the engine's output `parts` for it (views
 * of `input` are the values it left untouched); undefined when the file does not qualify.
 */
export function findReusedPixels(input: Uint8Array, parsed: ParsedFile, parts: readonly Uint8Array[], pixelsChanged: boolean): ReusedPixels | undefined {
  if (pixelsChanged) return undefined;
  const el = pixelElement(parsed.dataset);
  if (!el || el.fragments || el.value.length === 0 || el.value.buffer !== input.buffer) return undefined;
  const views = parts.filter((p) => p.buffer === input.buffer);
  if (views.length !== 1 || views[0].byteOffset !== el.value.byteOffset || views[0].length !== el.value.length) return undefined;
  const start = el.value.byteOffset - input.byteOffset;
  const end = start + el.value.length;
  if (input.length - (end - start) > MAX_KEPT_BYTES) return undefined;
  return { head: input.slice(0, start), tail: input.slice(end), start, end, crc: crc32(el.value) };
}

/** A placeholder buffer and where its zeros are (its last file's value range). */
export interface Placeholder {
  bytes: Uint8Array;
  start: number;
  end: number;
}

/**
 * At export: the input as the engine reads it, the pixel value replaced by zeros of its length.
 * `spare` — a placeholder of the same size from an earlier file, whose zeros reuseOutput
 * verified — is filled in place: a fresh buffer of half a megabyte costs more in first-touch
 * page faults than the rest of the export of that file.
 */
export function withPlaceholder(r: ReusedPixels, spare?: Placeholder): Placeholder {
  const size = r.head.length + (r.end - r.start) + r.tail.length;
  let bytes: Uint8Array;
  if (spare && spare.bytes.length === size) {
    bytes = spare.bytes;
    // Where the last file's header or tail lay inside this file's value range: zero again.
    if (spare.start > r.start) bytes.fill(0, r.start, Math.min(spare.start, r.end));
    if (spare.end < r.end) bytes.fill(0, Math.max(spare.end, r.start), r.end);
  } else {
    bytes = new Uint8Array(size);
  }
  bytes.set(r.head, 0);
  bytes.set(r.tail, r.end);
  return { bytes, start: r.start, end: r.end };
}

/** A de-identified file's content: new bytes, or a byte range of the input file. */
export type OutputPiece = Uint8Array | { start: number; end: number };

function isZero(bytes: Uint8Array): boolean {
  // Words where aligned (the placeholder is a fresh buffer: its value starts where the header
  // ends); OR-ing without a branch per word keeps this a small fraction of a CRC's cost.
  let head = 0;
  while (head < bytes.length && (bytes.byteOffset + head) % 4 !== 0) head++;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset + head, (bytes.length - head) >>> 2);
  let any = 0;
  for (let i = 0; i < words.length; i++) any |= words[i];
  for (let i = 0; i < head; i++) any |= bytes[i];
  for (let i = head + words.length * 4; i < bytes.length; i++) any |= bytes[i];
  return any === 0;
}

/**
 * At export: the pieces and CRC-32 of an output the engine made from `withPlaceholder(r)`
 * (`placeholder`), or undefined when the output is not the input's pixel value untouched
 * behind a new header — then the file must be read and de-identified again.
 */
export function reuseOutput(placeholder: Uint8Array, r: ReusedPixels, parts: readonly Uint8Array[], pixelsChanged: boolean): { pieces: OutputPiece[]; crc: number } | undefined {
  if (pixelsChanged) return undefined;
  const pieces: OutputPiece[] = [];
  let crc = 0;
  let reused = 0;
  for (const p of parts) {
    if (p.buffer !== placeholder.buffer) {
      pieces.push(p);
      crc = crc32(p, crc);
      continue;
    }
    const start = p.byteOffset - placeholder.byteOffset;
    const end = start + p.length;
    if (start === r.start && end === r.end) {
      reused++;
      pieces.push({ start, end });
      crc = crc32Combine(crc, r.crc, end - start);
    } else if (end <= r.start || start >= r.end) {
      // A large header value left as is: real input bytes (head or tail), a range of the file too.
      pieces.push({ start, end });
      crc = crc32(p, crc);
    } else {
      return undefined; // Output made from part of the placeholder: not the input's bytes.
    }
  }
  if (reused !== 1 || !isZero(placeholder.subarray(r.start, r.end))) return undefined;
  return { pieces, crc };
}
