/**
 * Issue 8, item 10: the reader's mutation run, through the real command. A handful of small real
 * fixtures of different kinds (native, JPEG, RLE, JPEG 2000, multi-frame, nested sequences,
 * deflated) are mutated deterministically — truncated, bytes flipped, lengths set to huge or odd
 * values, image attributes (Number of Frames, Rows, Columns, Bits Allocated) set to extremes,
 * sequences nested deeply, a deflate bomb — and the whole lot goes through `veil deidentify`
 * three ways: plain, with a redaction plan whose boxes hit every fixture's series, and (a
 * smaller subset, OCR is slow) with --ocr.
 *
 * What must hold whatever each mutant's fate: the run returns; every input is in the report
 * exactly once as written, skipped or failed; no reason is "internal error"; and nothing the run
 * wrote holds the fixtures' original patient names or IDs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, constants as zlibConstants } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findPlanted, runVeil, type InputSpec, type PlantedValue, type RunOptions } from './harness.ts';
import { joinParts } from '../../src/core/dicom/writer.ts';
import { mulberry32 } from '../synthetic/random.ts';

const FIXTURES = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'dicom');

interface Fixture {
  path: string;
  series: string;
  /** Original patient name / ID worth searching for (IDs of 3 characters would match by chance). */
  planted: PlantedValue[];
}

const FIXTURE_LIST: Fixture[] = [
  {
    path: 'misc/MR_small.dcm', series: '1.3.6.1.4.1.5962.1.3.4.1.20040826185059.5457',
    planted: [{ value: 'CompressedSamples^MR1', kind: 'name', inMapping: true }],
  },
  {
    path: 'transfer-syntax/JPEGBaseline_1s_1f_u_08_08.dcm', series: '1.2.826.0.1.3680043.8.498.16157229083793556332623330502397121062',
    planted: [{ value: 'Lestrade^G', kind: 'name', inMapping: true }],
  },
  { path: 'color/SC_rgb_rle.dcm', series: '1.2.826.0.1.3680043.8.498.16157229083793556332623330502397121062', planted: [] },
  {
    path: 'odd/JPEG2000-embedded-sequence-delimiter.dcm', series: '1.3.6.1.4.1.5962.1.3.8.1.20040826185059.5457',
    planted: [{ value: 'CompressedSamples^NM1', kind: 'name', inMapping: true }],
  },
  {
    path: 'multiframe/rtdose_15frames_32bit.dcm', series: '1.2.777.777.77.7.7777.7777',
    planted: [{ value: 'Lastname^Firstname', kind: 'name', inMapping: true }, { value: 'id11111', kind: 'id', inMapping: true }],
  },
  {
    path: 'non-image/test-SR_comprehensive_deep.dcm', series: '1.2.276.0.7230010.3.1.4.2139363186.7819.982086466.3',
    planted: [{ value: 'Test^S R', kind: 'name', inMapping: true }],
  },
  {
    path: 'non-image/report_dfl_deflated_sr.dcm', series: '1.2.276.0.7230010.3.1.4.2139363186.24419.973855257.15',
    planted: [{ value: 'Osterman^Phillip B.', kind: 'name', inMapping: true }],
  },
];

const PLANTED: PlantedValue[] = FIXTURE_LIST.flatMap((f) => f.planted);

/** A box on every frame of every fixture's series: the redaction step runs for each image. */
const PLAN = {
  version: 1,
  boxes: [...new Set(FIXTURE_LIST.map((f) => f.series))].map((series, i) => ({
    id: `box-${i}`, x: 0, y: 0, width: 6, height: 4, frames: 'all', scope: { kind: 'series', seriesInstanceUID: series }, source: 'user',
  })),
};

const VR_NAMES = new Set('AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '));
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** Offsets of what look like explicit VR element headers (a valid VR after an even-group tag). */
function explicitHeaders(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 132; i + 8 <= b.length; i++) {
    if (b[i] % 2 === 0 && VR_NAMES.has(String.fromCharCode(b[i + 4], b[i + 5]))) out.push(i);
  }
  return out;
}

/** Offset of the little-endian tag bytes of `tag` after the file meta, or -1. */
function findTag(b: Uint8Array, tag: number, from = 132): number {
  const needle = Buffer.from([(tag >>> 16) & 0xff, tag >>> 24, tag & 0xff, (tag >>> 8) & 0xff]);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).indexOf(needle, from);
}

const concat = (...parts: Uint8Array[]): Uint8Array => joinParts(parts);

const u16 = (n: number) => new Uint8Array([n & 0xff, (n >> 8) & 0xff]);
const u32 = (n: number) => new Uint8Array([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24]);
const ascii = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));

