/**
 * The browser's floor (issue 13): what Chromium alone costs to take the 400-slice series in and
 * give it back, against `gdcmanon -e` on the same files in the same rounds.
 *
 *   npx tsx scripts/bench/browser-floor.ts [--runs R] [--files N]
 *
 * A plain page (scripts/bench/browser-floor/, no Veil code) is picked the folder the way the app
 * is (a webkitdirectory input), reads every byte of every file in workers (one per core, batches
 * of 8 files, as the app's pool), then downloads the files again as one Blob, the way the app
 * hands Chromium its zip. No parsing, no de-identification, no CRC, no zip headers: whatever any
 * web app does with these files costs at least this. Three ways to read are timed: File
 * .arrayBuffer() (what the app uses), FileReaderSync and File.stream().
 *
 * Timed as scripts/bench/browser.ts times the app: from setInputFiles until every file is read
 * ("read"), and from the download click until Chromium has the whole file ("download"); the page
 * also times its own read without polling. If the floor is slower than gdcmanon, no browser
 * app on this machine can reach gdcmanon/browser ≥ 1.0 (README, "The browser's floor").
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from '@playwright/test';
import { startStaticServer } from '../../e2e/helpers/static-server.ts';
import { ROOT, makeCtSeries, type Series } from './make-ct-series.ts';
import { findBrowserPid, treeCpuSeconds } from './process-memory.ts';
import { gdcmanonRunner, launchChromium, median } from './shared.ts';

const METHODS = ['arrayBuffer', 'readerSync', 'stream'] as const;
export type Method = (typeof METHODS)[number];

export interface FloorRound {
  readSeconds: number;
  /** The page's own clock from the change event to the last byte read: no polling. */
  pageReadSeconds: number;
  downloadSeconds: number;
  cpuSeconds?: number;
}

function parseOptions(argv: string[]): { runs: number; files: number } {
  const opts = { runs: 5, files: 400 };
  for (let i = 0; i < argv.length; i++) {
    const value = Number(argv[i + 1]);
    if ((argv[i] !== '--runs' && argv[i] !== '--files') || !Number.isInteger(value) || value < 1) {
      console.error('usage: npx tsx scripts/bench/browser-floor.ts [--runs R] [--files N]');
      process.exit(2);
    }
    opts[argv[i] === '--runs' ? 'runs' : 'files'] = value;
    i++;
  }
  return opts;
}

export async function floorRound(browser: Browser, url: string, series: Series, method: Method): Promise<FloorRound> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  try {
    await page.goto(`${url}?read=${method}`);
    const pid = findBrowserPid();
    const cpu0 = pid !== undefined ? treeCpuSeconds(pid) : undefined;
    const t0 = performance.now();
    await page.locator('#pick').setInputFiles(series.dir);
    // Polled as often as the app's bench polls (200 ms); the page's own clock has no such error.
    await page.waitForFunction(() => (window as unknown as { __floor?: unknown }).__floor !== undefined, undefined, { polling: 200, timeout: 600_000 });
    const t1 = performance.now();
    const floor = await page.evaluate(() => (window as unknown as { __floor: { readMs: number; bytes: number; files: number } }).__floor);
    if (floor.files !== series.files.length || floor.bytes !== series.totalBytes) {
      throw new Error(`the floor page read ${floor.files} files / ${floor.bytes} bytes, expected ${series.files.length} / ${series.totalBytes}`);
    }
    const download = page.waitForEvent('download', { timeout: 600_000 });
    await page.locator('#save').click();
    const d = await download;
    const saved = await d.path();
    const t2 = performance.now();
    if (statSync(saved).size !== series.totalBytes) throw new Error(`the floor download holds ${statSync(saved).size} bytes, expected ${series.totalBytes}`);
    const cpuSeconds = pid !== undefined && cpu0 !== undefined ? treeCpuSeconds(pid) - cpu0 : undefined;
    await d.delete();
    return { readSeconds: (t1 - t0) / 1000, pageReadSeconds: floor.readMs / 1000, downloadSeconds: (t2 - t1) / 1000, cpuSeconds };
  } finally {
    await context.close();
  }
}

/** The floor page's folder, for a static server. */
export const FLOOR_PAGE_DIR = path.join(ROOT, 'scripts', 'bench', 'browser-floor');

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const series = makeCtSeries(opts.files, { log: (l) => console.log(l) });
  const mb = series.totalBytes / 1e6;
  const work = mkdtempSync(path.join(os.tmpdir(), 'veil-browser-floor-'));
  const gdcmanon = gdcmanonRunner(work);
  const server = await startStaticServer({ root: FLOOR_PAGE_DIR });
  const browser = await launchChromium();
  const url = `${server.url}/index.html`;
  console.log(`browser floor: ${series.files.length} CT slices, ${mb.toFixed(1)} MB, ${opts.runs} rounds, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
  if (!gdcmanon) console.log('NOTE: gdcmanon or openssl is not installed (apt-get install -y libgdcm-tools openssl): no ratio.');
  try {
    for (const m of METHODS) await floorRound(browser, url, series, m); // warm-up: page cache, browser start
    gdcmanon?.(series.dir);
    const rounds = new Map<Method, FloorRound[]>(METHODS.map((m) => [m, []]));
    const gdcm: number[] = [];
    const steps: (() => Promise<void>)[] = [
      ...METHODS.map((m) => async () => void rounds.get(m)!.push(await floorRound(browser, url, series, m))),
      async () => void (gdcmanon && gdcm.push(gdcmanon(series.dir))),
    ];
    for (let r = 0; r < opts.runs; r++) {
      for (let k = 0; k < steps.length; k++) await steps[(k + r) % steps.length]();
      const line = METHODS.map((m) => {
        const x = rounds.get(m)![r];
        return `${m} ${(x.readSeconds + x.downloadSeconds).toFixed(2)} s`;
      });
      console.log(`  round ${r + 1}: ${line.join(', ')}${gdcm[r] !== undefined ? `; gdcmanon ${gdcm[r].toFixed(2)} s` : ''}`);
    }
    const f2 = (x: number) => x.toFixed(2);
    console.log('');
    console.log('| floor (no Veil code) | read s (page clock) | download s | read + download s | CPU s (Chromium) | gdcmanon/floor, paired |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const m of METHODS) {
      const rs = rounds.get(m)!;
      const total = (x: FloorRound) => x.readSeconds + x.downloadSeconds;
      const paired = gdcm.length ? f2(median(rs.map((x, r) => gdcm[r] / total(x)))) : '–';
      const cpu = rs.flatMap((x) => (x.cpuSeconds === undefined ? [] : [x.cpuSeconds]));
      console.log(
        `| ${m} | ${f2(median(rs.map((x) => x.readSeconds)))} (${f2(median(rs.map((x) => x.pageReadSeconds)))}) | ${f2(median(rs.map((x) => x.downloadSeconds)))} | ` +
          `${f2(median(rs.map(total)))} | ${cpu.length ? f2(median(cpu)) : '–'} | ${paired} |`,
      );
    }
    if (gdcm.length) console.log(`| gdcmanon -e, file to file | | | ${f2(median(gdcm))} | | 1 |`);
  } finally {
    await browser.close();
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

// Run as a script, not when browser.ts imports floorRound.
if (process.argv[1] && path.resolve(process.argv[1]) === path.join(ROOT, 'scripts', 'bench', 'browser-floor.ts')) {
  main().catch((e: unknown) => {
    console.error(`browser floor: FAILED: ${(e as Error).message}`);
    process.exit(1);
  });
}
