/**
 * Reader and writer over the public corpus: every readable file round-trips, encapsulated pixel
 * data is copied byte for byte, big-endian and deflated input come out as little endian with the
 * same pixel values (checked with dicom-parser, an independent reader), and broken files fail
 * with a sentence naming what is wrong.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import dicomParser from 'dicom-parser';
import { fixturesDir } from '../../../tests/helpers/fixtures.ts';
import { DicomReadError, readPart10 } from './reader.ts';
import { T } from './tags.ts';
import { outputTransferSyntax, TS } from './transfer-syntax.ts';
import { getString } from './values.ts';
import { joinParts, writePart10, writePart10Parts } from './writer.ts';

const load = (rel: string) => new Uint8Array(readFileSync(join(fixturesDir, rel)));

function allFixtures(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (!/\.(tsv|md)$/.test(name)) out.push(full.slice(fixturesDir.length + 1));
    }
  };
  walk(fixturesDir);
  return out;
}

function rewrite(bytes: Uint8Array): Uint8Array {
  const p = readPart10(bytes);
  return writePart10({
    dataset: p.dataset,
    transferSyntaxUID: outputTransferSyntax(p.transferSyntaxUID),
    sopClassUID: getString(p.dataset, T.SOPClassUID) ?? '1.2.3',
    sopInstanceUID: getString(p.dataset, T.SOPInstanceUID) ?? '1.2.3.4',
  });
}

const TRUNCATED = ['odd/MR_truncated.dcm', 'odd/rtplan_truncated.dcm', 'odd/huge_declared_length_truncated.dcm', 'odd/emri_small_j2k_too_short.dcm'];

describe('reader and writer over the public corpus', () => {
  const files = allFixtures();

  it('finds all 150 fixtures', () => expect(files).toHaveLength(150));

  it.each(files.filter((f) => !TRUNCATED.includes(f)))('%s round-trips', (rel) => {
    const input = readPart10(load(rel));
    const again = readPart10(rewrite(load(rel)));
    // Re-reading our own output needs no recovery, except where the value itself is off-standard.
    expect(again.warnings.filter((w) => !/odd length|should be a sequence/.test(w))).toEqual([]);
    expect([...again.dataset.elements.keys()]).toEqual(input.dataset.sorted().map((e) => e.tag));
    const px = input.dataset.get(T.PixelData);
    if (px?.fragments) {
      const out = again.dataset.get(T.PixelData)!;
      expect(out.fragments!.length).toBe(px.fragments.length);
      px.fragments.forEach((f, i) => expect(Buffer.from(out.fragments![i].subarray(0, f.length)).equals(Buffer.from(f))).toBe(true));
    }
  });

  it.each(TRUNCATED)('%s fails with a reason that names the problem', (rel) => {
    expect(() => readPart10(load(rel))).toThrow(DicomReadError);
    expect(() => readPart10(load(rel))).toThrow(/truncated/);
  });

  it('writes big-endian input as explicit VR little endian with the same pixel values', () => {
    const be = load('transfer-syntax/CTImage_explicit_vr_be.dcm');
    const le = load('transfer-syntax/CTImage_explicit_vr_le.dcm');
    const out = rewrite(be);
    const ds = dicomParser.parseDicom(out);
    expect(ds.string('x00020010')).toBe(TS.ExplicitVRLittleEndian);
    const ref = dicomParser.parseDicom(le);
    const a = ds.elements.x7fe00010, b = ref.elements.x7fe00010;
    expect(Buffer.from(out.subarray(a.dataOffset, a.dataOffset + a.length)).equals(Buffer.from(le.subarray(b.dataOffset, b.dataOffset + b.length)))).toBe(true);
    expect(ds.uint16('x00280010')).toBe(512);
    expect(ds.string('x00100010')).toBe(ref.string('x00100010'));
  });

  it('inflates deflated input and writes it as explicit VR little endian', () => {
    const out = rewrite(load('transfer-syntax/CTImage_deflated_explicit_vr_le.dcm'));
    const ds = dicomParser.parseDicom(out);
    expect(ds.string('x00020010')).toBe(TS.ExplicitVRLittleEndian);
    expect(ds.elements.x7fe00010.length).toBe(512 * 512 * 2);
  });

  it('says what it recovered from', () => {
    expect(readPart10(load('odd/no_meta_no_preamble_CT.dcm')).warnings.join(' ')).toMatch(/skipped 1 unexpected byte/);
    expect(readPart10(load('odd/no_preamble_dicm_in_data.dcm')).warnings.join(' ')).toMatch(/"DICM" at offset 128 is part of the data/);
    expect(readPart10(load('odd/CT1_explicit_be_UN_seq_undefined_length_ivrle.dcm')).warnings.join(' ')).toMatch(/undefined-length UN/);
    expect(readPart10(load('odd/meta_missing_tsyntax.dcm')).warnings.join(' ')).toMatch(/no Transfer Syntax UID/);
    const un = readPart10(load('odd/bad_sequence_UN.dcm'));
    expect(un.dataset.get(0x00189346)?.items?.length).toBeGreaterThan(0);
  });

  it('rejects something that is not DICOM', () => {
    expect(() => readPart10(new TextEncoder().encode('path\tsource\n' + 'x'.repeat(300)))).toThrow(/not a DICOM file/);
  });

  it('references large values instead of copying them', () => {
    const input = readPart10(load('transfer-syntax/CTImage_explicit_vr_le.dcm'));
    const { parts, size } = writePart10Parts({ dataset: input.dataset, transferSyntaxUID: TS.ExplicitVRLittleEndian, sopClassUID: '1.2', sopInstanceUID: '1.2.3' });
    expect(parts.some((p) => p === input.dataset.get(T.PixelData)!.value)).toBe(true);
    expect(joinParts(parts).length).toBe(size);
  });
});
