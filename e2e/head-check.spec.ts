/**
 * The head check runs on what load handed over (issue 13): loading the head CT and clicking
 * export must stop at the gate with the head series listed — fail closed as before — without the
 * defacing worker ever starting to read the 108 files again.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { repoRoot } from './helpers/fixtures.ts';
import { waitForCounts } from './helpers/session.ts';

const HEAD_DIR = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'heads', 'ct-cranium');
const FILES = existsSync(HEAD_DIR) ? readdirSync(HEAD_DIR).filter((f) => f.endsWith('.dcm')).sort() : [];

test.skip(FILES.length === 0, `the head CT fixture is not at ${HEAD_DIR}`);

test('the head check stops a head series at the gate without starting the defacing worker', async ({ page }) => {
  const started: string[] = [];
  page.on('worker', (w) => started.push(w.url()));
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(FILES.map((f) => path.join(HEAD_DIR, f)));
  await waitForCounts(page, FILES.length, 0);
  await expect(page.getByTestId('deface')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('export-zip').click();
  const gate = page.getByTestId('pixel-review-needed');
  await expect(gate).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('gate-head-series')).toContainText('not defaced');
  expect(started.some((u) => /engine\.worker/.test(u)), 'the engine workers ran').toBe(true);
  expect(started.filter((u) => /deface\.worker/.test(u)), 'defacing workers started').toEqual([]);
});

test('a head series that grows in a second pick is asked about again: an earlier choice no longer lets it through', async ({ page }) => {
  await page.goto('./');
  const first = FILES.slice(0, 60);
  await page.getByTestId('file-input').setInputFiles(first.map((f) => path.join(HEAD_DIR, f)));
  await waitForCounts(page, first.length, 0);
  // The person keeps the face of the 60 slices they have seen.
  const keep = page.getByTestId('deface-reject');
  await expect(keep).toBeVisible({ timeout: 60_000 });
  await keep.click();
  await expect(keep).toHaveAttribute('aria-pressed', 'true');
  // The rest of the series arrives in a second pick: that choice was about other files.
  await page.getByTestId('file-input').setInputFiles(FILES.slice(60).map((f) => path.join(HEAD_DIR, f)));
  await waitForCounts(page, FILES.length, 0);
  await page.getByTestId('export-zip').click();
  await expect(page.getByTestId('pixel-review-needed')).toBeVisible({ timeout: 60_000 });
  const gate = page.getByTestId('gate-head-series');
  await expect(gate).toContainText(`${FILES.length} images`);
  await expect(gate).toContainText('not defaced');
  await expect(page.getByTestId('deface-reject')).toHaveAttribute('aria-pressed', 'false');
});
