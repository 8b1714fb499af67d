/**
 * `veil deidentify --boxes plan.json`: the command line paints the same boxes as the app and
 * writes the same bytes. "The app" here is what its engine worker does for an export — a session
 * from the same key, profile and plan, and deidentifyFileAsync per file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, deidentifyFileAsync } from '../src/core/deidentify.ts';
import { readPart10 } from '../src/core/dicom/reader.ts';
import { T } from '../src/core/dicom/tags.ts';
import { getNumber, getString } from '../src/core/dicom/values.ts';
import { joinParts } from '../src/core/dicom/writer.ts';
import { deriveSessionKey } from '../src/core/header/keys.ts';
import type { RedactionPlan } from '../src/core/pixels/plan.ts';
import { defaultProfile } from '../src/core/profile/profile.ts';
import { fixturesDir, repoRoot } from './helpers/fixtures.ts';

const FILES = [
  'burned-in/US_greyscale_deid_BIA_YES.dcm', // native, instance box
  'burned-in/US_ybr_full_rle_name.dcm', // RLE: re-encoded losslessly
  'color/SC_rgb_jpeg_baseline_ybr_422.dcm', // lossy: written uncompressed
  'multiframe/NM-MONO2-16-13x-heart.dcm', // series box on two frames
  'transfer-syntax/CTImage_explicit_vr_le.dcm', // reviewed, no box
  'misc/MR_small.dcm', // nothing: untouched
];
const PASSPHRASE = 'same plan, same bytes';

let dir: string;
let plan: RedactionPlan;
let report: { files: { input: string; path: string; status: string; output?: string; warnings: string[]; transferSyntaxUID?: string }[] };

const original = (path: string) => readPart10(new Uint8Array(readFileSync(join(fixturesDir, path)))).dataset;

function veil(args: string[]) {
  return spawnSync(process.execPath, [resolve(repoRoot, 'bin/veil.mjs'), 'deidentify', ...args], { encoding: 'utf8' });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-boxes-'));
  const us = original(FILES[0]);
  const rle = original(FILES[1]);
  const jpeg = original(FILES[2]);
  const nm = original(FILES[3]);
  const ct = original(FILES[4]);
  plan = {
    version: 1,
    boxes: [
      { id: 'us-top', x: 0, y: 0, width: 1024, height: 60, frames: 'all', scope: { kind: 'instance', sopInstanceUID: getString(us, T.SOPInstanceUID)! }, source: 'user' },
      { id: 'rle-name', x: 10, y: 5, width: 200, height: 30, frames: 'all', scope: { kind: 'instance', sopInstanceUID: getString(rle, T.SOPInstanceUID)! }, source: 'ocr', status: 'accepted' },
      { id: 'rle-proposed', x: 300, y: 300, width: 50, height: 50, frames: 'all', scope: { kind: 'instance', sopInstanceUID: getString(rle, T.SOPInstanceUID)! }, source: 'ocr' },
      {
        id: 'jpeg-device', x: 20, y: 20, width: 40, height: 30, frames: 'all', source: 'template',
        scope: { kind: 'device', rows: getNumber(jpeg, T.Rows)!, columns: getNumber(jpeg, T.Columns)!, manufacturer: getString(jpeg, T.Manufacturer) ?? undefined },
      },
      { id: 'nm-series', x: 0, y: 0, width: 16, height: 8, frames: [0, 12], scope: { kind: 'series', seriesInstanceUID: getString(nm, T.SeriesInstanceUID)! }, source: 'user' },
      { id: 'nm-rejected', x: 30, y: 30, width: 8, height: 8, frames: 'all', scope: { kind: 'series', seriesInstanceUID: getString(nm, T.SeriesInstanceUID)! }, source: 'user', status: 'rejected' },
    ],
    reviewed: { sopInstanceUIDs: [getString(ct, T.SOPInstanceUID)!] },
  };
  if (plan.boxes[3].scope.kind === 'device' && plan.boxes[3].scope.manufacturer === undefined) delete plan.boxes[3].scope.manufacturer;
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan, null, 2));
  execFileSync(
    process.execPath,
    [resolve(repoRoot, 'bin/veil.mjs'), 'deidentify', ...FILES.map((f) => join(fixturesDir, f)), '--out', join(dir, 'out'), '--boxes', join(dir, 'plan.json'), '--passphrase', PASSPHRASE, '-q'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // The operator's report: the in-output report's rows plus the input paths, to find a file by name.
  report = JSON.parse(readFileSync(join(dir, 'out-operator-report.json'), 'utf8'));
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = (file: string) => report.files.find((e) => basename(e.path) === basename(file))!;

describe('veil deidentify --boxes', () => {
  it('writes every file and says what was painted, re-encoded or decompressed', () => {
    for (const f of FILES) expect(entry(f)?.status, f).toBe('written');
    expect(entry(FILES[0]).warnings.join('\n')).toMatch(/painted 1 box\(es\) on 1 frame\(s\): us-top \(user\) on 1 frame/);
    expect(entry(FILES[1]).warnings.join('\n')).toMatch(/rle-name \(ocr\)/);
    expect(entry(FILES[1]).warnings.join('\n')).not.toMatch(/rle-proposed/);
    expect(entry(FILES[1]).warnings.join('\n')).toMatch(/RLE Lossless source re-encoded losslessly/);
    expect(entry(FILES[2]).warnings.join('\n')).toMatch(/written as Explicit VR Little Endian after redaction: no second lossy step/);
    expect(entry(FILES[3]).warnings.join('\n')).toMatch(/nm-series \(user\) on 2 frames/);
    expect(entry(FILES[3]).warnings.join('\n')).not.toMatch(/nm-rejected/);
    expect(entry(FILES[4]).warnings.join('\n')).toMatch(/pixels reviewed, no box needed/);
    expect(entry(FILES[5]).warnings.join('\n')).not.toMatch(/redaction/);
  });

  it('marks Burned In Annotation NO and Clean Pixel Data only on painted or reviewed images', () => {
    const flags = FILES.map((f) => {
      const ds = readPart10(new Uint8Array(readFileSync(join(dir, 'out', entry(f).output!)))).dataset;
      const codes = (ds.get(T.DeidentificationMethodCodeSequence)?.items ?? []).map((i) => getString(i, T.CodeValue));
      return [getString(ds, T.BurnedInAnnotation), codes.includes('113101')];
    });
    expect(flags.slice(0, 5).every(([bia, clean]) => bia === 'NO' && clean)).toBe(true);
    const untouched = original(FILES[5]);
    expect(flags[5]).toEqual([getString(untouched, T.BurnedInAnnotation), false]);
  });

  it('produces the same bytes as the app for the same plan', async () => {
    const session = createSession({ profile: defaultProfile(), key: deriveSessionKey(PASSPHRASE), plan });
    for (const f of FILES) {
      const outcome = await deidentifyFileAsync({ path: basename(f), bytes: new Uint8Array(readFileSync(join(fixturesDir, f))) }, session);
      expect(outcome.status).toBe('written');
      if (outcome.status !== 'written') continue;
      const cli = new Uint8Array(readFileSync(join(dir, 'out', entry(f).output!)));
      expect(Buffer.compare(joinParts(outcome.parts), cli), f).toBe(0);
    }
  });

  it('refuses a plan that is not valid JSON, or not a valid plan, with a usage error', () => {
    writeFileSync(join(dir, 'bad.json'), '{ "version": 1, "boxes": [ ');
    let r = veil([join(fixturesDir, FILES[5]), '--out', join(dir, 'bad-out'), '--boxes', join(dir, 'bad.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--boxes .*bad\.json: not valid JSON/);

    writeFileSync(join(dir, 'bad2.json'), JSON.stringify({ version: 1, boxes: [{ id: 'a', x: 0, y: 0, width: 0, height: 5, frames: 'all', scope: { kind: 'instance', sopInstanceUID: '1.2.3' }, source: 'user' }] }));
    r = veil([join(fixturesDir, FILES[5]), '--out', join(dir, 'bad-out'), '--boxes', join(dir, 'bad2.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/boxes\[0\]\.width: must be a whole number from 1/);

    r = veil([join(fixturesDir, FILES[5]), '--out', join(dir, 'bad-out'), '--boxes', join(dir, 'missing.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--boxes .*missing\.json: ENOENT/);
  });

  it('accepts the --ocr modifiers only with --ocr (--ocr itself: tests/ocr/cli-ocr.test.ts)', () => {
    const r = veil([join(fixturesDir, FILES[5]), '--out', join(dir, 'ocr-out'), '--keep-measurements']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/only apply with --ocr/);
  });
});
