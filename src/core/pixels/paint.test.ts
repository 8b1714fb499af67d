import { describe, expect, it } from 'vitest';
import { clearWordBits, darkestFill, darkestPaletteIndex, frameBits, paintRect, readWord, valueWord, wordValue, type PixelLayout } from './paint.ts';
import { expandSegmentedLut } from './display.ts';

const layout = (over: Partial<PixelLayout>): PixelLayout => ({
  rows: 4, columns: 6, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 16, highBit: 15,
  pixelRepresentation: 0, planarConfiguration: 0, photometric: 'MONOCHROME2', ...over,
});

/** Fills a buffer of `frames` frames with value(frame, index) words. */
function image(l: PixelLayout, frames: number, word: (f: number, i: number) => number): Uint8Array {
  const bits = frameBits(l);
  const buf = new Uint8Array(Math.ceil((bits * frames) / 8) + 1);
  const samples = bits / l.bitsAllocated;
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < samples; i++) {
      const at = f * bits + i * l.bitsAllocated;
      const w = word(f, i);
      if (l.bitsAllocated === 1) { if (w) buf[at >>> 3] |= 1 << (at & 7); }
      else if (l.float) new DataView(buf.buffer).setFloat32(at / 8, w, true);
      else for (let b = 0; b < l.bitsAllocated / 8; b++) buf[at / 8 + b] = Math.floor(w / 2 ** (8 * b)) & 0xff;
    }
  }
  return buf;
}

const rect = { x: 1, y: 1, width: 3, height: 2 };
const inRect = (i: number, columns: number) => {
  const x = i % columns;
  const y = Math.floor(i / columns);
  return x >= 1 && x < 4 && y >= 1 && y < 3;
};

describe('stored words and values', () => {
  it('reads Bits Stored below High Bit, sign-extended when signed, and writes them back', () => {
    const l = layout({ bitsStored: 12, highBit: 11, pixelRepresentation: 1 });
    expect(wordValue(0xf800, l)).toBe(-2048); // sign-extended word
    expect(wordValue(0x0800, l)).toBe(-2048); // bits above High Bit ignored
    expect(wordValue(0x07ff, l)).toBe(2047);
    expect(valueWord(-2048, l)).toBe(0xf800);
    expect(valueWord(100, l)).toBe(100);
    const shifted = layout({ bitsStored: 12, highBit: 15 });
    expect(wordValue(0xfff0, shifted)).toBe(4095);
    expect(valueWord(1, shifted)).toBe(0x10);
    const u32 = layout({ bitsAllocated: 32, bitsStored: 32, highBit: 31 });
    expect(wordValue(0xffffffff, u32)).toBe(0xffffffff);
  });
});

