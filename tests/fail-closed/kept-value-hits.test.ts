/**
 * Issue 8, item 6: a hit of the patient's own identifiers in a value the profile keeps is acted
 * on, not only reported. Free text is cleaned ("***"), coded values lose the identifier, a UID
 * value holding an original UID is mapped like every other reference, blobs are removed, and a
 * required sample buffer that holds the name blocks its file. The report says what was done and
 * where, never the value; the written object still parses (checked with dicom-parser, not ours).
 */
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../../src/core/profile/profile.ts';
import { findPlanted, runVeil, type VeilRun } from './harness.ts';
import { privateBlock, type Element } from '../synthetic/encoder.ts';
import { STUDY_UID, image, latin1, patientPlanted, samplesWith } from './residual-inputs.ts';

const planted = patientPlanted();
const keepBlob = { '(0029,1010)': { action: 'keep' as const }, '(0029,1011)': { action: 'keep' as const } };

async function run(extra: Element[]): Promise<VeilRun> {
  return runVeil([{ name: 'in/one.dcm', bytes: image(extra) }], { overrides: keepBlob });
}

function written(r: VeilRun): { ds: dicomParser.DataSet; entry: VeilRun['report']['files'][number] } {
  const entry = r.report.files[0]!;
  expect(entry.status).toBe('written');
  const bytes = r.outputs.get(entry.output!)!;
  return { ds: dicomParser.parseDicom(bytes), entry };
}

describe('a patient identifier in a kept value is removed, and the report says so', () => {
  it('kept free text is cleaned with "***"; the warning names kind and place only', async () => {
    const r = await run([{ tag: 0x00700081, vr: 'LO', value: 'Follow-up of Karlsson, 19471213' }]);
    const { ds, entry } = written(r);
    expect(ds.string('x00700081')).toBe('Follow-up of ***, ***');
    expect(entry.warnings.join('\n')).toMatch(/patient name part.*\(0070,0081\)/);
    expect(entry.warnings.join('\n')).toMatch(/birth date.*\(0070,0081\)/);
    expect(entry.actions!.cleaned).toBeGreaterThanOrEqual(1);
    expect(entry.residual).toEqual([]);
    expect(findPlanted(r, planted)).toEqual([]);
  });

  it('a coded value loses the identifier and stays a valid CS', async () => {
    const r = await run([
      { tag: 0x00080008, vr: 'CS', value: 'DERIVED\\PRIMARY\\KARLSSON' },
      { tag: 0x00180015, vr: 'CS', value: 'INGRID' },
    ]);
    const { ds, entry } = written(r);
    expect(ds.string('x00080008')).toBe('DERIVED\\PRIMARY');
    expect(ds.string('x00180015') ?? '').toMatch(/^[A-Z0-9 _]*$/);
    expect(entry.warnings.some((w) => w.includes('(0018,0015)'))).toBe(true);
    expect(entry.residual).toEqual([]);
    expect(findPlanted(r, planted)).toEqual([]);
  });

  it('a kept UID value that holds an original UID is mapped, so the reference still resolves', async () => {
    const r = await run(privateBlock(0x0029, 'ACME REF', [{ offset: 0x10, vr: 'UI', value: STUDY_UID }]));
    const { ds, entry } = written(r);
    expect(ds.string('x00291010')).toBe(ds.string('x0020000d'));
    expect(entry.residual).toEqual([]);
    expect(findPlanted(r, planted).filter((l) => l.file !== '<mapping>')).toEqual([]);
  });

  it('a kept blob holding the name is removed, and counted as removed', async () => {
    const clean = await run(privateBlock(0x0029, 'ACME BLOB', [{ offset: 0x11, vr: 'OB', value: samplesWith(latin1('no names here')) }]));
    const r = await run(privateBlock(0x0029, 'ACME BLOB', [{ offset: 0x11, vr: 'OB', value: samplesWith(latin1('owner: Karlsson')) }]));
    const { ds, entry } = written(r);
    expect(written(clean).ds.elements['x00291011']).toBeDefined();
    expect(ds.elements['x00291011']).toBeUndefined();
    expect(entry.actions!.removed).toBe(written(clean).entry.actions!.removed + 1);
    expect(entry.warnings.join('\n')).toMatch(/patient name part.*\(0029,1011\).*removed/);
    expect(findPlanted(r, planted)).toEqual([]);
  });

  it('a degenerate original UID ("0") is not hunted: kept text with that digit stays as it was', async () => {
    const r = await run([
      { tag: 0x00081140, vr: 'SQ', value: [[{ tag: 0x00081150, vr: 'UI', value: '0' }, { tag: 0x00081155, vr: 'UI', value: '0' }]] },
      { tag: 0x00700081, vr: 'LO', value: 'Series 0 of 3' },
    ]);
    const { ds, entry } = written(r);
    expect(ds.string('x00700081')).toBe('Series 0 of 3');
    expect(entry.warnings.join('\n')).not.toMatch(/original UID/);
  });

  it('Waveform Data holding the name blocks the file, with a reason that does not repeat the name', async () => {
    const r = await runVeil([{
      name: 'in/one.dcm',
      bytes: image([{ tag: 0x54000100, vr: 'SQ', value: [[{ tag: 0x54001010, vr: 'OW', value: samplesWith(latin1('KARLSSON')) }]] }]),
    }], { profile: defaultProfile() });
    const entry = r.report.files[0]!;
    expect(entry.status).toBe('failed');
    expect(entry.reason).toMatch(/patient name part.*Waveform ?Data/);
    expect(findPlanted(r, planted)).toEqual([]);
  });
});
