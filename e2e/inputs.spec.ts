/**
 * Inputs other than a folder: a zip unpacked in the browser (stored and deflated entries, a
 * non-DICOM entry) and files dropped onto the page. Every input is accounted for by name.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter, configure } from '@zip.js/zip.js/lib/zip-core-custom.js';
import { makePhiStudy } from '../tests/synthetic/phi-study.ts';
import { craftZip, entry } from '../tests/helpers/zip-craft.ts';
import { collectProblems, exportZip, waitForCounts } from './helpers/session.ts';
import { openZip } from './helpers/zip-check.ts';

test('a dropped-in zip is unpacked in the browser and every entry is accounted for', async ({ page }) => {
  const problems = collectProblems(page);
  const study = makePhiStudy();
  configure({ useWebWorkers: false });
  const zip = new ZipWriter(new Uint8ArrayWriter());
  for (const [i, f] of study.files.entries()) await zip.add(`case/${f.name}`, new Uint8ArrayReader(f.bytes), { level: i % 2 ? 6 : 0 });
  await zip.add('case/readme.txt', new Uint8ArrayReader(new TextEncoder().encode('not an image')), { level: 6 });
  const zipPath = path.join(mkdtempSync(path.join(tmpdir(), 'veil-zip-')), 'case.zip');
  writeFileSync(zipPath, await zip.close());

  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(zipPath);
  await waitForCounts(page, study.files.length, 1);
  await expect(page.getByTestId('rejected-list')).toContainText('case.zip/case/readme.txt');

  const out = await openZip(await exportZip(page, { anyway: true }));
  const inputs = out.report.files.map((f) => f.input).sort();
  expect(inputs).toEqual([...study.files.map((f) => `case.zip/case/${f.name}`), 'case.zip/case/readme.txt'].sort());
  expect(out.report.totals.written).toBe(study.files.length);
  expect(problems).toEqual([]);
});

test('in the browser, two zip entries with one name are two inputs, a nested zip is opened, an encrypted entry and a zip bomb are reported', async ({ page }) => {
  const problems = collectProblems(page);
  const ct = makePhiStudy().files.filter((f) => f.role === 'ct');
  configure({ useWebWorkers: false });
  const innerZip = new ZipWriter(new Uint8ArrayWriter());
  await innerZip.add('inner.dcm', new Uint8ArrayReader(ct[2].bytes), { level: 6 });
  await innerZip.add('locked.dcm', new Uint8ArrayReader(ct[3].bytes), { password: 'pw' });
  const inner = await innerZip.close();
  const bomb = { ...entry('bomb.dcm', new Uint8Array(1 << 20)), size: 4 << 10 }; // says 4 KiB, holds 1 MiB
  const bytes = craftZip([entry('scan.dcm', ct[0].bytes), entry('scan.dcm', ct[1].bytes, 0), entry('nested.zip', inner, 0), bomb]);
  const zipPath = path.join(mkdtempSync(path.join(tmpdir(), 'veil-zip-')), 'case.zip');
  writeFileSync(zipPath, bytes);

  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(zipPath);
  await waitForCounts(page, 3, 2);
  await expect(page.getByTestId('rejected-list')).toContainText('encrypted zip entry');
  await expect(page.getByTestId('rejected-list')).toContainText('zip bomb refused');

  const out = await openZip(await exportZip(page));
  // The export's report keeps the reason an entry was not unpacked, as the CLI's does.
  expect(out.report.files.map((f) => [f.input, f.status, f.reason?.replace(/^could not be read: /, '').replace(/:.*/, '')]).sort()).toEqual([
    ['case.zip/bomb.dcm', 'failed', 'zip bomb refused'],
    ['case.zip/nested.zip/inner.dcm', 'written', undefined],
    ['case.zip/nested.zip/locked.dcm', 'failed', 'encrypted zip entry'],
    ['case.zip/scan.dcm [zip entry 1]', 'written', undefined],
    ['case.zip/scan.dcm [zip entry 2]', 'written', undefined],
  ]);
  expect(new Set(out.report.files.filter((f) => f.status === 'written').map((f) => f.output)).size).toBe(3);
  expect(problems).toEqual([]);
});

test('files dropped onto the page are loaded', async ({ page }) => {
  const study = makePhiStudy();
  await page.goto('./');
  const files = study.files.slice(0, 3).map((f) => ({ name: path.basename(f.name), bytes: Array.from(f.bytes) }));
  files.push({ name: 'notes.txt', bytes: Array.from(Buffer.from('hello')) });
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
    const fire = (type: string) => window.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    fire('dragenter');
    fire('dragover');
    fire('drop');
  }, files);
  await waitForCounts(page, 3, 1);
});

test('loading can be cancelled; what was not read is not kept', async ({ page }) => {
  const study = makePhiStudy({ ctSlices: 60 });
  const dir = mkdtempSync(path.join(tmpdir(), 'veil-cancel-'));
  for (const f of study.files) {
    const p = path.join(dir, 'many', f.name);
    (await import('node:fs')).mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, f.bytes);
  }
  await page.goto('./');
  await page.getByTestId('folder-input').setInputFiles(path.join(dir, 'many'));
  const progress = page.getByTestId('load-progress');
  // Small files load fast; cancel if we still can, else the load simply finished.
  if (await progress.isVisible().catch(() => false)) await progress.getByRole('button', { name: 'Cancel' }).click({ timeout: 2000 }).catch(() => undefined);
  await expect(progress).toHaveCount(0, { timeout: 30_000 });
  const n = Number(await page.getByTestId('instance-count').textContent());
  expect(n).toBeLessThanOrEqual(study.files.length);
  await expect(page.getByTestId('error-count')).toHaveText('0');
  if (n < study.files.length) await expect(page.getByText('Loading cancelled')).toBeVisible();
  // Picking the folder again loads what was not read before, and nothing twice.
  await page.getByTestId('folder-input').setInputFiles(path.join(dir, 'many'));
  await waitForCounts(page, study.files.length, 0);
});
