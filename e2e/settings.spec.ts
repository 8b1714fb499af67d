/**
 * Settings: options change what the review shows and what the export writes; the profile
 * exports and imports as the CLI's JSON; anonymize mode keeps no mapping; a lookup CSV names
 * the patients.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { validateProfile } from '../src/core/profile/resolve.ts';
import { makeFixtureFolder } from './helpers/fixtures.ts';
import { exportZip, waitForCounts } from './helpers/session.ts';
import { TAG, openZip, outputsByInput, str } from './helpers/zip-check.ts';

test('options, mode, lookup and profile JSON round trip', async ({ page }) => {
  const fx = makeFixtureFolder('settings-study');
  const tmp = mkdtempSync(path.join(tmpdir(), 'veil-settings-'));
  await page.goto('./');
  await page.getByTestId('folder-input').setInputFiles(fx.dir);
  await waitForCounts(page, fx.expectWritten.length, fx.expectRejected.length);

  await page.getByRole('button', { name: /^Settings/ }).click();
  // Modified dates: the review shows shifted dates.
  await page.getByText('Retain Longitudinal Temporal Information Modified Dates', { exact: true }).click();
  await expect(page.getByTestId('option-retainLongModifiedDates')).toBeChecked();
  // Anonymize: no mapping button at all.
  await page.getByTestId('mode-anonymize').check();
  // A lookup table names patient A.
  const csv = path.join(tmp, 'lookup.csv');
  writeFileSync(csv, `original_patient_id,pseudonym_name,pseudonym_id\r\n${fx.study.patients.A.id},TEACHING^ALPHA,CASE-0001\r\n`);
  await page.getByTestId('lookup-input').setInputFiles(csv);
  await expect(page.getByText('from lookup.csv')).toBeVisible();

  // Export the profile: the JSON the CLI reads.
  const dl = page.waitForEvent('download');
  await page.getByTestId('profile-export').click();
  const profileJson = readFileSync(await (await dl).path(), 'utf8');
  const profile = validateProfile(profileJson);
  expect(profile.options.retainLongModifiedDates).toBe(true);
  expect(profile.pseudonyms.mode).toBe('anonymize');

  await page.getByRole('button', { name: 'Studies' }).click();
  await expect(page.getByTestId('export-mapping')).toHaveCount(0);
  await expect(page.getByText('CASE-0001').first()).toBeVisible({ timeout: 15_000 });
  await page.getByRole('button', { name: /CT.*4$/ }).first().click();
  await page.getByTestId('instance-card').first().click();
  await expect(page.getByTestId('review-table').locator('tr', { hasText: 'SeriesDate' }).first()).toContainText('date shifted');

  const zip = await openZip(await exportZip(page, { anyway: true }));
  const outs = outputsByInput(zip);
  const ct1 = outs.get('settings-study/synthetic/A/CT/slice-1.dcm')!;
  expect(str(ct1, TAG.PatientID)).toBe('CASE-0001');
  expect(str(ct1, TAG.PatientName)).toBe('TEACHING^ALPHA');
  expect(zip.report.meta.mode).toBe('anonymize');
  await page.getByTestId('export-dialog').getByRole('button', { name: 'Done' }).click();

  // Import: an override from a file, and a broken file says what is wrong.
  await page.getByRole('button', { name: /^Settings/ }).click();
  const good = path.join(tmp, 'good.json');
  writeFileSync(good, JSON.stringify({ overrides: { '(0008,1030)': { action: 'remove' } } }));
  await page.getByTestId('profile-import').setInputFiles(good);
  await expect(page.getByTestId('profile-message')).toContainText('Profile imported');
  await expect(page.getByText('(0008,1030)')).toBeVisible();
  await expect(page.getByTestId('option-retainLongModifiedDates')).not.toBeChecked();
  const bad = path.join(tmp, 'bad.json');
  writeFileSync(bad, JSON.stringify({ options: { retainEverything: true } }));
  await page.getByTestId('profile-import').setInputFiles(bad);
  await expect(page.getByTestId('profile-message')).toContainText('unknown option');
});
