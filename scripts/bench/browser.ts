/**
 * Browser benchmark: load + de-identify + zip in headless Chromium, against GDCM's `gdcmanon`
 * and the CLI on the same files in the same run; where the time goes; large studies with the
 * browser's peak memory; and the bytes a first visit downloads.
 *
 *   npm run build && npx tsx scripts/bench/browser.ts [--files N] [--runs R] [--large | --no-large]
 *                                                      [--large-files A,B] [--large-runs R] [--dist DIR] [--baseline DIR]
 *
 * It builds nothing itself: it serves the existing dist/ with the e2e tests' plain static server
 * and drives /usr/bin/chromium (or Playwright's own) through the real UI:
 *   load    folder-input gets the series folder; timed until instance-count shows N and the
 *           progress bar is gone (every file parsed and checked for residual PHI in the workers);
 *   export  a click on export-zip until the zip download has finished (de-identified again in
 *           the workers, placed in the zip by the zip-writer worker, downloaded by Chromium).
 * Each round runs in a fresh browser context (its service worker installed before the clock
 * starts, as for a returning user); rounds rotate the order of browser, CLI and gdcmanon.
 *
 * 1. The series (default 400 CT slices, 211 MB, in .bench/): medians of R rounds, and the ratio
 *    gdcmanon time / browser time (≥ 1: the browser is as fast as GDCM's native tool).
 * 2. Stage breakdown: one more round with `?perf`, which turns on the app's stage timings
 *    (src/workers/stage-times.ts) in the page and every worker.
 * 3. Large studies (generated into the temp folder, not the repository): 4,000 files / 2.1 GB
 *    and 10,000 files / 5.3 GB, one round each (--large-runs R for medians), with the peak memory of every Chromium process
 *    (sum of Pss, sampled every 200 ms: scripts/bench/process-memory.ts).
 * 4. First visit: the bytes the static server sends for a cold load until the service worker
 *    has installed.
 * `--baseline DIR` times another build (an older commit's dist/) in the same rounds, for paired
 * before/after ratios. Every round also reports the CPU seconds of every Chromium process.
 * Every zip is checked: N written, N + 2 entries. Results go to .bench/results-browser.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openAsBlob, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { BlobReader, TextWriter, ZipReader, configure } from '@zip.js/zip.js/lib/zip-core-custom.js';
import { startStaticServer, type StaticServer } from '../../e2e/helpers/static-server.ts';
import { BENCH_DIR, ROOT, makeCtSeries, type Series } from './make-ct-series.ts';
import { findBrowserPid, treeCpuSeconds, watchMemory, type MemoryPeak } from './process-memory.ts';
import { gdcmanonRunner, launchChromium, median, which } from './shared.ts';
import { FLOOR_PAGE_DIR, floorRound, type FloorRound } from './browser-floor.ts';
import type { StageTotals } from '../../src/workers/stage-times.ts';

interface Options {
  /** The built site to serve (default dist/): `--dist` measures another build, e.g. an older commit's. */
  dist: string;
  files: number;
  runs: number;
  large: boolean;
  largeFiles: number[];
  /** Rounds of each large study (default 1: they take minutes); medians are printed when more. */
  largeRuns: number;
  /** Another build to time in the same rounds (paired: before/after on the same machine state). */
  baseline?: string;
}

