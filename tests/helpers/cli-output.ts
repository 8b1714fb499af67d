/** What the CLI tests read back: the files a run wrote, and a run with its console output muted. */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `dir`, relative path ('/'-separated) → bytes; empty when `dir` does not exist. */
export function filesUnder(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(relative(dir, p).split('\\').join('/'), readFileSync(p));
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

/** Runs `f` with console.log and console.error silenced (the CLI's progress lines). */
export async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const [log, err] = [console.log, console.error];
  console.log = console.error = () => {};
  try {
    return await f();
  } finally {
    [console.log, console.error] = [log, err];
  }
}
