/**
 * Issue 8, item 3: encapsulated frames carry no text. Real compressed frames from the shared
 * corpus get comment / application segments (JPEG, JPEG-LS), COM marker segments in main and
 * tile-part headers (JPEG 2000, HTJ2K), JP2 metadata boxes and JPEG XL metadata boxes spliced in,
 * each carrying a planted name in ASCII, Latin-1, UTF-8 or UTF-16. The real `veil deidentify`
 * must leave none of them in any byte it writes, under every profile variant; the pixels must
 * decode exactly as before; multi-frame offset tables (Basic and Extended) must point at the
 * frames. Video, and frames whose markers cannot be followed, must not be written at all.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPart10 } from '../../src/core/dicom/reader.ts';
import { decodeFrame } from '../../src/core/pixels/codecs/index.ts';
import { frameFragments, imageInfo, pixelElement } from '../../src/core/pixels/frames.ts';
import { fixturesDir } from '../helpers/fixtures.ts';
import { encodePart10, type Element } from '../synthetic/encoder.ts';
import { leaksUnderEveryProfile, runVeil, type InputSpec, type PlantedValue, type VeilRun } from './harness.ts';
import { joinParts } from '../../src/core/dicom/writer.ts';

// ---------------------------------------------------------------------------------------------
// Planted values and their byte forms

const NAME_ASCII = 'Quillfeather^Harriet';
const NAME_LATIN1 = 'Bjørnstrüp^Ågot';
const NAME_UTF8 = 'Łukasiewiczówna^Żaneta';
const NAME_UTF16 = 'Thistlewood^Perpetua';
const PATIENT_ID = 'MRN58204417';
const BIRTH = '19470312';

const PLANTED: PlantedValue[] = [
  // Also Patient's Name and ID in the header: the re-identification mapping keeps those by design.
  { value: NAME_ASCII, kind: 'name', inMapping: true },
  { value: 'Quillfeather', kind: 'name', inMapping: true },
  { value: NAME_LATIN1, kind: 'name' },
  { value: 'Bjørnstrüp', kind: 'name' },
  { value: NAME_UTF8, kind: 'name' },
  { value: 'Łukasiewiczówna', kind: 'name' },
  { value: NAME_UTF16, kind: 'name' },
  { value: 'Thistlewood', kind: 'name' },
  { value: PATIENT_ID, kind: 'id', inMapping: true },
  { value: BIRTH, kind: 'birthdate' },
];

const ascii = (s: string): Uint8Array => new Uint8Array([...s].map((c) => c.charCodeAt(0)));
const latin1 = (s: string): Uint8Array => new Uint8Array([...s].map((c) => c.charCodeAt(0) & 0xff));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
function utf16(s: string, little: boolean): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) new DataView(out.buffer).setUint16(i * 2, s.charCodeAt(i), little);
  return out;
}
const cat = (...parts: Uint8Array[]): Uint8Array => joinParts(parts);

// ---------------------------------------------------------------------------------------------
// Building codestream pieces by hand

/** A JPEG marker segment FFmm with a length. */
function jpegSegment(marker: number, body: Uint8Array): Uint8Array {
  const head = new Uint8Array([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff]);
  return cat(head, body);
}
/** A JPEG 2000 marker segment (two-byte marker, length). */
function j2kSegment(marker: number, body: Uint8Array): Uint8Array {
  return cat(new Uint8Array([marker >> 8, marker & 0xff, (body.length + 2) >> 8, (body.length + 2) & 0xff]), body);
}
/** An ISO box (JP2, JPEG XL). */
function isoBox(type: string, ...body: Uint8Array[]): Uint8Array {
  const content = cat(...body);
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, content.length + 8);
  head.set(ascii(type), 4);
  return cat(head, content);
}
/** JPEG: segments inserted right after SOI, optional bytes after EOI. */
function spliceJpeg(frame: Uint8Array, segments: Uint8Array[], after: Uint8Array = new Uint8Array(0)): Uint8Array {
  let end = frame.length;
  while (end > 2 && !(frame[end - 2] === 0xff && frame[end - 1] === 0xd9)) end--;
  return cat(frame.subarray(0, 2), ...segments, frame.subarray(2, end), after);
}
/** JPEG 2000: a COM after SIZ in the main header, and one in the first tile-part header (Psot kept right). */
function spliceJ2k(cs: Uint8Array, mainCom: Uint8Array, tileCom: Uint8Array): Uint8Array {
  const sizEnd = 4 + ((cs[4] << 8) | cs[5]);
  let sot = sizEnd;
  while (!(cs[sot] === 0xff && cs[sot + 1] === 0x90)) sot += 2 + ((cs[sot + 2] << 8) | cs[sot + 3]);
  const sotSeg = cs.slice(sot, sot + 12);
  const v = new DataView(sotSeg.buffer);
  const psot = v.getUint32(6);
  if (psot) v.setUint32(6, psot + tileCom.length);
  return cat(cs.subarray(0, sizEnd), mainCom, cs.subarray(sizEnd, sot), sotSeg, tileCom, cs.subarray(sot + 12));
}
/** A J2K COM segment: Rcom 1 = Latin-1 text, 0 = binary. */
const j2kCom = (bytes: Uint8Array, rcom = 1): Uint8Array => j2kSegment(0xff64, cat(new Uint8Array([0, rcom]), bytes));

