/**
 * The page's main thread while a large study is picked (issue 13): how long the page is frozen
 * and how long until every file is loaded, for N tiny files (default 10,000 CT files of 16×16
 * pixels, about 2 kB each, generated into the temp folder), so what is measured is the page's own
 * handling of many files, not reading gigabytes.
 *
 *   npm run build && npx tsx scripts/bench/browser-pick.ts [--files N] [--runs R] [--dist DIR] [--baseline DIR]
 *
 * Each round opens the app in a fresh context (service worker installed), picks the folder
 * through folder-input, and measures with the page's own clock (an init script, no polling in
 * the numbers):
 *   first feedback  from the input's change event to the first frame that shows load progress
 *                   ("Listing files…" or the load bar);
 *   all loaded      from the change event until instance-count shows N and the bar is gone;
 *   longest task    the longest main-thread task (PerformanceObserver 'longtask', > 50 ms) from
 *                   the change event to all loaded, with their count and sum: while a task runs,
 *                   the page answers no click, key or scroll. The task that dispatches the change
 *                   event starts earlier, in Chromium making the FileList: that part is shown apart.
 * `--baseline DIR` times another build (main's dist/) in the same rounds, alternating order.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from '@playwright/test';
import { startStaticServer } from '../../e2e/helpers/static-server.ts';
import { TINY_CT_SIDE, tinyCtName, tinyCtSlice } from '../../tests/synthetic/tiny-ct.ts';
import { ROOT } from './make-ct-series.ts';
import { launchChromium, median } from './shared.ts';


interface Options {
  files: number;
  runs: number;
  dist: string;
  baseline?: string;
}

function parseOptions(argv: string[]): Options {
  const opts: Options = { files: 10_000, runs: 3, dist: path.join(ROOT, 'dist') };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const raw = inline ?? argv[++i];
    if (flag === '--dist') opts.dist = path.resolve(raw);
    else if (flag === '--baseline') opts.baseline = path.resolve(raw);
    else if (flag === '--files' || flag === '--runs') {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer`);
      opts[flag === '--files' ? 'files' : 'runs'] = n;
    } else throw new Error(`unknown argument ${flag} (use --files N, --runs R, --dist DIR, --baseline DIR)`);
  }
  return opts;
}

/** N tiny CT slices of one series in the temp folder, made once (deterministic names and UIDs). */
function tinySeries(count: number): string {
  const dir = path.join(os.tmpdir(), `veil-pick-${count}`);
  if (existsSync(dir) && readdirSync(dir).length === count) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(path.join(dir, tinyCtName(i)), tinyCtSlice(i));
  return dir;
}

interface PickRound {
  firstFeedbackMs: number;
  /** Chromium's own task before the change event (making the FileList), not the page's. */
  fileListMs: number;
  allLoadedMs: number;
  longestTaskMs: number;
  longTasks: number;
  longTaskMs: number;
}

/**
 * Installed before the app's own script: watches long tasks, the pick and the progress from
 * inside the page. A string, not a function: tsx would wrap its inner functions in a helper
 * that does not exist in the page.
 */
const pageProbe = (target: number): string => `(() => {
  const probe = (window.__pick = { tasks: [] });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.tasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener('change', (e) => {
    if (e.target?.dataset?.testid === 'folder-input' && probe.change === undefined) probe.change = e.timeStamp;
  }, true);
  // Checked once per frame: a frame that shows progress is one the person sees.
  const frame = () => {
    if (probe.change !== undefined) {
      const bar = document.querySelector('[data-testid="load-progress"]');
      const listing = document.querySelector('[data-testid="listing-progress"]');
      if (probe.feedback === undefined && (bar || listing)) probe.feedback = performance.now();
      if (document.querySelector('[data-testid="instance-count"]')?.textContent === '${target}' && !bar && !listing) {
        probe.loaded = performance.now();
        return;
      }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();`;

