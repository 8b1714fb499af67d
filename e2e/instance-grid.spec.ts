/**
 * A large series renders a bounded number of cards (issue 13: 400 cards rendered at the end of a
 * load took over a second of the page's time). The rest is one keypress or a scroll away.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { repoRoot } from './helpers/fixtures.ts';
import { waitForCounts } from './helpers/session.ts';

const HEAD_DIR = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'heads', 'ct-cranium');
const FILES = existsSync(HEAD_DIR) ? readdirSync(HEAD_DIR).filter((f) => f.endsWith('.dcm')).sort() : [];

test.skip(FILES.length <= 60, `the 108-slice head CT fixture is not at ${HEAD_DIR}`);

test('a 108-slice series shows 60 cards; the keyboard and scrolling bring the rest', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(FILES.map((f) => path.join(HEAD_DIR, f)));
  await waitForCounts(page, FILES.length, 0);
  const cards = page.getByTestId('instance-card');
  await expect(cards).toHaveCount(60);
  const more = page.getByTestId('instance-grid-more');
  await expect(more).toHaveText(`Show the other ${FILES.length - 60} instances`);
  // A keyboard user: focus the button and press Enter.
  await more.focus();
  await page.keyboard.press('Enter');
  await expect(cards).toHaveCount(FILES.length);
  await expect(more).toHaveCount(0);

  // Another visit, by scrolling: the cards come before the end of the grid is reached.
  await page.reload();
  await page.getByTestId('file-input').setInputFiles(FILES.map((f) => path.join(HEAD_DIR, f)));
  await waitForCounts(page, FILES.length, 0);
  await expect(cards).toHaveCount(60);
  await cards.nth(59).scrollIntoViewIfNeeded();
  await expect(cards).toHaveCount(FILES.length);
});
