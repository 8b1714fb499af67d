/**
 * `veil deidentify`: every input through the engine, outputs into a folder or zip, then the
 * report at the output root (inputs named by neutral references), and beside — never inside —
 * it the operator's report (the same rows with the input paths) and the mapping (pseudonymize
 * mode).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { nodeSessionKey } from './session-key.ts';
import { deidentifyAll } from './parallel.ts';
import { MAPPING_CSV } from '../core/export/mapping.ts';
import { createFolderSink, createZipFileSink } from './node-sinks.ts';
import { checkOutputSafety, defaultMappingPath, isWithin } from './output-safety.ts';
import type { OutputSink } from '../core/export/archive.ts';
import { afterRedaction } from '../core/export/ocr-gate.ts';
import { OPERATOR_REPORT, reportMeta } from '../core/export/report.ts';
import { ExportRun } from '../core/export/run.ts';
import { parseLookupCsv } from '../core/header/pseudonyms.ts';
import { validateProfile } from '../core/profile/resolve.ts';
import { defaultProfile, type Mode, type Profile } from '../core/profile/profile.ts';
import { collectInputs } from './inputs.ts';
import { inputSetDigest, positionsIn, type Shard } from './shard.ts';
import { parsePlan, type RedactionPlan } from '../core/pixels/plan.ts';
import { joinParts } from '../core/dicom/writer.ts';
import type { DetectSettings } from '../core/detect/detect.ts';
import type { OcrEngine } from '../core/detect/ocr-engine.ts';
import { createNodeOcrEngine } from './ocr-node.ts';
import { checkOutput, detectAndPlan, mergePlans, type PlannedDetection } from '../core/detect/pipeline.ts';
import { planDefacing, type DefacePlan, type DefaceSettings, type SeriesDefacer } from './deface-run.ts';

export interface DeidentifyArgs {
  inputs: string[];
  out: string;
  profilePath?: string;
  mode?: Mode;
  passphrase?: string;
  lookupPath?: string;
  reportPath?: string;
  mappingPath?: string;
  /** The operator's report (.csv and .json, with the input paths); default beside the output. */
  operatorReportPath?: string;
  /** Redaction plan JSON (--boxes). */
  boxesPath?: string;
  /** --ocr: detect burned-in text, paint the PHI boxes, check the outputs again. */
  ocr?: Pick<DetectSettings, 'keepClinicalText' | 'readEveryFrame'>;
  /** --require-pixel-review: images that need pixel review are refused (see core/pixels/review-status.ts). */
  requirePixelReview?: boolean;
  /** --deface [mode], --deface-optional, --deface-ignore-face-check: deface head CT/MR series (deface-run.ts). */
  deface?: DefaceSettings;
  /** The defacing engine; default: the real one (registration in Node). Tests may pass their own. */
  defacer?: SeriesDefacer;
  /** Worker threads; default 1 here (the command line's default is the machine's cores, see main.ts). */
  threads?: number;
  /** --overwrite: write into a non-empty --out folder / replace an existing zip, mapping or operator report. */
  overwrite?: boolean;
  /** --shard K/N: only the inputs of shard K (1-based) of N (shard.ts). */
  shard?: Shard;
  /**
   * The bundle's entry file, which worker threads start from (main.ts passes its own URL: in the
   * split bundle this module may sit in a chunk that cannot start a worker). Default: this module.
   */
  workerUrl?: URL;
  quiet: boolean;
}

/** An error in what the user asked for (bad profile, missing lookup), reported with usage. */
function usage(message: string): Error {
  return Object.assign(new Error(message), { usage: true });
}

async function loadProfile(path: string | undefined, mode: Mode | undefined): Promise<Profile> {
  let profile = defaultProfile();
  if (path) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw usage(`--profile ${path}: ${(e as Error).message}`);
    }
    try {
      profile = validateProfile(json);
    } catch (e) {
      throw usage(`--profile ${path}: ${(e as Error).message}`);
    }
  }
  if (mode) profile = { ...profile, pseudonyms: { ...profile.pseudonyms, mode } };
  return profile;
}

