/**
 * Inputs other than a folder: a zip unpacked in the browser (stored and deflated entries, a
 * non-DICOM entry) and files dropped onto the page. Every input is accounted for by name.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import JSZip from 'jszip';
import { makePhiStudy } from '../tests/synthetic/phi-study.ts';
import { collectProblems, exportZip, waitForCounts } from './helpers/session.ts';
import { openZip } from './helpers/zip-check.ts';

test('a dropped-in zip is unpacked in the browser and every entry is accounted for', async ({ page }) => {
  const problems = collectProblems(page);
  const study = makePhiStudy();
  const zip = new JSZip();
  study.files.forEach((f, i) => zip.file(`case/${f.name}`, f.bytes, { compression: i % 2 ? 'DEFLATE' : 'STORE' }));
  zip.file('case/readme.txt', 'not an image', { compression: 'DEFLATE' });
  const zipPath = path.join(mkdtempSync(path.join(tmpdir(), 'veil-zip-')), 'case.zip');
  writeFileSync(zipPath, await zip.generateAsync({ type: 'nodebuffer' }));

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