/** An element header for `tag` in the encoding the file's Rows element uses (explicit or implicit VR LE). */
function header(explicit: boolean, tag: number, vr: string, length: number): Uint8Array {
  const t = concat(u16(tag >>> 16), u16(tag & 0xffff));
  if (!explicit) return concat(t, u32(length));
  return LONG_VRS.has(vr) ? concat(t, ascii(vr), u16(0), u32(length)) : concat(t, ascii(vr), u16(length));
}

/** Sets the first value of a US element found by tag (explicit or implicit VR) to `value`. */
function setUS(b: Uint8Array, tag: number, value: number): Uint8Array | undefined {
  const at = findTag(b, tag);
  if (at < 0) return undefined;
  // The value starts 8 bytes after the tag in both explicit (short form) and implicit VR.
  const out = b.slice();
  out.set(u16(value), at + 8);
  return out;
}

/** Cuts a 2-byte (US) element down to its first byte, fixing its length field. */
function shortenTo1Byte(b: Uint8Array, tag: number): Uint8Array | undefined {
  const at = findTag(b, tag);
  if (at < 0) return undefined;
  const explicit = VR_NAMES.has(String.fromCharCode(b[at + 4], b[at + 5]));
  const head = b.slice(0, at + 8);
  if (explicit) head.set(u16(1), at + 6);
  else head.set(u32(1), at + 4);
  return concat(head, b.subarray(at + 8, at + 9), b.subarray(at + 10));
}

/** Inserts a Number of Frames element just before Rows, or overwrites its digits when present. */
function setNumberOfFrames(b: Uint8Array, text: string): Uint8Array | undefined {
  const nf = findTag(b, 0x00280008);
  if (nf >= 0) {
    const explicit = String.fromCharCode(b[nf + 4], b[nf + 5]) === 'IS';
    const len = explicit ? b[nf + 6] | (b[nf + 7] << 8) : b[nf + 4] | (b[nf + 5] << 8);
    const value = ascii(text.length % 2 ? `${text} ` : text);
    return concat(b.subarray(0, nf), header(explicit, 0x00280008, 'IS', value.length), value, b.subarray(nf + 8 + len));
  }
  const rows = findTag(b, 0x00280010);
  if (rows < 0) return undefined;
  const explicit = String.fromCharCode(b[rows + 4], b[rows + 5]) === 'US';
  const value = ascii(text.length % 2 ? `${text} ` : text);
  return concat(b.subarray(0, rows), header(explicit, 0x00280008, 'IS', value.length), value, b.subarray(rows));
}

/**
 * Sequences nested `depth` deep (undefined lengths), in explicit VR little endian, under a
 * minimal image header: reading must refuse or handle it without a stack overflow.
 */
function deeplyNested(base: Uint8Array, depth: number, asUN: boolean): Uint8Array {
  const open = asUN
    ? concat(u16(0x0009), u16(0x1010), ascii('UN'), u16(0), u32(0xffffffff), u16(0xfffe), u16(0xe000), u32(0xffffffff))
    : concat(u16(0x0040), u16(0xa730), ascii('SQ'), u16(0), u32(0xffffffff), u16(0xfffe), u16(0xe000), u32(0xffffffff));
  const close = concat(u16(0xfffe), u16(0xe00d), u32(0), u16(0xfffe), u16(0xe0dd), u32(0));
  const parts: Uint8Array[] = [];
  for (let i = 0; i < depth; i++) parts.push(open);
  for (let i = 0; i < depth; i++) parts.push(close);
  // Inserted at the end of the dataset, before Pixel Data when there is one (tags stay ordered enough for a reader).
  const px = findTag(base, 0x7fe00010);
  const at = px >= 0 ? px : base.length;
  return concat(base.subarray(0, at), ...parts, base.subarray(at));
}

/** A Part 10 file whose deflated dataset is a bomb: ~1 MB of deflate that inflates to 1 GiB. */
function deflateBomb(): Uint8Array {
  const chunk = deflateRawSync(new Uint8Array(8 << 20), { level: 9, finishFlush: zlibConstants.Z_SYNC_FLUSH });
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 128; i++) parts.push(chunk);
  parts.push(deflateRawSync(new Uint8Array(0)));
  // The deflated SR fixture's own meta (it declares Deflated Explicit VR Little Endian).
  const sr = readFileSync(join(FIXTURES, 'non-image/report_dfl_deflated_sr.dcm'));
  const metaLength = sr.readUInt32LE(140);
  return concat(new Uint8Array(sr.subarray(0, 144 + metaLength)), ...parts);
}

/** Where mutantsOf's image attribute mutants begin in its result. */
let attributeMutantsFrom = 0;

