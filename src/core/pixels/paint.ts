/**
 * Painting rectangles over native (uncompressed, little-endian) pixel data, and choosing the
 * value to paint with: the darkest value the image can show.
 *
 * Pixel data here is one buffer that holds one or more frames; a frame is addressed by the bit
 * at which it starts (1-bit images pack frames back to back, so a frame need not start on a byte
 * boundary). Every sample is read and written as its whole stored word, so the unused bits
 * around Bits Stored keep the file's own convention (sign extension, zeros) as the darkest pixel
 * had them.
 *
 * Supported: Bits Allocated 1, 8, 16, 32 (integer, signed and unsigned, any Bits Stored and High
 * Bit), 32 and 64 (Float and Double Float Pixel Data); 1 or 3 samples per pixel; planar
 * configuration 0 and 1; MONOCHROME1, MONOCHROME2, PALETTE COLOR, RGB, YBR_FULL and (native)
 * YBR_FULL_422, whose pairs of pixels share one colour: boxes are widened to whole pairs there.
 */
import { isShownInverted, paletteLuminance, type PaletteLut } from './display.ts';
import { PixelDataError } from './codecs/types.ts';

export interface PixelLayout {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: number;
  planarConfiguration: number;
  photometric: string;
  /** Float Pixel Data (7FE0,0008) or Double Float Pixel Data (7FE0,0009). */
  float?: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type { PaletteLut } from './display.ts';

/** What the painted samples are set to: one raw stored word per sample (a float for float data). */
export interface Fill {
  words: number[];
  /** How the value was chosen, for the report. */
  how: string;
}

/** Bits of one frame (without padding). */
export function frameBits(layout: PixelLayout): number {
  const samples = layout.photometric === 'YBR_FULL_422' && !layout.float && layout.samplesPerPixel === 3 ? 2 : layout.samplesPerPixel;
  return layout.rows * layout.columns * samples * layout.bitsAllocated;
}

const is422 = (l: PixelLayout): boolean => l.photometric === 'YBR_FULL_422' && l.samplesPerPixel === 3;

/** Index (in samples from the frame start) of sample k of pixel (row, column). */
function sampleIndex(l: PixelLayout, row: number, column: number, k: number): number {
  const p = row * l.columns + column;
  if (is422(l)) {
    // Y0 Y1 Cb Cr for each pair of pixels along the row (PS3.3 C.7.6.3.1.2).
    const pair = p >> 1;
    return k === 0 ? pair * 4 + (p & 1) : pair * 4 + 1 + k;
  }
  return l.planarConfiguration === 1 && l.samplesPerPixel > 1 ? k * l.rows * l.columns + p : p * l.samplesPerPixel + k;
}

/** Reads one stored word (unsigned, whole Bits Allocated) at a bit position. */
export function readWord(buf: Uint8Array, bit: number, bitsAllocated: number, float = false): number {
  const b = bit >>> 3;
  switch (bitsAllocated) {
    case 1:
      return (buf[b] >> (bit & 7)) & 1;
    case 8:
      return buf[b];
    case 16:
      return buf[b] | (buf[b + 1] << 8);
    case 32:
      if (float) return new DataView(buf.buffer, buf.byteOffset + b, 4).getFloat32(0, true);
      return (buf[b] | (buf[b + 1] << 8) | (buf[b + 2] << 16) | (buf[b + 3] << 24)) >>> 0;
    case 64:
      return new DataView(buf.buffer, buf.byteOffset + b, 8).getFloat64(0, true);
    default:
      throw new PixelDataError(`Bits Allocated ${bitsAllocated} is not supported for painting`);
  }
}

export function writeWord(buf: Uint8Array, bit: number, bitsAllocated: number, word: number, float = false): void {
  const b = bit >>> 3;
  switch (bitsAllocated) {
    case 1:
      if (word & 1) buf[b] |= 1 << (bit & 7);
      else buf[b] &= ~(1 << (bit & 7));
      return;
    case 8:
      buf[b] = word;
      return;
    case 16:
      buf[b] = word & 0xff;
      buf[b + 1] = (word >>> 8) & 0xff;
      return;
    case 32:
      if (float) {
        new DataView(buf.buffer, buf.byteOffset + b, 4).setFloat32(0, word, true);
        return;
      }
      buf[b] = word & 0xff;
      buf[b + 1] = (word >>> 8) & 0xff;
      buf[b + 2] = (word >>> 16) & 0xff;
      buf[b + 3] = (word >>> 24) & 0xff;
      return;
    case 64:
      new DataView(buf.buffer, buf.byteOffset + b, 8).setFloat64(0, word, true);
      return;
    default:
      throw new PixelDataError(`Bits Allocated ${bitsAllocated} is not supported for painting`);
  }
}

/** The value a stored word represents: Bits Stored bits below High Bit, sign-extended when signed. */
export function wordValue(word: number, l: PixelLayout): number {
  if (l.float || l.bitsAllocated === 1) return word;
  const low = l.highBit - l.bitsStored + 1;
  const bits = Math.min(l.bitsStored, 32);
  const v = bits === 32 ? word >>> low : Math.floor(word / 2 ** low) % 2 ** bits;
  if (l.pixelRepresentation === 1 && v >= 2 ** (bits - 1)) return v - 2 ** bits;
  return v;
}

/** The stored word for a value: Bits Stored bits at their place, sign extension above High Bit for negative values. */
export function valueWord(value: number, l: PixelLayout): number {
  if (l.float || l.bitsAllocated === 1) return value;
  const low = l.highBit - l.bitsStored + 1;
  const stored = ((value % 2 ** l.bitsStored) + 2 ** l.bitsStored) % 2 ** l.bitsStored;
  let word = stored * 2 ** low;
  if (value < 0 && l.pixelRepresentation === 1) {
    // Ones above High Bit, as two's complement writers leave them.
    for (let bit = l.highBit + 1; bit < l.bitsAllocated; bit++) word += 2 ** bit;
  }
  return word >>> 0 === word ? word : word % 2 ** l.bitsAllocated;
}

/** Smallest and largest value a layout can store. */
export function valueRange(l: PixelLayout): [number, number] {
  if (l.float) return [-Infinity, Infinity];
  if (l.bitsAllocated === 1) return [0, 1];
  return l.pixelRepresentation === 1 ? [-(2 ** (l.bitsStored - 1)), 2 ** (l.bitsStored - 1) - 1] : [0, 2 ** l.bitsStored - 1];
}

export interface FillContext {
  /** Pixel Padding Value (0028,0120), as a value (already sign-corrected). */
  paddingValue?: number;
  /** Presentation LUT Shape INVERSE: the highest value shows black. */
  inverse?: boolean;
  palette?: PaletteLut;
}

/**
 * The darkest fill for one frame: Pixel Padding Value where set (grey images), else the lowest
 * value in the frame (highest for MONOCHROME1 or an inverting presentation LUT); black for RGB
 * and YBR; the palette index whose colour is darkest for PALETTE COLOR.
 */
export function darkestFill(buf: Uint8Array, frameStartBit: number, l: PixelLayout, ctx: FillContext = {}): Fill {
  const mid = 2 ** (l.bitsStored - 1);
  switch (l.photometric) {
    case 'RGB':
      return { words: [0, 0, 0].map((v) => valueWord(v, l)), how: 'black (0,0,0)' };
    case 'YBR_FULL':
    case 'YBR_FULL_422':
      return { words: [0, mid, mid].map((v) => valueWord(v, l)), how: `black (Y 0, Cb/Cr ${mid})` };
    case 'YBR_PARTIAL_422':
    case 'YBR_PARTIAL_420': {
      const scale = 2 ** (l.bitsStored - 8);
      return { words: [16 * scale, mid, mid].map((v) => valueWord(v, l)), how: `black (Y ${16 * scale}, Cb/Cr ${mid})` };
    }
    case 'PALETTE COLOR': {
      if (ctx.palette) {
        const index = darkestPaletteIndex(ctx.palette, valueRange(l));
        if (index !== undefined) return { words: [valueWord(index, l)], how: `palette index ${index} (darkest LUT colour)` };
      }
      return { words: [valueWord(0, l)], how: 'palette index 0 (no usable palette LUT)' };
    }
  }
  if (l.samplesPerPixel !== 1) return { words: Array(l.samplesPerPixel).fill(valueWord(0, l)), how: `zero (${l.photometric})` };
  // Polarity as the display pipeline has it: MONOCHROME1 and INVERSE are one inversion, not two.
  const whiteIsLow = isShownInverted(l.photometric, ctx.inverse ?? false);
  if (ctx.paddingValue !== undefined && !l.float) {
    const [lo, hi] = valueRange(l);
    if (ctx.paddingValue >= lo && ctx.paddingValue <= hi) return { words: [valueWord(ctx.paddingValue, l)], how: `Pixel Padding Value ${ctx.paddingValue}` };
  }
  // Darkest pixel of the frame, taken with its whole stored word.
  const count = l.rows * l.columns;
  let bestWord = readWord(buf, frameStartBit, l.bitsAllocated, l.float);
  let best = wordValue(bestWord, l);
  const step = l.bitsAllocated;
  if ((l.bitsAllocated === 16 || l.bitsAllocated === 8) && !l.float && (frameStartBit & 7) === 0) {
    // The common case, on every frame of big multi-frames: integer shifts and masks set up once,
    // not wordValue's general arithmetic per pixel (same results for Bits Stored ≤ 16).
    const start = frameStartBit >>> 3;
    const low = l.highBit - l.bitsStored + 1;
    const mask = 2 ** Math.min(l.bitsStored, 16) - 1;
    const sign = l.pixelRepresentation === 1 ? (mask + 1) / 2 : 0;
    const wide = l.bitsAllocated === 16;
    for (let i = 0; i < count; i++) {
      const at = wide ? start + 2 * i : start + i;
      const w = wide ? buf[at] | (buf[at + 1] << 8) : buf[at];
      let v = (w >>> low) & mask;
      if (sign && v >= sign) v -= mask + 1;
      if (whiteIsLow ? v > best : v < best) {
        best = v;
        bestWord = w;
      }
    }
  } else {
    for (let i = 0; i < count; i++) {
      const w = readWord(buf, frameStartBit + i * step, l.bitsAllocated, l.float);
      const v = wordValue(w, l);
      if (Number.isNaN(v)) continue;
      if (Number.isNaN(best) || (whiteIsLow ? v > best : v < best)) {
        best = v;
        bestWord = w;
      }
    }
  }
  return { words: [bestWord], how: `${whiteIsLow ? 'highest' : 'lowest'} value in the frame (${best})` };
}

/** Index of the darkest palette entry (lowest luminance), limited to the values pixels can hold. */
export function darkestPaletteIndex(p: PaletteLut, [lo, hi]: [number, number]): number | undefined {
  const n = Math.min(p.red.length, p.green.length, p.blue.length);
  let best: number | undefined;
  let bestLum = Infinity;
  for (let i = 0; i < n; i++) {
    const index = p.firstMapped + i;
    if (index < lo || index > hi) continue;
    const lum = paletteLuminance(p, i);
    if (lum < bestLum) {
      bestLum = lum;
      best = index;
    }
  }
  // Values below the first entry map to the first entry's colour, so any index works when none is in range.
  return best;
}

/** The rectangle actually painted: clipped, and widened to whole pixel pairs for YBR_FULL_422. */
export function paintedRect(l: PixelLayout, r: Rect): Rect {
  if (!is422(l)) return r;
  const x0 = r.x - (r.x & 1);
  const x1 = Math.min(l.columns, r.x + r.width + ((r.x + r.width) & 1));
  return { x: x0, y: r.y, width: x1 - x0, height: r.height };
}

/** Paints one (clipped) rectangle of one frame; returns the rectangle painted. */
export function paintRect(buf: Uint8Array, frameStartBit: number, l: PixelLayout, rect: Rect, fill: Fill): Rect {
  const r = paintedRect(l, rect);
  const bits = l.bitsAllocated;
  const samples = l.samplesPerPixel;
  // Fast path: 8 or 16 bits, interleaved or single sample, byte-aligned frame.
  if ((bits === 8 || bits === 16) && !l.float && !is422(l) && (l.planarConfiguration === 0 || samples === 1) && (frameStartBit & 7) === 0) {
    const bytes = bits / 8;
    const pixel = new Uint8Array(bytes * samples);
    for (let k = 0; k < samples; k++) for (let j = 0; j < bytes; j++) pixel[k * bytes + j] = (fill.words[k] >>> (8 * j)) & 0xff;
    const rowBytes = l.columns * samples * bytes;
    const start = frameStartBit >>> 3;
    for (let y = r.y; y < r.y + r.height; y++) {
      let at = start + y * rowBytes + r.x * samples * bytes;
      for (let x = 0; x < r.width; x++, at += pixel.length) buf.set(pixel, at);
    }
    return r;
  }
  for (let y = r.y; y < r.y + r.height; y++) {
    for (let x = r.x; x < r.x + r.width; x++) {
      if (is422(l)) {
        writeWord(buf, frameStartBit + sampleIndex(l, y, x, 0) * bits, bits, fill.words[0]);
        if ((x & 1) === 0) {
          writeWord(buf, frameStartBit + sampleIndex(l, y, x, 1) * bits, bits, fill.words[1]);
          writeWord(buf, frameStartBit + sampleIndex(l, y, x, 2) * bits, bits, fill.words[2]);
        }
        continue;
      }
      for (let k = 0; k < samples; k++) writeWord(buf, frameStartBit + sampleIndex(l, y, x, k) * bits, bits, fill.words[k] ?? fill.words[0], l.float);
    }
  }
  return r;
}

/** Sets the given bit positions to zero in the buffer's first `words` stored words; returns how many bytes changed. */
export function clearWordBits(buf: Uint8Array, words: number, bitsAllocated: number, positions: readonly number[]): number {
  if (bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) return 0;
  let mask = 0;
  for (const p of positions) mask |= 1 << p;
  let changed = 0;
  const bytes = bitsAllocated / 8;
  for (let i = 0; i < words; i++) {
    for (let j = 0; j < bytes; j++) {
      const m = (mask >>> (8 * j)) & 0xff;
      if (m && buf[i * bytes + j] & m) {
        buf[i * bytes + j] &= ~m;
        changed++;
      }
    }
  }
  return changed;
}
