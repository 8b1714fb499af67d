/**
 * The CLI's inputs: files, folders (walked recursively, in a stable order) and .zip archives
 * (each entry an input of its own, named "archive.zip/inner/path"). Bytes are read one input at
 * a time, so a large batch never sits in memory whole.
 */
import { readFileSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import JSZip from 'jszip';

export interface InputFile {
  /** The name the report uses: relative to the folder the user named, or inside the zip. */
  path: string;
  /** Set for plain files: a worker thread can read it itself instead of receiving the bytes. */
  diskPath?: string;
  read(): Promise<Uint8Array>;
}

export async function collectInputs(paths: readonly string[]): Promise<{ inputs: InputFile[]; problems: string[] }> {
  const inputs: InputFile[] = [];
  const problems: string[] = [];
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      problems.push(`${p}: no such file or folder`);
      continue;
    }
    if (info.isDirectory()) {
      for (const file of await walk(p)) inputs.push(...(await expand(file, join(basename(p), relative(p, file)))));
    } else {
      inputs.push(...(await expand(p, basename(p))));
    }
  }
  return { inputs, problems };
}

async function walk(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const files: string[] = [];
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await walk(full)));
    else if (e.isFile()) files.push(full);
  }
  return files;
}

async function expand(file: string, name: string): Promise<InputFile[]> {
  // A Buffer is a Uint8Array: no copy. Read synchronously: one file at a time is all a batch needs.
  if (!/\.zip$/i.test(file)) return [{ path: name, diskPath: file, read: async () => readFileSync(file) }];
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(await readFile(file));
  } catch (e) {
    // Not a readable zip: let the engine report it like any other non-DICOM file.
    return [{ path: name, read: async () => new Uint8Array(await readFile(file)) }];
  }
  return Object.values(zip.files)
    .filter((entry) => !entry.dir)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((entry) => ({ path: `${name}/${entry.name}`, read: () => readEntryCapped(entry, MAX_ZIP_ENTRY_BYTES) }));
}

/**
 * Largest zip entry read. A zip bomb's entry inflates a thousandfold; read whole, one entry
 * would take the process (and every other input of the run) down. Past this it is refused.
 */
export const MAX_ZIP_ENTRY_BYTES = 1024 * 1024 * 1024;

/** An entry's bytes, inflated as a stream that is stopped as soon as it passes `limit`. */
function readEntryCapped(entry: JSZip.JSZipObject, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let over = false;
    const stream = entry.nodeStream('nodebuffer') as NodeJS.ReadableStream & { destroy?: () => void };
    stream.on('data', (chunk: Buffer) => {
      if (over) return;
      total += chunk.length;
      if (total > limit) {
        over = true;
        chunks.length = 0;
        stream.pause();
        stream.destroy?.();
        reject(new Error(`the zip entry inflates to more than ${limit / (1024 * 1024)} MiB (the most Veil reads from one entry): refused as a likely zip bomb`));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (e: Error) => {
      if (!over) reject(e);
    });
    stream.on('end', () => {
      if (!over) resolve(new Uint8Array(Buffer.concat(chunks, total)));
    });
  });
}
