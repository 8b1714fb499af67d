/**
 * Reads one input file from disk into one buffer (the engine takes one Uint8Array per file).
 *
 * `readFileSync` refuses files of 2 GiB and more, so larger files are read in chunks into one
 * buffer allocated up front — up to the largest buffer this Node can hold
 * (`buffer.constants.MAX_LENGTH`, 4 GiB on 64-bit). A larger file fails with that reason.
 *
 * The file is opened non-blocking and checked to be a regular file before a byte is read: a
 * path that became a FIFO after the folder walk looked at it can never hang the run.
 */
import { constants as bufferConstants } from 'node:buffer';
import { closeSync, constants as fsConstants, fstatSync, openSync, read, readFileSync, readSync } from 'node:fs';

/** Files below this size are read in one call (readFileSync's own limit is 2 GiB - 1). */
const ONE_READ_LIMIT = 1024 ** 3;
/** Chunk size for larger files: one readSync call may not pass 2 GiB. */
const CHUNK = 64 * 1024 ** 2;

const mib = (n: number): string => `${Math.ceil(n / 1024 ** 2)} MiB`;

/** The largest file `readInputFile` can hold in memory. */
export const MAX_INPUT_BYTES = bufferConstants.MAX_LENGTH;

/**
 * One buffer that successive files are read into, grown as needed. A fresh buffer per file costs
 * the kernel a page fault per 4 KiB of it and V8 a garbage collection every few files (external
 * memory): 21,800 page faults fell to 14,800 on the 400-slice series (README, Benchmarks).
 * Whoever reads into it must be done with the previous file's bytes first: its outputs, which
 * may be views of those bytes (the pixel data is never copied), must have been written.
 */
export class ReadBuffer {
  private bytes = Buffer.allocUnsafeSlow(0);

  /** `keepAtMost`: a buffer larger than this is given up as soon as a file a quarter its size comes. */
  constructor(private readonly keepAtMost = 256 * 1024 ** 2) {}

  /** A buffer of at least `size` bytes, this one when it is large enough. */
  take(size: number): Buffer {
    // After one huge file (a 2 GB multiframe) the run goes back to ordinary ones: let the huge
    // buffer go rather than hold it for the rest of the run.
    if (this.bytes.length > this.keepAtMost && size <= this.keepAtMost / 4) this.bytes = Buffer.allocUnsafeSlow(size);
    // Growing: at least double (a series of slowly growing files reallocates a few times only).
    else if (this.bytes.length < size) this.bytes = Buffer.allocUnsafeSlow(Math.max(size, Math.min(2 * this.bytes.length, this.keepAtMost)));
    return this.bytes;
  }
}

/** Opens `path` for reading and checks it may be read whole: a regular file, at most `maxBytes`. */
export function openInput(path: string, maxBytes: number): { fd: number; size: number } {
  const fd = openSync(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > maxBytes) {
      throw new Error(`the file is ${mib(info.size)}, more than the ${mib(maxBytes)} one buffer can hold; split it or de-identify it with another tool`);
    }
    return { fd, size: info.size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

const shorter = (at: number, size: number) => new Error(`the file became shorter while it was read (${at} of ${size} bytes)`);

/**
 * The file's bytes: a buffer of their own, or — given `into` — a view of that shared buffer,
 * valid until the next read into it.
 */
export function readInputFile(path: string, maxBytes: number = MAX_INPUT_BYTES, into?: ReadBuffer): Uint8Array {
  const { fd, size } = openInput(path, maxBytes);
  try {
    // A Buffer is a Uint8Array: no copy.
    if (size < ONE_READ_LIMIT && !into) return readFileSync(fd);
    const bytes = into ? into.take(size) : Buffer.allocUnsafeSlow(size);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, bytes, at, Math.min(CHUNK, size - at), at);
      if (n === 0) throw shorter(at, size);
      at += n;
    }
    return into ? bytes.subarray(0, size) : bytes;
  } finally {
    closeSync(fd);
  }
}

/**
 * As `readInputFile` into `into`, but the bytes are read on Node's thread pool while this thread
 * goes on (the CLI de-identifies one file while the next is read). Opening and checking the file
 * stay synchronous: each is a few microseconds, less than a thread-pool round trip.
 */
export async function readInputFileAsync(path: string, into: ReadBuffer, maxBytes: number = MAX_INPUT_BYTES): Promise<Uint8Array> {
  const { fd, size } = openInput(path, maxBytes);
  try {
    const bytes = into.take(size);
    let at = 0;
    while (at < size) {
      const n = await new Promise<number>((res, rej) => read(fd, bytes, at, Math.min(CHUNK, size - at), at, (e, count) => (e ? rej(e) : res(count))));
      if (n === 0) throw shorter(at, size);
      at += n;
    }
    return bytes.subarray(0, size);
  } finally {
    closeSync(fd);
  }
}
