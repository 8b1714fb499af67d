/**
 * Defacing in Chromium: time and peak memory of defacing each fixture head through the app, as a
 * user would — load the series (file-input), click `deface`, wait for `deface-done` (the time) and
 * for both heads drawn in 3-D — with the peak Pss summed over every Chromium process
 * (process-memory.ts) from load to the 3-D views. Medians of
 * a few rounds, each on a fresh page. Target (issue 11): under 30 s and under 1 GB per head.
 *
 *   npm run build && npx tsx scripts/bench/deface-browser.ts [--runs 3] [--dist DIR] [--head ct-cranium|mr-colin27]
 *
 * --dist DIR measures another build (e.g. a copy of the previous commit's dist/) on the same machine.
 */
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from '@playwright/test';
import { startStaticServer } from '../../e2e/helpers/static-server.ts';
import { findBrowserPid, watchMemory } from './process-memory.ts';
import { launchChromium, median } from './shared.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const HEADS = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'heads');
const SERIES = ['ct-cranium', 'mr-colin27'];

interface Round {
  seconds: number;
  /** Peak over loading the series (before the click), and over the whole round. */
  loadPeakMiB: number;
  peakMiB: number;
  /** The processes at the peak, e.g. "renderer 640, gpu-process 210, browser 120" (MiB). */
  peakBy: string;
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
    const summary = ((await done.locator('p').first().textContent()) ?? '').replace(/\s+/g, ' ').trim().slice(0, 160);
    // The user's check is not over until both heads are drawn in 3-D: their volumes (page and GPU
    // process) are part of the peak.
    if (status === 'defaced') await page.getByTestId('deface-3d').and(page.locator('[data-rendered="true"]')).waitFor({ timeout: 300_000 });
    const peak = memory?.stop();
    const peakBy = (peak?.atPeak ?? []).slice(0, 4).map((p) => `${p.kind} ${(p.pssBytes / 2 ** 20).toFixed(0)}`).join(', ');
    return { seconds, loadPeakMiB, peakMiB: peak ? Math.max(loadPeakMiB, peak.pssBytes / 2 ** 20) : NaN, peakBy, status, summary };
  } finally {
    memory?.stop();
    await page.close();
  }
}

async function main(): Promise<void> {
  const runsAt = process.argv.indexOf('--runs');
  const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 3;
  const distAt = process.argv.indexOf('--dist');
  const dist = distAt > 0 ? path.resolve(process.argv[distAt + 1]) : path.join(repoRoot, 'dist');
  const headAt = process.argv.indexOf('--head');
  const heads = headAt > 0 ? SERIES.filter((s) => s === process.argv[headAt + 1]) : SERIES;
  if (heads.length === 0) throw new Error(`--head must be one of ${SERIES.join(', ')}`);
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error(`${dist} is not built: run \`npm run build\` first`);
  const server = await startStaticServer({ root: dist });
  const browser = await launchChromium();
  console.log(`defacing in Chromium: ${runs} round(s) per head, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
  try {
    for (const name of heads) {
      const rounds: Round[] = [];
      for (let r = 0; r < runs; r++) {
        const result = await round(browser, `${server.url}/`, path.join(HEADS, name));
        rounds.push(result);
        console.log(`  ${name} round ${r + 1}: ${result.seconds.toFixed(1)} s, peak ${result.peakMiB.toFixed(0)} MiB (${result.loadPeakMiB.toFixed(0)} MiB while loading; at the peak: ${result.peakBy}) (${result.status}: ${result.summary})`);
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
