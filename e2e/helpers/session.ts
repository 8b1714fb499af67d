/** Shared steps of the app's end-to-end tests. */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, type BrowserContext, type Page } from '@playwright/test';
import { screenshotDir } from './fixtures.ts';

/** Full-window screenshot at the project's 1280×800, into test-results/screenshots/. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: false });
}

/** Waits until loading has finished and the counters show these numbers. */
export async function waitForCounts(page: Page, instances: number, errors: number): Promise<void> {
  await expect(page.getByTestId('instance-count')).toHaveText(String(instances), { timeout: 60_000 });
  await expect(page.getByTestId('error-count')).toHaveText(String(errors));
  await expect(page.getByTestId('load-progress')).toHaveCount(0, { timeout: 60_000 });
}

/**
 * Clicks export-zip and returns the downloaded zip's path once the export dialog says done.
 * Images that need pixel review stop the export at the gate (pixel-review-needed): with
 * `anyway` the helper chooses export-anyway there, without it the gate is a test failure. The
 * operator's report (export-operator-report) is downloaded too and kept beside the zip as
 * `<zip>.operator-report.csv`, where openZip finds it to tell which input each row is.
 */
export async function exportZip(page: Page, options: { anyway?: boolean } = {}): Promise<string> {
  const download = page.waitForEvent('download', { timeout: 120_000 });
  await page.getByTestId('export-zip').click();
  const gate = page.getByTestId('pixel-review-needed');
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog).toBeVisible({ timeout: 60_000 });
  // The gate shows before anything runs; a running or finished export has no gate.
  await expect(gate.or(page.getByTestId('export-done')).or(dialog.getByText(/Exporting/))).toBeVisible({ timeout: 60_000 });
  if (await gate.isVisible()) {
    if (!options.anyway) throw new Error(`export stopped at the pixel-review gate: ${await gate.innerText()}`);
    await page.getByTestId('export-anyway').click();
  }
  const d = await download;
  const file = await d.path();
  await saveOperatorReport(page, file);
  return file;
}

/**
 * Once the export dialog says done: downloads the operator's report (export-operator-report) and
 * keeps it beside the zip as `<zip>.operator-report.csv`, where openZip finds it.
 */
export async function saveOperatorReport(page: Page, zipPath: string): Promise<void> {
  await expect(page.getByTestId('export-done')).toBeVisible({ timeout: 60_000 });
  const operator = page.waitForEvent('download');
  await page.getByTestId('export-operator-report').click();
  const o = await operator;
  expect(o.suggestedFilename()).toMatch(/^veil-operator-report-.*\.csv$/);
  copyFileSync(await o.path(), `${zipPath}.operator-report.csv`);
}

/** Records every request of the context: pages, workers and the service worker. */
export function recordRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (req) => urls.push(req.url()));
  return urls;
}

export function foreignRequests(urls: string[], origin: string): string[] {
  return urls.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
}

/** Page errors, console errors and CSP violations, to assert there were none. */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  return problems;
}
