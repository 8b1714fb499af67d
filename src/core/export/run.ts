/**
 * One export run, the same for the CLI and the app. The hosts read inputs, schedule the engine
 * on their threads or workers and hand each input's outcome to `deliver` in any order; the run
 * does the rest, in input order:
 *
 *   - names every input by a neutral reference (refs.ts) and cleans its messages of its path
 *     and of original UIDs: the report inside the output cannot re-identify;
 *   - the after-redaction check (OCR where detection ran, see ocr-gate.ts): a file whose
 *     identifiers are still readable — or could not be read again — is not written;
 *   - output paths (PathAllocator) and twin warnings (one SOP Instance UID twice);
 *   - bytes to the sink; a sink that refuses a file fails that file, not the run;
 *   - at the end: the patient consistency check over every file, the in-output report
 *     (deid-report.csv/.json, written into the sink), the operator's report (the same rows with
 *     the input paths, returned for the host to put beside the output) and the mapping.
 *
 * Pieces are whatever the host's sink takes: Node buffers in the CLI, the new bytes and Blob
 * slices of the input files in the browser (the sink's crc is then computed in the engine
 * workers and passed along).
 */
import { flagPatientConflicts } from '../audit/patient-consistency.ts';
import { KeyedHash } from '../header/keys.ts';
import type { ReportedOutcome } from '../outcome.ts';
import { PathAllocator } from './layout.ts';
import { MappingLog, type MappingSnapshot } from './mapping.ts';
import { inputRef, neutralMessage } from './refs.ts';
import { REPORT_CSV, REPORT_JSON, buildReport, type DefaceSeriesFacts, type ReportMeta } from './report.ts';

/**
 * Where written files go: a folder, a zip on disk, a zip streamed in a worker. Compatible with
 * `OutputSink` (archive.ts): `crc` is a CRC-32 of the joined pieces when the host has it already.
 */
