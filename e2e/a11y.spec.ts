/**
 * Accessibility (issue 10): axe-core finds no serious or critical violation on the landing page,
 * a loaded study, the header review, the viewer with boxes, settings and the export dialog (its
 * pixel-review gate and its result). The hidden file inputs are no tab stops.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { US_GREY, US_RGB, makeFolder } from './helpers/burned-in.ts';
import { waitForCounts } from './helpers/session.ts';

async function serious(page: Page, screen: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  // Printed for the record: the closing note quotes these numbers.
  console.log(`axe ${screen}: ${result.violations.length} violation(s), ${bad.length} serious or critical${result.violations.length ? ` (${result.violations.map((v) => `${v.id}:${v.impact}`).join(', ')})` : ''}`);
  return bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

test('axe-core: no serious or critical violations on any screen', async ({ page }) => {
  test.setTimeout(180_000);
  const fx = makeFolder('a11y-study', [US_GREY, US_RGB]);
  await page.goto('./');
  expect(await serious(page, 'landing')).toEqual([]);

  // Keyboard: the hidden file inputs are no tab stops.
  const stops: string[] = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    stops.push(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? ''));
  }
  expect(stops).not.toContain('file-input');
  expect(stops).not.toContain('folder-input');

  await page.getByTestId('folder-input').setInputFiles(fx.dir);
  await waitForCounts(page, 2, 0);
  expect(await serious(page, 'loaded study')).toEqual([]);

  await page.getByTestId('instance-card').first().click();
  await expect(page.getByTestId('header-review')).toBeVisible();
  await expect(page.getByTestId('header-review').locator('table').first()).toBeVisible({ timeout: 30_000 });
  expect(await serious(page, 'header review')).toEqual([]);
  await page.getByRole('button', { name: /Back to series/ }).click();

  await page.getByTestId('open-viewer').click();
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
  await expect(page.getByTestId('box-row').first()).toBeVisible();
  expect(await serious(page, 'viewer with boxes')).toEqual([]);
  await page.getByTestId('series-mode-grid').click();

  await page.getByRole('button', { name: /^Settings/ }).click();
  expect(await serious(page, 'settings')).toEqual([]);
  await page.getByRole('button', { name: /^Studies/ }).click();

  await page.getByTestId('export-zip').click();
  await expect(page.getByTestId('pixel-review-needed')).toBeVisible();
  expect(await serious(page, 'export dialog (gate)')).toEqual([]);
  const download = page.waitForEvent('download');
  await page.getByTestId('export-anyway').click();
  await download;
  await expect(page.getByTestId('export-done')).toBeVisible();
  expect(await serious(page, 'export dialog (done)')).toEqual([]);
});
