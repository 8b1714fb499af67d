/**
 * Same plan, same bytes: the app exports a redaction plan and a zip; the command line, given
 * the same files, the same plan (`--boxes`) and the same passphrase, writes the same
 * de-identified DICOM files — same paths inside the zip, byte for byte — native, RLE, JPEG-LS,
 * JPEG 2000 and lossy JPEG inputs alike (the browser's wasm codecs and Node's are the same
 * builds) — and the same report inside the output, times aside: both hosts drive one export run
 * (src/core/export/run.ts), which names each input by its position and a hash keyed by the
 * passphrase, never by its path.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { RedactionPlan } from '../src/core/pixels/plan.ts';
import { CT_BURNED, US_GREY, US_YBR_RLE, makeFolder } from './helpers/burned-in.ts';
import { repoRoot } from './helpers/fixtures.ts';
import { parse } from './helpers/pixels.ts';
import { collectProblems, exportZip, waitForCounts } from './helpers/session.ts';
import { dragPixels, knownFileQuirks, openViewer, placement } from './helpers/viewer.ts';
import { openZip } from './helpers/zip-check.ts';

const PASSPHRASE = 'same plan, same bytes, app and command line';
const JPEG_LS = 'multiframe/US_multiframe_palette_jpegls.dcm';
const J2K_LOSSLESS = 'burned-in/US1_J2KR_ybr_rct.dcm';
const JPEG_LOSSY = 'burned-in/US_acuson_jpeg_extended_8bit_name.dcm';
const UNTOUCHED = 'transfer-syntax/CTImage_explicit_vr_le.dcm';

test('the CLI with --boxes writes the same bytes as the app for the same plan', async ({ page }) => {
  test.setTimeout(300_000);
  const problems = collectProblems(page);
  const fx = makeFolder('parity', [CT_BURNED, US_GREY, US_YBR_RLE, JPEG_LS, J2K_LOSSLESS, JPEG_LOSSY, UNTOUCHED]);
  const sop = (i: number) => parse(new Uint8Array(readFileSync(fx.files[i].abs))).string('x00080018')!.trim();
  const series = (i: number) => parse(new Uint8Array(readFileSync(fx.files[i].abs))).string('x0020000e')!.trim();

  await page.goto('./');
  await page.getByRole('button', { name: /^Settings/ }).click();
  await page.getByTestId('passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('button', { name: 'Studies' }).click();
  await page.getByTestId('folder-input').setInputFiles(fx.dir);
  await waitForCounts(page, fx.files.length, 0);

  // Boxes for the compressed images come in as a plan file (what a colleague sent) …
  const work = mkdtempSync(path.join(tmpdir(), 'veil-parity-'));
  const imported: RedactionPlan = {
    version: 1,
    boxes: [
      { id: 'jls-frames', x: 0, y: 0, width: 600, height: 40, frames: [0, 5], scope: { kind: 'instance', sopInstanceUID: sop(3) }, source: 'user' },
      { id: 'j2k-name', x: 10, y: 5, width: 300, height: 40, frames: 'all', scope: { kind: 'instance', sopInstanceUID: sop(4) }, source: 'ocr', status: 'accepted' },
      { id: 'jpeg-name', x: 0, y: 0, width: 768, height: 60, frames: 'all', scope: { kind: 'instance', sopInstanceUID: sop(5) }, source: 'user' },
      { id: 'rle-proposed', x: 300, y: 300, width: 40, height: 40, frames: 'all', scope: { kind: 'instance', sopInstanceUID: sop(2) }, source: 'ocr' },
    ],
    reviewed: { sopInstanceUIDs: [sop(6)] },
  };
  writeFileSync(path.join(work, 'imported.json'), JSON.stringify(imported));
  await openViewer(page, series(0));
  await page.getByTestId('import-plan').setInputFiles(path.join(work, 'imported.json'));
  await expect(page.getByText('Imported 4 boxes')).toBeVisible();

  // … one is drawn with the mouse on the CT slice and applied to its series …
  const where = await placement(page, 394, 552);
  await page.getByTestId('tool-box').click();
  await dragPixels(page, where, [0, 0], [250, 36]);
  await page.getByTestId('box-row').first().getByTestId('box-row-scope').selectOption('series');
  // … and the template proposals (ultrasound header bands) are accepted.
  await page.getByTestId('accept-every-series').check();
  await page.getByTestId('accept-all-boxes').click();

  const planDownload = page.waitForEvent('download');
  await page.getByTestId('export-plan').click();
  const planPath = path.join(work, 'plan.json');
  writeFileSync(planPath, readFileSync(await (await planDownload).path()));
  const plan = JSON.parse(readFileSync(planPath, 'utf8')) as RedactionPlan;
  expect(plan.boxes.filter((b) => b.source === 'template').length).toBeGreaterThanOrEqual(2);
  const app = await openZip(await exportZip(page, { anyway: true }));

  // The command line, on the same folder.
  const cliZip = path.join(work, 'cli.zip');
  const run = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'bin/veil.mjs'), 'deidentify', fx.dir, '--out', cliZip, '--boxes', planPath, '--passphrase', PASSPHRASE, '-q'],
    { encoding: 'utf8', cwd: work },
  );
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  const cli = await openZip(cliZip);
  expect(existsSync(path.join(work, 'cli-operator-report.csv')), 'the operator report beside the CLI zip').toBe(true);

  const dicomNames = (z: typeof app) => z.names.filter((n) => n.endsWith('.dcm')).sort();
  expect(dicomNames(app)).toHaveLength(fx.files.length);
  expect(dicomNames(cli)).toEqual(dicomNames(app));
  for (const name of dicomNames(app)) {
    const a = app.entries.get(name)!;
    const b = cli.entries.get(name)!;
    expect(b.length, `${name}: size`).toBe(a.length);
    expect(Buffer.from(a).equals(Buffer.from(b)), `${name}: bytes`).toBe(true);
  }

  // The same report inside the output, byte for byte but for the times: same references (same
  // positions, same keyed hashes of the same relative paths), outputs, warnings and totals.
  const withoutTimes = (z: typeof app) => ({ ...z.report, meta: { ...z.report.meta, startedAt: undefined, finishedAt: undefined } });
  expect(withoutTimes(cli)).toEqual(withoutTimes(app));
  expect(cli.csv).toBe(app.csv);
  expect(app.report.files.map((f) => f.input)).toEqual(fx.files.map((f) => f.input).sort((a, b) => a.localeCompare(b)));

  // Both reports say the same about each file: where it went, what was painted.
  const byBase = (z: typeof app) => new Map(z.report.files.map((f) => [path.basename(f.input), f]));
  const appReport = byBase(app);
  const cliReport = byBase(cli);
  for (const f of fx.files) {
    const a = appReport.get(path.basename(f.abs))!;
    const c = cliReport.get(path.basename(f.abs))!;
    expect(c.status, f.from).toBe(a.status);
    expect(c.output, f.from).toBe(a.output);
    expect(c.warnings, f.from).toEqual(a.warnings);
  }
  const painted = [...appReport.values()].filter((f) => f.warnings.some((w) => w.startsWith('redaction: painted')));
  expect(painted.map((f) => path.basename(f.input)).sort()).toEqual(
    [CT_BURNED, US_GREY, US_YBR_RLE, JPEG_LS, J2K_LOSSLESS, JPEG_LOSSY].map((p) => path.basename(p)).sort(),
  );
  expect(knownFileQuirks(problems)).toEqual([]);
});
