/**
 * Picking a large study (issue 13): the page lists the picked files in slices, showing
 * "Listing files… N of M" between them, instead of freezing while it reads every file's size
 * and date; every file is loaded once, and picking the same folder again adds nothing.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { tinyCtName, tinyCtSlice } from '../tests/synthetic/tiny-ct.ts';
import { collectProblems, waitForCounts } from './helpers/session.ts';

const FILES = 3000;

test('a large pick shows its listing progress, loads every file once and skips them when picked again', async ({ page }) => {
  test.setTimeout(180_000);
  const problems = collectProblems(page);
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'veil-large-pick-')), 'study');
  mkdirSync(dir);
  for (let i = 0; i < FILES; i++) writeFileSync(path.join(dir, tinyCtName(i)), tinyCtSlice(i));

  await page.goto('./');
  // Every text the listing line showed, recorded by the page itself (a frame can be short).
  await page.evaluate(() => {
    const seen: string[] = ((window as unknown as { __listing: string[] }).__listing = []);
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="listing-progress"]')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByTestId('folder-input').setInputFiles(dir);
  await waitForCounts(page, FILES, 0);

  const listing = await page.evaluate(() => (window as unknown as { __listing: string[] }).__listing);
  // The page painted between slices: a count short of the whole pick was on screen.
  const shown = listing.map((t) => /Listing files… ([\d,]+) of ([\d,]+)/.exec(t)).filter((m) => m !== null);
  expect(shown.length).toBeGreaterThan(0);
  for (const m of shown) expect(m[2]).toBe('3,000');
  expect(shown.some((m) => Number(m[1].replace(/,/g, '')) < FILES)).toBe(true);
  await expect(page.getByTestId('listing-progress')).toHaveCount(0);

  // The same folder again: every file is a duplicate, across every slice of the listing.
  await page.getByTestId('folder-input').setInputFiles(dir);
  await expect(page.getByText('3000 files were already loaded and not added again.')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('instance-count')).toHaveText(String(FILES));
  await expect(page.getByTestId('load-progress')).toHaveCount(0);
  expect(problems).toEqual([]);
});
