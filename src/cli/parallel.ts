/**
 * Runs the engine over many inputs on several threads (worker_threads), the CLI's counterpart
 * of the browser's worker pool. Every worker gets the same session key, profile and lookup, so
 * UIDs, pseudonyms and date shifts agree across threads exactly as within one. Results come
 * back to the main thread, which hands them to `onResult` in input order (deterministic output
 * names and report order), holding at most a small window of finished files in memory.
 */
import { readFileSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createSession, deidentifyFileAsync, type PixelReviewOptions, type Session } from '../core/deidentify.ts';
import type { RedactionPlan } from '../core/pixels/plan.ts';
import type { MappingSnapshot } from '../core/export/mapping.ts';
import type { FileOutcome } from '../core/outcome.ts';
import type { Profile } from '../core/profile/profile.ts';
import type { Pseudonym } from '../core/header/pseudonyms.ts';
import type { InputFile } from './inputs.ts';

export interface SessionInit {
  profile: Profile;
  key: Uint8Array;
  lookup?: [string, Pseudonym][];
  /** Redaction plan (--boxes): the same for every thread. */
  plan?: RedactionPlan;
  /** --require-pixel-review: images whose pixels need review are not written. */
  pixelReview?: PixelReviewOptions;
}

type ToWorker = { index: number; path: string; bytes?: Uint8Array; diskPath?: string } | { done: true };
type FromWorker = { index: number; outcome: FileOutcome } | { mapping: MappingSnapshot | undefined };

export const sessionFrom = (init: SessionInit): Session =>
  createSession({ profile: init.profile, key: init.key, lookup: init.lookup ? new Map(init.lookup) : undefined, plan: init.plan, pixelReview: init.pixelReview });

/** Worker side: started with the same bundle, told apart by isMainThread. */
export function runWorkerIfChild(): boolean {
  if (isMainThread || !parentPort || (workerData as { role?: string })?.role !== 'veil-deidentify') return false;
  const port = parentPort;
  const session = sessionFrom((workerData as { init: SessionInit }).init);
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
      bytes = msg.bytes ?? readFileSync(msg.diskPath!);
    } catch (e) {
      port.postMessage({ index: msg.index, outcome: { status: 'failed', input: msg.path, reason: `could not be read from disk: ${(e as Error).message}`, warnings: [] } } satisfies FromWorker);
      return;
    }
    const outcome = await deidentifyFileAsync({ path: msg.path, bytes }, session);
    // Each distinct buffer once: parts may share the input's buffer.
    const transfer = outcome.status === 'written' ? [...new Set(outcome.parts.map((p) => p.buffer as ArrayBuffer))] : [];
    port.postMessage({ index: msg.index, outcome } satisfies FromWorker, transfer);
  };
  return true;
}

export interface ParallelOptions {
  threads: number;
  /** This module's own file, to start workers from (the CLI bundle). */
  workerUrl: URL;
}

/**
 * Processes every input; `onResult` is awaited in input order. Returns the workers' mapping
 * records (pseudonymize mode) for the caller to merge.
 */
export async function deidentifyAll(
  inputs: readonly InputFile[],
  init: SessionInit,
  options: ParallelOptions,
  onResult: (index: number, outcome: FileOutcome | { readError: string }) => Promise<void>,
): Promise<MappingSnapshot[]> {
  if (options.threads <= 1) {
    const session = sessionFrom(init);
    for (let i = 0; i < inputs.length; i++) {
      let bytes: Uint8Array;
      try {
        bytes = await inputs[i].read();
      } catch (e) {
        await onResult(i, { readError: (e as Error).message });
        continue;
      }
      await onResult(i, await deidentifyFileAsync({ path: inputs[i].path, bytes }, session));
    }
    const m = session.mapping?.snapshot();
    return m ? [m] : [];
  }

  const workers = Array.from({ length: options.threads }, () =>
    new Worker(options.workerUrl, { workerData: { role: 'veil-deidentify', init } }),
  );
  const finished = new Map<number, FileOutcome | { readError: string }>();
  let nextToSend = 0;
  let nextToDeliver = 0;
  let delivering = Promise.resolve();
  const window = options.threads * 3;

  return new Promise<MappingSnapshot[]>((resolve, reject) => {
    const mappings: MappingSnapshot[] = [];
    let closed = 0;
    const fail = (e: unknown) => {
      for (const w of workers) void w.terminate();
      reject(e);
    };

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
          await onResult(nextToDeliver, result);
          nextToDeliver++;
          // Room in the window again: wake the workers that were waiting for it.
          while (idle.length && nextToSend - nextToDeliver < window) void feed(idle.shift()!);
        }
        if (nextToSend >= inputs.length) idle.splice(0).forEach(sendDone);
      }).catch(fail);
    };

    const feed = async (w: Worker): Promise<void> => {
      if (nextToSend >= inputs.length) return sendDone(w);
      // Keep memory bounded: never run ahead of in-order delivery by more than the window.
      if (nextToSend - nextToDeliver >= window) {
        idle.push(w);
        return;
      }
      const index = nextToSend++;
      const input = inputs[index];
      if (input.diskPath) {
        w.postMessage({ index, path: input.path, diskPath: input.diskPath } satisfies ToWorker);
        return;
      }
      try {
        let bytes = await input.read();
        // Only a buffer the bytes own alone may be transferred (never a shared pool).
        if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) bytes = bytes.slice();
        w.postMessage({ index, path: input.path, bytes } satisfies ToWorker, [bytes.buffer as ArrayBuffer]);
      } catch (e) {
        finished.set(index, { readError: (e as Error).message });
        deliver();
        void feed(w);
      }
    };

    for (const w of workers) {
      w.on('error', fail);
      w.on('message', (msg: FromWorker) => {
        if ('mapping' in msg) {
          if (msg.mapping) mappings.push(msg.mapping);
          void w.terminate();
          if (++closed === workers.length) void delivering.then(() => resolve(mappings), fail);
          return;
        }
        finished.set(msg.index, msg.outcome);
        deliver();
        void feed(w);
      });
      // Two files in flight per worker hides the hand-over latency.
      void feed(w);
      void feed(w);
    }
  });
}
