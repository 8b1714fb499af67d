/**
 * The CLI's inputs: files, folders (walked recursively, in a stable order) and .zip archives
 * (each entry an input of its own, named "archive.zip/inner/path", read through the reader the
 * browser uses too: src/workers/zip-input.ts). Bytes are read one input at a time, so a large
 * batch never sits in memory whole.
 *
 * Every path is looked at with stat (symbolic links followed) before anything opens it: a FIFO,
 * socket or device is never opened (opening a FIFO would hang the run), and it is listed —
 * like an unreadable entry, a broken link or a command-line path that does not exist — as an
 * input with a `skip` reason, so the report accounts for it. A folder reached a second time
 * (a symbolic link loop, or two links to one folder) is recognised by device and inode and not
 * walked again. Entries that lead into Veil's own output (through a link) are never read.
 */
import { accessSync, constants as fsConstants, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { lstat, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { zipFileSource } from './zip-file-source.ts';
import { readInputFile } from './read-file.ts';
import { isWithin } from './output-safety.ts';

export interface InputFile {
  /** The name the report uses: relative to the folder the user named, or inside the zip. */
  path: string;
  /** Set for plain files: a worker thread can read it itself instead of receiving the bytes. */
  diskPath?: string;
  /**
   * Set when the input is not read at all (a FIFO, a socket, unreadable, missing, a loop): the
   * report lists it as skipped with this reason.
   */
  skip?: string;
  read(): Promise<Uint8Array>;
}

export interface CollectOptions {
  /**
   * Real paths this run writes (output, report, mapping): anything at or under them is skipped,
   * never read (a symbolic link inside an input folder may lead there).
   */
  exclude?: readonly string[];
}

const skipped = (path: string, reason: string): InputFile => ({
  path,
  skip: reason,
  read: () => Promise.reject(new Error(reason)),
});

/** Why a path that stat could not follow is not read. */
async function statFailure(p: string, e: NodeJS.ErrnoException): Promise<string> {
  if (e.code === 'ENOENT') {
    const link = await lstat(p).then((l) => l.isSymbolicLink(), () => false);
    return link ? 'a broken symbolic link (its target does not exist): not read' : 'no such file or folder';
  }
  if (e.code === 'ELOOP') return 'a symbolic link loop: not followed';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'could not be read: permission denied';
  return `could not be read: ${e.code ?? e.message}`;
}

/** Why a path that is neither a file nor a folder is not read. */
function notAFile(info: Stats): string | undefined {
  if (info.isFIFO()) return 'a named pipe (FIFO), not a file: not read';
  if (info.isSocket()) return 'a socket, not a file: not read';
  if (info.isBlockDevice() || info.isCharacterDevice()) return 'a device, not a file: not read';
  if (!info.isFile() && !info.isDirectory()) return 'not a regular file: not read';
  return undefined;
}

export async function collectInputs(paths: readonly string[], options: CollectOptions = {}): Promise<{ inputs: InputFile[] }> {
  const inputs: InputFile[] = [];
  const exclude = options.exclude ?? [];
  // The targets that exist now, by device and inode: a walk that reaches one (through a link
  // somewhere above it) stops there without a path comparison per entry.
  const excludedIds = new Set<string>();
  for (const x of exclude) {
    const info = await stat(x).catch(() => undefined);
    if (info) excludedIds.add(`${info.dev}:${info.ino}`);
  }
  /** Folders already walked (device:inode) → the name they were walked under. */
  const walked = new Map<string, string>();

  // stat, readdir and access are synchronous: the run does nothing else meanwhile, and a
  // thread-pool round trip per call cost more than the call (35 ms of CPU for 400 files).
  const visit = async (full: string, name: string, ancestors: ReadonlySet<string>, viaLink: boolean): Promise<void> => {
    let info: Stats;
    try {
      info = statSync(full);
    } catch (e) {
      inputs.push(skipped(name, await statFailure(full, e as NodeJS.ErrnoException)));
      return;
    }
    const odd = notAFile(info);
    if (odd) {
      inputs.push(skipped(name, odd));
      return;
    }
    const id = `${info.dev}:${info.ino}`;
    // A link may lead anywhere, also to a file deep inside an output folder: compare real paths.
    const intoOutput =
      excludedIds.has(id) ||
      (viaLink && exclude.length > 0 && exclude.some((x) => isWithin(realOf(full), x)));
    if (intoOutput) {
      inputs.push(skipped(name, "Veil's own output of this run (--out, --report or --mapping): not read"));
      return;
    }
    if (info.isDirectory()) {
      if (ancestors.has(id)) {
        inputs.push(skipped(name, 'a symbolic link to a folder that contains it (a loop): not followed'));
        return;
      }
      const first = walked.get(id);
      if (first !== undefined) {
        inputs.push(skipped(name, `the same folder as ${first}, already read: not read twice`));
        return;
      }
      walked.set(id, name);
      let entries: Dirent[];
      try {
        entries = readdirSync(full, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        inputs.push(skipped(name, `a folder that could not be read: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code ?? (e as Error).message}`));
        return;
      }
      const inside = new Set(ancestors).add(id);
      // join, as before: "./x" named on the command line gives "x/…", "." gives "…".
      for (const entry of entries) await visit(join(full, entry.name), join(name, entry.name), inside, entry.isSymbolicLink());
      return;
    }
    try {
      accessSync(full, fsConstants.R_OK);
    } catch {
      inputs.push(skipped(name, 'could not be read: permission denied'));
      return;
    }
    inputs.push(...(await expand(full, name)));
  };

  // Command-line paths were checked against the output by real path before (output-safety.ts).
  // Inside a folder the user named, names are relative to its parent ("folder/sub/file").
  for (const p of paths) await visit(p, basename(p) || p, new Set(), false);
  return { inputs };
}

const realOf = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

async function expand(file: string, name: string): Promise<InputFile[]> {
  // Read synchronously: one file at a time is all a batch needs.
  if (!/\.zip$/i.test(file)) return [{ path: name, diskPath: file, read: async () => readInputFile(file) }];
  // Only the central directory is read here; each entry is read (and inflated, within the zip
  // limits) when its turn comes. A .zip that is not a readable zip is reported with the reason.
  // The zip reader (zip.js, a quarter of the CLI's code) loads only when a .zip is an input: a
  // run over plain files never pays for it at start-up (scripts/build-cli.mjs splits it out).
  const { readZipItem, walkZip } = await import('../workers/zip-input.ts');
  const walked = await walkZip(zipFileSource(file, (await stat(file)).size), name);
  if (!walked.ok) {
    const problem = `not a readable zip: ${walked.problem}`;
    return [{ path: name, read: async () => Promise.reject(new Error(problem)) }];
  }
  return walked.items.map((item) => ({ path: item.path, read: () => readZipItem(item) }));
}
