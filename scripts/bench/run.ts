/**
 * `npm run bench`: header-only de-identification throughput, Veil against GDCM's gdcmanon, on
 * the same generated CT series (scripts/bench/make-ct-series.ts) in the same run.
 *
 * Three contenders, each file-to-file (read every input from disk, write every output to a
 * fresh temporary folder):
 *   - veil engine   in-process: createSession + deidentifyFileAsync per file, outputs written with
 *                   writeFileSync. JIT-warm (a warm-up pass runs first): the engine's own speed.
 *   - veil CLI      `node bin/veil.mjs deidentify <dir> --out <tmp> -q` as a subprocess,
 *                   Node start-up, report writing and all: what a user waits for.
 *   - gdcmanon      `gdcmanon -e -r --continue -i <dir> -o <tmp> -k key.pem -c cert.pem`
 *                   (PS3.15 basic profile with encrypted original attributes), a subprocess.
 *
 * Noise control (the target machine has 2 cores): a verified warm-up pass of every contender
 * first (also fills the page cache with the input for everyone alike), then R rounds in which
 * every contender runs once, in an order rotated per round, so slow spells hit all of them.
 * Outputs are deleted and `sync`ed between samples, outside the timed part. We report the
 * median and min over rounds, throughput at the median, and the time ratio gdcmanon / Veil both
 * as a ratio of medians and as the median of the per-round (paired) ratios with its range.
 * Every timed sample is checked afterwards: exit status 0 and exactly N non-empty Part 10 files
 * in its output, so nothing fake is timed.
 *
 *   npm run bench [-- --runs N] [-- --files N] [--keep]
 *
 * Writes `.bench/results-header.json`. Speed targets live here, not in the unit tests; the exit
 * status is 0 whether or not the target is met (it is a measurement, not a gate), unless a
 * contender failed to produce its outputs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readSync, closeSync, writeSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSession, deidentifyFileAsync } from '../../src/core/deidentify.ts';
import { defaultProfile } from '../../src/core/profile/profile.ts';
import { BENCH_DIR, ROOT, makeCtSeries, type Series } from './make-ct-series.ts';
import { useNodeCodecs } from '../../src/cli/codec-loader.ts';
import { bytesSource, readZipItem, walkZip } from '../../src/workers/zip-input.ts';
import { gdcmanonSetup, median, which, type Gdcmanon } from './shared.ts';

// Core has no codec loader of its own: the benchmark runs in Node, as the CLI does.
useNodeCodecs();

// ----------------------------------------------------------------------------- arguments

interface Options {
  runs: number;
  files: number;
  keep: boolean;
}

function parseOptions(argv: string[]): Options {
  const opts: Options = { runs: 5, files: 400, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (): number => {
      const raw = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) usage(`${a.split('=')[0]} needs a positive integer, not "${raw}"`);
      return n;
    };
    if (a === '--runs' || a.startsWith('--runs=')) opts.runs = num();
    else if (a === '--files' || a.startsWith('--files=')) opts.files = num();
    else if (a === '--keep') opts.keep = true;
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown argument "${a}"`);
  }
  return opts;
}

function usage(problem?: string): never {
  if (problem) console.error(`bench: ${problem}`);
  console.error('usage: npm run bench [-- --runs N (default 5)] [--files N (default 400)] [--keep (keep temp outputs)]');
  process.exit(2);
}

// ----------------------------------------------------------------------------- helpers

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Part 10 files (preamble + "DICM" + something after it) in a folder tree; other files ignored. */
function dicomFilesIn(dir: string): string[] {
  const head = Buffer.alloc(132);
  return listFiles(dir).filter((f) => {
    if (statSync(f).size <= 132 + 12) return false;
    const fd = openSync(f, 'r');
    try {
      return readSync(fd, head, 0, 132, 0) === 132 && head.toString('latin1', 128, 132) === 'DICM';
    } finally {
      closeSync(fd);
    }
  });
}

