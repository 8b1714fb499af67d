/**
 * After the first visit the service worker has cached the app: with the network gone, a reload
 * still renders, and the workers (also cached) still read files.
 */
import { expect, test } from '@playwright/test';
import { makeFixtureFolder } from './helpers/fixtures.ts';
import { waitForCounts } from './helpers/session.ts';

test('keeps working offline after the first load', async ({ page, context }) => {
  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1, name: 'Veil' })).toBeVisible();
  // Wait until the service worker has installed (precached everything) and controls the page.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  });

  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Veil' })).toBeVisible();
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    const fx = makeFixtureFolder('offline-study');
    await page.getByTestId('folder-input').setInputFiles(fx.dir);
    await waitForCounts(page, fx.expectWritten.length, fx.expectRejected.length);
  } finally {
    await context.setOffline(false);
  }
});
