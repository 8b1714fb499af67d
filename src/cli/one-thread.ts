/**
 * The CLI on one thread (the default on a 2-core machine, README "The CLI against gdcmanon"): a
 * pipeline in which this thread de-identifies file N while Node's thread pool reads file N+1
 * and writes the outputs of file N-1, instead of reading, computing and writing one after
 * another with a core idle at each step.
 *
 * Files on disk are read into a few reused buffers (src/cli/read-file.ts, ReadBuffer), and the
 * outputs are views of them (the pixel data is never copied). The invariant that keeps outputs
 * intact: a buffer is read into again only after `onResult` has settled for the file last read
 * into it, and `onResult` settles only once that file's outputs have been written (the zip sink
 * resolves `add` after its write callback, src/cli/node-sinks.ts).
 */
import { deidentifyFileAsync, type Session } from '../core/deidentify.ts';
import type { DefaceInstruction } from '../core/deface/write-back.ts';
import type { FileOutcome } from '../core/outcome.ts';
import type { InputFile } from './inputs.ts';
import { ReadBuffer, readInputFileAsync } from './read-file.ts';

/** Buffers in turn: one file's outputs being written, one being de-identified, the next being read. */
const BUFFERS = 3;

type Read = { bytes: Uint8Array } | { readError: string } | { decided: FileOutcome };

/** Lets queued promise steps and finished I/O callbacks run (a write handed to the pool, a buffer released). */
const yieldToEventLoop = (): Promise<void> => new Promise((res) => setImmediate(res));

/**
 * Every input through `session`, `onResult` called in input order, each call after the previous
 * one settled. Throws what `onResult` threw (no later input is then read).
 */
export async function deidentifyInOrder(
  inputs: readonly InputFile[],
  session: Session,
  decided: (index: number) => FileOutcome | undefined,
  deface: ReadonlyMap<number, DefaceInstruction> | undefined,
  onResult: (index: number, outcome: FileOutcome | { readError: string }) => Promise<void>,
): Promise<void> {
  const pool = Array.from({ length: BUFFERS }, () => new ReadBuffer());
  /** Per buffer: settles (never rejects) when the file last read into it has been delivered. */
  const released: Promise<void>[] = pool.map(() => Promise.resolve());
  let delivered: Promise<void> = Promise.resolve();
  let failed = false;

  const start = (i: number): Promise<Read> => {
    const skip = decided(i);
    if (skip) return Promise.resolve({ decided: skip });
    const diskPath = inputs[i].diskPath;
    const slot = i % BUFFERS;
    const bytes = diskPath !== undefined
      ? released[slot].then(() => readInputFileAsync(diskPath, pool[slot]))
      : inputs[i].read(); // bytes of their own (a zip entry): no buffer to wait for
    return bytes.then((b) => ({ bytes: b }), (e: unknown) => ({ readError: (e as Error).message }));
  };

  let current = inputs.length > 0 ? start(0) : undefined;
  for (let i = 0; i < inputs.length && !failed; i++) {
    // Read ahead before waiting: its buffer is free once file i+1-BUFFERS has been written.
    const next = i + 1 < inputs.length ? start(i + 1) : undefined;
    const read = await current!;
    // The previous file's write goes out to the pool now, not after this file's computation.
    await yieldToEventLoop();
    const outcome = 'decided' in read ? read.decided
      : 'readError' in read ? read
      : await deidentifyFileAsync({ path: inputs[i].path, bytes: read.bytes }, session, { deface: deface?.get(i) });
    const index = i;
    delivered = delivered.then(() => onResult(index, outcome));
    released[i % BUFFERS] = delivered.catch(() => {
      failed = true;
    });
    current = next;
  }
  await delivered;
}
