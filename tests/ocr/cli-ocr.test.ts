/**
 * `veil deidentify --ocr`: the CLI reads burned-in text, paints the PHI boxes, reads the output
 * again, and what it writes no longer shows the patient's identifiers to an independent reader.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readPart10 } from '../../src/core/dicom/reader.ts';
import { frameSource } from '../../src/core/detect/frames.ts';
import { toGray8 } from '../../src/core/detect/render.ts';
import { displayParams } from '../../src/core/pixels/display.ts';
import { fixturesDir, repoRoot } from '../helpers/fixtures.ts';
import { readWithNativeTesseract } from '../helpers/tesseract-native.ts';

const FILES = ['US_rgb_deid_no_BIA.dcm', 'US_ybr_full_rle_name.dcm'];
let dir: string;
let stdout: string;

function dicomFiles(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const p = join(root, name);
    return statSync(p).isDirectory() ? dicomFiles(p) : name.endsWith('.dcm') ? [p] : [];
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-cli-ocr-'));
  mkdirSync(join(dir, 'in'));
  for (const f of FILES) copyFileSync(join(fixturesDir, 'burned-in', f), join(dir, 'in', f));
  stdout = execFileSync(process.execPath, [resolve(repoRoot, 'bin/veil.mjs'), 'deidentify', join(dir, 'in'), '--out', join(dir, 'out'), '--ocr', '--keep-measurements'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('veil deidentify --ocr', () => {
  it('reads the images, paints PHI, writes every file', () => {
    expect(stdout).toMatch(/ocr +2 image\(s\) read in [\d.]+ s: \d+ PHI box\(es\) to paint/);
    const report = JSON.parse(readFileSync(join(dir, 'out', 'deid-report.json'), 'utf8')) as { files: { status: string }[] };
    expect(report.files.map((f) => f.status)).toEqual(['written', 'written']);
  });

  it('the report counts the painted boxes by what found their text, and never holds the text', () => {
    const raw = readFileSync(join(dir, 'out', 'deid-report.json'), 'utf8');
    const report = JSON.parse(raw) as { totals: { burnedInBoxes: Record<string, number> }; files: { burnedInBoxes?: Record<string, number> }[] };
    for (const f of report.files) expect(Object.values(f.burnedInBoxes ?? {}).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const kinds = Object.keys(report.totals.burnedInBoxes);
    // Found through the header's own identifiers and through patterns, each named as a category.
    expect(kinds.some((k) => /patient name part|patient ID|institution name|birth date|study date/.test(k)), kinds.join(', ')).toBe(true);
    expect(kinds).not.toContain('other (kind not recognised)');
    const csv = readFileSync(join(dir, 'out', 'deid-report.csv'), 'utf8');
    for (const text of [raw, csv]) for (const gone of ['DOWNTIME', 'CLEVELAND', 'JOHN']) expect(text.toUpperCase().includes(gone), gone).toBe(false);
  });

  it('leaves nothing identifying for native Tesseract to read', async () => {
    const outputs = dicomFiles(join(dir, 'out'));
    expect(outputs).toHaveLength(2);
    let text = '';
    for (const file of outputs) {
      const parsed = readPart10(new Uint8Array(readFileSync(file)));
      const source = frameSource(parsed.dataset, parsed.transferSyntaxUID);
      text += readWithNativeTesseract(toGray8(await source.frame(0), displayParams(parsed.dataset)));
    }
    const squashed = text.toUpperCase().replace(/[^A-Z0-9]/g, '');
    for (const gone of ['DOWNTIME', '120907058', '00047431395', 'CLEVELAND', 'JOHN', 'HOSPITAL', 'SURGICAL']) expect(squashed.includes(gone), gone).toBe(false);
    // Clinical text stays readable.
    expect(squashed).toMatch(/SIEMENS|THYROID|GENERAL/);
  });
});