/** The Part 10 entries of a zip output (name -> bytes), read with the app's own zip reader. */
async function dicomEntriesIn(zipFile: string): Promise<Map<string, Uint8Array>> {
  const walked = await walkZip(bytesSource(new Uint8Array(readFileSync(zipFile))), 'z');
  if (!walked.ok) throw new Error(`${zipFile}: not a readable zip: ${walked.problem}`);
  const out = new Map<string, Uint8Array>();
  for (const item of walked.items) {
    const bytes = await readZipItem(item);
    if (bytes.length > 132 && Buffer.from(bytes.subarray(128, 132)).toString('latin1') === 'DICM') out.set(item.path, bytes);
  }
  return out;
}

/** A zip contender's output: exactly `expected` Part 10 entries, and (phi) none holding the series' identifiers. */
async function verifyZip(tool: string, zipFile: string, expected: number, series?: Series): Promise<number> {
  const entries = await dicomEntriesIn(zipFile);
  if (entries.size !== expected) throw new Error(`${tool}: expected ${expected} DICOM entries in ${zipFile}, found ${entries.size}`);
  if (series) {
    const needles = Object.values(series.phi).map((x) => Buffer.from(x, 'latin1'));
    for (const [name, bytes] of entries) {
      for (const n of needles) if (Buffer.from(bytes).includes(n)) throw new Error(`${tool}: ${name} still holds "${n.toString('latin1')}"`);
    }
  }
  return entries.size;
}

/** Checks a contender's output: exactly `expected` non-empty Part 10 files. Throws otherwise. */
function verifyOutputs(tool: string, dir: string, expected: number): string[] {
  const files = dicomFilesIn(dir);
  if (files.length !== expected) {
    const all = listFiles(dir).length;
    throw new Error(`${tool}: expected ${expected} DICOM output files in ${dir}, found ${files.length} (${all} files in all)`);
  }
  return files;
}

/** Checks that none of the series' identifying values survive in plain text in any output file. */
function verifyNoPhi(tool: string, files: string[], series: Series): void {
  const needles = Object.values(series.phi).map((s) => Buffer.from(s, 'latin1'));
  for (const f of files) {
    const bytes = readFileSync(f);
    for (const n of needles) {
      if (bytes.includes(n)) throw new Error(`${tool}: output ${f} still holds "${n.toString('latin1')}": not de-identified`);
    }
  }
}

function freshDir(parent: string, name: string): string {
  const dir = path.join(parent, name);
  rmSync(dir, { recursive: true, force: true });
  return dir;
}

/**
 * Deletes a sample's outputs (a folder, or a zip and the reports and mapping the CLI writes beside
 * it) and flushes dirty pages, so one sample's writeback does not land in the next one's time.
 */
