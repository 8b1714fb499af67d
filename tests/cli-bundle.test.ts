/**
 * The CLI's start-up (issue 13, part 4): every `veil` run parses the bundle's entry file, so the
 * entry must hold only what every run needs. The zip reader (zip.js, for .zip inputs) is a chunk
 * loaded on first use; OCR (tesseract.js), face detection (face-api, tfjs) and registration
 * (elastix) must never be bundled into the entry — they load from node_modules when a run asks.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/fixtures.ts';

interface Meta {
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, unknown>; imports: { path: string; kind: string }[] }>;
}

describe('CLI bundle', () => {
  it('keeps optional heavy dependencies out of the entry file that every run parses', () => {
    const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build-cli.mjs')], { encoding: 'utf8', timeout: 120_000 });
    expect(build.status, build.stderr).toBe(0);
    const meta = JSON.parse(readFileSync(join(repoRoot, 'dist-cli', 'meta.json'), 'utf8')) as Meta;
    const [entryName, entry] = Object.entries(meta.outputs).find(([name, o]) => o.entryPoint && name.endsWith('veil.mjs'))!;
    // What the entry parses at start-up: itself and the chunks it imports statically.
    const loaded = new Set<string>([entryName]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const name of [...loaded]) {
        for (const imp of meta.outputs[name].imports) {
          if (imp.kind === 'import-statement' && meta.outputs[imp.path] && !loaded.has(imp.path)) {
            loaded.add(imp.path);
            grew = true;
          }
        }
      }
    }
    const sources = [...loaded].flatMap((name) => Object.keys(meta.outputs[name].inputs));
    expect(sources.some((s) => s.includes('src/core/deidentify.ts'))).toBe(true);
    for (const heavy of ['@zip.js/zip.js', 'tesseract.js', '@tensorflow', '@vladmandic/face-api', '@itk-wasm', 'elastix']) {
      expect(sources.filter((s) => s.includes(heavy)), heavy).toEqual([]);
    }
    // The zip reader is there, as a chunk of its own that the entry imports on demand.
    expect(entry.imports.some((i) => i.kind === 'dynamic-import')).toBe(true);
  });
});
