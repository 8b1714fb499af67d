/**
 * Runs the engine over many inputs on several threads (worker_threads), the CLI's counterpart
 * of the browser's worker pool. Every worker gets the same session key, profile and lookup, so
 * UIDs, pseudonyms and date shifts agree across threads exactly as within one. Results come
 * back to the main thread, which hands them to `onResult` in input order (deterministic output
 * names and report order), holding at most a small window of finished files in memory.
 */
import { getHeapStatistics } from 'node:v8';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createSession, deidentifyFileAsync, type PixelReviewOptions, type Session } from '../core/deidentify.ts';
import type { RedactionPlan } from '../core/pixels/plan.ts';
import { MappingLog, type MappingSnapshot } from '../core/export/mapping.ts';
import type { FileOutcome } from '../core/outcome.ts';
import type { Profile } from '../core/profile/profile.ts';
import type { Pseudonym } from '../core/header/pseudonyms.ts';
import type { InputFile } from './inputs.ts';
import type { DefaceInstruction } from '../core/deface/write-back.ts';
import { ReadBuffer, readInputFile } from './read-file.ts';
import { crc32Native } from './crc32-native.ts';

export interface SessionInit {
  profile: Profile;
  key: Uint8Array;
  lookup?: [string, Pseudonym][];
  /** Redaction plan (--boxes): the same for every thread. */
  plan?: RedactionPlan;
  /** --require-pixel-review: images whose pixels need review are not written. */
  pixelReview?: PixelReviewOptions;
}

/** A file to de-identify; `deface` carries its series' defacing (patches are copied, not transferred: a retried file needs them again). */
type ToWorker = { index: number; path: string; bytes?: Uint8Array; diskPath?: string; deface?: DefaceInstruction } | { done: true };
/**
 * Each file's mapping records travel with its outcome, so a worker that dies later (out of
 * memory on some other file) takes no record of the files it already finished with it.
 */
type FromWorker = { index: number; outcome: FileOutcome; mapping?: MappingSnapshot; crc?: number } | { mapping: MappingSnapshot | undefined };

export const sessionFrom = (init: SessionInit): Session =>
  createSession({ profile: init.profile, key: init.key, lookup: init.lookup ? new Map(init.lookup) : undefined, plan: init.plan, pixelReview: init.pixelReview });

/** Worker side: started with the same bundle, told apart by isMainThread. */
export function runWorkerIfChild(): boolean {
  if (isMainThread || !parentPort || (workerData as { role?: string })?.role !== 'veil-deidentify') return false;
  const port = parentPort;
  const { init, options } = workerData as { init: SessionInit; options: { crc: boolean } };
  const session = sessionFrom(init);
  // Messages are handled strictly one after another (a promise chain: redacting compressed
  // pixels is asynchronous), so "done" can never overtake a file still being processed.
  let queue = Promise.resolve();
  port.on('message', (msg: ToWorker) => {
    queue = queue.then(() => handle(msg));
  });
  const handle = async (msg: ToWorker): Promise<void> => {
    if ('done' in msg) {
      port.postMessage({ mapping: session.mapping?.snapshot() } satisfies FromWorker);
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = msg.bytes ?? readInputFile(msg.diskPath!);
    } catch (e) {
      port.postMessage({ index: msg.index, outcome: { status: 'failed', input: msg.path, reason: `could not be read from disk: ${(e as Error).message}`, warnings: [] } } satisfies FromWorker);
      return;
    }
    const fileMapping = session.mapping ? new MappingLog() : undefined;
    const outcome = await deidentifyFileAsync({ path: msg.path, bytes }, { ...session, mapping: fileMapping }, { deface: msg.deface });
    // Each distinct buffer once: parts may share the input's buffer.
    const transfer = outcome.status === 'written' ? [...new Set(outcome.parts.map((p) => p.buffer as ArrayBuffer))] : [];
    // The zip's CRC-32 of the output here, in parallel, not on the one thread that writes.
    const crc = outcome.status === 'written' && options.crc ? crc32Native(outcome.parts) : undefined;
    port.postMessage({ index: msg.index, outcome, mapping: fileMapping?.snapshot(), crc } satisfies FromWorker, transfer);
  };
  return true;
}

/** An input the walk decided not to open (FIFO, unreadable, missing…) is reported, never read. */
const skippedOutcome = (input: InputFile): FileOutcome | undefined =>
  input.skip === undefined ? undefined : { status: 'skipped', input: input.path, reason: input.skip, warnings: [] };

