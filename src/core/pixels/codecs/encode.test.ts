/**
 * Encoders: for every lossless transfer syntax Veil can write, encode(decode(x)) must decode back
 * to exactly the same pixels — with Veil's decoders AND with an independent decoder reading a
 * Part 10 file Veil wrote (DCMTK for RLE and JPEG-LS, GDCM for JPEG 2000, ojph_expand for HTJ2K,
 * djxl for JPEG XL, zlib for deflated frames). Lossy syntaxes and JPEG lossless have no encoder.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EMPTY } from '../../dicom/dataset.ts';
import { readPart10, type ParsedFile } from '../../dicom/reader.ts';
import { getString, setString, setUint16 } from '../../dicom/values.ts';
import { writePart10 } from '../../dicom/writer.ts';
import { fixturesDir, readManifest } from '../../../../tests/helpers/fixtures.ts';
import { compare, independentDecode, independentSamples } from '../../../../tests/helpers/independent-decoder.ts';
import { encapsulate, frameFragments, imageInfo, joinNativeFrames, nativeFrame, pixelElement } from '../frames.ts';
import { decodeRle, encodeRle } from './rle.ts';
import {
  decodeFrame,
  encodeFrame,
  infoForFrame,
  transferSyntaxSupport,
  whyNoEncoder,
  type DecodedFrame,
  type EncodedFrame,
} from './index.ts';

const TS = {
  explicitLE: '1.2.840.10008.1.2.1',
  rle: '1.2.840.10008.1.2.5',
  jpegLs: '1.2.840.10008.1.2.4.80',
  j2k: '1.2.840.10008.1.2.4.90',
  htj2k: '1.2.840.10008.1.2.4.201',
  htj2kRpcl: '1.2.840.10008.1.2.4.202',
  jxl: '1.2.840.10008.1.2.4.110',
  deflate: '1.2.840.10008.1.2.8.1',
} as const;
const ENCODABLE = [TS.rle, TS.jpegLs, TS.j2k, TS.htj2k, TS.htj2kRpcl, TS.jxl, TS.deflate];
const BYTE_EXACT = new Set<string>([TS.rle, TS.deflate, TS.explicitLE]);

const work = mkdtempSync(join(tmpdir(), 'veil-encode-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const lines: string[] = [];
afterAll(() => console.log(`\nRe-encoded and checked (${lines.length})\n${lines.join('\n')}`));

function load(path: string): ParsedFile {
  return readPart10(readFileSync(resolve(fixturesDir, path)));
}

async function decodeAll(parsed: ParsedFile, limit = Infinity): Promise<DecodedFrame[]> {
  const info = imageInfo(parsed.dataset);
  const el = pixelElement(parsed.dataset)!;
  const streams = el.fragments ? frameFragments(el, info.numberOfFrames, parsed.dataset) : undefined;
  const out: DecodedFrame[] = [];
  for (let i = 0; i < Math.min(info.numberOfFrames, limit); i++) {
    out.push(await decodeFrame(parsed.transferSyntaxUID, streams ? streams[i] : nativeFrame(parsed.dataset, i, info), info));
  }
  return out;
}

/** Writes `frames` into a copy of the source dataset under `ts`, as the redaction writer would. */
function writeFile(parsed: ParsedFile, ts: string, frames: DecodedFrame[], encoded: EncodedFrame[] | undefined, name: string): string {
  const ds = readPart10(readPart10Bytes(parsed)).dataset;
  const first = frames[0];
  for (const tag of [0x7fe00001, 0x7fe00002]) ds.delete(tag);
  // Overlay planes are not under test, and GDCM aborts on overlays said to live in the high bits
  // of compressed pixel data: leave them out of the files written here.
  for (const tag of [...ds.elements.keys()]) if (tag >>> 16 >= 0x6000 && tag >>> 16 <= 0x601e) ds.delete(tag);
  setString(ds, 0x00280004, encoded?.[0].photometric ?? first.photometric, 'CS');
  setUint16(ds, 0x00280002, first.samplesPerPixel);
  if (first.samplesPerPixel > 1) setUint16(ds, 0x00280006, encoded?.[0].planarConfiguration ?? first.planarConfiguration);
  setString(ds, 0x00280008, String(frames.length), 'IS');
  if (encoded) {
    ds.set({ tag: 0x7fe00010, vr: 'OB', value: EMPTY, fragments: encapsulate(encoded.map((e) => e.data)) });
  } else {
    const native = frames.map((f) => (f.bitsAllocated === 1 ? packedBits(f) : new Uint8Array(f.pixels.buffer, f.pixels.byteOffset, f.pixels.byteLength)));
    ds.set({ tag: pixelElement(ds)!.tag, vr: first.bitsAllocated > 8 ? 'OW' : 'OB', value: joinNativeFrames(native, first) });
  }
  const bytes = writePart10({
    dataset: ds,
    transferSyntaxUID: ts,
    sopClassUID: getString(ds, 0x00080016) ?? '1.2.840.10008.5.1.4.1.1.7',
    sopInstanceUID: getString(ds, 0x00080018) ?? '2.25.1',
  });
  const file = join(work, `${name.replace(/[^\w.-]+/g, '_')}.${ts}.dcm`);
  writeFileSync(file, bytes);
  return file;
}