async function loadPlan(path: string | undefined): Promise<RedactionPlan | undefined> {
  if (!path) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw usage(`--boxes ${path}: ${(e as Error).message}`);
  }
  try {
    return parsePlan(text);
  } catch (e) {
    throw usage(`--boxes ${path}: ${(e as Error).message}`);
  }
}

export async function runDeidentify(args: DeidentifyArgs): Promise<number> {
  const startedAt = new Date().toISOString();
  const profile = await loadProfile(args.profilePath, args.mode);
  let plan = await loadPlan(args.boxesPath);
  let lookup;
  if (args.lookupPath) {
    try {
      lookup = parseLookupCsv(await readFile(args.lookupPath, 'utf8'));
    } catch (e) {
      throw usage(`--lookup ${args.lookupPath}: ${(e as Error).message}`);
    }
  }
  const key = nodeSessionKey(args.passphrase);

  const toZip = /\.zip$/i.test(args.out);
  const pseudonymize = profile.pseudonyms.mode === 'pseudonymize';
  const mappingPath = args.mappingPath ?? defaultMappingPath(args.out, MAPPING_CSV);
  const operatorBase = (args.operatorReportPath ?? defaultMappingPath(args.out, `${OPERATOR_REPORT}.csv`)).replace(/\.(csv|json)$/i, '');
  // Before the first input is read: where this run writes must be safe (usage error if not).
  const targets = checkOutputSafety({
    inputs: args.inputs, out: args.out, reportPath: args.reportPath, mappingPath: pseudonymize ? mappingPath : undefined, overwrite: args.overwrite,
  });
  // The operator's report names the input paths: it stays with the operator, never in the output.
  if (!toZip && isWithin(resolve(`${operatorBase}.csv`), resolve(args.out))) {
    throw usage(`--operator-report ${operatorBase}.csv: must not be inside the output folder ${args.out}`);
  }
  const walked = (await collectInputs(args.inputs, { exclude: [...targets, resolve(`${operatorBase}.csv`), resolve(`${operatorBase}.json`)] })).inputs;
  // --shard: every shard walks everything (the same walk on every machine), then keeps its part,
  // each input with its position in the whole walk (references, merged reports).
  // With --deface, whole folders go to one shard: a series is defaced whole or not at all.
  const positions = args.shard ? positionsIn(walked, args.shard, args.deface ? 'folder' : 'file') : undefined;
  const inputs = positions ? positions.map((i) => walked[i]) : walked;
  const shardMeta = args.shard
    ? { shard: { ...args.shard, inputs: walked.length, inputSet: inputSetDigest(key, walked.map((i) => i.path)) } }
    : {};
  // Nothing to read still writes a report (and mapping) that says so.
  if (walked.length === 0) console.error('veil: no input files found');
  else if (inputs.length === 0) console.error(`veil: none of the ${walked.length} input(s) belongs to shard ${args.shard!.index}/${args.shard!.count}`);

  const sinkOptions = { overwrite: args.overwrite ?? false };
  const sink: OutputSink = toZip ? createZipFileSink(args.out, sinkOptions) : createFolderSink(args.out, sinkOptions);
  const log = (line: string) => { if (!args.quiet) console.log(line); };

  // The command line picks the machine's default (main.ts); called as a library, one thread.
  const threads = Math.min(args.threads ?? 1, availableParallelism() * 2, Math.max(1, inputs.length));

  // --ocr: read burned-in text in the originals first (sampling large series and cines), paint
  // the PHI boxes with the rest of the plan, and read each output that was read before again.
  let engine: OcrEngine | undefined;
  let ocr: PlannedDetection | undefined;
  if (args.ocr) {
    engine = createNodeOcrEngine();
    const started = performance.now();
    try {
      ocr = await detectAndPlan(engine, inputs.filter((i) => !i.skip).map((i) => ({ path: i.path, read: () => i.read() })), args.ocr);
    } catch (e) {
      await engine.terminate();
      throw e;
    }
    const accepted = ocr.plan.boxes.filter((b) => b.status === 'accepted').length;
    log(
      `ocr      ${ocr.read.size} image(s) read in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
        `${accepted} PHI box(es) to paint, ${ocr.plan.boxes.length - accepted} box(es) of other text proposed (not painted)`,
    );
    for (const [path, why] of ocr.failed) log(`ocr      not read, will not be written: ${path}: ${why}`);
    plan = mergePlans(plan, ocr.plan);
  }
  const ocrEngine = engine;
  const findings = ocr;

  // --deface: every head series is defaced (or declined) before any file is written.
  let defacing: DefacePlan | undefined;
  if (args.deface) {
    const defacer = args.defacer ?? (await realDefacer());
    const started = performance.now();
    defacing = await planDefacing(inputs, args.deface, defacer, { info: log, problem: (line) => console.error(`veil: ${line}`) });
    const count = (status: string) => defacing!.series.filter((s) => s.status === status).length;
    log(
      `deface   ${count('defaced')} series defaced, ${count('declined')} declined, ${count('skipped')} skipped ` +
        `in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }

  // The run (src/core/export/run.ts) does the rest, as in the app: the after-redaction check,
  // output paths, twins, the sink, the reports. This host reads, schedules and logs.
  const run = new ExportRun<Uint8Array>({
    paths: inputs.map((i) => i.path),
    positions,
    key,
    sink,
    meta: { ...reportMeta(profile, startedAt), ...shardMeta },
    // --ocr fails closed: an image whose text could not be read before, or its output after,
    // redaction is refused (BLOCKING), never written unchecked.
    check: ocrEngine && findings
      ? (path, pieces) => afterRedaction(findings, path, (ids) => checkOutput(ocrEngine, joinParts(pieces), ids, args.ocr))
      : undefined,
    onPlaced: (index, outcome, path) => {
      if (outcome.status === 'written') {
        log(`written  ${path} -> ${outcome.output}${outcome.residual.length ? `  (WARNING: ${outcome.residual.length} identifier(s) still found)` : ''}`);
      } else if (outcome.status === 'failed') console.error(`veil: failed   ${path} (${run.ref(index)}): ${outcome.reason}`);
      else log(`skipped  ${path}: ${outcome.reason}`);
    },
  });

  for (const series of defacing?.series ?? []) run.addDefaceSeries(series);

  let workerMappings: Awaited<ReturnType<typeof deidentifyAll>> = [];
  let stopped: string | undefined;
  try {
    workerMappings = await deidentifyAll(
      inputs,
      { profile, key, lookup: lookup ? [...lookup] : undefined, plan, pixelReview: { require: args.requirePixelReview ?? false } },
      // A zip output: the workers compute each file's CRC-32, in parallel with the one writer.
      { threads, workerUrl: args.workerUrl ?? new URL(import.meta.url), crc: toZip, decided: defacing?.refused, deface: defacing?.instructions },
      async (index, outcome, crc) => {
        if ('readError' in outcome) {
          return run.deliver(index, { outcome: { status: 'failed', input: inputs[index].path, reason: `could not be read: ${outcome.readError}`, warnings: [] } });
        }
        if (outcome.status !== 'written') return run.deliver(index, { outcome });
        const { parts, ...reported } = outcome; // the bytes go to the sink; the report stays light
        return run.deliver(index, { outcome: reported, pieces: parts, crc });
      },
    );
  } catch (e) {
    // A worker that died stops the batch, but every input is still accounted for and the
    // reports and mapping are still written.
    stopped = (e as Error).message;
    console.error(`veil: the run stopped: ${stopped}`);
  } finally {
    await engine?.terminate();
  }
  const result = await run.finish(workerMappings, stopped);
  const patientConflicts = result.outcomes.filter((o) => o.warnings.some((w) => w.startsWith('patient check:'))).length;
  if (patientConflicts) console.error(`veil: ${patientConflicts} file(s) with a patient identity conflict (Patient ID with another name, birth date or issuer): see the report's warnings`);
  if (result.sinkError) console.error(`veil: ${result.sinkError}`);

  // Beside the output, never inside it: the operator's report names the input paths, the
  // mapping re-identifies patients. Each is attempted whatever happened to the others and to the
  // outputs: a broken output must not also lose the report that says what is in it, nor the key
  // to the pseudonyms it holds (either lost: exit code 1).
  let incomplete = !!result.sinkError;
  const attempt = async (what: string, path: string, text: string, essential: boolean): Promise<boolean> => {
    try {
      await writeAt(path, text);
      return true;
    } catch (e) {
      if (essential) incomplete = true;
      console.error(`veil: ${what} ${path} could not be written: ${(e as Error).message}`);
      return false;
    }
  };
  if ((await attempt("the operator's report", `${operatorBase}.csv`, result.operatorReport.csv, false))
    && (await attempt("the operator's report", `${operatorBase}.json`, result.operatorReport.json, false))) {
    log(`report   ${resolve(`${operatorBase}.csv`)} (the operator's report: names the input paths, keep it with you)`);
  }
  if (args.reportPath) await attempt('--report', args.reportPath, result.report.json, false);
  if (result.mappingCsv !== undefined && (await attempt('the mapping', mappingPath, result.mappingCsv, true))) {
    log(`mapping  ${resolve(mappingPath)} (re-identifies patients: keep it apart from the data)`);
  }

  const outcomes = result.outcomes;
  const skipped = outcomes.filter((o) => o.status === 'skipped').length;
  const failedCount = outcomes.filter((o) => o.status === 'failed').length;
  const residual = outcomes.filter((o) => o.status === 'written' && o.residual.length > 0).length;
  console.log(
    `veil: ${inputs.length} input(s)${args.shard ? ` (shard ${args.shard.index}/${args.shard.count} of ${walked.length})` : ''}: ${result.written} written, ${skipped} skipped, ${failedCount} failed` +
      `${residual ? `, ${residual} with identifiers still found (see report)` : ''} -> ${args.out}`,
  );
  // Images with burned-in text nobody painted or reviewed: always counted, so nobody misses them.
  const needReview = outcomes.filter((o) => o.pixelReview?.status === 'needs-review');
  if (needReview.length) {
    const refused = needReview.filter((o) => o.status !== 'written').length;
    console.log(
      `veil: ${needReview.length} image(s) need pixel review (burned-in text not painted or reviewed): ` +
        (refused ? `${refused} not written (--require-pixel-review)` : 'written with Burned In Annotation YES; paint them (--boxes, --ocr) or use --require-pixel-review'),
    );
  } else {
    console.log('veil: 0 image(s) need pixel review');
  }
  if (defacing) {
    const of = (status: string) => defacing!.series.filter((s) => s.status === status);
    const declined = of('declined');
    const unwritten = declined.filter((s) => !s.writtenWithoutDefacing).length;
    console.log(
      `veil: defacing: ${of('defaced').length} head series defaced, ${declined.length} declined` +
        `${declined.length ? ` (${unwritten ? `${unwritten} not written` : 'written WITHOUT defacing, --deface-optional'})` : ''}, ` +
        `${of('skipped').length} other series skipped`,
    );
  }
  // An empty shard of a larger run did what it was asked: its report says it holds nothing.
  const emptyShard = args.shard !== undefined && inputs.length === 0 && walked.length > 0;
  return (result.written > 0 || emptyShard) && !incomplete ? 0 : 1;
}

/** The defacing engine in Node (elastix, face-api), loaded only when a run asks for --deface. */
async function realDefacer(): Promise<SeriesDefacer> {
  const { nodeDefacer } = await import('./defacer-node.ts');
  return nodeDefacer();
}

async function writeAt(path: string, text: string): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeFile(path, text);
}
