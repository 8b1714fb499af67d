/**
 * Where `veil deidentify` may write, checked before the first input is read.
 *
 * - `--out` must not exist, or be an empty folder: a run never mixes its files with an earlier
 *   run's, never replaces them, and never fills a folder that holds something else. `--overwrite`
 *   lifts this (files of the same name are then replaced; other files are left alone).
 * - `--out`, `--report` and `--mapping` never point at or into an input, and no input lies
 *   inside `--out` (real paths, symbolic links resolved): Veil must not read what it writes, nor
 *   write over what it reads.
 * - The mapping re-identifies patients: it is never written inside `--out`, and an existing
 *   mapping (perhaps the only key to an earlier run) is not replaced without `--overwrite`.
 *
 * A violation is a usage error (exit code 2) with a message that says what to change.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, isAbsolute, sep } from 'node:path';

export interface OutputTargets {
  /** The inputs as given on the command line. */
  inputs: readonly string[];
  out: string;
  reportPath?: string;
  /** The mapping's path when this run writes one (pseudonymize mode), else undefined. */
  mappingPath?: string;
  overwrite?: boolean;
}

/** An error in what the user asked for: main.ts prints it with the usage text, exit code 2. */
export class OutputSafetyError extends Error {
  readonly usage = true;
}

/** Is `path` the same as `root` or inside it? Both absolute, real paths. */
export function isWithin(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * The real path of `path`, which need not exist: the nearest existing ancestor is resolved
 * (symbolic links followed) and the rest appended.
 */
export function realPathOf(path: string): string {
  let existing = resolve(path);
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(existing), ...rest.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return resolve(path);
      rest.push(basename(existing));
      existing = parent;
    }
  }
}

/** The mapping's default place: beside the output as `<out>-deid-mapping.csv`, never inside it. */
export function defaultMappingPath(out: string, mappingCsv: string): string {
  return `${out.replace(/\.zip$/i, '').replace(/[\\/]+$/, '')}-${mappingCsv}`;
}

const fail = (message: string): never => {
  throw new OutputSafetyError(message);
};

/**
 * Throws an OutputSafetyError when the run must not start; returns the real paths of every
 * target, for the input walk to skip (a symbolic link inside an input folder may lead there).
 */
export function checkOutputSafety(t: OutputTargets): string[] {
  const toZip = /\.zip$/i.test(t.out);
  const outInfo = statOrUndefined(t.out);
  if (outInfo) {
    if (toZip && outInfo.isDirectory()) fail(`--out ${t.out} is a folder; a .zip output must be a file name`);
    if (!toZip && !outInfo.isDirectory()) fail(`--out ${t.out} exists and is not a folder; give a new folder, an empty one, or a name ending in .zip`);
    if (toZip && !t.overwrite) fail(`--out ${t.out} already exists; choose a new name, or pass --overwrite to replace it`);
    if (!toZip && !t.overwrite) {
      const n = readdirSync(t.out).length;
      if (n > 0) fail(`--out ${t.out} is not empty (${n} entr${n === 1 ? 'y' : 'ies'}); choose a new or empty folder, or pass --overwrite to write into it (files of the same name are replaced)`);
    }
  }

  const targets: { flag: string; path: string; real: string }[] = [{ flag: '--out', path: t.out, real: realPathOf(t.out) }];
  for (const [flag, path] of [['--report', t.reportPath], ['--mapping', t.mappingPath]] as const) {
    if (path === undefined) continue;
    if (statOrUndefined(path)?.isDirectory()) fail(`${flag} ${path} is a folder; give a file name`);
    targets.push({ flag, path, real: realPathOf(path) });
  }

  const mapping = targets.find((x) => x.flag === '--mapping');
  if (mapping) {
    if (isWithin(mapping.real, targets[0].real)) {
      fail(`--mapping ${mapping.path} is inside --out ${t.out}; the mapping re-identifies patients and must be kept apart from the data`);
    }
    if (!t.overwrite && existsSync(mapping.path)) {
      fail(`the mapping ${mapping.path} already exists (it may be the only key to an earlier run); choose another --mapping, or pass --overwrite to replace it`);
    }
  }

  for (const input of t.inputs) {
    // An input that does not exist is reported as skipped later; it cannot overlap anything.
    if (!existsSync(input)) continue;
    const real = realPathOf(input);
    for (const x of targets) {
      if (isWithin(x.real, real)) {
        fail(x.real === real
          ? `${x.flag} ${x.path} is the input ${input}; Veil never writes over what it reads`
          : `${x.flag} ${x.path} is inside the input ${input}; Veil would read its own output: write it outside the inputs`);
      }
      if (isWithin(real, x.real)) fail(`the input ${input} is inside ${x.flag} ${x.path}; write the output somewhere that holds no input`);
    }
  }
  return targets.map((x) => x.real);
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
