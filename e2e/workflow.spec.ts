/**
 * The whole workflow on a folder with planted PHI: load through folder-input, browse, review a
 * header and override one attribute, export, then open the downloaded zip and check that every
 * input is accounted for, no planted value survives in any byte, and references still resolve.
 * Screenshots of each screen go to test-results/screenshots/.
 */
import { expect, test } from '@playwright/test';
import { makeFixtureFolder } from './helpers/fixtures.ts';
import { collectProblems, exportZip, shot, waitForCounts } from './helpers/session.ts';
import { TAG, openZip, outputsByInput, plantedSurvivors, referenceProblems, str } from './helpers/zip-check.ts';

test('load a folder, review, export: every input accounted for, no planted PHI, references intact', async ({ page }) => {
  const problems = collectProblems(page);
  const fx = makeFixtureFolder('study-folder');

  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1, name: 'Veil' })).toBeVisible();
  await shot(page, '01-empty');

  await page.getByTestId('folder-input').setInputFiles(fx.dir);
  await waitForCounts(page, fx.expectWritten.length, fx.expectRejected.length);

  // The study browser: patient A's CT series with its four slices.
  await page.getByRole('button', { name: /CT.*4$/ }).first().click();
  await expect(page.getByTestId('instance-card')).toHaveCount(4);
  await expect(page.getByTestId('rejected-list')).toContainText('notes.txt');
  await expect(page.getByTestId('rejected-list')).toContainText('not a DICOM file');
  await page.waitForFunction(() => [...document.querySelectorAll('.thumb img')].every((i) => (i as HTMLImageElement).complete));
  await shot(page, '02-study-browser');

  // Header review of the first slice, with an override that goes into the profile.
  await page.getByTestId('instance-card').first().click();
  const table = page.getByTestId('review-table');
  await expect(table).toBeVisible();
  await expect(table).toContainText('PatientName');
  await expect(table.locator('tr', { hasText: 'PatientName' }).first()).toContainText('pseudonym');
  await shot(page, '03-header-review');
  const description = table.locator('tr', { hasText: 'StudyDescription' }).first();
  await description.getByRole('combobox').selectOption('replace');
  await description.getByRole('textbox').fill('TEACHING CASE 7');
  await description.getByRole('button', { name: 'Set' }).click();
  await expect(table.locator('tr', { hasText: 'StudyDescription' }).first()).toContainText('TEACHING CASE 7');
  await expect(table.locator('tr', { hasText: 'StudyDescription' }).first()).toContainText('override: replace');

  await page.getByRole('button', { name: /^Settings/ }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page.getByText('(0008,1030)')).toBeVisible();
  await shot(page, '04-settings');
  await page.getByRole('button', { name: 'Studies' }).click();

  const zipPath = await exportZip(page, { anyway: true });
  await shot(page, '05-export-done');
  const zip = await openZip(zipPath);

  // Every input exactly once in the report, with the expected status.
  const reported = zip.report.files.map((f) => f.input).sort();
  expect(reported).toEqual([...fx.inputs].sort());
  const status = new Map(zip.report.files.map((f) => [f.input, f.status]));
  for (const p of fx.expectWritten) expect(status.get(p), p).toBe('written');
  for (const p of fx.expectRejected) expect(['skipped', 'failed'], p).toContain(status.get(p));
  for (const f of zip.report.files) if (f.status !== 'written') expect(f.reason, f.input).toBeTruthy();
  expect(zip.csv.trim().split(/\r?\n/)).toHaveLength(fx.inputs.length + 1);
  // Every DICOM entry is one the report names, and the layout is patient/study/series/file.
  const outputs = new Set(zip.report.files.map((f) => f.output).filter(Boolean));
  for (const name of zip.names.filter((n) => !n.startsWith('deid-report.'))) {
    expect(outputs.has(name), name).toBe(true);
    expect(name).toMatch(/^[^/]+\/study-[0-9a-f]{8}\/series-(\d+-)?[A-Z0-9_]+-[0-9a-f]{8}\/\d{5}-[0-9a-f]{8}(-\d+)?\.dcm$/);
  }
  expect(zip.names).toContain('deid-report.csv');

  // No planted value in any byte of any entry (reports included), nor in entry names.
  expect(plantedSurvivors(zip, fx.planted.keys())).toEqual([]);

  // References between the synthetic files resolve to the new UIDs.
  const outs = outputsByInput(zip);
  expect(referenceProblems(outs, 'study-folder/synthetic', 4)).toEqual([]);

  // The override applied to every file that has a Study Description.
  const ct1 = outs.get('study-folder/synthetic/A/CT/slice-1.dcm')!;
  expect(str(ct1, TAG.StudyDescription)).toBe('TEACHING CASE 7');
  expect(str(ct1, TAG.PatientID)).toMatch(/^VEIL-/);

  // Pseudonymize (the default) keeps a mapping, offered apart from the zip.
  expect(zip.names.some((n) => /mapping/i.test(n))).toBe(false);
  await page.getByTestId('export-dialog').getByRole('button', { name: 'Done' }).click();
  const mappingDownload = page.waitForEvent('download');
  await page.getByTestId('export-mapping').click();
  const mapping = await (await mappingDownload).path();
  const csv = (await import('node:fs')).readFileSync(mapping, 'utf8');
  expect(csv).toContain(fx.study.patients.A.id);
  expect(csv).toContain(str(ct1, TAG.PatientID)!);

  expect(problems).toEqual([]);
});
