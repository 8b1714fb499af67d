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
 *
 * Memory: only files up to `readAheadMax` are read ahead, into buffers that never grow past it.
 * A larger file (a 2 GB multiframe) is read into a buffer of its own once every earlier file has
 * been written, as without the pipeline: at most one such file is held at a time.
 */
import { deidentifyFileAsync, type Session } from '../core/deidentify.ts';
import type { DefaceInstruction } from '../core/deface/write-back.ts';
import type { FileOutcome } from '../core/outcome.ts';
import { statSync } from 'node:fs';
import type { InputFile } from './inputs.ts';
import { ReadBuffer, readInputFileAsync } from './read-file.ts';

/** Buffers in turn: one file's outputs being written, one being de-identified, the next being read. */
const BUFFERS = 3;
/** The largest file read ahead, and the most each of the reused buffers keeps. */
export const READ_AHEAD_MAX = 64 * 1024 ** 2;

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
  readAheadMax: number = READ_AHEAD_MAX,
): Promise<void> {
  const pool = Array.from({ length: BUFFERS }, () => new ReadBuffer(readAheadMax));
  /** Per buffer: settles (never rejects) when the file last read into it has been delivered. */
  const released: Promise<void>[] = pool.map(() => Promise.resolve());
  let delivered: Promise<void> = Promise.resolve();
  let failed = false;

  /** A file on disk small enough to be read ahead into one of the reused buffers. */
  const small = (i: number): boolean => {
    const diskPath = inputs[i].diskPath;
    if (diskPath === undefined) return false; // a zip entry: bytes of its own, size unknown here
    try {
      return statSync(diskPath).size <= readAheadMax;
    } catch {
      return true; // the read says why it cannot be read
    }
  };
  const start = (i: number, ahead: boolean): Promise<Read> => {
    const skip = decided(i);
    if (skip) return Promise.resolve({ decided: skip });
    const diskPath = inputs[i].diskPath;
    const slot = i % BUFFERS;
    const bytes = diskPath === undefined ? inputs[i].read()
      : ahead ? released[slot].then(() => readInputFileAsync(diskPath, pool[slot]))
      : readInputFileAsync(diskPath, new ReadBuffer()); // a buffer of its own, let go once written
    return bytes.then((b) => ({ bytes: b }), (e: unknown) => ({ readError: (e as Error).message }));
  };

  let current = inputs.length > 0 ? start(0, small(0)) : undefined;
  for (let i = 0; i < inputs.length && !failed; i++) {
    // Read ahead before waiting: its buffer is free once file i+1-BUFFERS has been written.
    const ahead = i + 1 < inputs.length && small(i + 1);
    let next = ahead ? start(i + 1, true) : undefined;
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
    // A large file or a zip entry: read once everything before it has been written.
    if (!ahead && i + 1 < inputs.length) next = delivered.then(() => start(index + 1, false));
    current = next;
  }
  await delivered;
}