function parseOptions(argv: string[]): Options {
  const opts: Options = { dist: path.join(ROOT, 'dist'), files: 400, runs: 3, large: true, largeFiles: [4000, 10000], largeRuns: 1 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    if (flag === '--large' || flag === '--no-large') {
      opts.large = flag === '--large';
      continue;
    }
    const raw = inline ?? argv[++i];
    if (flag === '--dist' || flag === '--baseline') {
      if (flag === '--dist') opts.dist = path.resolve(raw);
      else opts.baseline = path.resolve(raw);
      continue;
    }
    if (flag === '--large-files') {
      opts.largeFiles = raw.split(',').map(Number);
      if (!opts.largeFiles.every((n) => Number.isInteger(n) && n > 0)) throw new Error('--large-files needs counts, e.g. 4000,10000');
      continue;
    }
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} needs a positive integer`);
    if (flag === '--files') opts.files = value;
    else if (flag === '--runs') opts.runs = value;
    else if (flag === '--large-runs') opts.largeRuns = value;
    else throw new Error(`unknown argument ${flag} (use --files N, --runs R, --large/--no-large, --large-files A,B, --large-runs R)`);
  }
  return opts;
}

const f2 = (x: number) => x.toFixed(2);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/**
 * Python's zipfile reads the central directory (ZIP64 included) without reading the entries;
 * zip.js in Node could not find the end record of a 5 GiB archive that Python and Info-ZIP read.
 */
const PY_CHECK = `import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = [n for n in z.namelist() if not n.endswith('/')]
print(json.dumps([len(names), json.loads(z.read('deid-report.json'))['totals']['written']]))`;

/** The zip holds n DICOM files and the two reports, and the report says n were written. Read lazily: zips can be gigabytes. */
async function checkZip(file: string, n: number): Promise<void> {
  const python = which('python3');
  if (python) {
    const r = spawnSync(python, ['-c', PY_CHECK, file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`zip check failed: ${r.stderr.trim().split('\n').pop()}`);
    const [entries, written] = JSON.parse(r.stdout) as [number, number];
    if (written !== n || entries !== n + 2) throw new Error(`zip check failed: ${written} written, ${entries} entries (expected ${n} and ${n + 2})`);
    return;
  }
  configure({ useWebWorkers: false });
  const reader = new ZipReader(new BlobReader(await openAsBlob(file)));
  const entries = (await reader.getEntries()).filter((f) => !f.directory);
  const reportEntry = entries.find((f) => f.filename === 'deid-report.json');
  if (!reportEntry || reportEntry.directory) throw new Error('zip check failed: no deid-report.json');
  const report = JSON.parse(await reportEntry.getData(new TextWriter())) as { totals: { written: number } };
  await reader.close();
  if (report.totals.written !== n || entries.length !== n + 2) {
    throw new Error(`zip check failed: ${report.totals.written} written, ${entries.length} entries (expected ${n} and ${n + 2})`);
  }
}

// ----------------------------------------------------------------------------- browser

interface BrowserRound {
  loadSeconds: number;
  /** Click on export-zip until Chromium has the whole download. */
  exportSeconds: number;
  /** Part of exportSeconds: from the download starting (the zip Blob is complete) to its end. */
  downloadSeconds: number;
  zipBytes: number;
  /** CPU seconds of every Chromium process over load + export (user + system). */
  cpuSeconds?: number;
  stages?: StageTotals;
  memory?: MemoryPeak;
}

/** A returning user's state: the service worker has installed before the clock starts. */
async function serviceWorkerReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    if (!('serviceWorker' in navigator)) return;
    await Promise.race([navigator.serviceWorker.ready, new Promise((r) => setTimeout(r, 60_000))]);
  });
}

async function browserRound(
  browser: Browser,
  url: string,
  series: Series,
  options: { perf?: boolean; memory?: boolean } = {},
): Promise<BrowserRound> {
  const n = series.files.length;
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  try {
    await page.goto(options.perf ? `${url}?perf` : url);
    await page.getByTestId('folder-input').waitFor({ state: 'attached' });
    await serviceWorkerReady(page);
    const pid = findBrowserPid();
    if (options.memory && pid === undefined) throw new Error('could not find the Chromium process to measure');
    const watch = pid !== undefined && options.memory ? watchMemory(pid) : undefined;
    const cpu0 = pid !== undefined ? treeCpuSeconds(pid) : undefined;
    const t0 = performance.now();
    await page.getByTestId('folder-input').setInputFiles(series.dir);
    await page.waitForFunction(
      (c) => document.querySelector('[data-testid="instance-count"]')?.textContent === String(c) && !document.querySelector('[data-testid="load-progress"]'),
      n,
      { polling: 200, timeout: 3_600_000 },
    );
    const t1 = performance.now();
    const download = page.waitForEvent('download', { timeout: 3_600_000 });
    await page.getByTestId('export-zip').click();
    const d = await download;
    const tDownload = performance.now();
    const failure = await d.failure();
    if (failure) throw new Error(`the download failed: ${failure}`);
    const zipPath = await d.path();
    const t2 = performance.now();
    const cpuSeconds = pid !== undefined && cpu0 !== undefined ? treeCpuSeconds(pid) - cpu0 : undefined;
    const memory = watch?.stop();
    const stages = options.perf
      ? await page.evaluate(() => (window as unknown as { __veilStageTimes?: () => Promise<StageTotals> }).__veilStageTimes?.()) // absent in builds before the hook
      : undefined;
    await checkZip(zipPath, n).catch((e: Error) => {
      throw new Error(`${e.message} (zip of ${statSync(zipPath).size} bytes; inputs ${series.totalBytes} bytes)`);
    });
    const zipBytes = statSync(zipPath).size;
    await d.delete();
    return { loadSeconds: (t1 - t0) / 1000, exportSeconds: (t2 - t1) / 1000, downloadSeconds: (t2 - tDownload) / 1000, zipBytes, cpuSeconds, stages, memory };
  } finally {
    await context.close();
  }
}

/** Bytes the server sends for a cold first visit, until the service worker has installed and cached what it caches up front. */
async function firstVisitBytes(browser: Browser, server: StaticServer): Promise<{ bytes: number; requests: number; largest: [string, number][] }> {
  const before = server.log.length;
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${server.url}/`);
    await page.getByTestId('folder-input').waitFor({ state: 'attached' });
    await serviceWorkerReady(page);
    // Let late fetches (the service worker's precache runs after `ready` resolves for some versions) settle.
    let last = -1;
    while (server.log.length !== last) {
      last = server.log.length;
      await page.waitForTimeout(1000);
    }
  } finally {
    await context.close();
  }
  const served = server.log.slice(before);
  const largest = served
    .map((r): [string, number] => [r.url, r.bytes])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5);
  return { bytes: served.reduce((n, r) => n + r.bytes, 0), requests: served.length, largest };
}

