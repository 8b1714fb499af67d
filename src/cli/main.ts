/**
 * `veil` command line: the same engine, profile JSON and output layout as the browser app.
 * Exit codes: 0 when at least one file was written (or there was nothing to do), 1 when nothing
 * could be written, 2 on usage errors.
 */
import { parseArgs } from 'node:util';
import { runDeidentify, type DeidentifyArgs } from './deidentify-command.ts';
import { useNodeCodecs } from './codec-loader.ts';
import { runWorkerIfChild } from './parallel.ts';

const USAGE = `Usage: veil deidentify <files or folders or .zip...> --out <folder or .zip> [options]

Options:
  --out <path>           output folder, or a .zip file (required)
  --profile <file.json>  profile: PS3.15 options, per-attribute overrides, pseudonym settings
  --mode <m>             anonymize (no mapping kept) or pseudonymize (default: the profile's)
  --passphrase <text>    reproducible pseudonyms/UIDs across runs (or env VEIL_PASSPHRASE)
  --lookup <file.csv>    pseudonyms to use: original Patient ID, pseudonym name, pseudonym ID
  --report <file.json>   also write the JSON report here (it is always in the output root)
  --mapping <file.csv>   where to write the re-identification mapping (pseudonymize mode);
                         default: beside the output, never inside it
  --boxes <plan.json>    redaction plan: boxes to paint over burned-in text (the app exports it)
  --ocr                  read burned-in text (OCR), paint what is PHI, read the output again;
                         a file whose output still shows the patient's identifiers is not written
  --keep-measurements    with --ocr: leave measurements and scale labels out of the proposals
  --read-every-frame     with --ocr: read every image and frame (no sampling of series and cines)
  --threads <n>          worker threads for large batches on many-core machines (default 1)
  -q, --quiet            only print failures and the summary
  -h, --help             this text`;

class UsageError extends Error {}

function parseThreads(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--threads must be a whole number from 1 to 64, not "${text}"`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || ['-h', '--help', 'help'].includes(argv[0])) {
    console.log(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const [command, ...rest] = argv;
  if (command !== 'deidentify') throw new UsageError(`unknown command "${command}"`);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        profile: { type: 'string' },
        mode: { type: 'string' },
        passphrase: { type: 'string' },
        lookup: { type: 'string' },
        report: { type: 'string' },
        mapping: { type: 'string' },
        boxes: { type: 'string' },
        ocr: { type: 'boolean' },
        'keep-measurements': { type: 'boolean' },
        'read-every-frame': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        threads: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
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
  const args: DeidentifyArgs = {
    inputs: positionals,
    out: values.out,
    profilePath: values.profile,
    mode: values.mode as DeidentifyArgs['mode'],
    passphrase: values.passphrase ?? process.env.VEIL_PASSPHRASE,
    lookupPath: values.lookup,
    reportPath: values.report,
    mappingPath: values.mapping,
    boxesPath: values.boxes,
    ocr: values.ocr ? { keepClinicalText: values['keep-measurements'] ?? false, readEveryFrame: values['read-every-frame'] ?? false } : undefined,
    quiet: values.quiet ?? false,
    threads: values.threads === undefined ? undefined : parseThreads(values.threads),
  };
  return runDeidentify(args);
}

// The main thread and every worker thread (the same bundle) load codecs from node_modules.
useNodeCodecs();
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
