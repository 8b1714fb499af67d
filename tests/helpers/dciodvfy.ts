/**
 * dciodvfy (David Clunie's dicom3tools, Debian package `dicom3tools`) as an independent judge of
 * whether an object is valid for its IOD. Veil's promise is "valid in, valid out": an output may
 * not have an error its input did not have. De-identification changes values (UIDs, dates,
 * names), so error lines are compared by kind and attribute, with values blanked out.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DCIODVFY = process.env.DCIODVFY ?? 'dciodvfy';

/**
 * One error line with its values blanked: "<...>" values (but not Element=<…>/Module=<…>, which
 * name the attribute), quoted values, and decimal numbers and UIDs (hex tags like 0x0010 stay;
 * "Type 1"/"Type 2" stay, they are the point of many messages).
 */
export function normalizeErrorLine(line: string): string {
  return line
    .replace(/(?<!Element=)(?<!Module=)<[^<>]*>/g, '<…>')
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\bType (\d)\b/g, 'Type_$1')
    .replace(/\b\d+(?:\.\d+)*\b/g, '#')
    .replace(/Type_(\d)/g, 'Type $1')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface Verdict {
  /** Normalised error lines, with how often each occurs. */
  errors: Map<string, number>;
  /** dciodvfy could not read the whole dataset, so its error list is incomplete. */
  unreadable: boolean;
}

export function dciodvfyFile(path: string): Verdict {
  const r = spawnSync(DCIODVFY, [path], { maxBuffer: 64 << 20 });
  // Without the tool every comparison would pass with nothing checked.
  if (r.error) throw new Error(`${DCIODVFY} could not be run (${r.error.message}): install the Debian package dicom3tools (.ci/run does)`);
  const text = Buffer.concat([r.stdout ?? Buffer.alloc(0), r.stderr ?? Buffer.alloc(0)]).toString('latin1');
  const errors = new Map<string, number>();
  let unreadable = false;
  for (const line of text.split('\n')) {
    if (!/\bError\b/.test(line)) continue;
    if (/Dicom dataset read failed|Tags out of order|Tag read failed/.test(line)) unreadable = true;
    const key = normalizeErrorLine(line);
    errors.set(key, (errors.get(key) ?? 0) + 1);
  }
  return { errors, unreadable };
}

export function dciodvfyBytes(bytes: Uint8Array): Verdict {
  const dir = mkdtempSync(join(tmpdir(), 'veil-dciodvfy-'));
  try {
    const p = join(dir, 'object.dcm');
    writeFileSync(p, bytes);
    return dciodvfyFile(p);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Error lines the output has more often than the input. */
export function newErrors(input: Verdict, output: Verdict): string[] {
  const out: string[] = [];
  for (const [line, n] of output.errors) {
    const before = input.errors.get(line) ?? 0;
    for (let i = before; i < n; i++) out.push(line);
  }
  return out;
}

export const errorCount = (v: Verdict): number => [...v.errors.values()].reduce((a, b) => a + b, 0);
