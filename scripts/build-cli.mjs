#!/usr/bin/env node
// Bundles the command-line front end (src/cli/main.ts) into dist-cli/veil.mjs.
// Runs on `npm install` (the "prepare" script) and on demand from bin/veil.mjs.
// Everything is bundled so the CLI runs with plain Node, no TypeScript loader. Code that only
// some runs need (the zip reader for .zip inputs, and whatever a feature loads with a dynamic
// import()) goes into chunks of its own under dist-cli/chunks/, loaded on first use: start-up
// parses only what every run needs (README, Benchmarks). Keep heavy, optional dependencies
// (OCR, codecs, registration, face detection) behind import() in src/cli for the same reason.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'src', 'cli', 'main.ts');
const outdir = path.join(root, 'dist-cli');
const outfile = path.join(outdir, 'veil.mjs');

if (!existsSync(entry)) {
  console.log(`build-cli: ${path.relative(root, entry)} does not exist yet; skipping the CLI bundle.`);
  process.exit(0);
}

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // e.g. `npm install --omit=dev`: no bundler available. Not fatal for install.
  console.warn('build-cli: esbuild is not installed; skipping the CLI bundle.');
  process.exit(0);
}

mkdirSync(path.dirname(outfile), { recursive: true });

let result;
try {
  result = await esbuild.build({
    write: false,
    absWorkingDir: root,
    entryPoints: { veil: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    // dist-cli/meta.json: which sources went into which file (tests/cli-bundle.test.ts checks that
    // the entry holds none of the optional heavy dependencies).
    metafile: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    // Bundled CommonJS dependencies may call require(); give ESM output one.
    banner: {
      js: "import { createRequire as __veilCreateRequire } from 'node:module'; const require = __veilCreateRequire(import.meta.url);",
    },
    define: { 'import.meta.env.MODE': '"production"', 'import.meta.env.DEV': 'false' },
    // --deface: elastix (itk-wasm's Node pipeline runner) and face-api/TensorFlow.js find their
    // WebAssembly next to their own modules and break when bundled ("run_pipeline_node_default is
    // not a function"): they are loaded from node_modules, only by a run that asks for --deface.
    external: ['@itk-wasm/elastix', 'itk-wasm', '@vladmandic/face-api', '@tensorflow/*'],
  });
} catch (err) {
  // esbuild has already printed the diagnostics.
  console.error(`build-cli: failed to bundle ${path.relative(root, entry)}`);
  process.exit(1);
}

// Write each output to a temporary name and rename it into place, so a `veil`
// process starting concurrently never imports a half-written bundle. Chunks first (their names
// carry a content hash, so an older veil.mjs keeps finding its own), the entry last.
const entryLast = [...result.outputFiles].sort((a, b) => Number(a.path === outfile) - Number(b.path === outfile));
for (const file of entryLast) {
  mkdirSync(path.dirname(file.path), { recursive: true });
  const tmp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(tmp, file.contents);
  renameSync(tmp, file.path);
}

writeFileSync(path.join(outdir, 'meta.json'), JSON.stringify(result.metafile));

// Chunks of earlier builds: removed once no veil started before this build can still need them
// (a run loads its chunks in its first seconds; an hour is far past that).
const chunksDir = path.join(outdir, 'chunks');
const current = new Set(result.outputFiles.map((f) => f.path));
for (const name of existsSync(chunksDir) ? readdirSync(chunksDir) : []) {
  const file = path.join(chunksDir, name);
  if (!current.has(file) && Date.now() - statSync(file).mtimeMs > 3600_000) rmSync(file, { force: true });
}

console.log(`build-cli: wrote ${path.relative(root, outfile)}`);
