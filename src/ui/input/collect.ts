/**
 * Turns what the user dropped or picked into named inputs: files, whole folders (walked
 * recursively through directory entries) and zips (marked for unpacking in a worker). Names
 * follow the CLI: "folder/sub/file.dcm" inside a folder, the bare name for a single file, and
 * "archive.zip/inner/path" for zip entries. Within a folder, order is the CLI's sorted walk.
 */

export interface PickedInput {
  path: string;
  file: File;
}

/** The collator `localeCompare` uses (same locale, same options), made once instead of per call. */
const collator = new Intl.Collator();

/** Compares paths already split at "/", segment by segment: the order of a sorted recursive walk. */
function compareSegments(x: readonly string[], y: readonly string[]): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    // A file and a folder of the same level compare by name, as the walk sorts entries by name.
    return collator.compare(x[i], y[i]);
  }
  return x.length - y.length;
}

/** Compares "/"-separated paths segment by segment: the order of a sorted recursive walk. */
export function comparePaths(a: string, b: string): number {
  return compareSegments(a.split('/'), b.split('/'));
}

/** Sorts by path as comparePaths does, splitting each path once (10,000 picked files: 70 ms → a few). */
export function sortByPath<T extends { path: string }>(items: T[]): T[] {
  const keyed = items.map((item) => ({ item, segments: item.path.split('/') }));
  keyed.sort((a, b) => compareSegments(a.segments, b.segments));
  return keyed.map((k) => k.item);
}

export const isZipName = (name: string): boolean => /\.zip$/i.test(name);

/** From an <input type=file> (multiple or webkitdirectory). */
export function fromFileList(files: FileList | readonly File[]): PickedInput[] {
  return sortByPath(Array.from(files).map((file) => ({ path: file.webkitRelativePath || file.name, file })));
}

/** Minimal shape of the File and Directory Entries API, so this can be tested with fakes. */
export interface EntryLike {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
}
export interface FileEntryLike extends EntryLike {
  file(success: (file: File) => void, failure?: (err: unknown) => void): void;
}
export interface DirectoryEntryLike extends EntryLike {
  createReader(): { readEntries(success: (entries: EntryLike[]) => void, failure?: (err: unknown) => void): void };
}

export interface WalkResult {
  inputs: PickedInput[];
  /** Entries that could not be read (permission, vanished): listed, never silently dropped. */
  problems: { path: string; reason: string }[];
}

async function readAll(dir: DirectoryEntryLike): Promise<EntryLike[]> {
  const reader = dir.createReader();
  const all: EntryLike[] = [];
  // readEntries returns batches (100 at a time in Chromium) until an empty one.
  for (;;) {
    const batch = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/** Walks dropped entries; folders recursively, in sorted order. */
export async function fromEntries(entries: readonly EntryLike[]): Promise<WalkResult> {
  const result: WalkResult = { inputs: [], problems: [] };
  const visit = async (entry: EntryLike, prefix: string): Promise<void> => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isFile) {
      try {
        const file = await new Promise<File>((resolve, reject) => (entry as FileEntryLike).file(resolve, reject));
        result.inputs.push({ path, file });
      } catch (e) {
        result.problems.push({ path, reason: `could not be read: ${(e as Error)?.message ?? String(e)}` });
      }
      return;
    }
    if (entry.isDirectory) {
      let children: EntryLike[];
      try {
        children = await readAll(entry as DirectoryEntryLike);
      } catch (e) {
        result.problems.push({ path, reason: `folder could not be read: ${(e as Error)?.message ?? String(e)}` });
        return;
      }
      children.sort((a, b) => a.name.localeCompare(b.name));
      for (const child of children) await visit(child, path);
    }
  };
  for (const entry of entries) await visit(entry, '');
  return result;
}

/**
 * From a drop event. Entries must be taken synchronously, while the event is being dispatched;
 * the walk itself is asynchronous. Falls back to dataTransfer.files where entries are missing.
 */
export function fromDataTransfer(dt: DataTransfer): Promise<WalkResult> {
  const entries: EntryLike[] = [];
  const loose: File[] = [];
  const items = dt.items ? Array.from(dt.items) : [];
  for (const item of items) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry as unknown as EntryLike);
    else {
      const f = item.getAsFile();
      if (f) loose.push(f);
    }
  }
  if (items.length === 0) loose.push(...Array.from(dt.files));
  return fromEntries(entries).then((r) => ({ ...r, inputs: [...r.inputs, ...fromFileList(loose)] }));
}
