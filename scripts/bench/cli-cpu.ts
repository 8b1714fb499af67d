/**
 * The CLI against gdcmanon in CPU time (user + system seconds), paired per round: on a shared
 * 2-core machine wall times swing 2-3x with other people's jobs, CPU time far less, and a ratio
 * taken within one round cancels most of what is left (README, "The CLI against gdcmanon").
 *
 *   npx tsx scripts/bench/cli-cpu.ts [--runs N] [--threads N] [--compare <worktree or bundle dir>]
 *
 * Each round runs, in rotated order: gdcmanon -e on the 400-slice CT series (folder to folder),
 * `node dist-cli/veil.mjs deidentify <series> --out x.zip -q` (the issue's target), and with
 * --compare the same command from another build (a folder holding dist-cli/, e.g. a worktree of
 * an older commit after `npm run build:cli` there) to measure a change against its parent, and
 * the floor: scripts/bench/cli-floor.mjs, Node reading, CRC-ing and writing the same files with
 * no de-identification (what any Node tool pays for the I/O alone).
 * Every run is timed by /usr/bin/time (user, system, wall, peak RSS, minor page faults); the
 * outputs are checked (exit 0, 400 written) and deleted, and `sync` runs, outside the timing.
 * Prints medians and the median of the per-round ratios gdcmanon/veil (CPU and wall) with their
 * range, and with --compare the two builds' CPU and wall time paired per round. A measurement,
 * not a gate: the exit status is 0 whatever the ratio.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, makeCtSeries } from './make-ct-series.ts';
import { gdcmanonSetup, median } from './shared.ts';

interface Options {
  runs: number;
  threads?: number;
  compare?: string;
}

function parseOptions(argv: string[]): Options {
  const opts: Options = { runs: 7 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a === '--threads') opts.threads = Number(argv[++i]);
    else if (a === '--compare') opts.compare = path.resolve(argv[++i]);
    else {
      console.error(`cli-cpu: unknown argument "${a}"\nusage: npx tsx scripts/bench/cli-cpu.ts [--runs N] [--threads N] [--compare <dir with dist-cli/>]`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new Error('--runs needs a positive integer');
  return opts;
}

interface Usage {
  wall: number;
  cpu: number;
  user: number;
  system: number;
  maxRssMB: number;
  minorFaults: number;
}

const TIME_FORMAT = 'VEILTIME %e %U %S %M %R';

/** Runs `cmd` under /usr/bin/time; throws with its output when it fails. */
function timed(cmd: string, args: string[], workDir: string): Usage & { stdout: string } {
  const timeFile = path.join(workDir, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', TIME_FORMAT, cmd, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${(r.stderr + r.stdout).slice(-2000)}`);
  const line = readFileSync(timeFile, 'utf8').split('\n').find((l) => l.startsWith('VEILTIME'));
  if (!line) throw new Error('/usr/bin/time wrote no figures');
  const [wall, user, system, rssKB, faults] = line.split(' ').slice(1).map(Number);
  return { wall, user, system, cpu: user + system, maxRssMB: rssKB / 1024, minorFaults: faults, stdout: r.stdout };
}

function main(): void {
  const opts = parseOptions(process.argv.slice(2));
  if (!existsSync('/usr/bin/time')) throw new Error('cli-cpu needs /usr/bin/time (apt-get install -y time)');
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-cli.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('could not build the CLI bundle');

  const series = makeCtSeries(400, { log: (l) => console.log(l) });
  const work = mkdtempSync(path.join(os.tmpdir(), 'veil-cli-cpu-'));
  const gdcmanon = gdcmanonSetup(work);
  if (!gdcmanon) throw new Error('gdcmanon or openssl is not installed (apt-get install -y libgdcm-tools openssl)');

  const threads = opts.threads ? ['--threads', String(opts.threads)] : [];
  const veil = (bundleRoot: string) => (out: string) => {
    const u = timed(process.execPath, [path.join(bundleRoot, 'dist-cli', 'veil.mjs'), 'deidentify', series.dir, '--out', `${out}.zip`, '-q', ...threads], work);
    if (!new RegExp(`\\b${series.files.length} written`).test(u.stdout)) throw new Error(`veil did not write every file: ${u.stdout}`);
    return u;
  };
  const contenders: { name: string; run: (out: string) => Usage }[] = [
    { name: 'gdcmanon -e', run: (out) => timed(gdcmanon.command, gdcmanon.args(series.dir, out), work) },
    { name: `veil -> x.zip${threads.length ? ` --threads ${opts.threads}` : ''}`, run: veil(ROOT) },
  ];
  if (opts.compare) contenders.push({ name: `veil (${path.basename(opts.compare)})`, run: veil(opts.compare) });
  // Last, so --compare stays at index 2: Node reading, CRC-ing and writing the files, nothing else.
  contenders.push({
    name: 'node floor: read + CRC-32 + write, no de-identification',
    run: (out) => {
      const u = timed(process.execPath, [path.join(ROOT, 'scripts', 'bench', 'cli-floor.mjs'), series.dir, `${out}.bin`], work);
      if (!new RegExp(`^${series.files.length} written`).test(u.stdout)) throw new Error(`the floor did not write every file: ${u.stdout}`);
      return u;
    },
  });

  console.log(`cli-cpu: ${series.files.length} CT slices, ${(series.totalBytes / 1e6).toFixed(1)} MB, ${opts.runs} rounds; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const samples = contenders.map(() => [] as Usage[]);
  const clean = (out: string) => {
    // The output and whatever the CLI wrote beside it (operator's report: x-operator-report.csv…).
    const base = path.basename(out);
    for (const name of readdirSync(work)) {
      if (name === base || name.startsWith(`${base}.`) || name.startsWith(`${base}-`)) rmSync(path.join(work, name), { recursive: true, force: true });
    }
    spawnSync('sync');
  };
  // One untimed pass of each: the page cache holds the input for everyone alike.
  for (const c of contenders) {
    const out = path.join(work, 'warmup');
    c.run(out);
    clean(out);
  }
  for (let round = 0; round < opts.runs; round++) {
    const line: string[] = [];
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + round) % contenders.length;
      const out = path.join(work, `r${round}-${i}`);
      const u = contenders[i].run(out);
      clean(out);
      samples[i].push(u);
      line.push(`${contenders[i].name}: cpu ${u.cpu.toFixed(2)} s wall ${u.wall.toFixed(2)} s`);
    }
    console.log(`  round ${round + 1}: ${line.join(' | ')}`);
  }
  rmSync(work, { recursive: true, force: true });

  const g = samples[0];
  console.log('\n| contender | CPU s (user + sys) | wall s | gdcmanon/veil CPU, paired median (min-max) | wall, paired | peak RSS MB | minor faults |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  contenders.forEach((c, i) => {
    const s = samples[i];
    const m = (f: (u: Usage) => number) => median(s.map(f));
    const ratio = (f: (u: Usage) => number) => {
      const r = s.map((u, k) => f(g[k]) / f(u));
      return `${median(r).toFixed(2)} (${Math.min(...r).toFixed(2)}-${Math.max(...r).toFixed(2)})`;
    };
    const cpu = `${m((u) => u.cpu).toFixed(2)} (user ${m((u) => u.user).toFixed(2)}, sys ${m((u) => u.system).toFixed(2)})`;
    console.log(`| ${c.name} | ${cpu} | ${m((u) => u.wall).toFixed(2)} | ${i === 0 ? '1' : ratio((u) => u.cpu)} | ${i === 0 ? '1' : ratio((u) => u.wall)} | ${m((u) => u.maxRssMB).toFixed(0)} | ${m((u) => u.minorFaults).toFixed(0)} |`);
  });
  if (opts.compare) {
    console.log('');
    // This build against the other one, round by round: the steadiest figure for a change.
    for (const [what, f] of [['CPU', (u: Usage) => u.cpu], ['wall time', (u: Usage) => u.wall]] as const) {
      const r = samples[1].map((u, k) => f(samples[2][k]) / f(u));
      console.log(`${what} of ${contenders[2].name} / ${contenders[1].name}, paired per round: median ${median(r).toFixed(2)} (${Math.min(...r).toFixed(2)}-${Math.max(...r).toFixed(2)})`);
    }
  }
}

main();
