/**
 * `veil deidentify`: every input through the engine, outputs into a folder or zip, then the
 * report at the output root and the mapping (pseudonymize mode) beside — never inside — it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { deriveSessionKey } from '../core/header/keys.ts';
import { MappingLog } from '../core/export/mapping.ts';
import { deidentifyAll } from './parallel.ts';
import { buildReport, REPORT_CSV, REPORT_JSON } from '../core/export/report.ts';
import { flagPatientConflicts } from '../core/audit/patient-consistency.ts';
import { MAPPING_CSV } from '../core/export/mapping.ts';
import { createFolderSink, createZipFileSink } from '../core/export/node-sinks.ts';
import { PathAllocator } from '../core/export/layout.ts';
import type { OutputSink } from '../core/export/archive.ts';
import { TOOL_NAME, TOOL_VERSION, methodCodes } from '../core/header/method.ts';
import { parseLookupCsv } from '../core/header/pseudonyms.ts';
import type { ReportedOutcome } from '../core/outcome.ts';
import { validateProfile } from '../core/profile/resolve.ts';
import { defaultProfile, type Mode, type Profile } from '../core/profile/profile.ts';
import { collectInputs } from './inputs.ts';
import { parsePlan, type RedactionPlan } from '../core/pixels/plan.ts';
import { joinParts } from '../core/dicom/writer.ts';
import type { DetectSettings } from '../core/detect/detect.ts';
import type { OcrEngine } from '../core/detect/ocr-engine.ts';
import { createNodeOcrEngine } from './ocr-node.ts';
import { checkOutput, checkWarning, detectAndPlan, mergePlans, type PlannedDetection } from '../core/detect/pipeline.ts';

export interface DeidentifyArgs {
  inputs: string[];
  out: string;
  profilePath?: string;
  mode?: Mode;
  passphrase?: string;
  lookupPath?: string;
  reportPath?: string;
  mappingPath?: string;
  /** Redaction plan JSON (--boxes). */
  boxesPath?: string;
  /** --ocr: detect burned-in text, paint the PHI boxes, check the outputs again. */
  ocr?: Pick<DetectSettings, 'keepClinicalText' | 'readEveryFrame'>;
  /** Worker threads; default 1. */
  threads?: number;
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
  const key = deriveSessionKey(args.passphrase);
  const mapping = profile.pseudonyms.mode === 'pseudonymize' ? new MappingLog() : undefined;

  const { inputs, problems } = await collectInputs(args.inputs);
  for (const p of problems) console.error(`veil: ${p}`);
  if (inputs.length === 0) {
    console.error('veil: no input files found');
    return 1;
  }

  const toZip = /\.zip$/i.test(args.out);
  const sink: OutputSink = toZip ? createZipFileSink(args.out) : createFolderSink(args.out);
  const outcomes: ReportedOutcome[] = [];
  const paths = new PathAllocator();
  paths.reserve(REPORT_JSON);
  paths.reserve(REPORT_CSV);
  const firstInputFor = new Map<string, string>();
  let written = 0;
  const log = (line: string) => { if (!args.quiet) console.log(line); };
  const failed = (input: string, reason: string, warnings: string[] = []) => {
    outcomes.push({ status: 'failed', input, reason, warnings });
    console.error(`veil: failed   ${input}: ${reason}`);
  };

  // One thread by default: on the 2-core machines measured (see README, Benchmarks) a second
  // thread only competed with V8's own GC and I/O threads; --threads helps on larger machines.
  const threads = Math.min(args.threads ?? 1, availableParallelism() * 2, Math.max(1, inputs.length));

  // --ocr: read burned-in text in the originals first (sampling large series and cines), paint
  // the PHI boxes with the rest of the plan, and read each output that was read before again.
  let engine: OcrEngine | undefined;
  let ocr: PlannedDetection | undefined;
  if (args.ocr) {
    engine = createNodeOcrEngine();
    const started = performance.now();
    try {
      ocr = await detectAndPlan(engine, inputs.map((i) => ({ path: i.path, read: () => i.read() })), args.ocr);
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
  // --ocr fails closed: an image whose text could not be read before, or its output after,
  // redaction is refused (BLOCKING), never written unchecked. Sampled-out images are a decision,
  // not a failure: they took their boxes over from images of their series that were read.
  const ocrCheck = async (path: string, parts: Uint8Array[]): Promise<string | undefined> => {
    if (!engine || !ocr) return undefined;
    const before = ocr.failed.get(path);
    if (before !== undefined) return `BLOCKING: burned-in text could not be checked: ${before}`;
    const ids = ocr.identifiers.get(path);
    if (!ids) return 'BLOCKING: burned-in text could not be checked: the OCR step could not read the file';
    if (!ocr.read.has(path)) return undefined;
    try {
      return checkWarning(await checkOutput(engine, joinParts(parts), ids, args.ocr));
    } catch (e) {
      return `BLOCKING: burned-in text could not be checked after redaction: ${(e as Error).message}`;
    }
  };

  let workerMappings: Awaited<ReturnType<typeof deidentifyAll>>;
  try {
    workerMappings = await deidentifyAll(
      inputs,
      { profile, key, lookup: lookup ? [...lookup] : undefined, plan },
      { threads, workerUrl: new URL(import.meta.url) },
      async (index, outcome) => {
        const input = inputs[index];
        if ('readError' in outcome) return failed(input.path, `could not be read: ${outcome.readError}`);
        if (outcome.status !== 'written') {
          outcomes.push(outcome);
          if (outcome.status === 'failed') console.error(`veil: failed   ${input.path}: ${outcome.reason}`);
          else log(`skipped  ${input.path}: ${outcome.reason}`);
          return;
        }
        // --ocr: identifiers still readable in the output's pixels block the file.
        const blocking = await ocrCheck(input.path, outcome.parts);
        if (blocking?.startsWith('BLOCKING')) return failed(input.path, `not written: ${blocking}`, outcome.warnings);
        if (blocking) outcome.warnings.push(blocking);
        // The same instance dropped twice (or copies of one image in several encodings) keeps both
        // files, the second with a suffix, and says so.
        const twin = firstInputFor.get(outcome.sopInstanceUID);
        if (twin) outcome.warnings.push(`same SOP Instance UID as ${twin}; written beside it with a suffix`);
        else firstInputFor.set(outcome.sopInstanceUID, input.path);
        outcome.output = paths.claim(outcome.output);
        try {
          await sink.add(outcome.output, outcome.parts);
        } catch (e) {
          return failed(input.path, `could not be written to the output: ${(e as Error).message}`, outcome.warnings);
        }
        written++;
        const { parts: _written, ...reported } = outcome; // the bytes are on disk now; keep the report light
        outcomes.push(reported);
        log(`written  ${input.path} -> ${outcome.output}${outcome.residual.length ? `  (WARNING: ${outcome.residual.length} identifier(s) still found)` : ''}`);
      },
    );
  } finally {
    await engine?.terminate();
  }
  for (const m of workerMappings) mapping?.merge(m);
  // Only here are the outcomes of every thread together: one pseudonym must stand for one person.
  const patientConflicts = flagPatientConflicts(outcomes);
  if (patientConflicts) console.error(`veil: ${patientConflicts} file(s) with a patient identity conflict (Patient ID with another name, birth date or issuer): see the report's warnings`);

  const options = profile.options;
  const report = buildReport(outcomes, {
    tool: TOOL_NAME,
    version: TOOL_VERSION,
    profileSummary: methodCodes(options).map((c) => c.codeMeaning).join('; '),
    optionsApplied: Object.entries(options).filter(([, on]) => on).map(([k]) => k),
    mode: profile.pseudonyms.mode,
    startedAt,
    finishedAt: new Date().toISOString(),
  });
  await sink.add(REPORT_JSON, new TextEncoder().encode(report.json));
  await sink.add(REPORT_CSV, new TextEncoder().encode(report.csv));
  await sink.close();
  if (args.reportPath) await writeAt(args.reportPath, report.json);

  if (mapping) {
    const mappingPath = args.mappingPath ?? `${args.out.replace(/\.zip$/i, '').replace(/[\\/]+$/, '')}-${MAPPING_CSV}`;
    await writeAt(mappingPath, mapping.toCsv());
    log(`mapping  ${resolve(mappingPath)} (re-identifies patients: keep it apart from the data)`);
  }

  const skipped = outcomes.filter((o) => o.status === 'skipped').length;
  const failedCount = outcomes.filter((o) => o.status === 'failed').length;
  const residual = outcomes.filter((o) => o.status === 'written' && o.residual.length > 0).length;
  console.log(
    `veil: ${inputs.length} input(s): ${written} written, ${skipped} skipped, ${failedCount} failed` +
      `${residual ? `, ${residual} with identifiers still found (see report)` : ''} -> ${args.out}`,
  );
  return written > 0 ? 0 : 1;
}

async function writeAt(path: string, text: string): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeFile(path, text);
}
