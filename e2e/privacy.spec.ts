/**
 * Privacy by construction: a whole session — load, review, settings, export, mapping; the
 * viewer with its decode workers and wasm codecs, the output preview and a redacted export —
 * makes no request to any origin but the app's own (pages, workers and the service worker
 * included), and runs under the Content-Security-Policy without a single violation.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { US_JPEG_CINE, US_PALETTE_RLE, makeFolder } from './helpers/burned-in.ts';
import { makeFixtureFolder } from './helpers/fixtures.ts';
import { parse } from './helpers/pixels.ts';
import { collectProblems, exportZip, foreignRequests, recordRequests, waitForCounts } from './helpers/session.ts';
import { dragPixels, knownFileQuirks, openViewer, placement } from './helpers/viewer.ts';
import { openZip } from './helpers/zip-check.ts';

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

  // Header review is what this session is about: the images that need pixel review go out by choice.
  await exportZip(page, { anyway: true });
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

test('the viewer, its decode workers and wasm codecs, the preview and a redacted export stay on the app origin and inside the CSP', async ({ page, context, baseURL }) => {
  const requests = recordRequests(context);
  const problems = collectProblems(page);
  const origin = new URL(baseURL!).origin;
  // CSP violations of the page itself (workers report theirs as console errors, collected above).
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const fx = makeFolder('privacy-viewer', [US_JPEG_CINE, 'multiframe/US_multiframe_palette_jpegls.dcm', US_PALETTE_RLE, 'burned-in/US1_J2KR_ybr_rct.dcm']);
  await page.goto('./');
  await page.getByTestId('folder-input').setInputFiles(fx.dir);
  await waitForCounts(page, fx.files.length, 0);

  // Every compressed image through the viewer: JPEG (libjpeg-turbo), JPEG-LS (CharLS), JPEG 2000 (OpenJPEG), RLE.
  for (const f of fx.files) {
    await openViewer(page, parse(new Uint8Array(readFileSync(f.abs))).string('x0020000e')!.trim());
    await expect(page.locator('.viewer-error')).toHaveCount(0);
  }
  // A box on the JPEG 2000 image (the last one opened), previewed: decoded, painted and re-encoded in an engine worker.
  await page.getByTestId('tool-box').click();
  const where = await placement(page, 640, 480);
  await dragPixels(page, where, [10, 5], [300, 45]);
  await page.getByTestId('preview-toggle').check();
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-showing', 'output', { timeout: 30_000 });
  await page.getByTestId('preview-toggle').uncheck();
  await page.getByTestId('accept-every-series').check();
  await page.getByTestId('accept-all-boxes').click();
  // The images left unpainted go out by choice: this test is about where requests go.
  const zip = await openZip(await exportZip(page, { anyway: true }));
  expect(zip.report.files.filter((f) => f.warnings.some((w) => w.startsWith('redaction: painted'))).length).toBeGreaterThanOrEqual(2);
  await page.waitForLoadState('networkidle');

  expect(requests.some((u) => /decodeImageFrameWorker/.test(u)), 'the loader decode worker').toBe(true);
  expect(requests.filter((u) => /\.wasm(\?|$)/.test(u)).length, 'wasm codecs fetched').toBeGreaterThanOrEqual(3);
  expect(foreignRequests(requests, origin), 'requests to other origins').toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), 'CSP violations').toEqual([]);
  expect(knownFileQuirks(problems), 'page errors / CSP violations').toEqual([]);
});
