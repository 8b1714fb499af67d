/**
 * After the first visit the service worker has cached the app: with the network gone, a reload
 * still renders, and the workers (also cached) still read files. The first visit fetches only
 * what every visit uses (page, script, styles, engine and zip-writer workers); the viewer,
 * codecs and OCR are cached the first time they are used, and work offline from then on.
 */
import { expect, test, type Page } from '@playwright/test';
import { US_GREY, makeFolder } from './helpers/burned-in.ts';
import { makeFixtureFolder } from './helpers/fixtures.ts';
import { waitForCounts } from './helpers/session.ts';

/** Waits until the service worker has installed (precached what it precaches) and controls the page. */
async function serviceWorkerInControl(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  });
}

/** Paths in each of the page's caches. */
function cachedPaths(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      out[name] = (await cache.keys()).map((r) => new URL(r.url).pathname);
    }
    return out;
  });
}

test('keeps working offline after the first load', async ({ page, context }) => {
  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1, name: 'Veil' })).toBeVisible();
  await serviceWorkerInControl(page);

  // What the first visit cached up front: the shell and the workers, not the OCR cores or the viewer.
  const precached = Object.entries(await cachedPaths(page)).filter(([name]) => name.includes('precache')).flatMap(([, paths]) => paths);
  expect(precached.some((p) => /\/assets\/engine\.worker-[^/]+\.js$/.test(p))).toBe(true);
  expect(precached.some((p) => /\/assets\/zip-writer\.worker-[^/]+\.js$/.test(p))).toBe(true);
  expect(precached.filter((p) => /tesseract|traineddata|\.wasm$|\/Viewer-/.test(p))).toEqual([]);

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

test('the viewer, used once online, opens offline', async ({ page, context }) => {
  test.setTimeout(180_000);
  const fx = makeFolder('offline-viewer', [US_GREY]);
  await page.goto('./');
  await serviceWorkerInControl(page);
  await page.getByTestId('folder-input').setInputFiles(fx.dir);
  await waitForCounts(page, 1, 0);
  await page.getByTestId('open-viewer').click();
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
  // Cached on first use, in the runtime cache (the precache does not hold it).
  const runtime = (await cachedPaths(page))['veil-assets'] ?? [];
  expect(runtime.some((p) => /\/Viewer-[^/]+\.js$/.test(p))).toBe(true);

  await context.setOffline(true);
  try {
    await page.reload();
    await page.getByTestId('folder-input').setInputFiles(fx.dir);
    await waitForCounts(page, 1, 0);
    await page.getByTestId('open-viewer').click();
    await expect(page.getByTestId('viewer')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
  } finally {
    await context.setOffline(false);
  }
});
