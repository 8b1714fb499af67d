/**
 * Defacing written back into a file (issue 11, part 5): the patches a defaced series hands each
 * of its files land in the pixels — native in place, compressed re-encoded with the same codec —
 * every other pixel keeps its exact value, and the file says it was defaced (Recognizable Visual
 * Features NO, Clean Recognizable Visual Features Option 113102). A file of a declined series
 * written anyway says nothing of the kind. Outputs are read back with independent decoders.
 */
import { describe, expect, it } from 'vitest';
import { createSession, deidentifyFileAsync } from '../../src/core/deidentify.ts';
import type { FramePatch } from '../../src/core/deface/types.ts';
import { joinParts } from '../../src/core/dicom/writer.ts';
import type { FileOutcome, WrittenOutcome } from '../../src/core/outcome.ts';
import { referenceDecode, sampleValue, transferSyntaxOf } from '../helpers/reference-pixels.ts';
import dicomParser from 'dicom-parser';
import { JPEG_LS_LOSSLESS, RLE_LOSSLESS, sliceFile, sliceValues, type SeriesSpec } from './synthetic-series.ts';

const ROWS = 24;
const COLUMNS = 20;
const AIR = -1024;

/** A face-like patch: a block in the lower front corner of the slice plus a few scattered pixels. */
function facePatch(): FramePatch {
  const indices: number[] = [];
  for (let r = 16; r < 24; r++) for (let c = 0; c < 9; c++) indices.push(r * COLUMNS + c);
  indices.push(3 * COLUMNS + 17, 10 * COLUMNS + 5);
  return { frame: 0, indices: Uint32Array.from(indices), storedValues: new Int32Array(indices.length).fill(AIR) };
}

const written = (o: FileOutcome): WrittenOutcome => {
  if (o.status !== 'written') throw new Error(`not written: ${o.reason}`);
  return o;
};

function header(bytes: Uint8Array) {
  const ds = dicomParser.parseDicom(bytes);
  const seq = ds.elements.x00120064?.items ?? [];
  return {
    rvf: ds.string('x00280302')?.trim(),
    codes: seq.map((i) => i.dataSet!.string('x00080100')?.trim()),
    method: ds.string('x00120063') ?? '',
    ipp: ds.string('x00200032'),
    iop: ds.string('x00200037'),
    spacing: ds.string('x00280030'),
    thickness: ds.string('x00180050'),
  };
}

describe.each([
  ['native 16-bit signed', 'native', '1.2.840.10008.1.2.1'],
  ['RLE', 'rle', RLE_LOSSLESS],
  ['JPEG-LS lossless', 'jpeg-ls', JPEG_LS_LOSSLESS],
] as const)('a defaced slice, %s', (_label, encoding, outputTs) => {
  const spec: SeriesSpec = { seriesUID: '1.2.826.0.1.3680043.99998.7.2', slices: 2, rows: ROWS, columns: COLUMNS, encoding };

  it('gets the patch, keeps every other pixel exactly, and is marked defaced', async () => {
    const input = await sliceFile(spec, 0);
    const patch = facePatch();
    const outcome = written(await deidentifyFileAsync({ path: 'head/IM1.dcm', bytes: input }, createSession({ passphrase: 'w' }), {
      deface: { status: 'defaced', mode: 'remove', patches: [patch] },
    }));
    const out = joinParts(outcome.parts);
    expect(transferSyntaxOf(out)).toBe(outputTs);
    const img = referenceDecode(out);
    const before = sliceValues(spec, 0);
    const inPatch = new Set(patch.indices);
    let changed = 0;
    for (let r = 0; r < ROWS; r++) {
      for (let c = 0; c < COLUMNS; c++) {
        const i = r * COLUMNS + c;
        const v = sampleValue(img, 0, r, c, 0);
        if (inPatch.has(i)) expect(v).toBe(AIR);
        else expect(v).toBe(before[i]);
        if (v !== before[i]) changed++;
      }
    }
    expect(changed).toBe(patch.indices.length);
    const h = header(out);
    expect(h.rvf).toBe('NO');
    expect(h.codes).toContain('113102');
    expect(h.method).toContain('Clean Recognizable Visual Features');
    // Geometry as the input had it.
    expect([h.ipp, h.iop, h.spacing, h.thickness]).toEqual(['-20\\-24\\0.0', '1\\0\\0\\0\\1\\0', '0.8\\0.9', '2']);
    expect(outcome.deface).toEqual({ status: 'defaced', mode: 'remove', changedPixels: patch.indices.length });
    expect(outcome.pixels?.defaced).toEqual({ frames: 1, pixels: patch.indices.length });
  });

  it('of a defaced series without patches of its own is still marked, pixels untouched', async () => {
    const input = await sliceFile(spec, 1);
    const outcome = written(await deidentifyFileAsync({ path: 'head/IM2.dcm', bytes: input }, createSession({ passphrase: 'w' }), {
      deface: { status: 'defaced', mode: 'blur', patches: [] },
    }));
    const out = joinParts(outcome.parts);
    const img = referenceDecode(out);
    const before = sliceValues(spec, 1);
    for (let r = 0; r < ROWS; r++) for (let c = 0; c < COLUMNS; c++) expect(sampleValue(img, 0, r, c, 0)).toBe(before[r * COLUMNS + c]);
    expect(header(out).rvf).toBe('NO');
    expect(header(out).codes).toContain('113102');
    expect(outcome.deface).toEqual({ status: 'defaced', mode: 'blur', changedPixels: 0 });
  });
});

