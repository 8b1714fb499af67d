/**
 * Issue 8, item 10: no input can abort the run. Each hostile file below sits beside a good file
 * in the same run: the run must return, the hostile file must be accounted for (refused with a
 * reason that says what was wrong and where — never "internal error"), the good file must still
 * be written, and nothing written may hold the planted identifiers.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync, constants as zlibConstants } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePart10, type Element } from '../synthetic/encoder.ts';
import { findPlanted, runVeil, type InputSpec, type PlantedValue, type VeilRun } from './harness.ts';
import { deidentifyAll } from '../../src/cli/parallel.ts';
import type { InputFile } from '../../src/cli/inputs.ts';
import { deriveSessionKey } from '../../src/core/header/keys.ts';
import type { FileOutcome } from '../../src/core/outcome.ts';
import { defaultProfile } from '../../src/core/profile/profile.ts';
import { monochromeImagePixel } from '../synthetic/image-pixel.ts';

const REPO = resolve(__dirname, '..', '..');

const SC = '1.2.840.10008.5.1.4.1.1.7';
const STUDY = '1.2.826.0.1.3680043.99998.81.1';
const SERIES = '1.2.826.0.1.3680043.99998.81.2';
const PLANTED: PlantedValue[] = [
  { value: 'NOABORT^PLANTEDNAME', kind: 'name', inMapping: true },
  { value: 'PID-NOABORT-7731', kind: 'id', inMapping: true },
];

/** A small native (or, with `pixelData` given, encapsulated) secondary capture image. */
function image(instance: number, opts: { frames?: string; rows?: number; columns?: number; pixelData?: Element } = {}): Element[] {
  const rows = opts.rows ?? 8;
  const columns = opts.columns ?? 8;
  const els: Element[] = [
    { tag: 0x00080016, vr: 'UI', value: SC },
    { tag: 0x00080018, vr: 'UI', value: `${SERIES}.${instance}` },
    { tag: 0x00080060, vr: 'CS', value: 'OT' },
    { tag: 0x00100010, vr: 'PN', value: PLANTED[0].value },
    { tag: 0x00100020, vr: 'LO', value: PLANTED[1].value },
    { tag: 0x0020000d, vr: 'UI', value: STUDY },
    { tag: 0x0020000e, vr: 'UI', value: SERIES },
    ...monochromeImagePixel(rows, columns),
  ];
  if (opts.frames !== undefined) els.push({ tag: 0x00280008, vr: 'IS', value: opts.frames });
  els.push(opts.pixelData ?? { tag: 0x7fe00010, vr: 'OB', value: new Uint8Array(rows * columns * 2).map((_, i) => i & 0xff) });
  return els;
}

function part10(instance: number, dataset: Element[]): Uint8Array {
  return encodePart10({ sopClassUID: SC, sopInstanceUID: `${SERIES}.${instance}`, transferSyntax: 'explicit-le', dataset });
}

/** Replaces the Transfer Syntax UID in the file meta by another of the same length. */
function withTransferSyntax(file: Uint8Array, uid: string): Uint8Array {
  const from = Buffer.from('1.2.840.10008.1.2.1\0');
  const at = Buffer.from(file).indexOf(from);
  if (at < 0 || uid.length !== 19) throw new Error('transfer syntax patch: not found or length differs');
  const out = file.slice();
  out.set(Buffer.from(`${uid}\0`), at);
  return out;
}

/** Encapsulated Pixel Data as a raw value: empty offset table, one fragment per given codestream, delimiter. */
function encapsulated(fragments: Uint8Array[]): Element {
  const parts: number[] = [];
  const item = (bytes: Uint8Array) => {
    const len = bytes.length + (bytes.length & 1);
    parts.push(0xfe, 0xff, 0x00, 0xe0, len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, len >>> 24, ...bytes);
    if (bytes.length & 1) parts.push(0);
  };
  item(new Uint8Array(0));
  fragments.forEach(item);
  parts.push(0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0);
  // The test encoder writes an undefined-length UN as its raw bytes: exactly the encapsulated form.
  return { tag: 0x7fe00010, vr: 'UN', value: new Uint8Array(parts), undefinedLength: true };
}

/** One RLE Lossless frame (PS3.5 G) of 8-bit pixels: one segment of literal runs. */
function rleFrame(pixels: Uint8Array): Uint8Array {
  const seg: number[] = [];
  for (let i = 0; i < pixels.length; i += 128) {
    const run = pixels.subarray(i, i + 128);
    seg.push(run.length - 1, ...run);
  }
  const out = new Uint8Array(64 + seg.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, 1, true);
  v.setUint32(4, 64, true);
  out.set(seg, 64);
  return out;
}

