/**
 * The CLI's inputs: files, folders (walked recursively, in a stable order) and .zip archives
 * (each entry an input of its own, named "archive.zip/inner/path", read through the reader the
 * browser uses too: src/workers/zip-input.ts). Bytes are read one input at a time, so a large
 * batch never sits in memory whole.
 */
import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { readZipItem, walkZip } from '../workers/zip-input.ts';
import { zipFileSource } from './zip-file-source.ts';

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
  // Only the central directory is read here; each entry is read (and inflated, within the zip
  // limits) when its turn comes. A .zip that is not a readable zip is reported with the reason.
  const walked = await walkZip(zipFileSource(file, (await stat(file)).size), name);
  if (!walked.ok) {
    const problem = `not a readable zip: ${walked.problem}`;
    return [{ path: name, read: async () => Promise.reject(new Error(problem)) }];
  }
  return walked.items.map((item) => ({ path: item.path, read: () => readZipItem(item) }));
}
