/**
 * The one reader of input zips, for both hosts: the engine workers unpack a dropped zip with
 * `listZip` (a Blob), the CLI reads its input zips with `walkZip` + `readZipItem` over a file
 * (src/cli/zip-file-source.ts). It lives with the workers because it needs the Web Streams API,
 * which the DOM-free core does not assume; its limits are core's (core/export/zip-limits.ts).
 *
 * Built on zip.js (@zip.js/zip.js, BSD-3-Clause; see the README for why): it reads the central
 * directory, one record per entry — two entries with one name are two inputs, never one hiding
 * the other — handles ZIP64, tells encrypted entries apart, and inflates an entry as a stream
 * that stops at the size the entry declares. Around it, this module:
 *  - refuses what zip-limits.ts calls a zip bomb before inflating anything (declared size and
 *    ratio, overlapping entries), and counts again while inflating (InflateBudget);
 *  - opens zips inside zips (to `maxDepth`), naming their entries "outer.zip/inner.zip/file";
 *  - gives stored entries as byte ranges of their zip (the browser slices the dropped File: no
 *    copy), deflated ones as a stream of chunks.
 * It runs zip.js in the calling thread (no nested workers, no wasm): inflation is the native
 * DecompressionStream('deflate-raw') that Chromium and Node both have.
 */
import { Reader, ZipReader, configure, type Entry, type FileEntry } from '@zip.js/zip.js/lib/zip-core-custom.js';
import { InflateBudget, OVERLAP_PROBLEM, ZIP_LIMITS, ZipBombError, entryProblem, nestingProblem, overlappingEntries, type ZipLimits } from '../core/export/zip-limits.ts';

configure({ useWebWorkers: false, useCompressionStream: true });

/** Random access to a zip's bytes: a Blob in the browser, a file in the CLI, bytes in memory. */
export interface ZipSource {
  readonly size: number;
  /** `length` bytes from `start` (fewer only at the end of the source). */
  read(start: number, length: number): Promise<Uint8Array> | Uint8Array;
}

export const bytesSource = (bytes: Uint8Array): ZipSource => ({
  size: bytes.length,
  read: (start, length) => bytes.subarray(start, start + length),
});

/** One input found in a zip: refused with a reason, stored (a byte range of `source`), or deflated. */
export type ZipItem =
  | { kind: 'problem'; path: string; problem: string }
  | { kind: 'stored'; path: string; size: number; source: ZipSource; start: number; end: number }
  | { kind: 'deflated'; path: string; size: number; inflate(onChunk: (chunk: Uint8Array) => void | Promise<void>): Promise<void> };

export interface ZipWalk {
  /** False when the source is not a readable zip (`problem` says why). */
  ok: boolean;
  problem?: string;
  items: ZipItem[];
}

/** zip.js reads a ZipSource from `base` (nested stored zips are ranges of their parent). */
class SourceReader extends Reader<ZipSource> {
  constructor(
    private readonly source: ZipSource,
    private readonly base: number,
    size: number,
  ) {
    super(source);
    this.size = size;
  }

  override readUint8Array(index: number, length: number): Promise<Uint8Array> | Uint8Array {
    return this.source.read(this.base + index, Math.max(0, Math.min(length, this.size - index)));
  }
}

const LOCAL_HEADER = 0x04034b50;
const isZipName = (name: string): boolean => /\.zip$/i.test(name);

/** zip.js's wording for an entry that inflates past its declared size. */
const OVERSIZE = /invalid uncompressed size/i;

/**
 * Lists every entry of the zip in `source` (sorted by name, nested zips opened in place) without
 * reading any content but nested zips'. `name` prefixes every path.
 */
export async function walkZip(source: ZipSource, name: string, limits: ZipLimits = ZIP_LIMITS): Promise<ZipWalk> {
  return walk(source, 0, source.size, name, 0, limits);
}

async function walk(source: ZipSource, base: number, size: number, name: string, depth: number, limits: ZipLimits): Promise<ZipWalk> {
  let entries: Entry[];
  try {
    // Names are labels in the report, never output paths: no name is refused for its shape.
    entries = await new ZipReader(new SourceReader(source, base, size), { filenameValidation: 'tolerant' }).getEntries();
  } catch (e) {
    return { ok: false, problem: (e as Error).message, items: [] };
  }
  const files = entries.map((entry, index) => ({ entry, index })).filter(({ entry }) => !entry.directory && !entry.filename.endsWith('/'));
  const overlapping = overlappingEntries(files.map(({ entry }) => ({ offset: entry.offset, compressedSize: entry.compressedSize })));
  const counts = new Map<string, number>();
  for (const { entry } of files) counts.set(entry.filename, (counts.get(entry.filename) ?? 0) + 1);
  const order = files.map((f, i) => ({ ...f, overlaps: overlapping.has(i) }));
  order.sort((a, b) => a.entry.filename.localeCompare(b.entry.filename) || a.index - b.index);

  const items: ZipItem[] = [];
  for (const { entry, index, overlaps } of order) {
    // Two records with one name are two inputs: each is told apart by its place in the directory.
    const path = `${name}/${entry.filename}${(counts.get(entry.filename) ?? 0) > 1 ? ` [zip entry ${index + 1}]` : ''}`;
    const problem =
      (overlaps ? OVERLAP_PROBLEM : undefined) ??
      entryProblem(
        { encrypted: entry.encrypted, method: entry.compressionMethod, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize },
        limits,
      ) ??
      (isZipName(entry.filename) ? nestingProblem(depth + 1, limits) : undefined);
    if (problem) {
      items.push({ kind: 'problem', path, problem });
      continue;
    }
    const item = await itemOf(source, base, size, entry as FileEntry, path, limits);
    if (item.kind === 'problem' || !isZipName(entry.filename)) {
      items.push(item);
      continue;
    }
    items.push(...(await nested(item, depth + 1, limits)));
  }
  return { ok: true, items };
}