const sourceBytes = new WeakMap<ParsedFile, Uint8Array>();
function readPart10Bytes(parsed: ParsedFile): Uint8Array {
  return sourceBytes.get(parsed)!;
}
function loadKeep(path: string): ParsedFile {
  const bytes = new Uint8Array(readFileSync(resolve(fixturesDir, path)));
  const parsed = readPart10(bytes);
  sourceBytes.set(parsed, bytes);
  return parsed;
}

function packedBits(f: DecodedFrame): Uint8Array {
  const out = new Uint8Array(Math.ceil(f.pixels.length / 8));
  for (let i = 0; i < f.pixels.length; i++) if (f.pixels[i]) out[i >> 3] |= 1 << (i & 7);
  return out;
}

/** Re-encodes every frame for `ts`, checks Veil's decode and an independent decode of the written file. */
async function roundTrip(path: string, ts: string, limit = 4): Promise<void> {
  const parsed = loadKeep(path);
  const frames = await decodeAll(parsed, limit);
  const reason = whyNoEncoder(ts, frames[0]);
  if (reason) {
    expect(encodeFrame(ts, frames[0])).toBeUndefined();
    lines.push(`${path.padEnd(58)} → ${transferSyntaxSupport(ts).name.padEnd(34)} no encoder: ${reason}`);
    return;
  }
  const encoded: EncodedFrame[] = [];
  for (const frame of frames) {
    const out = await encodeFrame(ts, frame)!;
    encoded.push(out);
    const back = await decodeFrame(ts, out.data, infoForFrame(frame, out.photometric, out.planarConfiguration), { planar: frame.planarConfiguration === 1 });
    const bits = BYTE_EXACT.has(ts) ? undefined : frame.bitsStored;
    const d = compare(frame.pixels, back.pixels, bits);
    expect(d.differing, `Veil decode of Veil ${ts}: ${d.differing} samples differ (first at ${d.firstAt})`).toBe(0);
  }
  const file = writeFile(parsed, ts, frames, encoded, path);
  const theirs = independentDecode(file, ts);
  const size = encoded.reduce((n, e) => n + e.data.length, 0);
  if ('unavailable' in theirs) {
    expect(theirs.unavailable).toMatch(/ojph_expand|djxl|opj_decompress/);
    lines.push(`${path.padEnd(58)} → ${transferSyntaxSupport(ts).name.padEnd(34)} ${String(size).padStart(9)} B  Veil decode exact; independent: ${theirs.unavailable}`);
    return;
  }
  frames.forEach((frame, i) => {
    const ref = independentSamples(theirs, i, frame);
    const d = compare(frame.pixels, ref.values, BYTE_EXACT.has(ts) ? undefined : frame.bitsStored);
    expect(d.differing, `${theirs.tool} on Veil's ${ts}, frame ${i}: ${d.differing} differ (first at ${d.firstAt}, max ${d.maxAbs})`).toBe(0);
  });
  lines.push(`${path.padEnd(58)} → ${transferSyntaxSupport(ts).name.padEnd(34)} ${String(size).padStart(9)} B  exact (Veil, ${theirs.tool})`);
}