export interface ParallelOptions {
  threads: number;
  /** Inputs whose outcome is already decided (files of a declined head series): delivered as they are, never read. */
  decided?: ReadonlyMap<number, FileOutcome>;
  /** Per input index: the defacing of its series (--deface), handed to the engine with the file. */
  deface?: ReadonlyMap<number, DefaceInstruction>;
  /** This module's own file, to start workers from (the CLI bundle). */
  workerUrl: URL;
  /** Heap limit of each worker in MiB; default: the main thread's own limit. */
  workerHeapMb?: number;
  /** Workers compute each written file's CRC-32 (a zip output needs it) and pass it with the outcome. */
  crc?: boolean;
}

/** A finished input: its outcome (or why it could not be read) and, from a worker, its CRC-32. */
export type Finished = { outcome: FileOutcome | { readError: string }; crc?: number };

/**
 * Processes every input; `onResult` is awaited in input order, and must be done with the
 * outcome's bytes (written them, or copied what it keeps) when its promise settles: on one
 * thread the next file is read into the same buffer. Returns the workers' mapping
 * records (pseudonymize mode) for the caller to merge.
 */
export async function deidentifyAll(
  inputs: readonly InputFile[],
  init: SessionInit,
  options: ParallelOptions,
  onResult: (index: number, outcome: FileOutcome | { readError: string }, crc?: number) => Promise<void>,
): Promise<MappingSnapshot[]> {
  const decidedOutcome = (index: number): FileOutcome | undefined => skippedOutcome(inputs[index]) ?? options.decided?.get(index);
  if (options.threads <= 1) {
    const session = sessionFrom(init);
    // Files on disk are read one after another into one buffer: `onResult` has written each
    // file's outputs (views of its bytes) before it returns, so the next read may reuse it.
    const scratch = new ReadBuffer();
    for (let i = 0; i < inputs.length; i++) {
      const skip = decidedOutcome(i);
      if (skip) {
        await onResult(i, skip);
        continue;
      }
      let bytes: Uint8Array;
      try {
        const diskPath = inputs[i].diskPath;
        bytes = diskPath !== undefined ? readInputFile(diskPath, undefined, scratch) : await inputs[i].read();
      } catch (e) {
        await onResult(i, { readError: (e as Error).message });
        continue;
      }
      await onResult(i, await deidentifyFileAsync({ path: inputs[i].path, bytes }, session, { deface: options.deface?.get(i) }));
    }
    const m = session.mapping?.snapshot();
    return m ? [m] : [];
  }

  // A heap limit per worker turns a file that exhausts memory into that worker's death
  // (ERR_WORKER_OUT_OF_MEMORY), which is survivable, instead of the whole process's.
  const heapMb = options.workerHeapMb ?? Math.floor(getHeapStatistics().heap_size_limit / (1024 * 1024));
  const startWorker = () =>
    new Worker(options.workerUrl, { workerData: { role: 'veil-deidentify', init, options: { crc: options.crc ?? false } }, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
  const workers = Array.from({ length: options.threads }, startWorker);
  const finished = new Map<number, Finished>();
  let nextToSend = 0;
  let nextToDeliver = 0;
  let delivering = Promise.resolve();
  const window = options.threads * 3;

  return new Promise<MappingSnapshot[]>((resolve, reject) => {
    const mappings: MappingSnapshot[] = [];
    let closed = 0;
    let live = workers.length;
    /** Files a dead worker held beside another, to be tried again alone (each once). */
    const retry: number[] = [];
    const retried = new Set<number>();
    /** Workers holding a retried file: they get nothing else until it is answered. */
    const solo = new Set<Worker>();
    /** Files each worker has been given and not yet answered. */
    const inFlight = new Map<Worker, Set<number>>(workers.map((w) => [w, new Set<number>()]));
    let stopped = false;
    const fail = (e: unknown) => {
      stopped = true;
      for (const w of new Set([...workers, ...inFlight.keys()])) void w.terminate();
      reject(e);
    };
    /** Deaths since a worker last answered: workers that cannot even start are a setup fault, not a file's. */
    let deathsInARow = 0;

    const doneSent = new Set<Worker>();
    const idle: Worker[] = [];
    const sendDone = (w: Worker) => {
      if (!doneSent.has(w)) w.postMessage({ done: true } satisfies ToWorker);
      doneSent.add(w);
    };

    const deliver = () => {
      delivering = delivering.then(async () => {
        while (finished.has(nextToDeliver)) {
          const result = finished.get(nextToDeliver)!;
          finished.delete(nextToDeliver);
          await onResult(nextToDeliver, result.outcome, result.crc);
          nextToDeliver++;
          // Room in the window again: wake the workers that were waiting for it.
          while (idle.length && nextToSend - nextToDeliver < window) void feed(idle.shift()!);
        }
        if (nextToSend >= inputs.length) idle.splice(0).forEach(sendDone);
      }).catch(fail);
    };

    const feed = async (w: Worker): Promise<void> => {
      const mine = inFlight.get(w);
      if (!mine) return; // a worker that died
      if (retry.length || solo.has(w)) {
        // Files a dead worker held go one at a time to a worker with nothing else in hand, so
        // the file that kills a worker can be told from the one that was merely beside it.
        if (mine.size > 0) return; // called again when this worker answers
        solo.delete(w);
        const index = retry.shift();
        if (index !== undefined) {
          solo.add(w);
          return send(w, index);
        }
      }
      if (nextToSend >= inputs.length) return sendDone(w);
      // Keep memory bounded: never run ahead of in-order delivery by more than the window.
      if (nextToSend - nextToDeliver >= window) {
        idle.push(w);
        return;
      }
      return send(w, nextToSend++);
    };

    const send = async (w: Worker, index: number): Promise<void> => {
      const input = inputs[index];
      const skip = decidedOutcome(index);
      if (skip) {
        finished.set(index, { outcome: skip });
        deliver();
        return feed(w);
      }
      inFlight.get(w)?.add(index);
      if (input.diskPath) {
        w.postMessage({ index, path: input.path, diskPath: input.diskPath, deface: options.deface?.get(index) } satisfies ToWorker);
        return;
      }
      try {
        let bytes = await input.read();
        // Only a buffer the bytes own alone may be transferred (never a shared pool).
        if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) bytes = bytes.slice();
        w.postMessage({ index, path: input.path, bytes, deface: options.deface?.get(index) } satisfies ToWorker, [bytes.buffer as ArrayBuffer]);
      } catch (e) {
        inFlight.get(w)?.delete(index);
        finished.set(index, { outcome: { readError: (e as Error).message } });
        deliver();
        void feed(w);
      }
    };

    const closeOne = () => {
      if (++closed === live) void delivering.then(() => resolve(mappings), fail);
    };

    /**
     * A worker that died (out of memory, a crash in a codec) fails the files it held, with the
     * reason; a fresh worker takes over the rest of the queue. The run goes on.
     */
    const died = (w: Worker, why: string, outOfMemory = false) => {
      const held = inFlight.get(w);
      if (!held || stopped) return; // already handled (an error is followed by an exit)
      if (!outOfMemory && ++deathsInARow > options.threads + 2) return fail(new Error(`worker threads keep stopping before finishing any file: ${why}`));
      inFlight.delete(w);
      doneSent.delete(w);
      const i = idle.indexOf(w);
      if (i >= 0) idle.splice(i, 1);
      const alone = held.size === 1 || solo.has(w);
      solo.delete(w);
      for (const index of held) {
        if (!alone && !retried.has(index)) {
          retried.add(index);
          retry.push(index);
          continue;
        }
        finished.set(index, { outcome: {
          status: 'failed', input: inputs[index].path, warnings: [],
          reason: `not written: processing stopped on this file (${why}); it may need more memory than a worker may use`,
        } });
      }
      deliver();
      if (nextToSend < inputs.length || retry.length) {
        const fresh = startWorker();
        inFlight.set(fresh, new Set());
        attach(fresh);
      } else {
        live--;
        if (closed === live) void delivering.then(() => resolve(mappings), fail);
      }
    };

    const attach = (w: Worker) => {
      w.on('error', (e) => died(w, e.message, (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'));
      w.on('exit', (code) => {
        if (inFlight.has(w)) died(w, `the worker exited with code ${code}`);
      });
      w.on('message', (msg: FromWorker) => {
        deathsInARow = 0;
        if (!('index' in msg)) {
          if (msg.mapping) mappings.push(msg.mapping);
          inFlight.delete(w);
          void w.terminate();
          closeOne();
          return;
        }
        inFlight.get(w)?.delete(msg.index);
        if (msg.mapping) mappings.push(msg.mapping);
        finished.set(msg.index, { outcome: msg.outcome, crc: msg.crc });
        deliver();
        void feed(w);
      });
      // Two files in flight per worker hides the hand-over latency.
      void feed(w);
      void feed(w);
    };
    workers.forEach(attach);
  });
}