export interface ExportSink<P> {
  add(path: string, pieces: readonly P[], crc?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The after-redaction check of one written file: undefined when it passes, a warning to add, or
 * one starting with "BLOCKING" to refuse the file. `path` is the input's path, `pieces` its output.
 */
export type AfterRedactionCheck<P> = (path: string, pieces: readonly P[]) => Promise<string | undefined>;

export interface ExportRunOptions<P> {
  /** Every input's path, in run order (the report lists them in this order). */
  paths: readonly string[];
  /**
   * Each input's position in the whole run, when this run is one shard of it (`--shard K/N`):
   * references are numbered by it, so every shard names an input as one run over all of them
   * would, and merged shard reports read like that run's. Default: the position in `paths`.
   */
  positions?: readonly number[];
  /** The session key: the references' keyed hash (same passphrase, same references). */
  key: Uint8Array;
  /** Written files as `P` pieces; the report as one Uint8Array. */
  sink: ExportSink<P | Uint8Array>;
  meta: Omit<ReportMeta, 'finishedAt'>;
  check?: AfterRedactionCheck<P>;
  /** Called after each input is placed, in order: progress, logging. */
  onPlaced?: (index: number, outcome: ReportedOutcome, path: string) => void;
}

/** What one input came to: a skip or failure, or a written file with its bytes. */
export type Delivery<P> = { outcome: ReportedOutcome; pieces?: readonly P[]; crc?: number };

export interface RunReport {
  json: string;
  csv: string;
}

export interface RunResult {
  /** Outcomes in input order, named by reference. */
  outcomes: ReportedOutcome[];
  /** deid-report.csv/.json as written into the output. */
  report: RunReport;
  /** The operator's report: the same rows with the input paths. Never inside the output. */
  operatorReport: RunReport;
  /** Pseudonymize mode: the re-identification mapping (CSV), never inside the output. */
  mappingCsv?: string;
  written: number;
  /** Set when the report could not be written into the output, or the output not closed. */
  sinkError?: string;
}

export class ExportRun<P> {
  private readonly refs: string[];
  private readonly outcomes: ReportedOutcome[] = [];
  private readonly waiting = new Map<number, Delivery<P>>();
  private readonly paths = new PathAllocator();
  private readonly firstRefFor = new Map<string, string>();
  private readonly defacing: DefaceSeriesFacts[] = [];
  /** Input index → the other inputs of its defaced series: a series-wide reason may name any of them. */
  private readonly seriesOf = new Map<number, readonly number[]>();
  private chain: Promise<void> = Promise.resolve();
  private next = 0;
  private written = 0;
  private failure: unknown;

  constructor(private readonly options: ExportRunOptions<P>) {
    const hash = new KeyedHash(options.key);
    this.refs = options.paths.map((p, i) => inputRef(hash, options.positions?.[i] ?? i, p));
    this.paths.reserve(REPORT_JSON);
    this.paths.reserve(REPORT_CSV);
  }

  /** Inputs placed so far (in order). */
  get placed(): number {
    return this.next;
  }

  /** Set when placing stopped on an unexpected error: finish() reports the rest as not processed. */
  get stopped(): boolean {
    return this.failure !== undefined;
  }

  /** The reference of input `index`. */
  ref(index: number): string {
    return this.refs[index];
  }

  /**
   * Records what defacing did to one series (its files by input index), for the reports'
   * per-series list. Its reason is cleaned of the series' paths and of UIDs here. Call it before
   * the series' files are delivered: their messages are then cleaned of every path of the series
   * (a series-wide reason may name any of its files).
   */
  addDefaceSeries(facts: DefaceSeriesFacts): void {
    let reason = facts.reason;
    if (reason !== undefined) for (const i of facts.inputs) reason = neutralMessage(reason, this.options.paths[i], this.refs[i]);
    for (const i of facts.inputs) this.seriesOf.set(i, facts.inputs);
    this.defacing.push({ ...facts, inputs: [...facts.inputs], ...(reason !== undefined ? { reason } : {}) });
  }

  /**
   * Hands over input `index`'s outcome, in any order. The returned promise settles once it (and
   * every input before it) has been placed.
   */
  deliver(index: number, delivery: Delivery<P>): Promise<void> {
    if (index < this.next || this.waiting.has(index) || index >= this.refs.length) throw new Error(`input ${index} delivered twice or out of range`);
    this.waiting.set(index, delivery);
    this.chain = this.chain.then(async () => {
      while (this.waiting.has(this.next)) {
        const d = this.waiting.get(this.next)!;
        this.waiting.delete(this.next);
        const outcome = await this.place(this.next, d);
        this.outcomes.push(outcome);
        this.options.onPlaced?.(this.next, outcome, this.options.paths[this.next]);
        this.next++;
      }
    }).catch((e: unknown) => {
      this.failure ??= e;
    });
    return this.chain;
  }

  private async place(index: number, { outcome: raw, pieces, crc }: Delivery<P>): Promise<ReportedOutcome> {
    const path = this.options.paths[index];
    const ref = this.refs[index];
    const series = this.seriesOf.get(index);
    const clean = (s: string) => {
      let text = neutralMessage(s, path, ref);
      // The series' reason (and the engine's words about it) may name the series' other files.
      if (series) for (const j of series) if (j !== index && text.includes(this.options.paths[j])) text = neutralMessage(text, this.options.paths[j], this.refs[j]);
      return text;
    };
    const warnings = raw.warnings.map(clean);
    const deface = raw.deface?.reason !== undefined ? { deface: { ...raw.deface, reason: clean(raw.deface.reason) } } : {};
    if (raw.status !== 'written') return { ...raw, input: ref, reason: clean(raw.reason), warnings, ...deface };
    const outcome = { ...raw, input: ref, warnings, ...deface };
    if (!pieces) return { status: 'failed', input: ref, reason: 'internal error: a written file came without its bytes', warnings };

    const failed = (reason: string): ReportedOutcome => ({ status: 'failed', input: ref, reason: clean(reason), warnings, ...(outcome.deface ? { deface: outcome.deface } : {}) });
    if (this.options.check) {
      let verdict: string | undefined;
      try {
        verdict = await this.options.check(path, pieces);
      } catch (e) {
        verdict = `BLOCKING: burned-in text could not be checked after redaction: ${(e as Error).message}`;
      }
      if (verdict?.startsWith('BLOCKING')) return failed(`not written: ${verdict}`);
      if (verdict) warnings.push(clean(verdict));
    }
    // The same instance given twice (or one image in several encodings) keeps both files, the
    // second with a suffix, and says so — by reference.
    const twin = this.firstRefFor.get(outcome.sopInstanceUID);
    if (twin) warnings.push(`same SOP Instance UID as ${twin}; written beside it with a suffix`);
    else this.firstRefFor.set(outcome.sopInstanceUID, ref);
    outcome.output = this.paths.claim(outcome.output);
    try {
      await this.options.sink.add(outcome.output, pieces, crc);
    } catch (e) {
      return failed(`could not be written to the output: ${(e as Error).message}`);
    }
    this.written++;
    return outcome;
  }

  /**
   * Ends the run: inputs never delivered (a worker died, the host stopped) are reported as
   * failed, the reports are built and written into the sink, which is closed. The report goes
   * in even after the sink refused files; if the sink refuses the report itself, `sinkError` says
   * so and the host still has both reports to write elsewhere.
   */
  async finish(mappings: readonly MappingSnapshot[] = [], stopped?: string): Promise<RunResult> {
    await this.chain;
    if (this.failure !== undefined) stopped ??= (this.failure as Error).message;
    for (let i = this.next; i < this.refs.length; i++) {
      this.outcomes.push({ status: 'failed', input: this.refs[i], reason: `not processed: the run stopped${stopped ? `: ${neutralMessage(stopped, this.options.paths[i], this.refs[i])}` : ''}`, warnings: [] });
    }
    this.next = this.refs.length;
    // Only here are the outcomes of every worker together: one pseudonym must stand for one person.
    flagPatientConflicts(this.outcomes);
    const meta = { ...this.options.meta, finishedAt: new Date().toISOString() };
    const defacing = this.defacing.length ? { defacing: this.defacing } : {};
    const report = buildReport(this.outcomes, meta, defacing);
    const operatorReport = buildReport(this.outcomes, meta, { paths: this.options.paths, ...defacing });
    let sinkError: string | undefined;
    const encode = (t: string) => new TextEncoder().encode(t);
    try {
      await this.options.sink.add(REPORT_JSON, [encode(report.json)]);
      await this.options.sink.add(REPORT_CSV, [encode(report.csv)]);
    } catch (e) {
      sinkError = `the report could not be written into the output: ${(e as Error).message}`;
    }
    try {
      await this.options.sink.close();
    } catch (e) {
      sinkError ??= `the output could not be finished: ${(e as Error).message}`;
    }
    let mappingCsv: string | undefined;
    if (this.options.meta.mode === 'pseudonymize') {
      const log = new MappingLog();
      for (const m of mappings) log.merge(m);
      mappingCsv = log.toCsv();
    }
    return { outcomes: this.outcomes, report, operatorReport, mappingCsv, written: this.written, sinkError };
  }
}

/**
 * The order of a run's inputs: by path, folder by folder (each "/"-separated name compared with
 * localeCompare), as the CLI walks a folder. The app sorts what was dropped the same way, so
 * the same files give the same references, report and twin suffixes in both hosts.
 */
export function compareInputPaths(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = x[i].localeCompare(y[i]);
    if (c !== 0) return c;
  }
  return x.length - y.length;
}
