/**
 * Output sinks: where de-identified files and the report go. Platform-free (browser, worker,
 * Node); the Node file-system sinks are a host adapter in src/cli/node-sinks.ts.
 *
 * The zip sink streams: each file becomes zip bytes as soon as it is added and goes to the
 * writer, so memory holds one file at a time rather than the whole study (the writer decides what
 * to do with the chunks: write them to disk in Node, collect them for a Blob in tests). It is the
 * same ZIP64 writer the browser export uses (zip-writer.ts): entries STORED (DICOM pixel data
 * barely compresses and speed matters), the archive past 4 GiB or 65,535 files when needed.
 */
import { joinParts } from '../dicom/writer.ts';
import { crc32Parts } from './crc32.ts';
import { ZipWriter } from './zip-writer.ts';

/** A file's content: one buffer, or parts written one after another (see writePart10Parts). */
export type FileData = Uint8Array | readonly Uint8Array[];

export const partsOf = (data: FileData): readonly Uint8Array[] => (data instanceof Uint8Array ? [data] : data);
export const sizeOf = (data: FileData): number => partsOf(data).reduce((n, p) => n + p.length, 0);

export interface OutputSink {
  /** Adds one file; `path` is relative, "/"-separated. Paths must be unique within one sink. */
  add(path: string, data: FileData): Promise<void>;
  /** Finishes the output (writes the zip's central directory, closes files). */
  close(): Promise<void>;
  /** Gives up: no further writes; Node sinks remove a partial zip. Optional. */
  abort?(reason?: unknown): Promise<void>;
}

/** Receives the archive's bytes in order. May return a promise to apply back-pressure. */
export type ChunkWriter = (chunk: Uint8Array) => void | Promise<void>;

/**
 * Rejects paths that could escape the output root or mean different things on different systems:
 * absolute paths, backslashes, drive letters, empty / "." / ".." segments, control characters.
 */
export function assertSafeRelativePath(path: string): void {
  // eslint-disable-next-line no-control-regex
  if (path.length === 0 || path.startsWith('/') || /[\\:\x00-\x1f]/.test(path)) throw new Error(`unsafe output path: ${JSON.stringify(path)}`);
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw new Error(`unsafe output path: ${JSON.stringify(path)}`);
  }
}

export function createZipSink(write: ChunkWriter): OutputSink {
  const zip = new ZipWriter<never>(write);
  let state: 'open' | 'closed' | 'aborted' = 'open';
  return {
    async add(path, data) {
      if (state !== 'open') throw new Error(`zip sink is ${state}; cannot add ${path}`);
      assertSafeRelativePath(path);
      const parts = partsOf(data);
      await zip.add(path, crc32Parts(parts), sizeOf(data), parts);
    },
    async close() {
      if (state !== 'open') throw new Error(`zip sink is already ${state}`);
      state = 'closed';
      await zip.close();
    },
    async abort() {
      if (state === 'open') state = 'aborted';
    },
  };
}

/** A zip sink that keeps the archive in memory: `chunks` for `new Blob(chunks)`, or `bytes()` joined. */
export interface MemoryZipSink extends OutputSink {
  readonly chunks: readonly Uint8Array[];
  /** The whole archive as one array (after close). */
  bytes(): Uint8Array;
}

export function createMemoryZipSink(): MemoryZipSink {
  const chunks: Uint8Array[] = [];
  const sink = createZipSink((chunk) => {
    chunks.push(chunk);
  });
  return {
    add: sink.add,
    close: sink.close,
    abort: sink.abort,
    chunks,
    bytes() {
      return joinParts(chunks);
    },
  };
}

/** Collects files in memory without zipping them (tests, small previews). */
export class MemorySink implements OutputSink {
  readonly files = new Map<string, Uint8Array>();
  closed = false;

  async add(path: string, data: FileData): Promise<void> {
    const parts = partsOf(data);
    const bytes = parts.length === 1 ? parts[0] : joinParts(parts);
    if (this.closed) throw new Error(`sink is closed; cannot add ${path}`);
    assertSafeRelativePath(path);
    if (this.files.has(path)) throw new Error(`duplicate output path: ${path}`);
    this.files.set(path, bytes);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