async function itemOf(source: ZipSource, base: number, zipSize: number, entry: FileEntry, path: string, limits: ZipLimits): Promise<ZipItem> {
  if (entry.compressionMethod === 0) {
    // Where the bytes start: after the local header, whose name and extra field lengths are its own.
    const header = await source.read(base + entry.offset, 30);
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    if (header.length < 30 || view.getUint32(0, true) !== LOCAL_HEADER) return { kind: 'problem', path, problem: 'damaged zip entry: no local header where the directory says' };
    const start = entry.offset + 30 + view.getUint16(26, true) + view.getUint16(28, true);
    if (start + entry.compressedSize > zipSize) return { kind: 'problem', path, problem: 'damaged zip entry: truncated' };
    return { kind: 'stored', path, size: entry.uncompressedSize, source, start: base + start, end: base + start + entry.compressedSize };
  }
  return {
    kind: 'deflated',
    path,
    size: entry.uncompressedSize,
    async inflate(onChunk) {
      const budget = new InflateBudget(entry.uncompressedSize, entry.compressedSize, limits);
      let refused: unknown;
      const sink = new WritableStream<Uint8Array>({
        async write(chunk) {
          try {
            budget.take(chunk.length);
          } catch (e) {
            refused = e;
            throw e;
          }
          await onChunk(chunk);
        },
      });
      try {
        await entry.getData(sink, { checkCrc32: true });
      } catch (e) {
        if (refused) throw refused;
        if (OVERSIZE.test((e as Error).message)) throw new ZipBombError(`zip bomb refused: the entry inflates to more than the ${entry.uncompressedSize} bytes its header declares`);
        throw new Error(`damaged zip entry: ${(e as Error).message}`);
      }
      budget.finish();
    },
  };
}

/** Opens a zip found inside a zip; one that is not a readable zip is refused with the reason. */
async function nested(item: Exclude<ZipItem, { kind: 'problem' }>, depth: number, limits: ZipLimits): Promise<ZipItem[]> {
  let inner: ZipWalk;
  try {
    if (item.kind === 'stored') {
      inner = await walk(item.source, item.start, item.end - item.start, item.path, depth, limits);
    } else {
      // A deflated zip has no byte ranges to read in place: it is inflated (within the limits) and
      // held while its entries are read.
      inner = await walk(bytesSource(await readZipItem(item)), 0, item.size, item.path, depth, limits);
    }
  } catch (e) {
    return [{ kind: 'problem', path: item.path, problem: (e as Error).message }];
  }
  if (!inner.ok) return [{ kind: 'problem', path: item.path, problem: `not a readable zip: ${inner.problem}` }];
  if (inner.items.length === 0) return [{ kind: 'problem', path: item.path, problem: 'the zip holds no files' }];
  return inner.items;
}

/** An item's content, whole (the CLI's engine reads one input at a time). Throws the item's problem. */
export async function readZipItem(item: ZipItem): Promise<Uint8Array> {
  if (item.kind === 'problem') throw new Error(item.problem);
  if (item.kind === 'stored') return item.source.read(item.start, item.end - item.start);
  // The declared size is within the limits and the budget never lets more in: one allocation.
  const out = new Uint8Array(item.size);
  let at = 0;
  await item.inflate((chunk) => {
    out.set(chunk, at);
    at += chunk.length;
  });
  return out;
}

// ------------------------------------------------------------------ the browser's listing

export interface ZipEntry {
  /** "archive.zip/inner/path", as the CLI names zip entries. */
  path: string;
  blob?: Blob;
  /** Why the entry could not be unpacked. */
  problem?: string;
}

export interface ZipListing {
  /** Always true now: a .zip that cannot be read is one entry with the reason. */
  ok: boolean;
  entries: ZipEntry[];
  problem?: string;
}

/** New bytes held in this worker before they are moved into the browser's blob store. */
const HEAP_LIMIT = 16 * 1024 * 1024;

const blobSource = (blob: Blob): ZipSource => ({
  size: blob.size,
  read: async (start, length) => new Uint8Array(await blob.slice(start, start + length).arrayBuffer()),
});

/**
 * Unpacks a dropped .zip without reading it whole: stored entries become Blob slices of the zip
 * (no copy at all), deflated ones are inflated one at a time into Blobs of their own.
 */
export async function listZip(zip: Blob, name: string, limits: ZipLimits = ZIP_LIMITS): Promise<ZipListing> {
  const root = blobSource(zip);
  const walked = await walkZip(root, name, limits);
  if (!walked.ok) return { ok: true, entries: [{ path: name, problem: `not a readable zip: ${walked.problem}` }] };
  const entries: ZipEntry[] = [];
  for (const item of walked.items) {
    if (item.kind === 'problem') {
      entries.push({ path: item.path, problem: item.problem });
    } else if (item.kind === 'stored') {
      const blob = item.source === root ? zip.slice(item.start, item.end) : new Blob([(await item.source.read(item.start, item.end - item.start)) as Uint8Array<ArrayBuffer>]);
      entries.push({ path: item.path, blob });
    } else {
      let parts: BlobPart[] = [];
      let heap = 0;
      try {
        await item.inflate((chunk) => {
          parts.push(chunk as Uint8Array<ArrayBuffer>);
          heap += chunk.length;
          if (heap >= HEAP_LIMIT) {
            parts = [new Blob(parts)];
            heap = 0;
          }
        });
        entries.push({ path: item.path, blob: new Blob(parts) });
      } catch (e) {
        entries.push({ path: item.path, problem: (e as Error).message });
      }
    }
  }
  return { ok: true, entries };
}
