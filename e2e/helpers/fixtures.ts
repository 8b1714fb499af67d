/**
 * Builds the folder the end-to-end tests load through folder-input: the synthetic PHI study
 * (tests/synthetic/phi-study.ts, generated now, every planted value known), a few real files
 * from the shared corpus (a native CT, a JPEG, an RGB image, a truncated file, a DICOMDIR) and
 * a text file that is not DICOM.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePhiStudy, plantedValues, type PhiStudy } from '../../tests/synthetic/phi-study.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');

export const sharedFixtures = process.env.VEIL_FIXTURES ?? path.resolve(repoRoot, '..', 'shared', 'fixtures', 'dicom');

/** Real files copied in, and what the engine does with each. */
export const REAL_FILES = [
  { from: 'transfer-syntax/CTImage_explicit_vr_le.dcm', expect: 'written' },
  { from: 'burned-in/CT_pseudo_phi_burned_in.dcm', expect: 'written' },
  { from: 'color/color-px_rgb_planar0.dcm', expect: 'written' },
  { from: 'transfer-syntax/JPEGBaseline_1s_1f_u_08_08.dcm', expect: 'written' },
  { from: 'odd/MR_truncated.dcm', expect: 'failed' },
  { from: 'odd/DICOMDIR', expect: 'skipped' },
] as const;

export interface FixtureFolder {
  /** The folder to hand to folder-input. */
  dir: string;
  /** Input paths as the report names them ("<folder>/<relative path>"). */
  inputs: string[];
  study: PhiStudy;
  planted: Map<string, unknown[]>;
  /** Inputs expected to be written / not written. */
  expectWritten: string[];
  expectRejected: string[];
  nonDicom: string;
  real: string[];
}

export function makeFixtureFolder(name = 'study-folder'): FixtureFolder {
  const root = mkdtempSync(path.join(tmpdir(), 'veil-e2e-'));
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const study = makePhiStudy();
  const inputs: string[] = [];
  const expectWritten: string[] = [];
  const expectRejected: string[] = [];
  for (const f of study.files) {
    const target = path.join(dir, 'synthetic', f.name);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, f.bytes);
    const p = `${name}/synthetic/${f.name}`;
    inputs.push(p);
    expectWritten.push(p);
  }
  const real: string[] = [];
  if (existsSync(sharedFixtures)) {
    for (const r of REAL_FILES) {
      const target = path.join(dir, 'real', path.basename(r.from));
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(path.join(sharedFixtures, r.from), target);
      const p = `${name}/real/${path.basename(r.from)}`;
      inputs.push(p);
      real.push(p);
      (r.expect === 'written' ? expectWritten : expectRejected).push(p);
    }
  }
  writeFileSync(path.join(dir, 'notes.txt'), 'Scan notes: nothing to see here.\n');
  const nonDicom = `${name}/notes.txt`;
  inputs.push(nonDicom);
  expectRejected.push(nonDicom);
  return { dir, inputs, study, planted: plantedValues(study), expectWritten, expectRejected, nonDicom, real };
}
