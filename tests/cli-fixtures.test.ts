/**
 * The whole public corpus through the real command line, as a user would run it: every input is
 * accounted for in the report, every written file re-reads with our reader and with dcmjs, and
 * every broken file in odd/ gets a specific reason or recovery note, never a stack trace.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dcmjs from 'dcmjs';
import { readPart10 } from '../src/core/dicom/reader.ts';
import { T } from '../src/core/dicom/tags.ts';
import { getString } from '../src/core/dicom/values.ts';
import { fixturesDir, readManifest, repoRoot } from './helpers/fixtures.ts';

interface ReportEntry {
  input: string;
  path: string;
  status: 'written' | 'skipped' | 'failed';
  output?: string;
  reason?: string;
  warnings: string[];
}

let out: string;
let report: { files: ReportEntry[] };
let stdout: string;
const manifest = readManifest();

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'veil-cli-'));
  stdout = execFileSync(process.execPath, [resolve(repoRoot, 'bin/veil.mjs'), 'deidentify', fixturesDir, '--out', join(out, 'deid'), '-q'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The operator's report (beside the output): the in-output rows plus the input paths.
  report = JSON.parse(readFileSync(join(out, 'deid-operator-report.json'), 'utf8'));
}, 240_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

const entryFor = (fixturePath: string): ReportEntry | undefined =>
  report.files.find((e) => e.path === `dicom/${fixturePath}`);

describe('veil deidentify over the whole public corpus', () => {
  it('accounts for every input, the corpus and its two text files', () => {
    expect(manifest).toHaveLength(150);
    expect(report.files).toHaveLength(152);
    for (const row of manifest) expect(entryFor(row.path), row.path).toBeDefined();
    expect(entryFor('MANIFEST.tsv')?.status).toBe('skipped');
    expect(entryFor('README.md')?.reason).toMatch(/not a DICOM file/);
    expect(stdout).toMatch(/152 input\(s\)/);
  });

  it('gives every file that was not written a one-sentence reason, not a stack trace', () => {
    for (const e of report.files.filter((x) => x.status !== 'written')) {
      expect(e.reason, e.path).toBeTruthy();
      expect(e.reason, e.path).not.toMatch(/\n\s+at |internal error/);
    }
  });

  it('says something specific about every file in odd/', () => {
    const odd = manifest.filter((r) => r.path.startsWith('odd/'));
    expect(odd).toHaveLength(26);
    for (const row of odd) {
      const e = entryFor(row.path)!;
      const said = e.status === 'written' ? e.warnings.join(' ') : e.reason ?? '';
      expect(said, `${row.path} (${e.status})`).not.toBe('');
    }
  });

  it('writes every other file, and each output re-reads with our reader and with dcmjs', () => {
    const written = report.files.filter((e) => e.status === 'written');
    const expectedFailures = ['odd/MR_truncated.dcm', 'odd/rtplan_truncated.dcm', 'odd/huge_declared_length_truncated.dcm', 'odd/emri_small_j2k_too_short.dcm', 'odd/DICOMDIR'];
    for (const row of manifest) {
      const e = entryFor(row.path)!;
      if (expectedFailures.includes(row.path)) expect(e.status, row.path).not.toBe('written');
    }
    expect(written.length).toBeGreaterThanOrEqual(140);
    for (const e of written) {
      const bytes = new Uint8Array(readFileSync(join(out, 'deid', e.output!)));
      const ours = readPart10(bytes);
      expect(getString(ours.dataset, T.PatientIdentityRemoved), e.path).toBe('YES');
      const theirs = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, { ignoreErrors: true });
      expect(theirs.dict['00120062']?.Value?.[0], e.path).toBe('YES');
    }
  });

  it('keeps the transfer syntax, except big endian and deflated (explicit VR little endian) and JPEG XL JPEG recompression (JPEG XL)', () => {
    for (const row of manifest.filter((r) => r.path.startsWith('transfer-syntax/'))) {
      const e = entryFor(row.path)!;
      if (e.status !== 'written') continue;
      const ts = getString(readPart10(new Uint8Array(readFileSync(join(out, 'deid', e.output!)))).meta, T.TransferSyntaxUID);
      // JPEG XL reconstruction data ('jbrd', which holds the original JPEG's COM/APPn segments
      // Brotli-compressed) cannot be checked, so it is dropped: the frames stay, as plain JPEG XL.
      const expected = ['1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99'].includes(row.transferSyntaxUID)
        ? '1.2.840.10008.1.2.1'
        : row.transferSyntaxUID === '1.2.840.10008.1.2.4.111' ? '1.2.840.10008.1.2.4.112' : row.transferSyntaxUID;
      expect(ts, row.path).toBe(expected);
    }
  });
});
