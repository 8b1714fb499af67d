/**
 * Serves the face check's detector from the app's own origin: face-api's SSD MobileNet v1 weights
 * (from @vladmandic/face-api/model) and TensorFlow.js's wasm backend binaries (from
 * @tensorflow/tfjs-backend-wasm, the version face-api.esm.js bundles) are copied into
 * dist/face-api/ at build time, and served from node_modules under /face-api/ in dev. Nothing is
 * fetched from a CDN at run time. The threaded wasm build is left out: it needs cross-origin
 * isolation, which a plain static host does not give, and tfjs then picks the SIMD build.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { staticAssetsPlugin, type StaticAssetFiles } from './vite-static-assets.ts';

const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

/** URL path under the app's base → file on disk. */
export function faceApiAssetFiles(): StaticAssetFiles {
  const files = new Map<string, string>();
  const model = join(packageDir('@vladmandic/face-api'), 'model');
  files.set('face-api/ssd_mobilenetv1_model-weights_manifest.json', join(model, 'ssd_mobilenetv1_model-weights_manifest.json'));
  files.set('face-api/ssd_mobilenetv1_model.bin', join(model, 'ssd_mobilenetv1_model.bin'));
  const wasm = join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist');
  for (const name of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) files.set(`face-api/${name}`, join(wasm, name));
  return files;
}

export function faceApiAssets(): Plugin {
  return staticAssetsPlugin('veil-face-api-assets', faceApiAssetFiles);
}
