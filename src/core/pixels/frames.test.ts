import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset, EMPTY, type DataElement } from '../dicom/dataset.ts';
import { readPart10 } from '../dicom/reader.ts';
import { setString, setUint16 } from '../dicom/values.ts';
import { fixturesDir } from '../../../tests/helpers/fixtures.ts';
import {
  PixelDataError,
  encapsulate,
  frameFragments,
  imageInfo,
  joinNativeFrames,
  nativeFrame,
  nativeFrameOf,
  pixelElement,
  writeNativeFrame,
} from './frames.ts';

const load = (path: string) => readPart10(readFileSync(resolve(fixturesDir, path)));
const bytes = (...values: number[]) => Uint8Array.from(values);
const encapsulated = (fragments: Uint8Array[]): DataElement => ({ tag: 0x7fe00010, vr: 'OB', value: EMPTY, fragments });
const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

function u32s(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(out.buffer).setUint32(i * 4, v, true));
  return out;
}

describe('frameFragments', () => {
  const jpegA1 = bytes(0xff, 0xd8, 1, 2);
  const jpegA2 = bytes(3, 4, 0xff, 0xd9);
  const jpegB1 = bytes(0xff, 0xd8, 5, 6, 0xff, 0xd9);

  it('follows the Basic Offset Table, joining a frame spread over fragments', () => {
    const bot = u32s(0, 8 + jpegA1.length + 8 + jpegA2.length);
    expect(frameFragments(encapsulated([bot, jpegA1, jpegA2, jpegB1]), 2)).toEqual([join(jpegA1, jpegA2), jpegB1]);
  });

  it('follows the Extended Offset Table, cutting each frame to its stated length', () => {
    const ds = new Dataset();
    const offsets = new Uint8Array(16);
    const lengths = new Uint8Array(16);
    const v = new DataView(offsets.buffer);
    v.setBigUint64(8, BigInt(8 + jpegA1.length + 8 + jpegA2.length), true);
    new DataView(lengths.buffer).setBigUint64(0, 8n, true);
    new DataView(lengths.buffer).setBigUint64(8, 5n, true); // drops the padding byte of frame 2
    ds.set({ tag: 0x7fe00001, vr: 'OV', value: offsets });
    ds.set({ tag: 0x7fe00002, vr: 'OV', value: lengths });
    const frames = frameFragments(encapsulated([EMPTY, jpegA1, jpegA2, jpegB1]), 2, ds);
    expect(frames).toEqual([join(jpegA1, jpegA2), jpegB1.subarray(0, 5)]);
  });

  it('takes one fragment per frame when the counts match', () => {
    expect(frameFragments(encapsulated([EMPTY, jpegB1, jpegB1, jpegB1]), 3)).toHaveLength(3);
  });

  it('without a table, splits where a codestream starts', () => {
    expect(frameFragments(encapsulated([EMPTY, jpegA1, jpegA2, jpegB1]), 2)).toEqual([join(jpegA1, jpegA2), jpegB1]);
  });

  it('ignores a Basic Offset Table that does not fit the fragments', () => {
    const bot = u32s(0, 7); // 7 is not a fragment boundary
    expect(frameFragments(encapsulated([bot, jpegA1, jpegA2, jpegB1]), 2)).toEqual([join(jpegA1, jpegA2), jpegB1]);
  });

  it('joins every fragment of a single-frame image', () => {
    expect(frameFragments(encapsulated([EMPTY, jpegA1, jpegA2]), 1)).toEqual([join(jpegA1, jpegA2)]);
  });

  it('says so when the frames cannot be told apart', () => {
    expect(() => frameFragments(encapsulated([EMPTY, jpegA1, jpegA2]), 3)).toThrow(PixelDataError);
    expect(() => frameFragments(encapsulated([EMPTY, jpegA1, jpegA2]), 3)).toThrow(/cannot tell the 3 frames apart/);
    expect(() => frameFragments(encapsulated([EMPTY]), 1)).toThrow(/no fragments/);
  });

  it('reads the corpus: BOT + RLE, fragmented JPEG without BOT, multi-fragment single frame', () => {
    const rle = load('transfer-syntax/CT0012_multiframe_bot_rle.dcm');
    expect(frameFragments(pixelElement(rle.dataset)!, 2, rle.dataset).map((f) => f.length)).toEqual([105014, 93648]);
    const jpeg = load('transfer-syntax/CT0012_multiframe_fragmented_nobot_jpeg_lossless_sv1.dcm');
    const frames = frameFragments(pixelElement(jpeg.dataset)!, 2, jpeg.dataset);
    expect(frames).toHaveLength(2);
    for (const f of frames) expect([f[0], f[1], f.at(-2), f.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    const j2k = load('burned-in/US1_J2KR_ybr_rct.dcm');
    expect(frameFragments(pixelElement(j2k.dataset)!, 1, j2k.dataset)[0].length).toBe(65536 + 65536 + 21222);
  });

  it('encapsulate writes a Basic Offset Table that frameFragments follows back', () => {
    const frames = [bytes(0xff, 0xd8, 1, 0xff, 0xd9, 0), bytes(0xff, 0xd8, 2, 2, 0xff, 0xd9), bytes(0xff, 0xd8, 0xff, 0xd9)];
    const fragments = encapsulate(frames);
    expect([...new Uint32Array(fragments[0].slice().buffer)]).toEqual([0, 14, 28]);
    expect(frameFragments(encapsulated(fragments), 3)).toEqual(frames);
  });
});

describe('native frames', () => {
  it('byte-aligned frames are views: painting them paints the dataset', () => {
    const parsed = load('multiframe/NM-MONO2-16-13x-heart.dcm');
    const info = imageInfo(parsed.dataset);
    const frame = nativeFrame(parsed.dataset, 5, info);
    expect(frame.length).toBe(64 * 64 * 2);
    frame[0] = 0xab;
    expect(pixelElement(parsed.dataset)!.value[5 * 64 * 64 * 2]).toBe(0xab);
  });

  it('1-bit frames that share bytes come back re-aligned and go back bit-exactly', () => {
    const parsed = load('misc/seg_liver_1bit_nonbyte_aligned.dcm');
    const info = imageInfo(parsed.dataset);
    const value = pixelElement(parsed.dataset)!.value;
    const bits = 510 * 510; // 260100: frame 2 starts at bit 4 of a byte
    const frames = [0, 1, 2].map((i) => nativeFrame(parsed.dataset, i, info));
    for (const [k, f] of frames.entries()) {
      expect(f.length).toBe(Math.ceil(bits / 8));
      for (const i of [0, 1, 7, 8, 1000, bits - 1]) {
        const bit = k * bits + i;
        expect((f[i >> 3] >> (i & 7)) & 1, `frame ${k} pixel ${i}`).toBe((value[bit >> 3] >> (bit & 7)) & 1);
      }
    }
    // Joined again, they are the original value.
    const joined = joinNativeFrames(frames, info);
    const used = Math.ceil((3 * bits) / 8);
    expect(Uint8Array.from(joined.subarray(0, used))).toEqual(Uint8Array.from(value.subarray(0, used)));
    // Rewriting frame 1 inverted changes its bits and nothing else.
    const copy = Uint8Array.from(value); // (Buffer#slice would be a view)
    writeNativeFrame(copy, info, 1, frames[1].map((b) => ~b & 0xff));
    for (let bit = 0; bit < 3 * bits; bit++) {
      const was = (value[bit >> 3] >> (bit & 7)) & 1;
      const now = (copy[bit >> 3] >> (bit & 7)) & 1;
      if (bit >= bits && bit < 2 * bits) expect(now).toBe(1 - was);
      else if (now !== was) throw new Error(`bit ${bit} outside frame 1 changed`);
    }
  });

  it('a frame past the end of truncated pixel data is an error that says so', () => {
    const parsed = load('multiframe/NM-MONO2-16-13x-heart.dcm');
    const info = { ...imageInfo(parsed.dataset), numberOfFrames: 14 };
    expect(() => nativeFrameOf(pixelElement(parsed.dataset)!.value, info, 13)).toThrow(/frame 14 of 14 needs 114688: the pixel data is truncated/);
    expect(() => nativeFrame(parsed.dataset, 13)).toThrow(/frame 13 does not exist: the image has 13 frame/);
  });
});

describe('imageInfo', () => {
  it('reads the Image Pixel attributes', () => {
    const info = imageInfo(load('transfer-syntax/JLSL_16_15_1_1F.dcm').dataset);
    expect(info).toMatchObject({ rows: 128, columns: 128, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 15, highBit: 14, pixelRepresentation: 1, photometric: 'MONOCHROME2', numberOfFrames: 1, floatPixels: false });
  });

  it('counts frames from the data when Number of Frames is unreadable, and says so', () => {
    const info = imageInfo(load('odd/badVR.dcm').dataset);
    expect(info.numberOfFrames).toBe(15);
    expect(info.warnings[0]).toMatch(/'1A' is not a number; 15 frame\(s\) counted/);
  });

  it('Float Pixel Data', () => {
    const info = imageInfo(load('misc/parametric_map_float32.dcm').dataset);
    expect(info).toMatchObject({ bitsAllocated: 32, floatPixels: true, pixelDataTag: 0x7fe00008, pixelRepresentation: 0 });
  });

  it('fills in what old files leave out, and reads a signed padding value', () => {
    const ds = new Dataset();
    setUint16(ds, 0x00280010, 4);
    setUint16(ds, 0x00280011, 6);
    setUint16(ds, 0x00280100, 16);
    setUint16(ds, 0x00280103, 1);
    const padding = new Uint8Array(2);
    new DataView(padding.buffer).setInt16(0, -2000, true);
    ds.set({ tag: 0x00280120, vr: 'SS', value: padding });
    setString(ds, 0x00280008, '2', 'IS');
    const info = imageInfo(ds);
    expect(info).toMatchObject({ samplesPerPixel: 1, bitsStored: 16, highBit: 15, photometric: 'MONOCHROME2', numberOfFrames: 2, pixelPaddingValue: -2000 });
  });

  it('refuses what it cannot describe', () => {
    const ds = new Dataset();
    expect(() => imageInfo(ds)).toThrow(/no Rows or Columns/);
    setUint16(ds, 0x00280010, 4);
    setUint16(ds, 0x00280011, 4);
    expect(() => imageInfo(ds)).toThrow(/no Bits Allocated/);
    setUint16(ds, 0x00280100, 12);
    expect(() => imageInfo(ds)).toThrow(/Bits Allocated 12 is not supported/);
  });
});