// ----------------------------------------------------------------------------- command-line tools

function cliRound(dir: string, n: number, work: string): number {
  for (let attempt = 1; ; attempt++) {
    // A folder of its own: the CLI writes its mapping and operator report beside the zip.
    const outDir = mkdtempSync(path.join(work, 'cli-'));
    const out = path.join(outDir, 'out.zip');
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'veil.mjs'), 'deidentify', dir, '--out', out, '-q'], { encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`veil CLI exited with ${r.status}: ${(r.stderr + r.stdout).slice(-1000)}`);
    if (!new RegExp(`${n} written`).test(r.stdout)) throw new Error(`veil CLI did not write ${n} files: ${r.stdout.slice(-500)}`);
    rmSync(outDir, { recursive: true, force: true });
    spawnSync('sync', { stdio: 'ignore' });
    // bin/veil.mjs rebuilds its bundle when sources changed: such a sample is discarded.
    if (!/build-cli:/.test(r.stderr) || attempt >= 3) return seconds;
  }
}

// ----------------------------------------------------------------------------- report

/** Stage rows in a fixed order: load, then export, then the page's own. */
function printStages(stages: StageTotals, wall: { load: number; export: number; download: number }): void {
  const names = Object.keys(stages).sort((a, b) => {
    const rank = (s: string) => (s.startsWith('load.') ? 0 : s.startsWith('thumbnail') ? 1 : s.startsWith('export.') ? 2 : s.startsWith('zip.') ? 3 : 4);
    return rank(a) - rank(b) || a.localeCompare(b);
  });
  console.log(`  stage breakdown (one ?perf round: load ${f2(wall.load)} s, export ${f2(wall.export)} s of which download ${f2(wall.download)} s;`);
  console.log('  worker stages are summed over the workers, so they can exceed the wall time):');
  console.log(`    ${'stage'.padEnd(30)} ${'ms'.padStart(9)} ${'calls'.padStart(7)} ${'MB'.padStart(9)}`);
  for (const name of names) {
    const t = stages[name];
    console.log(`    ${name.padEnd(30)} ${t.ms.toFixed(0).padStart(9)} ${String(t.count).padStart(7)} ${(t.bytes / 1e6).toFixed(1).padStart(9)}`);
  }
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const dist = opts.dist;
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error('dist/ is not built: run `npm run build` first');
  const series = makeCtSeries(opts.files, { log: (l) => console.log(l) });
  const n = series.files.length;
  const mb = series.totalBytes / 1e6;
  console.log(`browser bench: ${n} CT slices, ${mb.toFixed(1)} MB, ${opts.runs} round(s), ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);

  const work = mkdtempSync(path.join(os.tmpdir(), 'veil-browser-bench-'));
  const server = await startStaticServer({ root: dist });
  if (opts.baseline && !existsSync(path.join(opts.baseline, 'index.html'))) throw new Error(`--baseline ${opts.baseline}: no index.html there`);
  const baseServer = opts.baseline ? await startStaticServer({ root: opts.baseline }) : undefined;
  const baseUrl = baseServer && `${baseServer.url}/`;
  // The floor: a page with no Veil code that reads the files and downloads them (browser-floor.ts).
  const floorServer = await startStaticServer({ root: FLOOR_PAGE_DIR });
  const floorUrl = `${floorServer.url}/index.html`;
  const browser = await launchChromium();
  const url = `${server.url}/`;
  try {
    const firstVisit = await firstVisitBytes(browser, server);
    const hardwareConcurrency = await (async () => {
      const p = await browser.newPage();
      await p.goto(url);
      const hc = await p.evaluate(() => navigator.hardwareConcurrency);
      await p.close();
      return hc;
    })();
    const gdcmanon = gdcmanonRunner(work);
    if (!gdcmanon) console.log('NOTE: gdcmanon or openssl is not installed (apt-get install -y libgdcm-tools openssl): no ratio.');

    console.log('warm-up (browser, CLI, gdcmanon) ...');
    await browserRound(browser, url, series);
    if (baseUrl) await browserRound(browser, baseUrl, series);
    cliRound(series.dir, n, work);
    gdcmanon?.(series.dir);
    await floorRound(browser, floorUrl, series, 'arrayBuffer');

    const rounds: BrowserRound[] = [];
    const floor: FloorRound[] = [];
    const baseRounds: BrowserRound[] = [];
    const cli: number[] = [];
    const gdcm: number[] = [];
    for (let r = 0; r < opts.runs; r++) {
      // Rotated order: whoever runs first in a round does not always meet the same cache state.
      const steps: (() => Promise<void>)[] = [
        async () => void rounds.push(await browserRound(browser, url, series)),
        async () => void cli.push(cliRound(series.dir, n, work)),
        async () => void (gdcmanon && gdcm.push(gdcmanon(series.dir))),
        async () => void floor.push(await floorRound(browser, floorUrl, series, 'arrayBuffer')),
        ...(baseUrl ? [async () => void baseRounds.push(await browserRound(browser, baseUrl, series))] : []),
      ];
      for (let k = 0; k < steps.length; k++) await steps[(k + r) % steps.length]();
      const b = rounds[r];
      const base = baseRounds[r];
      console.log(
        `  round ${r + 1}: browser load ${f2(b.loadSeconds)} s + export ${f2(b.exportSeconds)} s = ${f2(b.loadSeconds + b.exportSeconds)} s` +
          `${b.cpuSeconds !== undefined ? ` (CPU ${f2(b.cpuSeconds)} s)` : ''}; ` +
          `${base ? `baseline ${f2(base.loadSeconds)} + ${f2(base.exportSeconds)} = ${f2(base.loadSeconds + base.exportSeconds)} s (CPU ${f2(base.cpuSeconds ?? NaN)} s); ` : ''}` +
          `floor ${f2(floor[r].readSeconds + floor[r].downloadSeconds)} s; CLI ${f2(cli[r])} s${gdcmanon ? `; gdcmanon ${f2(gdcm[r])} s, gdcmanon/browser ${f2(gdcm[r] / (b.loadSeconds + b.exportSeconds))}` : ''}`,
      );
    }
    const perfRound = await browserRound(browser, url, series, { perf: true });
    const basePerfRound = baseUrl ? await browserRound(browser, baseUrl, series, { perf: true }) : undefined;

    const load = median(rounds.map((r) => r.loadSeconds));
    const exp = median(rounds.map((r) => r.exportSeconds));
    const download = median(rounds.map((r) => r.downloadSeconds));
    const total = median(rounds.map((r) => r.loadSeconds + r.exportSeconds));
    const cliMedian = median(cli);
    const gdcmMedian = gdcm.length ? median(gdcm) : undefined;
    const ratio = (s: number) => (gdcmMedian ? `   ${f2(gdcmMedian / s)}x gdcmanon` : '');
    console.log('');
    console.log(`${n} CT slices 512x512x16, ${f2(mb)} MB input (MB = 10^6 bytes), medians of ${opts.runs} rounds, ${hardwareConcurrency} worker(s) in the browser pool`);
    console.log(`  browser load (parse + residual check)     ${f2(load)} s   ${f2(mb / load)} MB/s`);
    console.log(`  browser export (de-identify + zip + dl)   ${f2(exp)} s   ${f2(mb / exp)} MB/s   (download ${f2(download)} s)`);
    console.log(`  browser load + export                     ${f2(total)} s   ${f2(mb / total)} MB/s${ratio(total)}`);
    console.log(`  CLI deidentify --out x.zip                ${f2(cliMedian)} s   ${f2(mb / cliMedian)} MB/s${ratio(cliMedian)}`);
    if (gdcmMedian) console.log(`  gdcmanon -e (file to file)                ${f2(gdcmMedian)} s   ${f2(mb / gdcmMedian)} MB/s`);
    const pairedGdcm = gdcm.length ? median(rounds.map((b, r) => gdcm[r] / (b.loadSeconds + b.exportSeconds))) : undefined;
    if (pairedGdcm !== undefined) console.log(`  gdcmanon/browser, median of paired rounds ${f2(pairedGdcm)}x`);
    const floorTotal = (x: FloorRound) => x.readSeconds + x.downloadSeconds;
    console.log(`  floor: Chromium reads the files + downloads them, no Veil code (browser-floor.ts): read ${f2(median(floor.map((x) => x.readSeconds)))} s + download ${f2(median(floor.map((x) => x.downloadSeconds)))} s = ${f2(median(floor.map(floorTotal)))} s`);
    console.log(`    floor/browser, median of paired rounds ${f2(median(rounds.map((b, r) => floorTotal(floor[r]) / (b.loadSeconds + b.exportSeconds))))}x` +
      `${gdcm.length ? `; gdcmanon/floor ${f2(median(floor.map((x, r) => gdcm[r] / floorTotal(x))))}x (the most any browser app reaches here)` : ''}`);
    const cpus = rounds.flatMap((b) => (b.cpuSeconds !== undefined ? [b.cpuSeconds] : []));
    if (cpus.length) console.log(`  browser CPU (every Chromium process)      ${f2(median(cpus))} s`);
    if (baseRounds.length) {
      const bt = (b: BrowserRound) => b.loadSeconds + b.exportSeconds;
      console.log(`  baseline ${opts.baseline}:`);
      console.log(`    load ${f2(median(baseRounds.map((b) => b.loadSeconds)))} s, export ${f2(median(baseRounds.map((b) => b.exportSeconds)))} s, ` +
        `total ${f2(median(baseRounds.map(bt)))} s, CPU ${f2(median(baseRounds.map((b) => b.cpuSeconds ?? NaN)))} s`);
      console.log(`    baseline/browser total, median of paired rounds ${f2(median(rounds.map((b, r) => bt(baseRounds[r]) / bt(b))))}x; ` +
        `CPU ${f2(median(rounds.map((b, r) => (baseRounds[r].cpuSeconds ?? NaN) / (b.cpuSeconds ?? NaN))))}x` +
        `${gdcm.length ? `; gdcmanon/baseline ${f2(median(baseRounds.map((b, r) => gdcm[r] / bt(b))))}x` : ''}`);
    }
    if (basePerfRound?.stages) {
      console.log('  baseline stages:');
      printStages(basePerfRound.stages, { load: basePerfRound.loadSeconds, export: basePerfRound.exportSeconds, download: basePerfRound.downloadSeconds });
    }
    if (perfRound.stages) printStages(perfRound.stages, { load: perfRound.loadSeconds, export: perfRound.exportSeconds, download: perfRound.downloadSeconds });
    console.log(`  first visit: ${(firstVisit.bytes / 1e6).toFixed(2)} MB in ${firstVisit.requests} responses (largest: ${firstVisit.largest.map(([u, b]) => `${u} ${(b / 1e6).toFixed(1)} MB`).join(', ')})`);

    const large: { files: number; bytes: number; rounds: BrowserRound[] }[] = [];
    if (opts.large) {
      console.log('');
      console.log(`large studies (generated in the temp folder; ${opts.largeRuns} round(s) each, peak = sum over every Chromium process):`);
      for (const count of opts.largeFiles) {
        const study = makeCtSeries(count, { baseDir: path.join(os.tmpdir(), 'veil-bench-studies'), log: (l) => console.log(`  ${l}`) });
        const rounds: BrowserRound[] = [];
        const line = (label: string, r: { load: number; export: number; download: number; zip: number; pss: number; rss: number }, extra = '') =>
          console.log(
            `  ${label}${count} files, ${(study.totalBytes / 1e9).toFixed(2)} GB: load ${f2(r.load)} s, export ${f2(r.export)} s ` +
              `(download ${f2(r.download)} s), zip ${(r.zip / 1e9).toFixed(2)} GB; peak Pss ${mib(r.pss)} (RSS sum ${mib(r.rss)}${extra})`,
          );
        for (let k = 0; k < opts.largeRuns; k++) {
          const round = await browserRound(browser, url, study, { memory: true });
          rounds.push(round);
          const m = round.memory!;
          line(opts.largeRuns > 1 ? `round ${k + 1}: ` : '', { load: round.loadSeconds, export: round.exportSeconds, download: round.downloadSeconds, zip: round.zipBytes, pss: m.pssBytes, rss: m.rssBytes }, `, ${m.processes} processes, ${m.samples} samples`);
        }
        if (rounds.length > 1) {
          const med = (f: (r: BrowserRound) => number) => median(rounds.map(f));
          line(`median of ${rounds.length}: `, {
            load: med((r) => r.loadSeconds), export: med((r) => r.exportSeconds), download: med((r) => r.downloadSeconds),
            zip: med((r) => r.zipBytes), pss: med((r) => r.memory!.pssBytes), rss: med((r) => r.memory!.rssBytes),
          });
        }
        large.push({ files: count, bytes: study.totalBytes, rounds });
      }
    }

    mkdirSync(BENCH_DIR, { recursive: true });
    const results = {
      benchmark: 'browser load + de-identify + zip vs CLI and gdcmanon; stage breakdown; large studies; first visit',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGB: Number((os.totalmem() / 2 ** 30).toFixed(1)), browserWorkers: hardwareConcurrency, browser: browser.version() },
      input: { files: n, bytes: series.totalBytes },
      runs: opts.runs,
      browser: { rounds, medianLoadSeconds: load, medianExportSeconds: exp, medianTotalSeconds: total, mbPerSecondTotal: mb / total, ratioToGdcmanon: gdcmMedian && gdcmMedian / total },
      cli: { seconds: cli, medianSeconds: cliMedian, mbPerSecond: mb / cliMedian },
      gdcmanon: gdcmMedian ? { seconds: gdcm, medianSeconds: gdcmMedian } : undefined,
      floor: { rounds: floor, medianTotalSeconds: median(floor.map(floorTotal)) },
      baseline: opts.baseline ? { dist: opts.baseline, rounds: baseRounds, stages: basePerfRound?.stages } : undefined,
      stages: perfRound.stages,
      firstVisit,
      large,
    };
    writeFileSync(path.join(BENCH_DIR, 'results-browser.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(`results: ${path.relative(ROOT, path.join(BENCH_DIR, 'results-browser.json'))}`);
  } finally {
    await browser.close();
    await server.close();
    await baseServer?.close();
    await floorServer.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`browser bench: FAILED: ${(e as Error).message}`);
  process.exit(1);
});
