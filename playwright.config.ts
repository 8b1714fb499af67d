import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests run against the BUILT site (`npm run build` first; `npm run
 * test:e2e` does both). The web server is `vite preview` on a fixed port.
 */
// VEIL_E2E_PORT lets two checkouts run their e2e suites side by side without one reusing the
// other's server (reuseExistingServer would otherwise serve the wrong dist/ silently).
export const PREVIEW_PORT = Number(process.env.VEIL_E2E_PORT ?? 4173);
export const PREVIEW_ORIGIN = `http://127.0.0.1:${PREVIEW_PORT}`;

// Debian's Chromium when present (CI installs it via .ci/run); otherwise
// whatever `npx playwright install chromium` put in Playwright's cache.
const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const executablePath = existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined;

export default defineConfig({
  testDir: 'e2e',
  // Playwright wipes outputDir at the start of every run; keep it separate from
  // test-results/screenshots/, where specs write their named screenshots.
  outputDir: 'test-results/artifacts',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: process.env.CI ? 1 : 2,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: {
    baseURL: `${PREVIEW_ORIGIN}/`,
    headless: true,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1280, height: 800 },
        deviceScaleFactor: 1,
        launchOptions: {
          executablePath,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--no-first-run',
            '--disable-sync',
            '--disable-quic',
          ],
        },
      },
    },
  ],
  webServer: {
    // Serves dist/ exactly as built. Builds first only if dist/ is missing
    // (e.g. `npx playwright test` straight after a fresh clone).
    command: `test -f dist/index.html || npm run build; npx vite preview --host 127.0.0.1 --port ${PREVIEW_PORT} --strictPort`,
    url: `${PREVIEW_ORIGIN}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
