/**
 * Defacing in Chromium: time and peak memory of defacing each fixture head through the app, as a
 * user would — load the series (file-input), click `deface`, wait for `deface-done` — with the
 * peak Pss summed over every Chromium process (process-memory.ts) from load to done. Medians of
 * a few rounds, each on a fresh page. Target (issue 11): under 30 s and under 1 GB per head.
 *
 *   npm run build && npx tsx scripts/bench/deface-browser.ts [--runs 3]
 */
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { startStaticServer } from '../../e2e/helpers/static-server.ts';
import { findBrowserPid, watchMemory } from './process-memory.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const HEADS = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'heads');
const SERIES = ['ct-cranium', 'mr-colin27'];

interface Round {
  seconds: number;
  /** Peak over loading the series (before the click), and over the whole round. */
  loadPeakMiB: number;
  peakMiB: number;
  status: string;
  summary: string;
}

async function round(browser: Browser, url: string, dir: string): Promise<Round> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const root = findBrowserPid();
  let memory = root ? watchMemory(root) : undefined;
  let loadPeakMiB = NaN;
  try {
    await page.goto(url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.dcm')).map((f) => path.join(dir, f));
    await page.getByTestId('file-input').setInputFiles(files);
    await page.getByTestId('instance-count').filter({ hasText: String(files.length) }).waitFor({ timeout: 300_000 });
    const deface = page.getByTestId('deface');
    await deface.waitFor({ timeout: 120_000 });
    const loaded = memory?.stop();
    if (loaded) loadPeakMiB = loaded.pssBytes / 2 ** 20;
    memory = root ? watchMemory(root) : undefined;
    const started = performance.now();
    await deface.click();
    const done = page.getByTestId('deface-done');
    await done.waitFor({ timeout: 600_000 });
    const seconds = (performance.now() - started) / 1000;
    const status = (await done.getAttribute('data-status')) ?? '?';
    const summary = ((await done.textContent()) ?? '').replace(/\s+/g, ' ').trim().slice(0, 160);
    const peak = memory?.stop();
    return { seconds, loadPeakMiB, peakMiB: peak ? Math.max(loadPeakMiB, peak.pssBytes / 2 ** 20) : NaN, status, summary };
  } finally {
    memory?.stop();
    await page.close();
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const runsAt = process.argv.indexOf('--runs');
  const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 3;
  const dist = path.join(repoRoot, 'dist');
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error('dist/ is not built: run `npm run build` first');
  const server = await startStaticServer({ root: dist });
  const executablePath = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  console.log(`defacing in Chromium: ${runs} round(s) per head, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
  try {
    for (const name of SERIES) {
      const rounds: Round[] = [];
      for (let r = 0; r < runs; r++) {
        const result = await round(browser, `${server.url}/`, path.join(HEADS, name));
        rounds.push(result);
        console.log(`  ${name} round ${r + 1}: ${result.seconds.toFixed(1)} s, peak ${result.peakMiB.toFixed(0)} MiB (${result.loadPeakMiB.toFixed(0)} MiB while loading) (${result.status}: ${result.summary})`);
      }
      console.log(
        `${name}: deface (registration, region, write patches, face check) median ${median(rounds.map((r) => r.seconds)).toFixed(1)} s, ` +
          `peak memory of all Chromium processes median ${median(rounds.map((r) => r.peakMiB)).toFixed(0)} MiB ` +
          `(${median(rounds.map((r) => r.loadPeakMiB)).toFixed(0)} MiB of it reached while loading, before defacing); target < 30 s, < 1024 MiB`,
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
