/**
 * Output sinks: where de-identified files and the report go. Platform-free (browser, worker,
 * Node); the Node file-system sinks live in node-sinks.ts.
 *
 * The zip sink streams: each file is turned into zip bytes as soon as it is added and handed to
 * the writer, so memory holds one file at a time rather than the whole study (the writer decides
 * what to do with the chunks: write them to disk in Node, collect them for a Blob in the browser).
 * Entries are STORED, not deflated: DICOM pixel data barely compresses and speed matters.
 *
 * It uses fflate's streaming `Zip` rather than JSZip: JSZip holds every file in memory until
 * `generate*` and then builds the archive, which for a few thousand CT slices means gigabytes in a
 * browser tab. The archives are ordinary zips (JSZip, unzip, Windows Explorer and macOS all read
 * them; entries carry a data descriptor). Neither library writes ZIP64, so an archive is limited
 * to 65,535 entries and 4 GiB; the sink refuses to go past either instead of writing a corrupt zip.
 */
import { Zip, ZipPassThrough } from 'fflate';
import { joinParts } from '../dicom/writer.ts';

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

export interface ZipSinkOptions {
  /** Modification time stored for every entry. Default 1980-01-01 00:00 (the DOS epoch), for reproducible archives. */
  mtime?: Date;
}

export const ZIP_MAX_ENTRIES = 0xffff;
export const ZIP_MAX_BYTES = 0xffffffff;

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

const utf8 = new TextEncoder();

export function createZipSink(write: ChunkWriter, options: ZipSinkOptions = {}): OutputSink {
  const mtime = options.mtime ?? new Date(1980, 0, 1, 0, 0, 0);
  const pending: Uint8Array[] = [];
  let failure: unknown;
  const zip = new Zip((err, chunk) => {
    if (err) failure ??= err;
    else if (chunk) pending.push(chunk);
  });
  const paths = new Set<string>();
  let state: 'open' | 'closed' | 'aborted' = 'open';
  /** Bytes the archive will have once the central directory is written (an upper bound for the checks). */
  let size = 22;
  // Writes are serialised: chunks go out in the order fflate produced them, whatever the callers await.
  let tail: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    tail = tail.then(async () => {
      while (pending.length > 0) {
        if (failure !== undefined) throw failure;
        const chunk = pending.shift() as Uint8Array;
        await write(chunk);
      }
      if (failure !== undefined) throw failure;
    });
    tail.catch((e: unknown) => {
      failure ??= e;
    });
    return tail;
  };

  return {
    async add(path, data) {
      if (state !== 'open') throw new Error(`zip sink is ${state}; cannot add ${path}`);
      if (failure !== undefined) throw failure;
      assertSafeRelativePath(path);
      if (paths.has(path)) throw new Error(`duplicate output path: ${path}`);
      const nameLength = utf8.encode(path).length;
      // local header + data + data descriptor + central directory entry
      const entrySize = 30 + nameLength + sizeOf(data) + 16 + 46 + nameLength;
      if (paths.size + 1 > ZIP_MAX_ENTRIES) throw new Error(`a zip without ZIP64 holds at most ${ZIP_MAX_ENTRIES} files; export to a folder instead`);
      if (size + entrySize > ZIP_MAX_BYTES) throw new Error('the zip would exceed 4 GiB (no ZIP64 support); export to a folder, or in smaller batches');
      paths.add(path);
      size += entrySize;
      const file = new ZipPassThrough(path);
      file.mtime = mtime;
      zip.add(file);
      const parts = partsOf(data);
      if (parts.length === 0) file.push(new Uint8Array(0), true);
      parts.forEach((p, i) => file.push(p, i === parts.length - 1));
      await flush();
    },
    async close() {
      if (state !== 'open') throw new Error(`zip sink is already ${state}`);
      state = 'closed';
      zip.end();
      await flush();
    },
    async abort() {
      if (state === 'open') {
        state = 'aborted';
        zip.terminate();
        pending.length = 0;
      }
      await tail.catch(() => undefined);
    },
  };
}

/** A zip sink that keeps the archive in memory: `chunks` for `new Blob(chunks)`, or `bytes()` joined. */
export interface MemoryZipSink extends OutputSink {
  readonly chunks: readonly Uint8Array[];
  /** The whole archive as one array (after close). */
  bytes(): Uint8Array;
}

export function createMemoryZipSink(options: ZipSinkOptions = {}): MemoryZipSink {
  const chunks: Uint8Array[] = [];
  const sink = createZipSink((chunk) => {
    chunks.push(chunk);
  }, options);
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
