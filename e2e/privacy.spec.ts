/**
 * Privacy by construction: a whole session — load, review, settings, export, mapping — makes no
 * request to any origin but the app's own (pages, workers and the service worker included), and
 * runs under the Content-Security-Policy without a single violation.
 */
import { expect, test } from '@playwright/test';
import { makeFixtureFolder } from './helpers/fixtures.ts';
import { collectProblems, exportZip, foreignRequests, recordRequests, waitForCounts } from './helpers/session.ts';

test('a whole session (load → review → export) makes no request outside the app origin', async ({ page, context, baseURL }) => {
  const requests = recordRequests(context);
  const problems = collectProblems(page);
  const origin = new URL(baseURL!).origin;
  const fx = makeFixtureFolder('privacy-study');

  await page.goto('./');
  await page.getByTestId('folder-input').setInputFiles(fx.dir);
  await waitForCounts(page, fx.expectWritten.length, fx.expectRejected.length);

  await page.getByTestId('instance-card').first().click();
  await expect(page.getByTestId('review-table')).toBeVisible();
  await page.getByRole('button', { name: 'Changed' }).click();
  await page.getByRole('button', { name: /^Settings/ }).click();
  await page.getByTestId('passphrase').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('button', { name: 'Studies' }).click();

  await exportZip(page);
  await page.getByTestId('export-dialog').getByRole('button', { name: 'Done' }).click();
  const mapping = page.waitForEvent('download');
  await page.getByTestId('export-mapping').click();
  await mapping;
  await page.waitForLoadState('networkidle');

  expect(requests.length).toBeGreaterThan(0);
  // Module workers and the zip writer are fetched from the same origin, like everything else.
  expect(requests.some((u) => /engine\.worker/.test(u))).toBe(true);
  expect(requests.some((u) => /zip-writer\.worker/.test(u))).toBe(true);
  expect(foreignRequests(requests, origin), 'requests to other origins').toEqual([]);
  expect(problems, 'page errors / CSP violations').toEqual([]);
});
