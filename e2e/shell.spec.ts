import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { startStaticServer } from './helpers/static-server.ts';
import { makeFixtureFolder } from './helpers/fixtures.ts';
import { exportZip, waitForCounts } from './helpers/session.ts';
import { openZip } from './helpers/zip-check.ts';
import { parse } from './helpers/pixels.ts';
import { openViewer } from './helpers/viewer.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const distDir = path.join(repoRoot, 'dist');
const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');

const TESTIDS = ['file-input', 'folder-input', 'instance-count', 'error-count'] as const;

/** Records every request the browser makes for this context (pages and workers). */
function recordRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (req) => urls.push(req.url()));
  return urls;
}

/** URLs that are neither same-origin nor local (data:/blob:). */
function foreignRequests(urls: string[], origin: string): string[] {
  return urls.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('blob:')) return false;
    return new URL(u).origin !== origin;
  });
}

/** Collects CSP violations and uncaught errors so a test can assert there were none. */
function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  return problems;
}

test('app shell renders, exposes the automation testids, and stays on its own origin', async ({
  page,
  context,
  baseURL,
}) => {
  const requests = recordRequests(context);
  const problems = collectProblems(page);
  const origin = new URL(baseURL!).origin;

  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1, name: 'Veil' })).toBeVisible();
  await expect(page.getByText('PHI never leaves the machine', { exact: false })).toBeVisible();

  for (const id of TESTIDS) await expect(page.getByTestId(id)).toHaveCount(1);
  await expect(page.getByTestId('instance-count')).toHaveText('0');
  await expect(page.getByTestId('error-count')).toHaveText('0');

  const fileInput = page.getByTestId('file-input');
  await expect(fileInput).toHaveAttribute('type', 'file');
  await expect(fileInput).toHaveAttribute('multiple', '');
  const folderInput = page.getByTestId('folder-input');
  await expect(folderInput).toHaveAttribute('type', 'file');
  await expect(folderInput).toHaveAttribute('webkitdirectory', '');
  expect(await folderInput.evaluate((el) => (el as HTMLInputElement).webkitdirectory)).toBe(true);

  // The CSP from index.html is what the built page actually runs under.
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("connect-src 'self' blob: data:");
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);

  // Files that are not DICOM are parsed in the workers, rejected and listed with the reason.
  await fileInput.setInputFiles([
    { name: 'a.dcm', mimeType: 'application/dicom', buffer: Buffer.alloc(200) },
    { name: 'b.dcm', mimeType: 'application/dicom', buffer: Buffer.alloc(300) },
  ]);
  await expect(page.getByTestId('error-count')).toHaveText('2');
  await expect(page.getByTestId('instance-count')).toHaveText('0');
  await expect(page.getByTestId('rejected-list')).toContainText('a.dcm');
  await expect(page.getByTestId('rejected-list')).toContainText('not a DICOM file');

  await page.evaluate(() => document.fonts.ready);
  mkdirSync(screenshotDir, { recursive: true });
  // Reload for a pristine screenshot of the landing state.
  await page.reload();
  await expect(page.getByTestId('instance-count')).toHaveText('0');
  await page.screenshot({ path: path.join(screenshotDir, 'home.png'), fullPage: false });

  await page.waitForLoadState('networkidle');
  expect(requests.length).toBeGreaterThan(0);
  expect(foreignRequests(requests, origin), 'requests to other origins').toEqual([]);
  expect(problems, 'page errors / CSP violations').toEqual([]);
});

test.describe('served from a sub-path by a plain static server', () => {
  let tmp: string;

  test.beforeAll(() => {
    test.skip(!existsSync(path.join(distDir, 'index.html')), 'dist/ not built; run `npm run build`');
    tmp = mkdtempSync(path.join(tmpdir(), 'veil-subpath-'));
    cpSync(distDir, path.join(tmp, 'veil', 'sub'), { recursive: true });
  });

  test.afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('renders and loads every asset with no 404', async ({ page, context }) => {
    const server = await startStaticServer({ root: tmp });
    try {
      const requests = recordRequests(context);
      const problems = collectProblems(page);
      const failed: string[] = [];
      page.on('requestfailed', (r) => failed.push(`${r.url()} (${r.failure()?.errorText})`));
      page.on('response', (r) => {
        if (r.status() >= 400) failed.push(`${r.url()} -> ${r.status()}`);
      });

      const appUrl = `${server.url}/veil/sub/`;
      await page.goto(appUrl);
      await expect(page.getByRole('heading', { level: 1, name: 'Veil' })).toBeVisible();
      for (const id of TESTIDS) await expect(page.getByTestId(id)).toHaveCount(1);
      await expect(page.getByTestId('instance-count')).toHaveText('0');
      await page.waitForLoadState('networkidle');

      // The stylesheet really applied (system font stack, not the UA default serif).
      const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
      expect(font).toContain('system-ui');

      // The workers start from inside the sub-path too: load a folder and export it.
      const fx = makeFixtureFolder('subpath-study');
      await page.getByTestId('folder-input').setInputFiles(fx.dir);
      await waitForCounts(page, fx.expectWritten.length, fx.expectRejected.length);
      const zip = await openZip(await exportZip(page, { anyway: true }));
      expect(zip.report.files).toHaveLength(fx.inputs.length);
      await page.getByTestId('export-dialog').getByRole('button', { name: 'Done' }).click();

      // The viewer's decode worker and its wasm codecs load from inside the sub-path too.
      const jpeg = parse(new Uint8Array(readFileSync(path.join(fx.dir, 'real', 'JPEGBaseline_1s_1f_u_08_08.dcm'))));
      await openViewer(page, jpeg.string('x0020000e')!.trim());
      await expect(page.locator('.viewer-error')).toHaveCount(0);
      expect(requests.some((u) => u.startsWith(`${appUrl}assets/`) && /decodeImageFrameWorker/.test(u))).toBe(true);
      expect(requests.some((u) => u.startsWith(`${appUrl}assets/`) && /libjpegturbo.*\.wasm/.test(u))).toBe(true);
      await page.waitForLoadState('networkidle');

      expect(failed, 'failed or 4xx/5xx requests').toEqual([]);
      expect(server.log.filter((r) => r.status >= 400), 'server-side 4xx/5xx').toEqual([]);
      // Everything came from inside the sub-path: nothing assumed the site root.
      const outside = requests.filter(
        (u) => !u.startsWith('data:') && !u.startsWith('blob:') && !u.startsWith(appUrl),
      );
      expect(outside, 'requests outside the sub-path').toEqual([]);
      expect(server.log.some((r) => r.url.includes('/veil/sub/assets/'))).toBe(true);
      expect(problems, 'page errors / CSP violations').toEqual([]);
    } finally {
      await server.close();
    }
  });
});