describe('fixtures in an encodable lossless syntax survive encode(decode(x)) unchanged', () => {
  const rows = readManifest().filter(
    (r) => ENCODABLE.includes(r.transferSyntaxUID as (typeof ENCODABLE)[number]) && /^(transfer-syntax|color|multiframe|burned-in|misc)\//.test(r.path),
  );
  for (const row of rows) {
    it(`${row.path} (${transferSyntaxSupport(row.transferSyntaxUID).name})`, () => roundTrip(row.path, row.transferSyntaxUID, 10));
  }
});

describe('native images re-encoded into the lossless syntaxes', () => {
  const ALL = [...ENCODABLE, TS.explicitLE];
  // Each source exercises a layout; the targets are where that layout could go wrong.
  const matrix: Array<[string, string, string[]]> = [
    ['transfer-syntax/CTImage_explicit_vr_le.dcm', '16-bit signed', ALL],
    ['burned-in/US_rgb_deid_no_BIA.dcm', 'RGB 8-bit', ALL],
    ['misc/signed_9bit_stored.dcm', 'signed, 9 of 16 bits', [TS.rle, TS.jpegLs, TS.j2k, TS.htj2k, TS.htj2kRpcl, TS.jxl]],
    ['misc/overlay_bits_in_pixel_data_ovly_p01.dcm', 'overlays in bits 12-15', [TS.rle, TS.jpegLs, TS.j2k, TS.explicitLE]],
    ['misc/CR-MONO1-10-chest.dcm', '10-bit MONOCHROME1', [TS.jpegLs, TS.htj2k, TS.jxl, TS.deflate]],
    ['color/color-pl_rgb_planar1.dcm', 'colour-by-plane', [TS.rle, TS.jpegLs, TS.j2k, TS.deflate, TS.explicitLE]],
    ['color/OT-PAL-8-face.dcm', 'palette', [TS.rle, TS.jpegLs, TS.htj2kRpcl, TS.jxl]],
    ['burned-in/US_ybr_full_422_uncompressed_text.dcm', 'YBR_FULL_422 → YBR_FULL', [TS.rle, TS.j2k, TS.explicitLE]],
    ['burned-in/US-RGB-8-epicard_bigendian.dcm', 'big endian, by plane', [TS.rle, TS.explicitLE]],
    ['color/SC_rgb_32bit.dcm', '32-bit RGB', [TS.rle, TS.jpegLs, TS.j2k]],
    ['multiframe/rtdose_15frames_32bit.dcm', '32-bit grey, multi-frame', [TS.rle, TS.deflate, TS.explicitLE]],
    ['misc/seg_liver_1bit_nonbyte_aligned.dcm', '1-bit, frames share bytes', [TS.deflate, TS.rle, TS.explicitLE]],
    ['misc/parametric_map_float32.dcm', 'Float Pixel Data', [TS.deflate, TS.explicitLE]],
  ];
  for (const [source, what, targets] of matrix) {
    for (const ts of targets) {
      it(`${source} (${what}) → ${transferSyntaxSupport(ts).name}`, () => (ts === TS.explicitLE ? nativeRoundTrip(source) : roundTrip(source, ts, 3)));
    }
  }
});

/** Native output: frames joined back (1-bit at bit level), read by DCMTK. */
async function nativeRoundTrip(path: string): Promise<void> {
  const parsed = loadKeep(path);
  const frames = await decodeAll(parsed);
  const file = writeFile(parsed, TS.explicitLE, frames, undefined, path);
  const theirs = independentDecode(file, TS.explicitLE);
  if ('unavailable' in theirs) throw new Error(theirs.unavailable);
  frames.forEach((frame, i) => {
    const d = compare(frame.pixels, independentSamples(theirs, i, frame).values);
    expect(d.differing, `frame ${i}`).toBe(0);
  });
  lines.push(`${path.padEnd(58)} → ${'Explicit VR Little Endian'.padEnd(34)} native, exact (${theirs.tool})`);
}

