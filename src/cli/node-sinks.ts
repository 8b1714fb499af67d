/**
 * The CLI's output sinks (a Node host adapter): a zip written straight to a file through the one
 * zip writer both hosts use (core/export/zip-writer.ts: ZIP64 past 4 GiB or 65,535 files), and a
 * plain folder. The platform-free sinks are in core/export/archive.ts.
 */
import { createWriteStream } from 'node:fs';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { assertSafeRelativePath, createZipSink, partsOf, type OutputSink } from '../core/export/archive.ts';

export interface NodeSinkOptions {
  /** Replace an existing zip / existing files. Default false: an existing target is an error, never silently overwritten. */
  overwrite?: boolean;
}

/**
 * Streams a zip to `filePath` as files are added (constant memory). On `abort()`, or if a write
 * fails, the partial file is removed.
 */
export function createZipFileSink(filePath: string, options: NodeSinkOptions = {}): OutputSink {
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

  const write = async (chunk: Uint8Array): Promise<void> => {
    await opened;
    if (streamError) throw streamError;
    if (!stream.write(chunk)) {
      await new Promise<void>((res, rej) => {
        const onDrain = (): void => {
          stream.off('error', onError);
          res();
        };
        const onError = (e: Error): void => {
          stream.off('drain', onDrain);
          rej(e);
        };
        stream.once('drain', onDrain);
        stream.once('error', onError);
      });
    }
  };
  const zip = createZipSink(write);
  const discard = async (): Promise<void> => {
    if (!stream.closed) {
      const closed = new Promise<void>((res) => stream.once('close', () => res()));
      stream.destroy();
      await closed;
    }
    if (created) await rm(filePath, { force: true });
  };

  return {
    async add(path, data) {
      try {
        await zip.add(path, data);
      } catch (e) {
        if (streamError) await discard();
        throw e;
      }
    },
    async close() {
      try {
        await zip.close();
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
      await zip.abort?.();
      await discard();
    },
  };
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