describe('darkest fill and painting', () => {
  it.each([
    ['8-bit', layout({ bitsAllocated: 8, bitsStored: 8, highBit: 7 }), (i: number) => 10 + i, 10],
    ['12-bit unsigned in 16', layout({ bitsStored: 12, highBit: 11 }), (i: number) => 100 + i, 100],
    ['12-bit signed in 16', layout({ bitsStored: 12, highBit: 11, pixelRepresentation: 1 }), (i: number) => (i === 7 ? 0xfc18 : 5 + i), -1000],
    ['16-bit signed', layout({ pixelRepresentation: 1 }), (i: number) => (i === 20 ? 0x8000 : i), -32768],
    ['32-bit unsigned', layout({ bitsAllocated: 32, bitsStored: 32, highBit: 31 }), (i: number) => 4_000_000_000 - i, 4_000_000_000 - 23],
    ['32-bit float', layout({ bitsAllocated: 32, bitsStored: 32, highBit: 31, float: true }), (i: number) => 1.5 - i / 4, 1.5 - 23 / 4],
  ])('%s: lowest value of the frame, everything else untouched', (_name, l, word, darkest) => {
    const buf = image(l, 2, (_f, i) => word(i));
    const before = buf.slice();
    const frame1 = frameBits(l);
    const fill = darkestFill(buf, frame1, l);
    expect(wordValue(fill.words[0], l)).toBe(darkest);
    paintRect(buf, frame1, l, rect, fill);
    for (let i = 0; i < 24; i++) {
      expect(readWord(buf, i * l.bitsAllocated, l.bitsAllocated, l.float)).toBe(readWord(before, i * l.bitsAllocated, l.bitsAllocated, l.float)); // frame 0 untouched
      const got = wordValue(readWord(buf, frame1 + i * l.bitsAllocated, l.bitsAllocated, l.float), l);
      if (inRect(i, 6)) expect(got).toBe(darkest);
      else expect(got).toBe(wordValue(readWord(before, frame1 + i * l.bitsAllocated, l.bitsAllocated, l.float), l));
    }
  });

  it('MONOCHROME1 and an inverting presentation LUT paint the highest value; padding value wins where set', () => {
    const l = layout({ photometric: 'MONOCHROME1', bitsStored: 10, highBit: 9 });
    const buf = image(l, 1, (_f, i) => 3 * i);
    expect(wordValue(darkestFill(buf, 0, l).words[0], l)).toBe(69);
    expect(wordValue(darkestFill(buf, 0, layout({})).words[0], layout({}))).toBe(0);
    expect(wordValue(darkestFill(buf, 0, layout({}), { inverse: true }).words[0], layout({}))).toBe(69);
    const signed = layout({ pixelRepresentation: 1 });
    expect(wordValue(darkestFill(buf, 0, signed, { paddingValue: -2000 }).words[0], signed)).toBe(-2000);
    // Out of range for the stored bits: ignored.
    expect(wordValue(darkestFill(buf, 0, l, { paddingValue: 5000 }).words[0], l)).toBe(69);
  });

  it('1-bit frames that do not start on a byte boundary', () => {
    const l = layout({ rows: 3, columns: 5, bitsAllocated: 1, bitsStored: 1, highBit: 0 }); // 15 bits a frame
    const buf = image(l, 3, () => 1);
    buf[0] &= 0xfe; // frame 0 has a 0 at its first pixel
    const before = buf.slice();
    const fill = darkestFill(buf, 15, l); // frame 1: all ones
    expect(fill.words).toEqual([1]);
    const zero = { words: [0], how: 'test' };
    paintRect(buf, 15, l, { x: 1, y: 0, width: 2, height: 2 }, zero);
    for (let bit = 0; bit < 45; bit++) {
      const i = bit - 15;
      const painted = i >= 0 && i < 15 && [1, 2, 6, 7].includes(i);
      expect(readWord(buf, bit, 1), `bit ${bit}`).toBe(painted ? 0 : readWord(before, bit, 1));
    }
  });

  it.each([0, 1])('RGB planar configuration %i: black in every sample, nothing else changes', (planar) => {
    const l = layout({ samplesPerPixel: 3, bitsAllocated: 8, bitsStored: 8, highBit: 7, photometric: 'RGB', planarConfiguration: planar });
    const buf = image(l, 1, () => 200);
    const fill = darkestFill(buf, 0, l);
    expect(fill.words).toEqual([0, 0, 0]);
    paintRect(buf, 0, l, rect, fill);
    for (let p = 0; p < 24; p++) {
      for (let k = 0; k < 3; k++) {
        const index = planar ? k * 24 + p : p * 3 + k;
        expect(buf[index]).toBe(inRect(p, 6) ? 0 : 200);
      }
    }
  });

  it('YBR_FULL is (0,128,128); 16-bit RGB is 0', () => {
    expect(darkestFill(new Uint8Array(0), 0, layout({ samplesPerPixel: 3, bitsAllocated: 8, bitsStored: 8, highBit: 7, photometric: 'YBR_FULL' })).words).toEqual([0, 128, 128]);
    expect(darkestFill(new Uint8Array(0), 0, layout({ samplesPerPixel: 3, photometric: 'RGB' })).words).toEqual([0, 0, 0]);
  });

  it('YBR_FULL_422: boxes widen to whole pixel pairs, since a pair shares Cb and Cr', () => {
    const l = layout({ samplesPerPixel: 3, bitsAllocated: 8, bitsStored: 8, highBit: 7, photometric: 'YBR_FULL_422' });
    const buf = new Uint8Array(4 * 6 * 2).fill(77);
    const done = paintRect(buf, 0, l, { x: 1, y: 1, width: 2, height: 1 }, darkestFill(buf, 0, l));
    expect(done).toEqual({ x: 0, y: 1, width: 4, height: 1 });
    // Row 1 = bytes 12..23: pairs (0,1) and (2,3) painted, pair (4,5) not.
    expect([...buf.subarray(12, 24)]).toEqual([0, 0, 128, 128, 0, 0, 128, 128, 77, 77, 77, 77]);
    expect(buf.subarray(0, 12).every((b) => b === 77)).toBe(true);
  });

  it('PALETTE COLOR: the index whose colour is darkest', () => {
    const l = layout({ bitsAllocated: 8, bitsStored: 8, highBit: 7, photometric: 'PALETTE COLOR' });
    const palette = { firstMapped: 10, red: [9000, 100, 50000], green: [9000, 200, 0], blue: [9000, 0, 0] };
    expect(darkestFill(new Uint8Array(24), 0, l, { palette }).words).toEqual([11]);
    expect(darkestPaletteIndex(palette, [0, 10])).toBe(10);
  });

  it('expands segmented palette LUTs (discrete, linear, indirect)', () => {
    expect(expandSegmentedLut([0, 2, 5, 10, 1, 2, 20])).toEqual([5, 10, 15, 20]);
    expect(expandSegmentedLut([0, 1, 7, 2, 1, 0, 0])).toEqual([7, 7]);
  });

  it('clears chosen bits of every word (overlays hidden in unused high bits)', () => {
    const buf = new Uint8Array([0xff, 0xff, 0x34, 0x92]);
    clearWordBits(buf, 2, 16, [15, 14]);
    expect([...buf]).toEqual([0xff, 0x3f, 0x34, 0x12]);
  });
});
