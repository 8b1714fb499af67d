#!/usr/bin/env node
// `veil` command: runs the bundled CLI (dist-cli/veil.mjs), building it first
// if it is missing (e.g. a fresh clone where `prepare` has not run) or older
// than the sources it is built from (so a checkout never runs a stale CLI).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'dist-cli', 'veil.mjs');

/** Newest mtime of the TypeScript sources the CLI bundles (0 if there are none). */
function newestSourceMtime(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full));
    else if (/\.(ts|mts|js|mjs|json)$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function isStale() {
  if (!existsSync(bundle)) return true;
  const built = statSync(bundle).mtimeMs;
  return ['cli', 'core', 'workers'].some((d) => newestSourceMtime(path.join(root, 'src', d)) > built);
}

if (isStale()) {
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-cli.mjs')], {
    cwd: root,
    // Build chatter goes to stderr so stdout stays clean for the CLI's own output.
    stdio: ['ignore', 2, 2],
  });
  // Never fall back to an out-of-date bundle after a failed build: that would
  // silently run old code.
  if (result.status !== 0 || !existsSync(bundle)) {
    console.error('veil: could not build the CLI bundle (see above); run `npm run build:cli`.');
    process.exit(result.status || 1);
  }
}

await import(pathToFileURL(bundle).href);
