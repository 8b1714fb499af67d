/**
 * The one object the UI talks to. It owns the worker pool and the zip writer and never parses
 * DICOM itself: files go to the workers as File/Blob references, results come back as plain data.
 */
import * as Comlink from 'comlink';
import { MappingLog } from '../core/export/mapping.ts';
import { reportMeta, type DefaceSeriesFacts } from '../core/export/report.ts';
import { startOutputReader } from './ocr-client.ts';
import { WorkerPool } from './pool.ts';
import type { LightHeaderBytes } from '../core/deface/light-header.ts';
import type { HeadCheck } from './deface-protocol.ts';
import { absorbStageTimes, recordStage, stageTimesEnabled, timedAsync } from './stage-times.ts';
import type {
  CheckResult,
  ExportProgress,
  ExportSummary,
  ExportTarget,
  InputRef,
  InstanceReview,
  OcrFindingsInit,
  PreviewResult,
  RedactionPlan,
  ScanResult,
  SessionInit,
  ZipListing,
  ZipWriterApi,
} from './protocol.ts';

export type * from './protocol.ts';

/**
 * Files per message between the page and a worker, and between a worker and the zip writer:
 * fewer, larger messages (each one costs a task on both threads), still small enough that
 * progress moves smoothly and a cancel stops within a few files.
 */
const BATCH = 8;

export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('cancelled');
  }
}

export interface ExportResult extends ExportSummary {
  /** Pseudonymize mode: the re-identification mapping (never inside the zip). */
  mapping?: MappingLog;
}

export interface RunOptions<R> {
  signal?: AbortSignal;
  onResult: (index: number, result: R) => void;
}

/** A zip-writer worker and a promise that rejects if its script fails (listened to from the start, so no error is missed). */
interface ZipWriterWorker {
  worker: Worker;
  dead: Promise<never>;
}

function startZipWriter(): ZipWriterWorker {
  const worker = new Worker(new URL('./zip-writer.worker.ts', import.meta.url), { type: 'module', name: 'veil-zip-writer' });
  const dead = new Promise<never>((_, reject) =>
    worker.addEventListener('error', (e) => reject(new Error(`the zip writer stopped: ${e.message || 'script error'}`))),
  );
  dead.catch(() => undefined);
  return { worker, dead };
}

export class EngineClient {
  readonly pool: WorkerPool;
  private configured?: SessionInit;
  private spareWriter?: ZipWriterWorker;

  constructor(size?: number) {
    this.pool = new WorkerPool(size);
  }

  get size(): number {
    return this.pool.size;
  }

  /** Derived once, in a worker (PBKDF2 takes a moment), then given to every worker. */
  deriveKey(passphrase?: string): Promise<Uint8Array> {
    return this.pool.run((api) => api.deriveKey(passphrase));
  }

  async configure(init: SessionInit): Promise<void> {
    if (this.configured === init) return;
    this.configured = init;
    await this.pool.each((api) => api.configure(init));
  }

  expandZip(zip: Blob, name: string): Promise<ZipListing> {
    return this.pool.run((api) => api.expandZip(zip, name));
  }

  thumbnail(input: InputRef): Promise<Blob | undefined> {
    return this.pool.run((api) => api.thumbnail(input));
  }

  review(input: InputRef): Promise<InstanceReview> {
    return this.pool.run((api) => api.review(input));
  }

  /**
   * The de-identified output of one input under `plan`, exactly as export writes it (same key,
   * profile and engine call), for the viewer's preview. configure() first.
   */
  preview(input: InputRef, plan: RedactionPlan): Promise<PreviewResult> {
    return this.pool.run((api) => api.preview(input, plan));
  }

  /** Loads inputs: summary, thumbnail and the outcome export would have, for each; BATCH files to a message. */
  async scan(inputs: readonly InputRef[], options: RunOptions<ScanResult> & { thumbnails?: boolean; plan?: () => RedactionPlan }): Promise<void> {
    const batches: { first: number; inputs: InputRef[] }[] = [];
    for (let i = 0; i < inputs.length; i += BATCH) batches.push({ first: i, inputs: inputs.slice(i, i + BATCH) });
    await this.each<{ first: number; inputs: InputRef[] }, { first: number; results: ScanResult[] }>(batches, {
      signal: options.signal,
      onResult: (_, { first, results }) => results.forEach((r, k) => options.onResult(first + k, r)),
    }, async (api, batch) => ({ first: batch.first, results: await api.scan(batch.inputs, options.thumbnails ?? false, options.plan?.()) }));
  }

  /** Whether a series is a head volume, from the light headers its files' load handed over (no file is read). */
  headCheck(series: { path: string; header: LightHeaderBytes }[]): Promise<HeadCheck> {
    return this.pool.run((api) => api.headCheck(series));
  }

  /** Re-checks inputs against the configured session (after the profile changed). */
  check(inputs: readonly InputRef[], options: RunOptions<CheckResult>): Promise<void> {
    return this.each(inputs, options, (api, input) => api.check(input));
  }

