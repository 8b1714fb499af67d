/**
 * Pixel status in the command line (issue 10): every image gets clean-by-source, painted,
 * reviewed or needs-review in the report, the summary line counts the images that need review,
 * Burned In Annotation stays YES (or becomes YES where it was absent) on them, and
 * --require-pixel-review refuses to write them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPart10 } from '../src/core/dicom/reader.ts';
import { T } from '../src/core/dicom/tags.ts';
import { getString } from '../src/core/dicom/values.ts';
import type { RedactionPlan } from '../src/core/pixels/plan.ts';
import { fixturesDir, repoRoot } from './helpers/fixtures.ts';

const US_BIA_YES = 'burned-in/US_greyscale_deid_BIA_YES.dcm';
const US_NO_BIA = 'burned-in/US_rgb_deid_no_BIA.dcm';
const CR = 'burned-in/CR_pseudo_phi_burned_in_rle.dcm';
const CT = 'transfer-syntax/CTImage_explicit_vr_le.dcm';
const FILES = [US_BIA_YES, US_NO_BIA, CR, CT];

type Entry = { input: string; path?: string; status: string; reason?: string; output?: string; pixelStatus?: string; pixelReviewReasons?: string[]; exportedAnyway?: boolean };
type Report = { totals: { needPixelReview: number; written: number; failed: number }; files: Entry[] };

let dir: string;
const sop = (path: string) => getString(readPart10(new Uint8Array(readFileSync(join(fixturesDir, path)))).dataset, T.SOPInstanceUID)!.trim();

function veil(args: string[]) {
  return spawnSync(process.execPath, [resolve(repoRoot, 'bin/veil.mjs'), 'deidentify', ...args], { encoding: 'utf8' });
}

function run(name: string, extra: string[] = []): { stdout: string; status: number | null; report: Report; out: string } {
  const out = join(dir, name);
  const r = veil([...FILES.map((f) => join(fixturesDir, f)), '--out', out, '--passphrase', 'p', '-q', ...extra]);
  if (r.status === 2) throw new Error(r.stderr);
  // The operator's report beside the output: the same rows as the one inside, plus each input's path.
  return { stdout: r.stdout, status: r.status, report: JSON.parse(readFileSync(`${out}-operator-report.json`, 'utf8')) as Report, out };
}

const entry = (report: Report, path: string): Entry => report.files.find((f) => f.path!.endsWith(path.split('/').pop()!))!;

function dicomFiles(folder: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(folder)) {
    const full = join(folder, name);
    if (statSync(full).isDirectory()) out.push(...dicomFiles(full));
    else if (name.endsWith('.dcm')) out.push(full);
  }
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-pixel-review-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('veil deidentify: pixel status', () => {
  it('reports each image\'s pixel status, counts those that need review, and writes Burned In Annotation YES on them', () => {
    const { stdout, report, out } = run('plain');
    expect(entry(report, US_BIA_YES)).toMatchObject({ status: 'written', pixelStatus: 'needs-review' });
    expect(entry(report, US_BIA_YES).pixelReviewReasons).toContain('Burned In Annotation is YES');
    expect(entry(report, US_NO_BIA)).toMatchObject({ status: 'written', pixelStatus: 'needs-review' });
    expect(entry(report, US_NO_BIA).pixelReviewReasons!.join(' ')).toMatch(/US images usually carry text \(Burned In Annotation absent\)/);
    // CR without text found, CT: nothing says they carry text.
    expect(entry(report, CR)).toMatchObject({ status: 'written', pixelStatus: 'clean-by-source' });
    expect(entry(report, CT)).toMatchObject({ status: 'written', pixelStatus: 'clean-by-source' });
    expect(report.totals.needPixelReview).toBe(2);
    expect(stdout).toMatch(/^veil: 2 image\(s\) need pixel review/m);
    // Truthful headers: YES stays YES, absent becomes YES; no Clean Pixel Data code on them.
    for (const file of dicomFiles(out)) {
      const ds = readPart10(new Uint8Array(readFileSync(file))).dataset;
      const modality = getString(ds, T.Modality)?.trim();
      if (modality === 'US') {
        expect(getString(ds, T.BurnedInAnnotation)?.trim(), file).toBe('YES');
        expect(new TextDecoder().decode(readFileSync(file)).includes('113101'), file).toBe(false);
      }
    }
    const csv = readFileSync(join(out, 'deid-report.csv'), 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/,pixel_status,pixel_review_reasons,exported_anyway$/);
    expect(csv).toMatch(/needs-review/);
  });

  it('--require-pixel-review refuses the images that need review and says so', () => {
    const { stdout, report, out, status } = run('required', ['--require-pixel-review']);
    expect(status).toBe(0);
    for (const f of [US_BIA_YES, US_NO_BIA]) {
      const e = entry(report, f);
      expect(e.status, f).toBe('failed');
      expect(e.reason, f).toMatch(/pixels need review/);
      expect(e.pixelStatus, f).toBe('needs-review');
    }
    expect(entry(report, CR).status).toBe('written');
    expect(entry(report, CT).status).toBe('written');
    expect(dicomFiles(out)).toHaveLength(2);
    expect(stdout).toMatch(/^veil: 2 image\(s\) need pixel review.*2 not written \(--require-pixel-review\)/m);
  });

  it('painted and reviewed images pass --require-pixel-review, with Burned In Annotation NO', () => {
    const plan: RedactionPlan = {
      version: 1,
      boxes: [{ id: 'top', x: 0, y: 0, width: 1024, height: 60, frames: 'all', scope: { kind: 'instance', sopInstanceUID: sop(US_BIA_YES) }, source: 'user' }],
      reviewed: { sopInstanceUIDs: [sop(US_NO_BIA)] },
    };
    const planPath = join(dir, 'plan.json');
    writeFileSync(planPath, JSON.stringify(plan));
    const { stdout, report, out } = run('reviewed', ['--require-pixel-review', '--boxes', planPath]);
    expect(entry(report, US_BIA_YES)).toMatchObject({ status: 'written', pixelStatus: 'painted' });
    expect(entry(report, US_NO_BIA)).toMatchObject({ status: 'written', pixelStatus: 'reviewed' });
    expect(report.totals.needPixelReview).toBe(0);
    expect(stdout).toMatch(/^veil: 0 image\(s\) need pixel review/m);
    for (const file of dicomFiles(out)) {
      const ds = readPart10(new Uint8Array(readFileSync(file))).dataset;
      if (getString(ds, T.Modality)?.trim() === 'US') expect(getString(ds, T.BurnedInAnnotation)?.trim()).toBe('NO');
    }
  });

  it('a plan with an OCR PHI box the person rejected still needs review (OCR found PHI)', () => {
    const plan: RedactionPlan = {
      version: 1,
      boxes: [{ id: 'o1', x: 10, y: 10, width: 200, height: 30, frames: 'all', scope: { kind: 'instance', sopInstanceUID: sop(CR) }, source: 'ocr', status: 'rejected', label: 'PHI: "DOE^JOHN"' }],
    };
    const planPath = join(dir, 'plan-ocr.json');
    writeFileSync(planPath, JSON.stringify(plan));
    const { report } = run('ocr-rejected', ['--boxes', planPath]);
    expect(entry(report, CR).pixelStatus).toBe('needs-review');
    expect(entry(report, CR).pixelReviewReasons).toEqual(['CR with text found (Burned In Annotation absent)', 'OCR found PHI']);
  });
});