function cleanUp(dir: string): void {
  const parent = path.dirname(dir);
  const base = path.basename(dir);
  if (existsSync(parent)) {
    for (const name of readdirSync(parent)) {
      if (name === base || name.startsWith(`${base}.`) || name.startsWith(`${base}-`)) rmSync(path.join(parent, name), { recursive: true, force: true });
    }
  }
  spawnSync('sync', { stdio: 'ignore' });
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const RSS_MARK = 'VEIL_BENCH_MAXRSS_KB=';

interface ProcResult {
  seconds: number;
  status: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the child, in KiB, when /usr/bin/time is available. */
  maxRssKB?: number;
}

/** Runs a command to completion and times it, wall clock, from spawn to exit. */
function timeProcess(cmd: string, args: string[]): ProcResult {
  const [file, argv] = TIME ? [TIME, ['-f', `${RSS_MARK}%M`, cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  const r = spawnSync(file, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.error) throw r.error;
  let stderr = r.stderr ?? '';
  let maxRssKB: number | undefined;
  const at = stderr.lastIndexOf(RSS_MARK);
  if (at >= 0) {
    maxRssKB = Number(stderr.slice(at + RSS_MARK.length).trim().split(/\s/)[0]);
    stderr = stderr.slice(0, at);
  }
  return { seconds, status: r.status, stdout: r.stdout ?? '', stderr, maxRssKB };
}

// ----------------------------------------------------------------------------- contenders

interface Sample {
  seconds: number;
  maxRssKB?: number;
  /** In-process engine only: where the time went, in seconds. */
  phases?: { read: number; deidentify: number; write: number };
}

interface Contender {
  key: 'engine' | 'cli' | 'cli-zip' | 'cli-zip-t2' | 'gdcmanon';
  /** The output is one zip file (`outDir` + '.zip'), not a folder. */
  zip?: boolean;
  label: string;
  /** Runs once into `outDir` (which does not exist yet) and returns the wall time. */
  run(outDir: string): Sample | Promise<Sample>;
}

function engineContender(series: Series): Contender {
  return {
    key: 'engine',
    label: 'veil engine (in-process)',
    async run(outDir) {
      const t0 = performance.now();
      const session = createSession({ profile: defaultProfile() });
      const names = readdirSync(series.dir).sort();
      const made = new Set<string>();
      let read = 0, deidentify = 0, write = 0;
      for (const name of names) {
        const t1 = performance.now();
        const bytes = readFileSync(path.join(series.dir, name));
        const t2 = performance.now();
        const outcome = await deidentifyFileAsync({ path: name, bytes }, session);
        const t3 = performance.now();
        if (outcome.status !== 'written') throw new Error(`veil engine: ${name} ${outcome.status}: ${outcome.reason}`);
        const dest = path.join(outDir, outcome.output);
        const folder = path.dirname(dest);
        if (!made.has(folder)) {
          mkdirSync(folder, { recursive: true });
          made.add(folder);
        }
        // Parts as the CLI writes them: the pixel data is never copied into a second buffer.
        const fd = openSync(dest, 'w');
        for (const part of outcome.parts) for (let at = 0; at < part.length; ) at += writeSync(fd, part, at, part.length - at);
        closeSync(fd);
        read += t2 - t1;
        deidentify += t3 - t2;
        write += performance.now() - t3;
      }
      const seconds = (performance.now() - t0) / 1000;
      return { seconds, phases: { read: read / 1000, deidentify: deidentify / 1000, write: write / 1000 } };
    },
  };
}

/**
 * The CLI as a user runs it: to a folder, or to a zip (the issue's target: `--out x.zip`), with
 * its default threads or with `threads` worker threads.
 */
function cliContender(series: Series, variant: { zip: boolean; threads?: number } = { zip: false }): Contender {
  const bin = path.join(ROOT, 'bin', 'veil.mjs');
  const key: Contender['key'] = !variant.zip ? 'cli' : variant.threads ? 'cli-zip-t2' : 'cli-zip';
  const label = `veil CLI -> ${variant.zip ? 'x.zip' : 'folder'}${variant.threads ? ` --threads ${variant.threads}` : ''}`;
  return {
    key,
    label,
    zip: variant.zip,
    run(outDir) {
      const out = variant.zip ? `${outDir}.zip` : outDir;
      const extra = variant.threads ? ['--threads', String(variant.threads)] : [];
      // bin/veil.mjs rebuilds its bundle when a source is newer than it (others may be editing
      // src/ while we measure): a sample that included a rebuild is thrown away and re-run.
      for (let attempt = 1; ; attempt++) {
        const r = timeProcess(process.execPath, [bin, 'deidentify', series.dir, '--out', out, '-q', ...extra]);
        if (r.status !== 0) {
          throw new Error(`veil CLI exited with ${r.status}:\n${(r.stderr + r.stdout).trim().slice(-2000)}`);
        }
        if (!/build-cli:/.test(r.stderr)) {
          const m = /(\d+) written/.exec(r.stdout);
          if (!m || Number(m[1]) !== series.files.length) {
            throw new Error(`veil CLI did not report ${series.files.length} written: ${r.stdout.trim().slice(-500)}`);
          }
          return { seconds: r.seconds, maxRssKB: r.maxRssKB };
        }
        if (attempt >= 3) throw new Error('veil CLI rebuilt its bundle on 3 attempts in a row (sources changing under the bench?)');
        console.log('  (veil CLI rebuilt its bundle during this sample: discarded, re-running)');
        cleanUp(outDir);
      }
    },
  };
}

function gdcmanonContender(series: Series, gdcmanon: Gdcmanon): Contender {
  return {
    key: 'gdcmanon',
    label: 'gdcmanon -e (GDCM)',
    run(outDir) {
      const r = timeProcess(gdcmanon.command, gdcmanon.args(series.dir, outDir));
      if (r.status !== 0) throw new Error(`gdcmanon exited with ${r.status}:\n${(r.stderr + r.stdout).trim().slice(-2000)}`);
      return { seconds: r.seconds, maxRssKB: r.maxRssKB };
    },
  };
}

function toolVersion(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout || r.stderr).trim().split('\n')[0] : undefined;
}

/** `node bin/veil.mjs --help`: Node + bundle load, no files; re-run if it rebuilt the bundle. */
function cliStartup(veilBin: string): number {
  for (let attempt = 1; ; attempt++) {
    const r = timeProcess(process.execPath, [veilBin, '--help']);
    if (!/build-cli:/.test(r.stderr) || attempt >= 3) return r.seconds;
  }
}

// ----------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const wallStart = performance.now();
  console.log(`veil bench: header-only de-identification, ${opts.files} CT slices, ${opts.runs} rounds`);
  const loadAtStart = os.loadavg();
  console.log(`load average ${loadAtStart.map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
  if (loadAtStart[0] > os.cpus().length) {
    console.log('NOTE: the machine is busy (1-minute load above the CPU count): expect noisy times; the ratios are paired per round to compensate.');
  }

  const series = makeCtSeries(opts.files, { log: (l) => console.log(l) });
  const n = series.files.length;
  const mb = series.totalBytes / 1e6;
  console.log(`input: ${n} files, ${mb.toFixed(1)} MB in ${path.relative(ROOT, series.dir)}/`);

  const work = mkdtempSync(path.join(os.tmpdir(), 'veil-bench-'));
  try {
    // The CLI to a zip (the target), with its default threads and with two workers (this machine's
    // cores: is a worker pool worth it here?), and to a folder as before.
    const contenders: Contender[] = [
      engineContender(series),
      cliContender(series),
      cliContender(series, { zip: true }),
      cliContender(series, { zip: true, threads: 2 }),
    ];
    const gdcmanon = gdcmanonSetup(work);
    let gdcmVersion: string | undefined;
    let gdcmMissing: string | undefined;
    if (gdcmanon) {
      contenders.push(gdcmanonContender(series, gdcmanon));
      gdcmVersion = toolVersion(gdcmanon.command, ['--version']);
    } else {
      gdcmMissing = [
        !which('gdcmanon') ? 'gdcmanon is not installed (Debian/Ubuntu: `apt-get install -y libgdcm-tools`)' : '',
        !which('openssl') ? 'openssl is not installed (Debian/Ubuntu: `apt-get install -y openssl`); gdcmanon needs it for a certificate' : '',
      ].filter(Boolean).join('; ');
      console.log(`NOTE: ${gdcmMissing}. Measuring Veil only; no ratio.`);
    }

    // Warm-up: one verified, untimed pass of everyone (JIT, CLI bundle build, page cache).
    console.log('warm-up and output check ...');
    for (const c of contenders) {
      const out = freshDir(work, `warmup-${c.key}`);
      await c.run(out);
      let count: number;
      if (c.zip) count = await verifyZip(c.label, `${out}.zip`, n, series);
      else {
        const files = verifyOutputs(c.label, out, n);
        verifyNoPhi(c.label, files, series);
        count = files.length;
      }
      console.log(`  ${c.label.padEnd(34)} ok: ${count} DICOM files written, no original identifiers in plain text`);
      cleanUp(out);
    }

    const samples = new Map<Contender['key'], Sample[]>(contenders.map((c) => [c.key, []]));
    // Start-up cost alone (no files), to tell fixed from per-file cost in the subprocess times.
    const startup: Startup = { veilCli: [], gdcmanon: [] };
    const veilBin = path.join(ROOT, 'bin', 'veil.mjs');
    for (let round = 0; round < opts.runs; round++) {
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
      const line: string[] = [];
      for (const c of order) {
        const out = freshDir(work, `round${round}-${c.key}`);
        const s = await c.run(out);
        if (c.zip) await verifyZip(c.label, `${out}.zip`, n);
        else verifyOutputs(c.label, out, n);
        samples.get(c.key)!.push(s);
        line.push(`${c.key} ${s.seconds.toFixed(3)}s`);
        if (!opts.keep) cleanUp(out);
      }
      startup.veilCli.push(cliStartup(veilBin));
      if (gdcmanon) startup.gdcmanon.push(timeProcess(gdcmanon.command, ['--version']).seconds);
      // The pair the issue asks about, as it happened in this round.
      const g = samples.get('gdcmanon')?.[round]?.seconds;
      const z = samples.get('cli-zip')?.[round]?.seconds;
      const pair = g !== undefined && z !== undefined ? `  [gdcmanon/veil-zip ${(g / z).toFixed(2)}]` : '';
      console.log(`  round ${round + 1}/${opts.runs}: ${line.join(', ')}${pair}`);
    }

    report(opts, series, contenders, samples, { loadAtStart, startup, gdcmVersion, gdcmMissing, wallSeconds: (performance.now() - wallStart) / 1000 });
  } finally {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
    else console.log(`outputs kept in ${work}`);
  }
}

interface Startup {
  veilCli: number[];
  gdcmanon: number[];
}

interface Summary {
  tool: string;
  label: string;
  seconds: number[];
  medianSeconds: number;
  minSeconds: number;
  maxSeconds: number;
  mbPerSecond: number;
  filesPerSecond: number;
  peakRssMB?: number;
  /** gdcmanon time / this tool's time: > 1 means this tool is faster. */
  ratioOfMedians?: number;
  pairedRatios?: number[];
  pairedRatioMedian?: number;
  /** In-process engine: median seconds per phase over the rounds. */
  phasesMedian?: { read: number; deidentify: number; write: number };
}

function report(
  opts: Options,
  series: Series,
  contenders: Contender[],
  samples: Map<Contender['key'], Sample[]>,
  extra: { loadAtStart: number[]; startup: Startup; gdcmVersion?: string; gdcmMissing?: string; wallSeconds: number },
): void {
  const n = series.files.length;
  const mb = series.totalBytes / 1e6;
  const gdcm = samples.get('gdcmanon');
  const summaries: Summary[] = contenders.map((c) => {
    const ss = samples.get(c.key)!;
    const secs = ss.map((s) => s.seconds);
    const med = median(secs);
    const rss = ss.map((s) => s.maxRssKB).filter((x): x is number => x !== undefined);
    const sum: Summary = {
      tool: c.key,
      label: c.label,
      seconds: secs.map((s) => Number(s.toFixed(4))),
      medianSeconds: med,
      minSeconds: Math.min(...secs),
      maxSeconds: Math.max(...secs),
      mbPerSecond: mb / med,
      filesPerSecond: n / med,
      peakRssMB: rss.length ? Math.max(...rss) / 1024 : undefined,
    };
    const phases = ss.map((s) => s.phases).filter((p) => p !== undefined);
    if (phases.length) {
      sum.phasesMedian = {
        read: median(phases.map((p) => p.read)),
        deidentify: median(phases.map((p) => p.deidentify)),
        write: median(phases.map((p) => p.write)),
      };
    }
    if (gdcm && c.key !== 'gdcmanon') {
      const g = gdcm.map((s) => s.seconds);
      sum.ratioOfMedians = median(g) / med;
      sum.pairedRatios = secs.map((s, i) => g[i] / s);
      sum.pairedRatioMedian = median(sum.pairedRatios);
    }
    return sum;
  });
  // In-process: the bench process's own peak (it includes the harness and the warm-up).
  const engine = summaries.find((s) => s.tool === 'engine')!;
  engine.peakRssMB = process.resourceUsage().maxRSS / 1024;

  const f = (x: number, d = 2): string => x.toFixed(d);
  const rows = [
    ['tool', 'median s', 'min s', 'max s', 'MB/s', 'files/s', 'peak RSS', 'gdcmanon/veil'],
    ...summaries.map((s) => [
      s.label,
      f(s.medianSeconds, 3),
      f(s.minSeconds, 3),
      f(s.maxSeconds, 3),
      f(s.mbPerSecond, 0),
      f(s.filesPerSecond, 0),
      s.peakRssMB === undefined ? 'n/a' : `${f(s.peakRssMB, 0)} MB${s.tool === 'engine' ? '*' : ''}`,
      s.ratioOfMedians === undefined
        ? s.tool === 'gdcmanon' ? '1 (ref)' : 'n/a'
        : `${f(s.ratioOfMedians)}x [${f(s.pairedRatioMedian!)}x, ${f(Math.min(...s.pairedRatios!))}-${f(Math.max(...s.pairedRatios!))}]`,
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const fmt = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log('');
  console.log(`Header-only de-identification, ${n} CT slices 512x512x16 (${f(mb, 1)} MB), file to file, ${opts.runs} round${opts.runs === 1 ? '' : 's'}, ${os.cpus().length} CPUs`);
  console.log(fmt(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(fmt(r));
  console.log('');
  console.log('MB = 10^6 bytes of input; MB/s and files/s at the median time. gdcmanon/veil = gdcmanon time / Veil time');
  console.log('(> 1: Veil faster): ratio of medians [median of per-round paired ratios, their min-max].');
  console.log('Peak RSS: /usr/bin/time of the subprocess; * in-process: the whole bench process (harness included).');
  if (engine.phasesMedian) {
    const p = engine.phasesMedian;
    console.log(
      `veil engine time split (medians): read ${f(p.read)} s, deidentifyFileAsync ${f(p.deidentify)} s (${f((p.deidentify / n) * 1000)} ms/file), write ${f(p.write)} s`,
    );
  }
  const su = extra.startup;
  console.log(
    `process start-up alone (medians): node bin/veil.mjs --help ${f(median(su.veilCli), 3)} s` +
      (su.gdcmanon.length ? `, gdcmanon --version ${f(median(su.gdcmanon), 3)} s` : ''),
  );
  if (extra.gdcmMissing) {
    console.log(`gdcmanon not measured: ${extra.gdcmMissing}`);
  } else {
    for (const s of summaries.filter((x) => x.ratioOfMedians !== undefined)) {
      const faster = s.ratioOfMedians! > 1;
      const solid = faster ? Math.min(...s.pairedRatios!) > 1 : Math.max(...s.pairedRatios!) < 1;
      console.log(
        `target "faster than gdcmanon": ${s.label}: ${faster ? 'MET' : 'NOT MET'} (${f(s.ratioOfMedians!)}x; ` +
          `${solid ? `${faster ? 'faster' : 'slower'} in every round` : 'rounds disagree: within machine noise'})`,
      );
      console.log(`    per-round gdcmanon/veil: ${s.pairedRatios!.map((r) => f(r)).join(' ')} (median ${f(s.pairedRatioMedian!)})`);
    }
  }
  console.log(`bench wall time ${f(extra.wallSeconds, 1)} s`);

  mkdirSync(BENCH_DIR, { recursive: true });
  const resultsPath = path.join(BENCH_DIR, 'results-header.json');
  const json = {
    benchmark: 'header-only de-identification, file to file',
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
      platform: `${os.platform()} ${os.release()}`,
      node: process.version,
    },
    input: {
      dir: path.relative(ROOT, series.dir),
      files: n,
      bytes: series.totalBytes,
      description: 'CT, 512x512, 16-bit signed, explicit VR little endian, ~150 header elements',
    },
    runs: opts.runs,
    gdcmanon: extra.gdcmMissing ? { missing: extra.gdcmMissing } : { version: extra.gdcmVersion, args: '-e -r --continue -k key.pem -c cert.pem' },
    results: summaries,
    startupSeconds: {
      veilCliHelp: { median: median(su.veilCli), samples: su.veilCli },
      ...(su.gdcmanon.length ? { gdcmanonVersion: { median: median(su.gdcmanon), samples: su.gdcmanon } } : {}),
    },
    loadAverage: { atStart: extra.loadAtStart, atEnd: os.loadavg() },
    benchWallSeconds: extra.wallSeconds,
  };
  writeFileSync(resultsPath, JSON.stringify(json, null, 2) + '\n');
  console.log(`results: ${path.relative(ROOT, resultsPath)}`);
}

try {
  await main();
} catch (e) {
  console.error(`bench: FAILED: ${(e as Error).message}`);
  process.exit(1);
}
