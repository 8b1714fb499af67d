/**
 * Serves the OCR engine from the app's own origin: tesseract.js's worker script, the
 * tesseract.js-core wasm builds and the English traineddata are copied from node_modules into
 * dist/tesseract/ at build time (and served from node_modules under /tesseract/ in dev). Nothing
 * is fetched from a CDN at run time. To update them, `npm update tesseract.js tesseract.js-core
 * @tesseract.js-data/eng` and rebuild.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { staticAssetsPlugin, type StaticAssetFiles } from './vite-static-assets.ts';

const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

/** URL path under the app's base → file on disk. */
function assets(): StaticAssetFiles {
  const files = new Map<string, string>();
  files.set('tesseract/worker.min.js', join(packageDir('tesseract.js'), 'dist', 'worker.min.js'));
  const core = packageDir('tesseract.js-core');
  // The LSTM-only builds are the ones the engine uses (OEM 1); tesseract.js picks SIMD or not.
  for (const name of readdirSync(core)) {
    if (/^tesseract-core(-simd|-relaxedsimd)?-lstm\.wasm\.js$/.test(name)) files.set(`tesseract/core/${name}`, join(core, name));
  }
  files.set('tesseract/lang/eng.traineddata.gz', join(packageDir('@tesseract.js-data/eng'), '4.0.0_best_int', 'eng.traineddata.gz'));
  return files;
}

export function tesseractAssets(): Plugin {
  return staticAssetsPlugin('veil-tesseract-assets', assets);
}