/** Every mutant of one fixture, deterministic for its index. */
function mutantsOf(bytes: Uint8Array, seed: number): Uint8Array[] {
  const rnd = mulberry32(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const out: Uint8Array[] = [];
  // Truncations: in the meta, right after it, and spread over the rest.
  for (const at of [60, 140, 200, 300]) if (at < bytes.length) out.push(bytes.slice(0, at));
  for (let i = 0; i < 10; i++) out.push(bytes.slice(0, 132 + int(bytes.length - 132)));
  // Byte flips: one to eight bytes each, anywhere after the preamble.
  for (let i = 0; i < 14; i++) {
    const m = bytes.slice();
    const n = 1 + int(8);
    for (let k = 0; k < n; k++) m[128 + int(m.length - 128)] ^= 1 + int(255);
    out.push(m);
  }
  // Lengths of real element headers set to huge, undefined, odd and off-by-one values.
  const headers = explicitHeaders(bytes);
  const lengths = [0xffffffff, 0xfffffff0, 0x7fffffff, 0xffff, 1, 3];
  for (let i = 0; i < 12 && headers.length; i++) {
    const h = headers[int(headers.length)];
    const vr = String.fromCharCode(bytes[h + 4], bytes[h + 5]);
    const m = bytes.slice();
    const len = lengths[int(lengths.length)];
    if (LONG_VRS.has(vr)) m.set(u32(len), h + 8);
    else m.set(u16(len & 0xffff), h + 6);
    out.push(m);
  }
  // Image attributes at extremes (all of these go to the --ocr run too: they size its decoding).
  attributeMutantsFrom = out.length;
  for (const [tag, values] of [
    [0x00280010, [0, 1, 0xffff]], [0x00280011, [0, 0xffff]], [0x00280100, [0, 1, 7, 64, 0xffff]], [0x00280002, [0, 3, 0xffff]],
  ] as const) {
    for (const v of values) {
      const m = setUS(bytes, tag, v);
      if (m) out.push(m);
    }
  }
  // Image attributes one byte long (a US holds two): the element cannot be read.
  for (const tag of [0x00280010, 0x00280011, 0x00280100, 0x00280002]) {
    const m = shortenTo1Byte(bytes, tag);
    if (m) out.push(m);
  }
  for (const nf of ['1000000000', '4294967296', '-1', '0', 'NaN', '1e308']) {
    const m = setNumberOfFrames(bytes, nf);
    if (m) out.push(m);
  }
  return out;
}

interface Corpus {
  inputs: InputSpec[];
  /** A smaller, deterministic share for the --ocr run. */
  ocrSubset: InputSpec[];
}

function buildCorpus(): Corpus {
  const inputs: InputSpec[] = [];
  const ocrSubset: InputSpec[] = [];
  let n = 0;
  const add = (bytes: Uint8Array, ocr: boolean) => {
    const spec = { name: `m${String(n++).padStart(4, '0')}.dcm`, bytes };
    inputs.push(spec);
    if (ocr) ocrSubset.push(spec);
  };
  FIXTURE_LIST.forEach((f, i) => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, f.path)));
    add(bytes, true); // the fixture itself: mutants are judged beside a good file
    const mutants = mutantsOf(bytes, 1000 + i);
    mutants.forEach((m, k) => add(m, k >= attributeMutantsFrom || k % 9 === 4));
    for (const [depth, asUN] of [[40, false], [63, false], [70, true], [5000, false]] as const) add(deeplyNested(bytes, depth, asUN), false);
  });
  add(deflateBomb(), false);
  return { inputs, ocrSubset };
}

const corpus = buildCorpus();

async function expectNoAbort(inputs: InputSpec[], options: RunOptions): Promise<void> {
  const run = await runVeil(inputs, options);
  const names = run.operator.files.map((f) => f.path!.split('/').pop()!);
  expect(names.sort()).toEqual(inputs.map((i) => i.name).sort());
  const bad = run.operator.files.filter((f) => !['written', 'skipped', 'failed'].includes(f.status) || /internal error/i.test(f.reason ?? ''));
  expect(bad.map((f) => `${f.path}: ${f.status} ${f.reason}`)).toEqual([]);
  // Not a run where everything was refused: the search for planted values has outputs to search.
  expect(run.report.totals.written).toBeGreaterThan(0);
  expect(findPlanted(run, PLANTED)).toEqual([]);
}

describe('mutation run: no input aborts the run, every input is reported, nothing leaks', () => {
  it(`has a few hundred mutants (${corpus.inputs.length})`, () => {
    expect(corpus.inputs.length).toBeGreaterThan(200);
    expect(corpus.ocrSubset.length).toBeGreaterThan(10);
  });

  it('plain', async () => {
    await expectNoAbort(corpus.inputs, {});
  }, 120_000);

  it('with a redaction plan whose boxes hit every image', async () => {
    await expectNoAbort(corpus.inputs, { boxes: PLAN });
  }, 120_000);

  it('with --ocr (a subset)', async () => {
    await expectNoAbort(corpus.ocrSubset, { ocr: {} });
  }, 180_000);
});
