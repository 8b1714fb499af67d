/**
 * The CLI's output sinks (a Node host adapter): a zip written straight to a file through the one
 * zip writer both hosts use (core/export/zip-writer.ts: ZIP64 past 4 GiB or 65,535 files), and a
 * plain folder. The platform-free sinks are in core/export/archive.ts.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
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
 * Writes a zip to `filePath` as files are added (constant memory): the shared ZipWriter's pieces
 * go out with synchronous writes on one file descriptor, the way the folder sink writes. (A
 * write stream with back-pressure waited on the thread pool for every 16 KiB and spent a quarter
 * of a 400-slice run idle.) The CRC-32 is the caller's when it has one (a worker thread computed
 * it), else Node's native zlib.crc32 (README, Benchmarks). On `abort()`, or if a write fails,
 * the partial file is removed.
 */
export function createZipFileSink(filePath: string, options: NodeSinkOptions = {}): ZipFileSink {
  /** Opened on the first write, so an existing file refused by 'wx' fails that add (and nothing else). */
  let fd: number | undefined;
  /** Only a file this sink created may be removed again (never one that 'wx' refused to replace). */
  let created = false;
  const emit = (piece: Uint8Array): void => {
    if (fd === undefined) {
      fd = openSync(filePath, options.overwrite ? 'w' : 'wx');
      created = true;
    }
    for (let at = 0; at < piece.length; ) at += writeSync(fd, piece, at, piece.length - at);
  };
  const zip = new ZipWriter<never>(emit);
  let state: 'open' | 'closed' | 'aborted' = 'open';
  const release = (): void => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  const discard = async (): Promise<void> => {
    release();
    if (created) await rm(filePath, { force: true });
  };

  return {
    async add(path, data, crc) {
      if (state !== 'open') throw new Error(`zip sink is ${state}; cannot add ${path}`);
      assertSafeRelativePath(path);
      const parts = partsOf(data);
      try {
        await zip.add(path, crc ?? crc32Native(parts), sizeOf(data), parts);
      } catch (e) {
        // A write that failed half-way leaves a damaged archive: remove it.
        if ((e as { partial?: boolean }).partial) await discard();
        throw e;
      }
    },
    async close() {
      if (state !== 'open') throw new Error(`zip sink is already ${state}`);
      state = 'closed';
      try {
        await zip.close();
      } catch (e) {
        await discard();
        throw e;
      }
      release();
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
