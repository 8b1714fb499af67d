/**
 * Browser benchmark: load + de-identify + zip of the generated CT series (.bench/ct-<N>, from
 * scripts/bench/make-ct-series.ts) in headless Chromium, next to the CLI on the same files.
 *
 *   npm run build && npx tsx scripts/bench/browser.ts [--files N] [--runs R]
 *
 * It builds nothing itself: it serves the existing dist/ with the e2e tests' plain static
 * server and drives /usr/bin/chromium (or Playwright's own Chromium) through the real UI:
 *   load    folder-input gets the series folder; timed until instance-count shows N and the
 *           progress bar is gone (every file parsed, checked for residual PHI, thumbnailed, in
 *           the worker pool);
 *   export  a click on export-zip until the zip download has finished (every file de-identified
 *           again in the workers and streamed into the zip by the zip-writer worker);
 * each in a fresh browser context, R rounds; the median is reported. The CLI runs as
 * `node bin/veil.mjs deidentify <dir> --out <tmp>.zip -q` (one thread, its default) R times.
 * Every zip is checked: N written, N + 2 entries. Results go to .bench/results-browser.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { TextWriter, Uint8ArrayReader, ZipReader, configure } from '@zip.js/zip.js/lib/zip-core-custom.js';
import { startStaticServer } from '../../e2e/helpers/static-server.ts';
import { BENCH_DIR, ROOT, makeCtSeries } from './make-ct-series.ts';

interface Options {
  files: number;
  runs: number;
}

function parseOptions(argv: string[]): Options {
  const opts: Options = { files: 400, runs: 3 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = Number(inline ?? argv[++i]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} needs a positive integer`);
    if (flag === '--files') opts.files = value;
    else if (flag === '--runs') opts.runs = value;
    else throw new Error(`unknown argument ${flag} (use --files N, --runs R)`);
  }
  return opts;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function checkZip(file: string, n: number): Promise<void> {
  configure({ useWebWorkers: false });
  const entries = (await new ZipReader(new Uint8ArrayReader(new Uint8Array(readFileSync(file)))).getEntries()).filter((f) => !f.directory);
  const reportEntry = entries.find((f) => f.filename === 'deid-report.json');
  if (!reportEntry || reportEntry.directory) throw new Error('zip check failed: no deid-report.json');
  const report = JSON.parse(await reportEntry.getData(new TextWriter())) as { totals: { written: number } };
  if (report.totals.written !== n || entries.length !== n + 2) {
    throw new Error(`zip check failed: ${report.totals.written} written, ${entries.length} entries (expected ${n} and ${n + 2})`);
  }
}

interface BrowserRound {
  loadSeconds: number;
  exportSeconds: number;
  zipBytes: number;
}

async function browserRound(browser: Browser, url: string, dir: string, n: number, work: string): Promise<BrowserRound> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  try {
    await page.goto(url);
    await page.getByTestId('folder-input').waitFor({ state: 'attached' });
    const done = (count: number) =>
      page.waitForFunction(
        (c) => document.querySelector('[data-testid="instance-count"]')?.textContent === String(c) && !document.querySelector('[data-testid="load-progress"]'),
        count,
        { polling: 'raf', timeout: 600_000 },
      );
    const t0 = performance.now();
    await page.getByTestId('folder-input').setInputFiles(dir);
    await done(n);
    const t1 = performance.now();
    const download = page.waitForEvent('download', { timeout: 600_000 });
    await page.getByTestId('export-zip').click();
    const d = await download;
    const target = path.join(work, `browser-${Date.now()}.zip`);
    await d.saveAs(target);
    const t2 = performance.now();
    await checkZip(target, n);
    const zipBytes = readFileSync(target).length;
    rmSync(target, { force: true });
    return { loadSeconds: (t1 - t0) / 1000, exportSeconds: (t2 - t1) / 1000, zipBytes };
  } finally {
    await context.close();
  }
}

function cliRound(dir: string, n: number, work: string): number {
  const out = path.join(work, `cli-${Date.now()}.zip`);
  for (let attempt = 1; ; attempt++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'veil.mjs'), 'deidentify', dir, '--out', out, '-q'], { encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`veil CLI exited with ${r.status}: ${(r.stderr + r.stdout).slice(-1000)}`);
    if (!new RegExp(`${n} written`).test(r.stdout)) throw new Error(`veil CLI did not write ${n} files: ${r.stdout.slice(-500)}`);
    rmSync(out, { force: true });
    // bin/veil.mjs rebuilds its bundle when sources changed: such a sample is discarded.
    if (!/build-cli:/.test(r.stderr) || attempt >= 3) return seconds;
  }
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const dist = path.join(ROOT, 'dist');
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error('dist/ is not built: run `npm run build` first');
  const series = makeCtSeries(opts.files, { log: (l) => console.log(l) });
  const n = series.files.length;
  const mb = series.totalBytes / 1e6;
  console.log(`browser bench: ${n} CT slices, ${mb.toFixed(1)} MB, ${opts.runs} round(s), ${os.cpus().length} CPUs`);

  const work = mkdtempSync(path.join(os.tmpdir(), 'veil-browser-bench-'));
  const server = await startStaticServer({ root: dist });
  const executablePath = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const hardwareConcurrency = await (async () => {
      const p = await browser.newPage();
      await p.goto(`${server.url}/`);
      const hc = await p.evaluate(() => navigator.hardwareConcurrency);
      await p.close();
      return hc;
    })();
    console.log('warm-up (browser and CLI) ...');
    await browserRound(browser, `${server.url}/`, series.dir, n, work);
    cliRound(series.dir, n, work);

    const rounds: BrowserRound[] = [];
    const cli: number[] = [];
    for (let r = 0; r < opts.runs; r++) {
      const b = await browserRound(browser, `${server.url}/`, series.dir, n, work);
      const c = cliRound(series.dir, n, work);
      rounds.push(b);
      cli.push(c);
      console.log(
        `  round ${r + 1}: browser load ${b.loadSeconds.toFixed(2)} s + export ${b.exportSeconds.toFixed(2)} s = ${(b.loadSeconds + b.exportSeconds).toFixed(2)} s; CLI ${c.toFixed(2)} s`,
      );
    }
    const load = median(rounds.map((r) => r.loadSeconds));
    const exp = median(rounds.map((r) => r.exportSeconds));
    const total = median(rounds.map((r) => r.loadSeconds + r.exportSeconds));
    const cliMedian = median(cli);
    const f = (x: number) => x.toFixed(2);
    console.log('');
    console.log(`${n} CT slices 512x512x16, ${f(mb)} MB input (MB = 10^6 bytes), medians of ${opts.runs} rounds, ${hardwareConcurrency} worker(s) in the browser pool`);
    console.log(`  browser load (parse + residual check)   ${f(load)} s   ${f(mb / load)} MB/s`);
    console.log(`  browser export (de-identify + zip)       ${f(exp)} s   ${f(mb / exp)} MB/s`);
    console.log(`  browser load + export                    ${f(total)} s   ${f(mb / total)} MB/s`);
    console.log(`  CLI deidentify --out x.zip (1 thread)    ${f(cliMedian)} s   ${f(mb / cliMedian)} MB/s`);
    mkdirSync(BENCH_DIR, { recursive: true });
    const results = {
      benchmark: 'browser load + de-identify + zip vs CLI',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGB: Number((os.totalmem() / 2 ** 30).toFixed(1)), browserWorkers: hardwareConcurrency, browser: browser.version() },
      input: { files: n, bytes: series.totalBytes },
      runs: opts.runs,
      browser: { rounds, medianLoadSeconds: load, medianExportSeconds: exp, medianTotalSeconds: total, mbPerSecondTotal: mb / total },
      cli: { seconds: cli, medianSeconds: cliMedian, mbPerSecond: mb / cliMedian },
    };
    writeFileSync(path.join(BENCH_DIR, 'results-browser.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(`results: ${path.relative(ROOT, path.join(BENCH_DIR, 'results-browser.json'))}`);
  } finally {
    await browser.close();
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`browser bench: FAILED: ${(e as Error).message}`);
  process.exit(1);
});