// ---------------------------------------------------------------------------------------------
// Fixtures and input files

interface Source {
  ts: string;
  frames: Uint8Array[];
  attrs: Element[];
}

/** Real compressed frames of a corpus file, and the Image Pixel attributes that describe them. */
function source(path: string, keepFrames?: number): Source {
  const parsed = readPart10(new Uint8Array(readFileSync(resolve(fixturesDir, path))));
  const ds = parsed.dataset;
  const info = imageInfo(ds);
  const frames = frameFragments(pixelElement(ds)!, info.numberOfFrames, ds).map((f) => f.slice());
  const kept = keepFrames ? frames.slice(0, keepFrames) : frames;
  const attrs: Element[] = [
    { tag: 0x00280002, vr: 'US', value: [info.samplesPerPixel] },
    { tag: 0x00280004, vr: 'CS', value: info.photometric },
    { tag: 0x00280010, vr: 'US', value: [info.rows] },
    { tag: 0x00280011, vr: 'US', value: [info.columns] },
    { tag: 0x00280100, vr: 'US', value: [info.bitsAllocated] },
    { tag: 0x00280101, vr: 'US', value: [info.bitsStored] },
    { tag: 0x00280102, vr: 'US', value: [info.highBit] },
    { tag: 0x00280103, vr: 'US', value: [info.pixelRepresentation] },
  ];
  if (info.samplesPerPixel > 1) attrs.push({ tag: 0x00280006, vr: 'US', value: [info.planarConfiguration] });
  if (kept.length > 1) attrs.push({ tag: 0x00280008, vr: 'IS', value: String(kept.length) });
  return { ts: parsed.transferSyntaxUID, frames: kept, attrs };
}

type Table = 'bot' | 'eot' | 'none';

/** 32-bit or 64-bit little-endian offsets of each frame's first Item, as the tables hold them. */
function offsetsOf(fragmentsPerFrame: Uint8Array[][]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const frags of fragmentsPerFrame) {
    out.push(at);
    for (const f of frags) at += 8 + f.length + (f.length & 1);
  }
  return out;
}

