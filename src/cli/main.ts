/**
 * `veil` command line: the same engine, profile JSON and output layout as the browser app.
 * Exit codes: 0 when at least one file was written, 1 when nothing could be written (or the
 * output or mapping could not be completed), 2 on usage errors (bad options, an unsafe --out).
 */
import { availableParallelism } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { runDeidentify, type DeidentifyArgs } from './deidentify-command.ts';
import { useNodeCodecs } from './codec-loader.ts';
import { useNodeHmac } from './session-key.ts';
import { runWorkerIfChild } from './parallel.ts';
import type { DefaceMode } from '../core/deface/types.ts';
import { parseShard, type Shard } from './shard.ts';
import { runMergeReports } from './merge-reports.ts';

/** Beyond this many threads the one writer on the main thread, not de-identification, is the limit. */
const MAX_DEFAULT_THREADS = 8;
/**
 * One thread per core the machine gives this process (os.availableParallelism), counting the
 * main thread, which orders, writes and (with --ocr) checks every output while the workers
 * de-identify: cores - 1 workers, and on a 2-core machine no workers at all — one thread in
 * process, which measured faster there than two workers (README, Benchmarks).
 */
const defaultThreads = (): number => Math.max(1, Math.min(availableParallelism() - 1, MAX_DEFAULT_THREADS));

const USAGE = `Usage: veil deidentify <files or folders or .zip...> --out <folder or .zip> [options]
       veil merge-reports <shard reports (.json)...> --out <merged.json or .csv> [--out ...]

Options:
  --out <path>           output folder, or a .zip file (required); must not exist yet, or be
                         an empty folder, and must not be or lie inside an input
  --overwrite            write into a non-empty --out folder (same names replaced), replace
                         an existing --out zip or mapping
  --profile <file.json>  profile: PS3.15 options, per-attribute overrides, pseudonym settings
  --mode <m>             anonymize (no mapping kept) or pseudonymize (default: the profile's)
  --passphrase <text>    reproducible pseudonyms/UIDs across runs (or env VEIL_PASSPHRASE)
  --lookup <file.csv>    pseudonyms to use: original Patient ID, pseudonym name, pseudonym ID
  --report <file.json>   also write the JSON report here (it is always in the output root)
  --operator-report <file.csv>
                         the operator's report: the same rows with the input paths, as .csv
                         and .json (default: beside the output, <out>-operator-report.csv);
                         never inside the output
  --mapping <file.csv>   where to write the re-identification mapping (pseudonymize mode);
                         default: beside the output, never inside it
  --boxes <plan.json>    redaction plan: boxes to paint over burned-in text (the app exports it)
  --ocr                  read burned-in text (OCR), paint what is PHI, read the output again;
                         a file whose output still shows the patient's identifiers is not written
  --keep-measurements    with --ocr: leave measurements and scale labels out of the proposals
  --read-every-frame     with --ocr: read every image and frame (no sampling of series and cines)
  --require-pixel-review do not write images whose burned-in text nobody painted or reviewed
                         (US, screen captures, Burned In Annotation YES, template or OCR hits)
  --deface [mode]        deface head CT/MR series before writing them: remove (default: the face
                         region set to air), blur, or soft (keeps nose ridge, nasion and
                         pre-auricular points for MEG/EEG). Other series are written as usual.
                         A head series that cannot be defaced is NOT written (fail closed)
  --deface-optional      with --deface: write a head series that could not be defaced anyway,
                         undefaced, with a warning in the report
  --deface-ignore-face-check
                         with --deface: write a defaced series even if the face check still
                         finds a face (recorded in the report)
  --threads <n>          worker threads (default: the machine's cores less the one that writes,
                         at most ${MAX_DEFAULT_THREADS}; 1 runs in process)
  --shard <K/N>          only shard K of N (K from 1 to N): inputs split by a hash of their
                         path, the same on every machine; same passphrase on every shard,
                         then veil merge-reports (README, "Past one machine")
  -q, --quiet            only print failures and the summary
  -h, --help             this text

merge-reports: the shard reports (every shard's deid-report.json, or every operator's report
.json) as one report in run order; refuses missing or doubled shards, reports of other runs and
inputs reported twice; checks output paths and (operator's reports) patients across shards.`;

class UsageError extends Error {}

const DEFACE_MODES: readonly string[] = ['remove', 'blur', 'soft'] satisfies DefaceMode[];

/**
 * `--deface` takes an optional mode: `--deface`, `--deface blur`, `--deface=soft`. parseArgs has
 * no optional values, so a bare --deface (followed by anything that is not a mode, such as an
 * input folder) becomes --deface=remove.
 */
