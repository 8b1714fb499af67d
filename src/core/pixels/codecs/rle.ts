/**
 * RLE Lossless (PS3.5 Annex G), both ways. A frame is a 64-byte header (segment count and up to
 * 15 segment offsets) followed by PackBits-coded segments: one per byte of each sample, the most
 * significant byte first, sample by sample (so colour is planar inside the codestream).
 */
import { PixelDataError } from './types.ts';

const u32 = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

/**
 * Decodes one RLE frame into native little-endian bytes, colour-by-plane
 * (all of sample 0, then sample 1, …), `bytesPerSample` bytes per sample.
 */
export function decodeRle(frame: Uint8Array, pixels: number, samplesPerPixel: number, bytesPerSample: number): Uint8Array {
  if (frame.length < 64) throw new PixelDataError(`RLE frame is ${frame.length} bytes, shorter than its 64-byte header`);
  const segments = u32(frame, 0);
  const expected = samplesPerPixel * bytesPerSample;
  if (segments !== expected) {
    throw new PixelDataError(`RLE frame has ${segments} segment(s) but ${samplesPerPixel} sample(s) of ${bytesPerSample} byte(s) need ${expected}`);
  }
  const offsets: number[] = [];
  for (let i = 0; i < segments; i++) offsets.push(u32(frame, 4 + i * 4));
  const out = new Uint8Array(pixels * expected);
  for (let s = 0; s < segments; s++) {
    const start = offsets[s];
    const end = s + 1 < segments ? offsets[s + 1] : frame.length;
    if (start < 64 || start > frame.length || end < start || end > frame.length) {
      throw new PixelDataError(`RLE segment ${s + 1} has an offset (${start}) outside the frame (${frame.length} bytes)`);
    }
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample); // segments run MSB → LSB
    const written = unpackSegment(frame, start, end, out, sample * pixels * bytesPerSample + byteInSample, bytesPerSample, pixels);
    if (written < pixels) {
      throw new PixelDataError(`RLE segment ${s + 1} decodes to ${written} bytes but the frame needs ${pixels}: the codestream is truncated or damaged`);
    }
  }
  return out;
}

/** PackBits-decodes src[start, end) into every `stride`-th byte of out from `at`; stops after `count` bytes. */
function unpackSegment(src: Uint8Array, start: number, end: number, out: Uint8Array, at: number, stride: number, count: number): number {
  let i = start;
  let n = 0;
  while (i < end && n < count) {
    const h = src[i++];
    if (h < 128) {
      // literal run of h + 1 bytes
      const len = Math.min(h + 1, count - n, end - i);
      for (let k = 0; k < len; k++) out[at + (n + k) * stride] = src[i + k];
      n += len;
      i += h + 1;
    } else if (h > 128) {
      // replicate the next byte 257 - h times
      if (i >= end) break;
      const v = src[i++];
      const len = Math.min(257 - h, count - n);
      for (let k = 0; k < len; k++) out[at + (n + k) * stride] = v;
      n += len;
    }
    // h === 128: no-op
  }
  return n;
}

/**
 * Encodes one frame to RLE. `planes` is native little-endian bytes, colour-by-plane; each row
 * is coded on its own so that no run crosses a row boundary (PS3.5 G.3.1).
 */
export function encodeRle(planes: Uint8Array, rows: number, columns: number, samplesPerPixel: number, bytesPerSample: number): Uint8Array {
  const segments = samplesPerPixel * bytesPerSample;
  if (segments > 15) throw new PixelDataError(`RLE holds at most 15 segments; ${samplesPerPixel} sample(s) of ${bytesPerSample} byte(s) need ${segments}`);
  const pixels = rows * columns;
  const coded: Uint8Array[] = [];
  const row = new Uint8Array(columns);
  // Worst case PackBits: one header byte per 128 literal bytes, plus one for evenness.
  const scratch = new Uint8Array(rows * (columns + Math.ceil(columns / 128)) + 1);
  for (let s = 0; s < segments; s++) {
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    const base = sample * pixels * bytesPerSample + byteInSample;
    let n = 0;
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < columns; x++) row[x] = planes[base + (y * columns + x) * bytesPerSample];
      n = packRow(row, scratch, n);
    }
    if (n & 1) scratch[n++] = 0x80; // segments are even length: pad with a no-op
    coded.push(scratch.slice(0, n));
  }
  let total = 64;
  for (const c of coded) total += c.length;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, segments, true);
  let at = 64;
  coded.forEach((c, i) => {
    v.setUint32(4 + i * 4, at, true);
    out.set(c, at);
    at += c.length;
  });
  return out;
}

/**
 * PackBits for one row into out[at…]: runs of 3 or more equal bytes replicate, the rest go as
 * literals (≤ 128 bytes each). Returns the new end.
 */
function packRow(row: Uint8Array, out: Uint8Array, at: number): number {
  const n = row.length;
  let i = 0;
  while (i < n) {
    let run = 1;
    while (i + run < n && run < 128 && row[i + run] === row[i]) run++;
    if (run >= 3) {
      out[at++] = 257 - run;
      out[at++] = row[i];
      i += run;
      continue;
    }
    // Literal: extend until a run of 3 starts or 128 bytes are gathered.
    const start = i;
    let len = 0;
    while (i < n && len < 128) {
      if (i + 2 < n && row[i] === row[i + 1] && row[i] === row[i + 2]) break;
      i++;
      len++;
    }
    out[at++] = len - 1;
    out.set(row.subarray(start, start + len), at);
    at += len;
  }
  return at;
}