/** Shrinks the (explicit VR, short form) element `tag` to its first `length` bytes. */
function shrinkElement(file: Uint8Array, tag: number, length: number): Uint8Array {
  const head = Buffer.from([(tag >>> 16) & 0xff, tag >>> 24, tag & 0xff, (tag >>> 8) & 0xff]);
  const at = Buffer.from(file).indexOf(head, 132 + 12);
  if (at < 0) throw new Error('shrinkElement: tag not found');
  const old = file[at + 6] | (file[at + 7] << 8);
  const out = new Uint8Array(file.length - (old - length));
  out.set(file.subarray(0, at + 8 + length));
  out[at + 6] = length & 0xff;
  out[at + 7] = length >> 8;
  out.set(file.subarray(at + 8 + old), at + 8 + length);
  return out;
}

/** A box over every image of the test series, on every frame: the plan the redaction step must honour. */
const PLAN = {
  version: 1,
  boxes: [{ id: 'everything', x: 0, y: 0, width: 4, height: 4, frames: 'all', scope: { kind: 'series', seriesInstanceUID: SERIES }, source: 'user' }],
};

const good = (): InputSpec => ({ name: 'a-good.dcm', bytes: part10(1, image(1)) });

function expectAccounted(run: VeilRun, names: string[]): void {
  const inputs = run.operator.files.map((f) => f.path!.split('/').pop());
  expect(inputs.sort()).toEqual([...names].sort());
  for (const f of run.operator.files) {
    expect(['written', 'skipped', 'failed']).toContain(f.status);
    expect(f.reason ?? '').not.toMatch(/internal error/i);
  }
  expect(run.operator.files.find((f) => f.path!.endsWith('a-good.dcm'))?.status).toBe('written');
  expect(findPlanted(run, PLANTED)).toEqual([]);
}

const entry = (run: VeilRun, name: string) => run.operator.files.find((f) => f.path!.endsWith(name))!;