describe('a file of a series whose defacing was declined or skipped', () => {
  const spec: SeriesSpec = { seriesUID: '1.2.826.0.1.3680043.99998.7.3', slices: 1, rows: ROWS, columns: COLUMNS };

  it('declined but allowed through: written unchanged, with a warning, and NOT flagged', async () => {
    const input = await sliceFile(spec, 0);
    const outcome = written(await deidentifyFileAsync({ path: 'x/IM1.dcm', bytes: input }, createSession({ passphrase: 'w' }), {
      deface: { status: 'declined', mode: 'remove', reason: 'not one regular 3-D head volume: uneven slice gaps' },
    }));
    const out = joinParts(outcome.parts);
    const h = header(out);
    expect(h.rvf).not.toBe('NO');
    expect(h.codes).not.toContain('113102');
    expect(outcome.warnings.some((w) => w.includes('WITHOUT defacing') && w.includes('uneven slice gaps'))).toBe(true);
    expect(outcome.deface).toMatchObject({ status: 'declined', reason: 'not one regular 3-D head volume: uneven slice gaps', writtenWithoutDefacing: true });
    const img = referenceDecode(out);
    const before = sliceValues(spec, 0);
    for (let r = 0; r < ROWS; r++) for (let c = 0; c < COLUMNS; c++) expect(sampleValue(img, 0, r, c, 0)).toBe(before[r * COLUMNS + c]);
  });

  it('skipped (not a head series): written as usual, not flagged, the record says why', async () => {
    const outcome = written(await deidentifyFileAsync({ path: 'x/IM1.dcm', bytes: await sliceFile(spec, 0) }, createSession({ passphrase: 'w' }), {
      deface: { status: 'skipped', reason: 'skipped defacing: not a head CT/MR series' },
    }));
    expect(header(joinParts(outcome.parts)).codes).not.toContain('113102');
    expect(outcome.deface).toEqual({ status: 'skipped', reason: 'skipped defacing: not a head CT/MR series' });
  });
});

describe('defacing that cannot be written', () => {
  const spec: SeriesSpec = { seriesUID: '1.2.826.0.1.3680043.99998.7.4', slices: 1, rows: ROWS, columns: COLUMNS };
  const cases: [string, FramePatch][] = [
    ['a pixel outside the image', { frame: 0, indices: Uint32Array.of(ROWS * COLUMNS), storedValues: Int32Array.of(AIR) }],
    ['a frame the image does not have', { frame: 3, indices: Uint32Array.of(0), storedValues: Int32Array.of(AIR) }],
    ['a value the pixels cannot hold', { frame: 0, indices: Uint32Array.of(0), storedValues: Int32Array.of(40000) }],
  ];
  it.each(cases)('fails the file (%s) instead of writing the face', async (_why, patch) => {
    const outcome = await deidentifyFileAsync({ path: 'x/IM1.dcm', bytes: await sliceFile(spec, 0) }, createSession({ passphrase: 'w' }), {
      deface: { status: 'defaced', mode: 'remove', patches: [patch] },
    });
    expect(outcome.status).toBe('failed');
    if (outcome.status === 'written') return;
    expect(outcome.reason).toMatch(/^defacing could not be written into this image: .*; not written, so the face does not leave$/);
    expect(outcome.deface?.status).toBe('declined');
  });
});