async function pickRound(browser: Browser, url: string, dir: string, n: number): Promise<PickRound> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  try {
    await page.addInitScript({ content: pageProbe(n) });
    await page.goto(url);
    await page.getByTestId('folder-input').waitFor({ state: 'attached' });
    await page.evaluate(async () => {
      if ('serviceWorker' in navigator) await Promise.race([navigator.serviceWorker.ready, new Promise((r) => setTimeout(r, 60_000))]);
    });
    await page.waitForTimeout(500); // the workers start once the page is idle
    await page.getByTestId('folder-input').setInputFiles(dir);
    await page.waitForFunction(() => (window as unknown as { __pick: { loaded?: number } }).__pick.loaded !== undefined, undefined, { polling: 250, timeout: 1_800_000 });
    const probe = await page.evaluate(() => (window as unknown as { __pick: { change: number; feedback?: number; loaded: number; tasks: { start: number; duration: number }[] } }).__pick);
    // The task that dispatches the change event begins before it: Chromium builds the FileList of
    // the picked files (about 0.2 ms a file, native, no page code). Only its part from the change
    // event on is the page's; the part before is reported apart.
    const tasks = probe.tasks.filter((t) => t.start + t.duration >= probe.change && t.start <= probe.loaded);
    const own = tasks.map((t) => t.start + t.duration - Math.max(t.start, probe.change));
    if (process.env.PICK_TASKS) console.log('   tasks (start after change, ms):', tasks.map((t) => `${f0(t.start - probe.change)}+${f0(t.duration)}`).join(' '));
    return {
      firstFeedbackMs: (probe.feedback ?? probe.loaded) - probe.change,
      allLoadedMs: probe.loaded - probe.change,
      fileListMs: Math.max(0, ...tasks.map((t) => probe.change - t.start)),
      longestTaskMs: Math.max(0, ...own),
      longTasks: own.filter((ms) => ms > 50).length,
      longTaskMs: own.filter((ms) => ms > 50).reduce((s, ms) => s + ms, 0),
    };
  } finally {
    await context.close();
  }
}

const f0 = (x: number) => x.toFixed(0);

function summary(label: string, rounds: PickRound[]): string {
  const m = (k: keyof PickRound) => median(rounds.map((r) => r[k]));
  return (
    `  ${label.padEnd(9)} first feedback ${f0(m('firstFeedbackMs')).padStart(6)} ms   all loaded ${(m('allLoadedMs') / 1000).toFixed(2).padStart(6)} s   ` +
    `longest task ${f0(m('longestTaskMs')).padStart(6)} ms   long tasks ${f0(m('longTasks'))} (${f0(m('longTaskMs'))} ms)   ` +
    `[Chromium's FileList before the change event ${f0(m('fileListMs'))} ms]`
  );
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  if (!existsSync(path.join(opts.dist, 'index.html'))) throw new Error(`${opts.dist}: not built (npm run build first)`);
  const dir = tinySeries(opts.files);
  console.log(`browser pick bench: ${opts.files} tiny CT files (${TINY_CT_SIDE}x${TINY_CT_SIDE}) in ${dir}, ${opts.runs} round(s), load average ${os.loadavg()[0].toFixed(1)}`);
  const server = await startStaticServer({ root: opts.dist });
  const baseServer = opts.baseline ? await startStaticServer({ root: opts.baseline }) : undefined;
  const browser = await launchChromium();
  try {
    const after: PickRound[] = [];
    const before: PickRound[] = [];
    for (let r = 0; r < opts.runs; r++) {
      const steps: (() => Promise<void>)[] = [async () => void after.push(await pickRound(browser, `${server.url}/`, dir, opts.files))];
      if (baseServer) steps.push(async () => void before.push(await pickRound(browser, `${baseServer.url}/`, dir, opts.files)));
      for (let k = 0; k < steps.length; k++) await steps[(k + r) % steps.length]();
      const line = (x: PickRound) => `FileList ${f0(x.fileListMs)} ms, feedback ${f0(x.firstFeedbackMs)} ms, loaded ${(x.allLoadedMs / 1000).toFixed(2)} s, longest task ${f0(x.longestTaskMs)} ms, ${x.longTasks} long tasks ${f0(x.longTaskMs)} ms`;
      console.log(`  round ${r + 1}: ${line(after[r])}${before[r] ? `; baseline ${line(before[r])}` : ''}`);
    }
    console.log(`\n${opts.files} files, medians of ${opts.runs} round(s):`);
    if (before.length) console.log(summary('baseline', before));
    console.log(summary(baseServer ? 'this' : 'app', after));
  } finally {
    await browser.close();
    await server.close();
    await baseServer?.close();
  }
}

await main();