describe('no input can abort the run', () => {
  // First: peak RSS is a process-wide high-water mark, so this test must run before the others grow it.
  it('refuses a deflate bomb with a reason, in bounded memory', async () => {
    // Raw deflate of zeros, flushed to a byte boundary so that copies of it can be concatenated:
    // each copy inflates to 8 MiB on its own. About 2 MB of deflate that inflates to ~2 GiB.
    const chunk = deflateRawSync(new Uint8Array(8 << 20), { level: 9, finishFlush: zlibConstants.Z_SYNC_FLUSH });
    const copies = 256;
    const final = deflateRawSync(new Uint8Array(0));
    const bomb = new Uint8Array(chunk.length * copies + final.length);
    for (let i = 0; i < copies; i++) bomb.set(chunk, i * chunk.length);
    bomb.set(final, chunk.length * copies);
    expect(bomb.length).toBeLessThan(4 << 20);
    // File meta saying Deflated Explicit VR Little Endian, then the bomb as the dataset.
    // '1.2.840.10008.1.2.1.99' is longer than the encoder's UID: patch the meta's lengths too.
    const meta = encodePart10({ sopClassUID: SC, sopInstanceUID: `${SERIES}.2`, transferSyntax: 'explicit-le', dataset: [] });
    const metaWithDeflate = patchTransferSyntaxLonger(meta, '1.2.840.10008.1.2.1.99');
    const file = new Uint8Array(metaWithDeflate.length + bomb.length);
    file.set(metaWithDeflate);
    file.set(bomb, metaWithDeflate.length);

    const peakBefore = process.resourceUsage().maxRSS * 1024;
    const run = await runVeil([good(), { name: 'b-deflated.dcm', bytes: file }]);
    const peakGrowth = process.resourceUsage().maxRSS * 1024 - peakBefore;
    expectAccounted(run, ['a-good.dcm', 'b-deflated.dcm']);
    const bad = entry(run, 'b-deflated.dcm');
    expect(bad.status).toBe('failed');
    expect(bad.reason).toMatch(/deflat/i);
    expect(bad.reason).toMatch(/MiB/);
    // The cap is far below the bomb's 2 GiB: inflating must stop near the cap, not at the end.
    expect(peakGrowth).toBeLessThan(1024 * 1024 * 1024);
  });

  it('caps Number of Frames = 1e9 by what native Pixel Data holds, with a redaction plan', async () => {
    const bytes = part10(3, image(3, { frames: '1000000000' }));
    const run = await runVeil([good(), { name: 'c-frames.dcm', bytes }], { boxes: PLAN });
    expectAccounted(run, ['a-good.dcm', 'c-frames.dcm']);
    // Both frames the data holds are painted, and the declared count is named in the report.
    const e = entry(run, 'c-frames.dcm');
    expect(e.status).toBe('written');
    expect(e.warnings.join(' ')).toMatch(/Number of Frames/);
    expect(e.warnings.join(' ')).toMatch(/painted 1 box\(es\) on 2 frame\(s\)/);
  });

  it('caps Number of Frames = 1e9 by the fragments of encapsulated Pixel Data, with a redaction plan', async () => {
    const pixels = new Uint8Array(64).map((_, i) => 100 + i);
    const px = encapsulated([rleFrame(pixels), rleFrame(pixels)]);
    const bytes = withTransferSyntax(part10(4, image(4, { frames: '1000000000', pixelData: px })), '1.2.840.10008.1.2.5');
    const run = await runVeil([good(), { name: 'd-frames-rle.dcm', bytes }], { boxes: PLAN });
    expectAccounted(run, ['a-good.dcm', 'd-frames-rle.dcm']);
    const e = entry(run, 'd-frames-rle.dcm');
    expect(e.status).toBe('written');
    expect(e.warnings.join(' ')).toMatch(/painted 1 box\(es\) on 2 frame\(s\)/);
  });

  it('does not write an image whose boxes cannot be painted because Rows outgrows its Pixel Data', async () => {
    // 200 rows declared, 16 rows of pixels stored: the stored bytes would leave unpainted.
    const px: Element = { tag: 0x7fe00010, vr: 'OB', value: new Uint8Array(8 * 16).fill(200) };
    const bytes = part10(6, image(6, { rows: 200, pixelData: px }));
    const run = await runVeil([good(), { name: 'f-rows.dcm', bytes }], { boxes: PLAN });
    expectAccounted(run, ['a-good.dcm', 'f-rows.dcm']);
    const e = entry(run, 'f-rows.dcm');
    expect(e.status).toBe('failed');
    expect(e.reason).toMatch(/could not be painted/);
  });

  for (const [tag, keyword] of [[0x00280010, 'Rows'], [0x00280011, 'Columns'], [0x00280100, 'BitsAllocated']] as const) {
    it(`fails a file whose ${keyword} is a 1-byte US, naming the element`, async () => {
      const bytes = shrinkElement(part10(5, image(5)), tag, 1);
      for (const boxes of [undefined, PLAN]) {
        const run = await runVeil([good(), { name: 'e-short.dcm', bytes }], { boxes });
        expectAccounted(run, ['a-good.dcm', 'e-short.dcm']);
        const e = entry(run, 'e-short.dcm');
        expect(e.status).toBe('failed');
        expect(e.reason).toContain(keyword);
      }
    });
  }
});

/** A zip archive of the given entries (method 0 stored, 8 deflated; `size` is the declared inflated size). CRCs are left 0: the bomb is refused before any CRC is checked. */
function zipOf(entries: { name: string; data: Uint8Array; method: 0 | 8; size: number }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(e.method, 10);
    dir.writeUInt32LE(e.data.length, 20);
    dir.writeUInt32LE(e.size, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, name, e.data);
    central.push(dir, name);
    offset += 30 + name.length + e.data.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, ...central, end]));
}

describe('a zip bomb given to the command line', () => {
  it('is refused entry by entry; the other entries are written', async () => {
    const chunk = deflateRawSync(new Uint8Array(8 << 20), { level: 9, finishFlush: zlibConstants.Z_SYNC_FLUSH });
    const copies = 160; // 1.25 GiB inflated, past the 1 GiB an entry may take
    const bomb = Buffer.concat([...Array.from({ length: copies }, () => chunk), deflateRawSync(new Uint8Array(0))]);
    const goodBytes = part10(10, image(10));
    const zip = zipOf([
      { name: 'a-good.dcm', data: goodBytes, method: 0, size: goodBytes.length },
      { name: 'b-bomb.dcm', data: new Uint8Array(bomb), method: 8, size: copies * (8 << 20) },
    ]);
    const run = await runVeil([{ name: 'archive.zip', bytes: zip }]);
    expectAccounted(run, ['a-good.dcm', 'b-bomb.dcm']);
    const e = entry(run, 'b-bomb.dcm');
    expect(e.status).toBe('failed');
    expect(e.reason).toMatch(/zip bomb refused/);
  }, 120_000);
});