  private async each<I, R>(
    inputs: readonly I[],
    options: RunOptions<R>,
    task: (api: Parameters<Parameters<WorkerPool['run']>[0]>[0], input: I) => Promise<R>,
  ): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < inputs.length) {
        if (options.signal?.aborted) throw new CancelledError();
        const i = next++;
        recordStage('page.call-worker', 0);
        const result = await this.pool.run((api) => task(api, inputs[i]));
        if (options.signal?.aborted) throw new CancelledError();
        options.onResult(i, result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(inputs.length, this.pool.size * 2) }, lane));
  }

  /**
   * De-identifies every input in the workers and streams the zip (DESIGN.md layout, report at the
   * root) into `target`. Inputs are written in the order given, like the CLI.
   */
  async exportZip(
    inputs: readonly InputRef[],
    init: SessionInit,
    options: {
      target: ExportTarget;
      signal?: AbortSignal;
      onProgress?: (p: ExportProgress) => void;
      /** What `Detect text` found: outputs it covers are read again with OCR before they go in. */
      ocr?: OcrFindingsInit;
      /** The head series' defacing, for the reports' per-series list (files by index in `inputs`). */
      defacing?: DefaceSeriesFacts[];
    },
  ): Promise<ExportResult> {
    const { worker: writerWorker, dead: writerDead } = this.spareWriter ?? startZipWriter();
    this.spareWriter = undefined;
    const writer = Comlink.wrap<ZipWriterApi>(writerWorker);
    const guard = <T>(p: Promise<T>): Promise<T> => Promise.race([p, writerDead]);
    if (stageTimesEnabled()) void writer.stageTimes(true);

    let done = 0;
    const waiters: (() => void)[] = [];
    const wake = () => waiters.splice(0).forEach((w) => w());
    const onProgress = (p: ExportProgress) => {
      done = p.done;
      wake();
      options.onProgress?.(p);
    };
    const abort = () => wake();
    options.signal?.addEventListener('abort', abort);
    // The after-redaction check reads outputs in an OCR worker of its own; the zip writer reaches
    // it through this page (a Blob of the output's pieces travels by reference).
    const reader = options.ocr ? startOutputReader(options.ocr.settings) : undefined;
    try {
      const profile = init.profile;
      const ocr = options.ocr ? { identifiers: options.ocr.identifiers, read: options.ocr.read, failed: options.ocr.failed, covered: options.ocr.covered } : undefined;
      await timedAsync('export.writer-begin', () => guard(writer.begin(
        { paths: inputs.map((i) => i.path), files: inputs.map((i) => i.file), key: init.key, meta: reportMeta(profile), ocr, ...(options.defacing?.length ? { defacing: options.defacing } : {}) },
        options.target,
        Comlink.proxy(onProgress),
        reader ? Comlink.proxy(reader.read) : undefined,
      )));
      await timedAsync('export.attach-workers', () => this.pool.each(async (api) => {
        const channel = new MessageChannel();
        await guard(writer.attach(Comlink.transfer(channel.port1, [channel.port1])));
        await api.beginExport(init, Comlink.transfer(channel.port2, [channel.port2]));
      }));

      // Never run ahead of the zip writer by more than a few batches per worker: memory stays bounded
      // (a batch in flight holds its files' new header bytes; pixels are ranges of the input files).
      const window = this.pool.size * 3 * BATCH;
      let next = 0;
      const lane = async () => {
        while (next < inputs.length) {
          if (options.signal?.aborted) throw new CancelledError();
          if (next - done >= window) {
            await new Promise<void>((resolve) => waiters.push(resolve));
            continue;
          }
          const first = next;
          next = Math.min(inputs.length, next + BATCH);
          const batch = inputs.slice(first, next);
          recordStage('page.call-worker', 0);
          await guard(this.pool.run((api) => api.exportFiles(first, batch)));
        }
      };
      await timedAsync('export.send-files', () => Promise.all(Array.from({ length: this.pool.size * 2 }, lane)));
      if (options.signal?.aborted) throw new CancelledError();
      const summary = await timedAsync('export.writer-finish', () => guard(writer.finish()));
      const snapshots = await timedAsync('export.end-workers', () => this.pool.each((api) => api.endExport()));
      let mapping: MappingLog | undefined;
      if (profile.pseudonyms.mode === 'pseudonymize') {
        mapping = new MappingLog();
        for (const s of snapshots) if (s) mapping.merge(s);
      }
      return { ...summary, mapping };
    } catch (e) {
      await Promise.race([writer.abort(), new Promise((r) => setTimeout(r, 500))]).catch(() => undefined);
      await this.pool.each((api) => api.endExport()).catch(() => undefined);
      throw e;
    } finally {
      await reader?.dispose();
      options.signal?.removeEventListener('abort', abort);
      if (stageTimesEnabled()) absorbStageTimes(await Promise.race([writer.stageTimes(false), new Promise<{}>((r) => setTimeout(() => r({}), 500))]));
      writer[Comlink.releaseProxy]();
      writerWorker.terminate();
    }
  }

  /**
   * Starts the next export's zip writer now, while nothing waits for it: a new worker fetches,
   * compiles and starts its module (about 100 ms of the click-to-zip time on a 2-core machine).
   * It holds nothing until an export begins; each export uses one writer and ends it.
   */
  prepareExport(): void {
    this.spareWriter ??= startZipWriter();
  }

  dispose(): void {
    this.spareWriter?.worker.terminate();
    this.spareWriter = undefined;
    this.pool.terminate();
  }
}
