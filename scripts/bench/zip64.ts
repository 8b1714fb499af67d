/**
 * `npm run bench` (last step), or on its own: the CLI writes a zip larger than 4 GiB and
 * Info-ZIP's `unzip -t` accepts it — the ZIP64 end records and offsets of the one zip writer
 * (src/core/export/zip-writer.ts) checked by an independent reader, at a size a unit test cannot
 * afford.
 *
 * Input: the benchmark CT series (scripts/bench/make-ct-series.ts, 400 slices, ~211 MB) named
 * COPIES times through symbolic links to its folder, so ~5.4 GB of input costs 211 MB of disk
 * and page cache (every copy after the first is a second instance of the same SOP Instance UIDs,
 * written beside the first with a suffix, as the CLI does for twins). Output: one zip under
 * `.bench/zip64/` (next to the repository, not /tmp, which may be small), deleted afterwards
 * unless --keep.
 *
 *   npx tsx scripts/bench/zip64.ts [--copies N] [--keep]
 *
 * Measures the CLI's wall time and peak resident memory (maxRSS, through a preload that prints
 * it at exit) and the time `unzip -t` takes; writes `.bench/results-zip64.json`. Needs about
 * 5.5 GB free beside the repository and `unzip` (Debian: apt-get install unzip).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, ROOT, makeCtSeries } from './make-ct-series.ts';

const argv = process.argv.slice(2);
const copiesAt = argv.indexOf('--copies');
const COPIES = copiesAt >= 0 ? Number(argv[copiesAt + 1]) : 26;
const KEEP = argv.includes('--keep');
if (!Number.isInteger(COPIES) || COPIES < 1) throw new Error('--copies needs a positive integer');

if (spawnSync('unzip', ['-v']).status !== 0) {
  console.error('zip64 bench: `unzip` is not installed (apt-get install unzip); skipped.');
  process.exit(0);
}

const series = makeCtSeries(400, { log: (l) => console.log(l) });
const work = path.join(BENCH_DIR, 'zip64');
rmSync(work, { recursive: true, force: true });
mkdirSync(path.join(work, 'in'), { recursive: true });
const inputs: string[] = [];
for (let i = 1; i <= COPIES; i++) {
  const link = path.join(work, 'in', `copy-${String(i).padStart(2, '0')}`);
  symlinkSync(series.dir, link, 'dir');
  inputs.push(link);
}
const preload = path.join(work, 'max-rss.mjs');
writeFileSync(preload, "process.on('exit', () => process.stderr.write(`\\nmaxRSS ${process.resourceUsage().maxRSS}\\n`));\n");
const out = path.join(work, 'out.zip');

// Build the CLI bundle first, so its build is not timed.
if (spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-cli.mjs')], { stdio: 'inherit' }).status !== 0) throw new Error('CLI build failed');

const inputBytes = series.totalBytes * COPIES;
console.log(`zip64 bench: ${series.files.length * COPIES} files, ${(inputBytes / 1e9).toFixed(2)} GB of input -> ${out}`);
let t = performance.now();
const cli = spawnSync(process.execPath, ['--import', preload, path.join(ROOT, 'bin', 'veil.mjs'), 'deidentify', ...inputs, '--out', out, '-q', '--passphrase', 'zip64-bench'], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
const cliSeconds = (performance.now() - t) / 1000;
if (cli.status !== 0) throw new Error(`veil failed (${cli.status}):\n${cli.stderr.slice(-4000)}`);
const maxRssMiB = Math.round(Number(/maxRSS (\d+)/.exec(cli.stderr)?.[1] ?? NaN) / 1024);
const zipBytes = statSync(out).size;

t = performance.now();
const check = spawnSync('unzip', ['-tqq', out], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const unzipSeconds = (performance.now() - t) / 1000;
const listing = spawnSync('zipinfo', ['-1', out], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
const entries = listing.stdout.split('\n').filter(Boolean).length;

const result = {
  date: new Date().toISOString(),
  files: series.files.length * COPIES,
  inputGB: +(inputBytes / 1e9).toFixed(2),
  zipGiB: +(zipBytes / 1024 ** 3).toFixed(2),
  entries,
  cliSeconds: +cliSeconds.toFixed(1),
  cliMBps: Math.round(inputBytes / 1e6 / cliSeconds),
  cliMaxRssMiB: maxRssMiB,
  unzipTest: check.status === 0 ? 'ok' : `failed (${check.status}): ${(check.stdout + check.stderr).slice(0, 2000)}`,
  unzipSeconds: +unzipSeconds.toFixed(1),
};
console.table(result);
writeFileSync(path.join(BENCH_DIR, 'results-zip64.json'), `${JSON.stringify(result, null, 2)}\n`);
if (!KEEP) rmSync(work, { recursive: true, force: true });
if (check.status !== 0 || zipBytes <= 4 * 1024 ** 3 || entries !== series.files.length * COPIES + 2) {
  console.error('zip64 bench: the zip is not what it should be (see above)');
  process.exit(1);
}