describe('a file that exhausts a worker thread does not stop the batch', () => {
  it('fails that file with a reason and writes the others (--threads 2)', async () => {
    // The workers run the bundled CLI, as `veil --threads` does; bin/veil.mjs rebuilds it when stale.
    execFileSync(process.execPath, [join(REPO, 'bin', 'veil.mjs'), '--help'], { stdio: 'ignore' });
    // A sequence of 300 000 items of eight empty elements each: the heap grows item by item, far
    // past what the worker is given (one huge allocation would not show the path a real file takes).
    const ITEMS = 300_000;
    const itemBytes = 8 + 8 * 8 + 8;
    const many = new Uint8Array(12 + ITEMS * itemBytes + 8);
    const v = new DataView(many.buffer);
    const tagAt = (at: number, tag: number, length: number) => {
      v.setUint16(at, tag >>> 16, true);
      v.setUint16(at + 2, tag & 0xffff, true);
      v.setUint32(at + 4, length >>> 0, true);
    };
    // (0040,A730) Content Sequence, undefined length (implicit VR: tag + length only).
    tagAt(0, 0x0040a730, 0xffffffff);
    let at = 8;
    for (let i = 0; i < ITEMS; i++) {
      tagAt(at, 0xfffee000, 0xffffffff);
      at += 8;
      for (let k = 0; k < 8; k++, at += 8) tagAt(at, 0x00080100 + k * 2, 0);
      tagAt(at, 0xfffee00d, 0);
      at += 8;
    }
    tagAt(at, 0xfffee0dd, 0);
    at += 8;
    const base = encodePart10({ sopClassUID: SC, sopInstanceUID: `${SERIES}.7`, transferSyntax: 'implicit-le', dataset: image(7) });
    // Appended after Pixel Data: the reader takes elements as they come.
    const heavy = new Uint8Array(base.length + at);
    heavy.set(base);
    heavy.set(many.subarray(0, at), base.length);
    const files = [good(), { name: 'b-heavy.dcm', bytes: heavy }, { name: 'c-good.dcm', bytes: part10(8, image(8)) }, { name: 'd-good.dcm', bytes: part10(9, image(9)) }];
    const inputs: InputFile[] = files.map((f) => ({ path: f.name, read: async () => f.bytes.slice() }));
    const outcomes = new Map<number, FileOutcome | { readError: string }>();
    const profile = defaultProfile();
    profile.pseudonyms.mode = 'pseudonymize';
    const mappings = await deidentifyAll(
      inputs,
      { profile, key: deriveSessionKey('worker-crash') },
      { threads: 2, workerUrl: pathToFileURL(join(REPO, 'dist-cli', 'veil.mjs')), workerHeapMb: 96 },
      async (index, outcome) => void outcomes.set(index, outcome),
    );
    expect([...outcomes.keys()].sort()).toEqual([0, 1, 2, 3]);
    const status = (i: number) => { const o = outcomes.get(i)!; return 'status' in o ? o.status : 'read error'; };
    expect([status(0), status(1), status(2), status(3)]).toEqual(['written', 'failed', 'written', 'written']);
    const heavyOutcome = outcomes.get(1) as FileOutcome;
    expect(heavyOutcome.status === 'failed' && heavyOutcome.reason).toMatch(/processing stopped on this file/);
    // The written files' re-identification records survive the worker that died.
    expect(mappings.flatMap((m) => m.studies).map((st) => st.originalStudyUID)).toContain(STUDY);
  }, 120_000);
});

/** Replaces the meta's Transfer Syntax UID by a longer one, fixing the element and group lengths. */
function patchTransferSyntaxLonger(file: Uint8Array, uid: string): Uint8Array {
  const old = Buffer.from('1.2.840.10008.1.2.1\0');
  const at = Buffer.from(file).indexOf(old);
  const value = Buffer.from(uid.length % 2 ? `${uid}\0` : uid);
  const out = new Uint8Array(file.length - old.length + value.length);
  out.set(file.subarray(0, at));
  out.set(value, at);
  out.set(file.subarray(at + old.length), at + value.length);
  // Element length (2 bytes before the value) and the group length (UL at offset 140).
  out[at - 2] = value.length;
  const v = new DataView(out.buffer);
  v.setUint32(140, v.getUint32(140, true) + value.length - old.length, true);
  return out;
}