function withDefaceMode(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--deface') out.push(argv[i]);
    else if (DEFACE_MODES.includes(argv[i + 1] ?? '')) out.push(`--deface=${argv[++i]}`);
    else out.push('--deface=remove');
  }
  return out;
}


function parseThreads(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--threads must be a whole number from 1 to 64, not "${text}"`);
  return n;
}

/** node:util's parseArgs, its complaints (unknown option, missing value) turned into usage errors (exit 2, usage shown). */
function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || ['-h', '--help', 'help'].includes(argv[0])) {
    console.log(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const [command, ...rest] = argv;
  if (command === 'merge-reports') return mergeReportsCommand(rest);
  if (command !== 'deidentify') throw new UsageError(`unknown command "${command}"`);
  const { values, positionals } = parseCommandArgs({
    args: withDefaceMode(rest),
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      profile: { type: 'string' },
      mode: { type: 'string' },
      passphrase: { type: 'string' },
      lookup: { type: 'string' },
      report: { type: 'string' },
      mapping: { type: 'string' },
      'operator-report': { type: 'string' },
      boxes: { type: 'string' },
      ocr: { type: 'boolean' },
      'keep-measurements': { type: 'boolean' },
      'read-every-frame': { type: 'boolean' },
      'require-pixel-review': { type: 'boolean' },
      deface: { type: 'string' },
      'deface-optional': { type: 'boolean' },
      'deface-ignore-face-check': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      threads: { type: 'string' },
      overwrite: { type: 'boolean' },
      shard: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('no input files or folders given');
  if (!values.out) throw new UsageError('--out <folder or .zip> is required');
  if (values.mode && values.mode !== 'anonymize' && values.mode !== 'pseudonymize') {
    throw new UsageError(`--mode must be "anonymize" or "pseudonymize", not "${values.mode}"`);
  }
  if (!values.ocr && (values['keep-measurements'] || values['read-every-frame'])) {
    throw new UsageError('--keep-measurements and --read-every-frame only apply with --ocr');
  }
  const defaceMode = values.deface;
  if (defaceMode !== undefined && !DEFACE_MODES.includes(defaceMode)) throw new UsageError(`--deface must be followed by remove, blur or soft (or nothing), not "${defaceMode}"`);
  if (defaceMode === undefined && (values['deface-optional'] || values['deface-ignore-face-check'])) {
    throw new UsageError('--deface-optional and --deface-ignore-face-check only apply with --deface');
  }
  // Before anything is read: a bad --shard must not start a run over the wrong part.
  let shard: Shard | undefined;
  if (values.shard !== undefined) {
    try {
      shard = parseShard(values.shard);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const args: DeidentifyArgs = {
    inputs: positionals,
    out: values.out,
    profilePath: values.profile,
    mode: values.mode as DeidentifyArgs['mode'],
    passphrase: values.passphrase ?? process.env.VEIL_PASSPHRASE,
    lookupPath: values.lookup,
    reportPath: values.report,
    mappingPath: values.mapping,
    operatorReportPath: values['operator-report'],
    boxesPath: values.boxes,
    ocr: values.ocr ? { keepClinicalText: values['keep-measurements'] ?? false, readEveryFrame: values['read-every-frame'] ?? false } : undefined,
    requirePixelReview: values['require-pixel-review'] ?? false,
    deface: defaceMode === undefined ? undefined : {
      mode: defaceMode as DefaceMode,
      optional: values['deface-optional'] ?? false,
      ignoreFaceCheck: values['deface-ignore-face-check'] ?? false,
    },
    quiet: values.quiet ?? false,
    threads: values.threads === undefined ? defaultThreads() : parseThreads(values.threads),
    overwrite: values.overwrite ?? false,
    shard,
    // Worker threads start from the bundle's entry (this file), never from a chunk.
    workerUrl: new URL(import.meta.url),
  };
  return runDeidentify(args);
}

async function mergeReportsCommand(rest: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: rest,
    allowPositionals: true,
    options: { out: { type: 'string', multiple: true }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('merge-reports: no shard reports given');
  const out = values.out ?? [];
  if (out.length === 0) throw new UsageError('merge-reports: --out <merged.json or .csv> is required');
  for (const o of out) if (!/\.(json|csv)$/i.test(o)) throw new UsageError(`merge-reports: --out ${o}: must end in .json or .csv`);
  return runMergeReports({ reports: positionals, out, quiet: values.quiet ?? false });
}

// The main thread and every worker thread (the same bundle) load codecs from node_modules and
// compute keyed hashes with Node's native HMAC.
useNodeCodecs();
useNodeHmac();
if (!runWorkerIfChild()) main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError || (e as { usage?: boolean }).usage) {
      console.error(`veil: ${(e as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      console.error(`veil: ${(e as Error).message}`);
      process.exitCode = 1;
    }
  },
);
