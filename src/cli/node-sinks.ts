/**
 * The CLI's output sinks (a Node host adapter): a zip written straight to a file through the one
 * zip writer both hosts use (core/export/zip-writer.ts: ZIP64 past 4 GiB or 65,535 files), and a
 * plain folder. The platform-free sinks are in core/export/archive.ts.
 */
import { closeSync, createWriteStream, mkdirSync, openSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { assertSafeRelativePath, partsOf, sizeOf, type FileData, type OutputSink } from '../core/export/archive.ts';
import { ZipWriter } from '../core/export/zip-writer.ts';
import { crc32Native } from './crc32-native.ts';

export interface NodeSinkOptions {
  /** Replace an existing zip / existing files. Default false: an existing target is an error, never silently overwritten. */
  overwrite?: boolean;
}

/**
 * Writes a zip to `filePath` as files are added (constant memory), through the shared ZipWriter,
 * on a write stream. The CRC-32 is the caller's when it has one (a worker thread computed it),
 * else Node's native zlib.crc32 (README, Benchmarks).
 *
 * Each entry's pieces (local header, the file's parts) are queued corked and go to disk in one
 * `writev` on Node's thread pool, which needs the main thread neither between pieces nor to
 * finish: it runs while the main thread de-identifies the next file. `add` resolves when the
 * last of its pieces has been written — not merely queued — because pieces may be views of a
 * read buffer the caller reuses once `add` resolves (src/cli/read-file.ts, ReadBuffer).
 * (Waiting for 'drain' is not that: a write smaller than the stream's high-water mark returns
 * true while still in flight.)
 * On `abort()`, or if a write fails, the partial file is removed.
 */
export function createZipFileSink(filePath: string, options: NodeSinkOptions = {}): ZipFileSink {
  const stream = createWriteStream(filePath, { flags: options.overwrite ? 'w' : 'wx' });
  let streamError: Error | undefined;
  stream.on('error', (e) => {
    streamError ??= e;
  });
  /** Only a file this sink created may be removed again (never one that 'wx' refused to replace). */
  let created = false;
  const opened = new Promise<void>((res, rej) => {
    stream.once('open', () => {
      created = true;
      res();
    });
    stream.once('error', rej);
  });
  opened.catch(() => undefined);

  /** Settles when the latest queued piece (and so every piece before it: writes run in order) is written. */
  let written: Promise<void> = Promise.resolve();
  const write = async (chunk: Uint8Array): Promise<void> => {
    await opened;
    if (streamError) throw streamError;
    written = new Promise<void>((res, rej) => {
      stream.write(chunk, (e) => {
        if (!e) return res();
        streamError ??= e; // before 'error' is emitted: the caller's catch must see it
        rej(e);
      });
    });
    written.catch(() => undefined); // awaited by add/close; a failure also sets streamError
  };
  /** Queues one step's pieces corked (one writev on the thread pool), then waits until they are written. */
  const inOneWrite = async (step: () => Promise<void>): Promise<void> => {
    await opened;
    stream.cork();
    try {
      await step();
    } finally {
      stream.uncork();
    }
    await written;
  };
  const zip = new ZipWriter<never>(write);
  let state: 'open' | 'closed' | 'aborted' = 'open';
  const discard = async (): Promise<void> => {
    if (!stream.closed) {
      const closed = new Promise<void>((res) => stream.once('close', () => res()));
      stream.destroy();
      await closed;
    }
    if (created) await rm(filePath, { force: true });
  };

  return {
    async add(path, data, crc) {
      if (state !== 'open') throw new Error(`zip sink is ${state}; cannot add ${path}`);
      assertSafeRelativePath(path);
      const parts = partsOf(data);
      try {
        await inOneWrite(() => zip.add(path, crc ?? crc32Native(parts), sizeOf(data), parts));
      } catch (e) {
        if (streamError || (e as { partial?: boolean }).partial) await discard();
        throw e;
      }
    },
    async close() {
      if (state !== 'open') throw new Error(`zip sink is already ${state}`);
      state = 'closed';
      try {
        await inOneWrite(() => zip.close());
      } catch (e) {
        await discard();
        throw e;
      }
      // 'close' (not just 'finish'): the file descriptor is released when this resolves.
      await new Promise<void>((res, rej) => {
        stream.once('error', rej);
        stream.once('close', () => (streamError ? rej(streamError) : res()));
        stream.end();
      });
    },
    async abort() {
      if (state === 'open') state = 'aborted';
      await discard();
    },
  };
}

/** The zip sink also takes a CRC-32 computed elsewhere (ExportRun passes one when it has it). */
export interface ZipFileSink extends OutputSink {
  add(path: string, data: FileData, crc?: number): Promise<void>;
}

/** Writes each file under `root`, creating folders as needed (mkdir -p). */
export function createFolderSink(root: string, options: NodeSinkOptions = {}): OutputSink {
  const base = resolve(root);
  const made = new Set<string>();
  const paths = new Set<string>();
  let closed = false;
  return {
    async add(path, data) {
      if (closed) throw new Error(`folder sink is closed; cannot add ${path}`);
      assertSafeRelativePath(path);
      if (paths.has(path)) throw new Error(`duplicate output path: ${path}`);
      const target = join(base, ...path.split('/'));
      if (!target.startsWith(base + sep)) throw new Error(`unsafe output path: ${JSON.stringify(path)}`);
      paths.add(path);
      const dir = dirname(target);
      // Synchronous on purpose: a batch writes one file after another, and the thread-pool
      // round trip of the async API costs more than the write itself for half-megabyte files.
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      const fd = openSync(target, options.overwrite ? 'w' : 'wx');
      try {
        for (const part of partsOf(data)) {
          for (let at = 0; at < part.length; ) at += writeSync(fd, part, at, part.length - at);
        }
      } finally {
        closeSync(fd);
      }
    },
    async close() {
      closed = true;
    },
  };
}