/** A Part 10 file with these frames (each split into `split` fragments) and the planted header. */
function dicomFile(ts: string, frames: Uint8Array[], attrs: Element[], n: number, table: Table = 'bot', split = 1, eotLengths?: number[]): Uint8Array {
  const perFrame = frames.map((f) => {
    const size = Math.ceil(f.length / split / 2) * 2;
    const parts: Uint8Array[] = [];
    for (let at = 0; at < f.length; at += size) parts.push(f.subarray(at, Math.min(f.length, at + size)));
    return parts;
  });
  const offsets = offsetsOf(perFrame);
  let bot = new Uint8Array(0);
  const extra: Element[] = [];
  if (table === 'bot') {
    bot = new Uint8Array(offsets.length * 4);
    offsets.forEach((o, i) => new DataView(bot.buffer).setUint32(i * 4, o, true));
  } else if (table === 'eot') {
    const ov = (values: number[]): Uint8Array => {
      const b = new Uint8Array(values.length * 8);
      values.forEach((x, i) => new DataView(b.buffer).setBigUint64(i * 8, BigInt(x), true));
      return b;
    };
    extra.push({ tag: 0x7fe00001, vr: 'OV', value: ov(offsets) });
    extra.push({ tag: 0x7fe00002, vr: 'OV', value: ov(eotLengths ?? frames.map((f) => f.length)) });
  }
  const sopInstance = `2.25.${4400 + n}1234567${n}`;
  return encodePart10({
    sopClassUID: '1.2.840.10008.5.1.4.1.1.7',
    sopInstanceUID: sopInstance,
    transferSyntax: 'explicit-le',
    declaredTransferSyntaxUID: ts,
    dataset: [
      { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 192' },
      { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
      { tag: 0x00080018, vr: 'UI', value: sopInstance },
      { tag: 0x00080060, vr: 'CS', value: 'OT' },
      { tag: 0x00100010, vr: 'PN', value: NAME_ASCII },
      { tag: 0x00100020, vr: 'LO', value: PATIENT_ID },
      { tag: 0x00100030, vr: 'DA', value: BIRTH },
      { tag: 0x0020000d, vr: 'UI', value: '2.25.90817263544' },
      { tag: 0x0020000e, vr: 'UI', value: `2.25.90817263545${n}` },
      ...attrs,
      ...extra,
      { tag: 0x7fe00010, vr: 'OB', value: new Uint8Array(0), fragments: [bot, ...perFrame.flat()] },
    ],
  });
}

// The text-carrying pieces.
const comAscii = jpegSegment(0xfe, ascii(`Patient: ${NAME_ASCII} ID ${PATIENT_ID} DOB ${BIRTH}`));
const app1Latin1 = jpegSegment(0xe1, cat(ascii('Exif\0\0'), latin1(`Artist=${NAME_LATIN1}`)));
const app13Utf8 = jpegSegment(0xed, cat(ascii('Photoshop 3.0\0'), utf8(NAME_UTF8)));
const app8Utf16 = jpegSegment(0xe8, cat(ascii('SPIFF\0'), utf16(NAME_UTF16, true), utf16(NAME_UTF16, false)));
/** JFIF with a 2×1 "thumbnail" whose bytes spell a name: the thumbnail must go, the header stay. */
const jfifWithThumb = jpegSegment(0xe0, cat(ascii('JFIF\0'), new Uint8Array([1, 1, 0, 0, 1, 0, 1, 6, 1]), ascii(`${NAME_ASCII.slice(0, 18)}`)));
const adobeWithTail = jpegSegment(0xee, cat(ascii('Adobe'), new Uint8Array([0, 100, 0, 0, 0, 0, 1]), latin1(NAME_LATIN1)));

interface Case {
  name: string;
  bytes: Uint8Array;
  /** The frames as they were before the text was spliced in, to decode and compare. */
  original?: Source;
  expect: 'written' | 'failed';
  table?: Table;
}

let cases: Case[];
let inputs: InputSpec[];

beforeAll(() => {
  const jpeg = source('transfer-syntax/JPEGBaseline_1s_1f_u_08_08.dcm');
  const jpegColour = source('color/SC_rgb_jpeg_baseline_ybr_full.dcm');
  const jls = source('transfer-syntax/JLSL_16_15_1_1F.dcm');
  const lossless2 = source('transfer-syntax/CT0012_multiframe_fragmented_nobot_jpeg_lossless_sv1.dcm');
  const j2k = source('transfer-syntax/CTImage_j2k_lossless.dcm');
  const htj2k = source('transfer-syntax/HTJ2KLossless_08_RGB.dcm');
  const j2kMulti = source('multiframe/enhanced_MR_j2k_multiframe_multifragments.dcm', 3);
  const jxl = source('transfer-syntax/will-jxl_US_multiframe.dcm', 2);
  const jls2 = source('transfer-syntax/CT0012_multiframe_fragmented_nobot_jpegls_near_lossless.dcm');

  const withJpegText = (f: Uint8Array): Uint8Array =>
    spliceJpeg(f, [jfifWithThumb, comAscii, app1Latin1, app13Utf8, app8Utf16, adobeWithTail], latin1(NAME_LATIN1));
  const jp2 = (cs: Uint8Array): Uint8Array => {
    const ihdr = isoBox('ihdr', new Uint8Array([0, 0, 2, 0, 0, 0, 2, 0, 0, 1, 15, 7, 0, 0]));
    const colr = isoBox('colr', new Uint8Array([1, 0, 0, 0, 0, 0, 17]));
    return cat(
      isoBox('jP  ', new Uint8Array([0x0d, 0x0a, 0x87, 0x0a])),
      isoBox('ftyp', ascii('jp2 '), new Uint8Array(4), ascii('jp2 ')),
      isoBox('jp2h', ihdr, colr, isoBox('lbl ', utf8(NAME_UTF8))),
      isoBox('xml ', utf8(`<patient>${NAME_UTF8}</patient>`), utf16(NAME_UTF16, false)),
      isoBox('uuid', new Uint8Array(16), latin1(NAME_LATIN1)),
      isoBox('uinf', isoBox('ulst', new Uint8Array(2)), isoBox('url ', new Uint8Array(4), ascii(`http://x/${PATIENT_ID}`))),
      isoBox('jp2c', spliceJ2k(cs, j2kCom(ascii(NAME_ASCII)), j2kCom(utf16(NAME_UTF16, true), 0))),
    );
  };
  const withJxlBoxes = (f: Uint8Array): Uint8Array => {
    // After the signature and ftyp boxes (12 + 20 bytes): Exif, XML, JUMBF and a Brotli box.
    return cat(
      f.subarray(0, 32),
      isoBox('Exif', new Uint8Array(4), ascii('MM\0*'), latin1(NAME_LATIN1)),
      isoBox('xml ', utf8(`<x:xmpmeta>${NAME_UTF8} ${BIRTH}</x:xmpmeta>`)),
      isoBox('jumb', isoBox('jumd', new Uint8Array(16), utf16(NAME_UTF16, true))),
      isoBox('brob', ascii('xml '), ascii(NAME_ASCII)),
      f.subarray(32),
    );
  };

  cases = [
    { name: 'JPEG baseline: COM, APP1, APP13, APP8, JFIF thumbnail, APP14 tail, bytes after EOI', bytes: new Uint8Array(0), original: jpeg, expect: 'written' },
    { name: 'JPEG baseline colour (APP14 kept)', bytes: new Uint8Array(0), original: jpegColour, expect: 'written' },
    { name: 'JPEG-LS lossless', bytes: new Uint8Array(0), original: jls, expect: 'written' },
    { name: 'JPEG lossless, 2 frames over 4 fragments, Basic Offset Table', bytes: new Uint8Array(0), original: lossless2, expect: 'written', table: 'bot' },
    { name: 'JPEG lossless, 2 frames over 4 fragments, Extended Offset Table', bytes: new Uint8Array(0), original: lossless2, expect: 'written', table: 'eot' },
    { name: 'JPEG 2000: COM in main and tile-part headers', bytes: new Uint8Array(0), original: j2k, expect: 'written' },
    { name: 'HTJ2K: COM in main and tile-part headers', bytes: new Uint8Array(0), original: htj2k, expect: 'written' },
    { name: 'JPEG 2000, 3 frames, Basic Offset Table', bytes: new Uint8Array(0), original: j2kMulti, expect: 'written', table: 'bot' },
    { name: 'JP2-wrapped JPEG 2000: xml, uuid, uinf, lbl boxes', bytes: new Uint8Array(0), original: j2k, expect: 'written' },
    { name: 'JPEG XL container: Exif, xml, jumb, brob boxes', bytes: new Uint8Array(0), original: jxl, expect: 'written', table: 'bot' },
    { name: 'JPEG-LS, 2 frames, Extended Offset Table lengths that stop before a name in each fragment', bytes: new Uint8Array(0), original: jls2, expect: 'written', table: 'eot' },
    { name: 'MPEG-4 video', bytes: new Uint8Array(0), expect: 'failed' },
    { name: 'JPEG whose COM length runs past the frame', bytes: new Uint8Array(0), expect: 'failed' },
  ];
  const [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12] = cases;
  c0.bytes = dicomFile(jpeg.ts, jpeg.frames.map(withJpegText), jpeg.attrs, 0);
  c1.bytes = dicomFile(jpegColour.ts, jpegColour.frames.map((f) => spliceJpeg(f, [comAscii, app1Latin1])), jpegColour.attrs, 1);
  c2.bytes = dicomFile(jls.ts, jls.frames.map((f) => spliceJpeg(f, [comAscii, app8Utf16, app13Utf8])), jls.attrs, 2);
  c3.bytes = dicomFile(lossless2.ts, lossless2.frames.map(withJpegText), lossless2.attrs, 3, 'bot', 2);
  c4.bytes = dicomFile(lossless2.ts, lossless2.frames.map(withJpegText), lossless2.attrs, 4, 'eot', 2);
  c5.bytes = dicomFile(j2k.ts, j2k.frames.map((f) => spliceJ2k(f, j2kCom(utf8(NAME_UTF8)), j2kCom(latin1(NAME_LATIN1)))), j2k.attrs, 5);
  c6.bytes = dicomFile(htj2k.ts, htj2k.frames.map((f) => spliceJ2k(f, j2kCom(ascii(`${NAME_ASCII} ${PATIENT_ID}`)), j2kCom(utf16(NAME_UTF16, false), 0))), htj2k.attrs, 6);
  c7.bytes = dicomFile(j2kMulti.ts, j2kMulti.frames.map((f) => spliceJ2k(f, j2kCom(utf8(NAME_UTF8)), j2kCom(ascii(BIRTH)))), j2kMulti.attrs, 7, 'bot', 2);
  c8.bytes = dicomFile(j2k.ts, j2k.frames.map(jp2), j2k.attrs, 8);
  c9.bytes = dicomFile(jxl.ts, jxl.frames.map(withJxlBoxes), jxl.attrs, 9);
  // An MPEG-4 AVC "stream" whose SEI user data carries a name: never checked, so never written.
  const sei = cat(new Uint8Array([0, 0, 0, 1, 0x06, 0x05, 0x20]), new Uint8Array(16), ascii(NAME_ASCII), new Uint8Array([0x80]));
  c10.bytes = dicomFile(
    jls2.ts, jls2.frames.map((f) => cat(f, utf8(` ${NAME_UTF8} `), ascii(`${NAME_ASCII} `))), jls2.attrs, 10, 'eot', 1, jls2.frames.map((f) => f.length),
  );
  c11.bytes = dicomFile('1.2.840.10008.1.2.4.102', [sei], jpeg.attrs, 11);
  const broken = cat(new Uint8Array([0xff, 0xd8, 0xff, 0xfe, 0x7f, 0xff]), ascii(`${NAME_ASCII} ${PATIENT_ID}`), new Uint8Array([0xff, 0xd9]));
  c12.bytes = dicomFile(jpeg.ts, [broken], jpeg.attrs, 12);
  inputs = cases.map((c, i) => ({ name: `case-${String(i).padStart(2, '0')}.dcm`, bytes: c.bytes }));
  // The planted text really is in every input (else the test would prove nothing).
  for (const c of cases) expect(Buffer.from(c.bytes).includes(Buffer.from(NAME_ASCII)) || Buffer.from(c.bytes).includes(Buffer.from(utf8(NAME_UTF8))), c.name).toBe(true);
});

// ---------------------------------------------------------------------------------------------
// Reading the outputs back

function outputFor(run: VeilRun, index: number): { status: string; output?: string; bytes?: Uint8Array<ArrayBuffer>; warnings: string[] } {
  const entry = run.operator.files.find((f) => f.path!.endsWith(`case-${String(index).padStart(2, '0')}.dcm`));
  if (!entry) throw new Error(`no report entry for case ${index}: ${JSON.stringify(run.operator.files.map((f) => f.path!))}`);
  const bytes = entry.output ? (run.outputs.get(entry.output) as Uint8Array<ArrayBuffer> | undefined) : undefined;
  return { status: entry.status, output: entry.output, bytes, warnings: entry.warnings };
}

async function decodeAll(ts: string, frames: Uint8Array[], ds: Parameters<typeof imageInfo>[0]): Promise<Uint8Array[]> {
  const info = imageInfo(ds);
  const out: Uint8Array[] = [];
  for (const f of frames) {
    const d = await decodeFrame(ts, f, info, { planar: false });
    out.push(new Uint8Array(d.pixels.buffer, d.pixels.byteOffset, d.pixels.byteLength).slice());
  }
  return out;
}

/** Item offsets (from the first fragment's Item tag) of every fragment of the output. */
function fragmentOffsets(fragments: Uint8Array[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const f of fragments.slice(1)) {
    out.push(at);
    at += 8 + f.length + (f.length & 1);
  }
  return out;
}

describe('encapsulated frames carry no text (issue 8, item 3)', () => {
  it('no planted value in any byte written, under every profile variant', async () => {
    const wrongStatus: string[] = [];
    const leaks = await leaksUnderEveryProfile(inputs, PLANTED, {}, (run, variant) => {
      cases.forEach((c, i) => {
        const status = outputFor(run, i).status;
        if (status !== c.expect) wrongStatus.push(`${variant.name}: ${c.name}: ${status}, expected ${c.expect}`);
      });
    });
    for (const [variant, list] of Object.entries(leaks)) {
      expect(list.map((l) => `${l.value} (${l.form}) in ${l.file}@${l.offset}`), variant).toEqual([]);
    }
    expect(wrongStatus).toEqual([]);
  }, 600_000);

  it('pixels decode exactly as before, offset tables point at the frames, the report says what went', async () => {
    const run = await runVeil(inputs);
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i];
      const out = outputFor(run, i);
      if (c.expect === 'failed') {
        expect(out.status, c.name).toBe('failed');
        expect(out.bytes, c.name).toBeUndefined();
        continue;
      }
      expect(out.bytes, c.name).toBeDefined();
      expect(out.warnings.join(' '), c.name).toMatch(/removed segments and boxes that can carry text/);
      const parsed = readPart10(out.bytes!);
      const ds = parsed.dataset;
      const el = pixelElement(ds)!;
      const src = c.original!;
      const n = src.frames.length;
      const frames = frameFragments(el, n, ds);
      expect(frames.length, c.name).toBe(n);
      // Offset tables: each entry is where a frame's first fragment starts.
      const starts = fragmentOffsets(el.fragments!);
      const bot = el.fragments![0];
      const eot = ds.get(0x7fe00001);
      if (c.table === 'eot') {
        expect(bot.length, `${c.name}: Basic Offset Table empty beside an Extended one`).toBe(0);
        expect(eot, c.name).toBeDefined();
        const v = new DataView(eot!.value.buffer, eot!.value.byteOffset, eot!.value.byteLength);
        const lens = ds.get(0x7fe00002)!;
        const lv = new DataView(lens.value.buffer, lens.value.byteOffset, lens.value.byteLength);
        for (let f = 0; f < n; f++) {
          const off = Number(v.getBigUint64(f * 8, true));
          const idx = starts.indexOf(off);
          expect(idx, `${c.name}: EOT entry ${f}`).toBeGreaterThanOrEqual(0);
          expect(el.fragments![idx + 1][0], c.name).toBe(0xff);
          expect(Number(lv.getBigUint64(f * 8, true)), `${c.name}: EOT length ${f}`).toBe(frames[f].length);
        }
      } else if (n > 1) {
        expect(bot.length, `${c.name}: one Basic Offset Table entry per frame`).toBe(n * 4);
        const bv = new DataView(bot.buffer, bot.byteOffset, bot.byteLength);
        for (let f = 0; f < n; f++) {
          const idx = starts.indexOf(bv.getUint32(f * 4, true));
          expect(idx, `${c.name}: BOT entry ${f}`).toBeGreaterThanOrEqual(0);
          // The frame found through the table is the frame found by the engine's own split.
          expect(Buffer.from(el.fragments![idx + 1].subarray(0, 16)).equals(Buffer.from(frames[f].subarray(0, 16))), c.name).toBe(true);
        }
      }
      const before = await decodeAll(src.ts, src.frames, readPart10(c.bytes).dataset).catch((e: Error) => {
        throw new Error(`${c.name}: input does not decode: ${e.message}`);
      });
      const after = await decodeAll(parsed.transferSyntaxUID, frames, ds).catch((e: Error) => {
        throw new Error(`${c.name}: output does not decode: ${e.message}`);
      });
      for (let f = 0; f < n; f++) {
        expect(after[f].length, `${c.name}: frame ${f} size`).toBe(before[f].length);
        expect(Buffer.from(after[f]).equals(Buffer.from(before[f])), `${c.name}: frame ${f} pixels unchanged`).toBe(true);
      }
    }
  }, 300_000);
});