describe('what has no encoder', () => {
  it('lossy syntaxes and JPEG lossless return undefined, with a reason', async () => {
    const [frame] = await decodeAll(load('transfer-syntax/CTImage_explicit_vr_le.dcm'));
    for (const ts of ['1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.81', '1.2.840.10008.1.2.4.91', '1.2.840.10008.1.2.4.203', '1.2.840.10008.1.2.4.111']) {
      expect(encodeFrame(ts, frame), ts).toBeUndefined();
      expect(whyNoEncoder(ts, frame)).toMatch(/lossy/);
    }
    for (const ts of ['1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70']) {
      expect(encodeFrame(ts, frame)).toBeUndefined();
      expect(whyNoEncoder(ts, frame)).toMatch(/no lossless JPEG encoder/);
    }
    expect(whyNoEncoder('1.2.3.4', frame)).toMatch(/unknown transfer syntax/);
  });

  it('colour above 8 bits gets no JPEG 2000 encoder (the wrappers copy one component only)', async () => {
    const [frame] = await decodeAll(load('color/SC_rgb_rle_16bit.dcm'));
    expect(whyNoEncoder(TS.j2k, frame)).toMatch(/colour above 8 bits/);
    expect(encodeFrame(TS.htj2k, frame)).toBeUndefined();
    expect(whyNoEncoder(TS.rle, frame)).toBeUndefined();
    expect(whyNoEncoder(TS.jpegLs, frame)).toBeUndefined();
  });

  it('encodeFrame verifies by default: its own decode must give the same samples', async () => {
    const [frame] = await decodeAll(load('misc/signed_9bit_stored.dcm'));
    for (const ts of [TS.rle, TS.jpegLs, TS.j2k, TS.htj2k, TS.deflate]) await expect(encodeFrame(ts, frame)!, ts).resolves.toHaveProperty('data');
  });

  it('a damaged re-encode is caught by verification, not written', async () => {
    const [frame] = await decodeAll(load('transfer-syntax/CTImage_rle.dcm'));
    const good = await encodeFrame(TS.rle, frame)!;
    const broken = good.data.slice(0, good.data.length - 2000);
    await expect(decodeFrame(TS.rle, broken, infoForFrame(frame))).rejects.toThrow(/truncated or damaged/);
  });
});

describe('RLE (PS3.5 Annex G) details', () => {
  it('PackBits: long runs, long literals, single bytes and the -128 no-op', () => {
    const rows = 3;
    const columns = 300;
    const plane = new Uint8Array(rows * columns);
    for (let x = 0; x < columns; x++) {
      plane[x] = 7; // one run of 300 (split at 128)
      plane[columns + x] = x & 0xff; // all literal (split at 128)
      plane[2 * columns + x] = x % 3 === 0 ? 9 : (x >> 1) & 0xff; // mixed short runs
    }
    const coded = encodeRle(plane, rows, columns, 1, 1);
    expect(decodeRle(coded, rows * columns, 1, 1)).toEqual(plane);
    // A no-op header byte (-128) is skipped by the decoder.
    const withNoop = new Uint8Array(coded.length + 1);
    withNoop.set(coded.subarray(0, 64));
    withNoop[64] = 0x80;
    withNoop.set(coded.subarray(64), 65);
    new DataView(withNoop.buffer).setUint32(4, 64, true);
    expect(decodeRle(withNoop, rows * columns, 1, 1)).toEqual(plane);
  });

  it('16-bit samples: most significant byte segment first', () => {
    const plane = new Uint8Array(new Uint16Array([0x0102, 0x0304]).buffer);
    const coded = encodeRle(plane, 1, 2, 1, 2);
    const v = new DataView(coded.buffer);
    expect(v.getUint32(0, true)).toBe(2);
    const first = coded.subarray(v.getUint32(4, true), v.getUint32(8, true));
    expect([...first.subarray(0, 3)]).toEqual([1, 0x01, 0x03]); // literal of 2: high bytes
  });

  it('rejects a frame whose segment count does not fit the image', () => {
    const coded = encodeRle(new Uint8Array(4), 2, 2, 1, 1);
    expect(() => decodeRle(coded, 4, 3, 1)).toThrow(/1 segment\(s\) but 3 sample/);
  });
});
