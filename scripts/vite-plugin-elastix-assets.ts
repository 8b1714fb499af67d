/**
 * Serves the elastix WebAssembly (@itk-wasm/elastix) from the app's own origin: its pipeline
 * modules are copied from node_modules into dist/elastix/ at build time (and served from
 * node_modules under /elastix/ in dev). By default itk-wasm fetches them from a CDN, which Veil's
 * rule that nothing leaves the machine forbids; src/workers/elastix-browser.ts points
 * setPipelinesBaseUrl here.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { staticAssetsPlugin, type StaticAssetFiles } from './vite-static-assets.ts';

const require = createRequire(import.meta.url);

/** Only the two pipelines the registrar calls. */
// itk-wasm's in-thread loader fetches `<pipeline>.wasm.zst` (zstd, decoded in the worker), never
// the plain .wasm: without the .zst the app's fallback page comes back and elastix cannot start.
const PIPELINES = /^(elastix|default-parameter-map)\.(js|wasm\.zst)$/;

function assets(): StaticAssetFiles {
  // The package's "exports" has no ./package.json (resolving it throws, and the build then writes
  // nothing); its Node entry sits in dist/, beside pipelines/.
  const dir = join(dirname(require.resolve('@itk-wasm/elastix')), 'pipelines');
  const files = new Map<string, string>();
  for (const name of readdirSync(dir)) if (PIPELINES.test(name)) files.set(`elastix/${name}`, join(dir, name));
  return files;
}

export function elastixAssets(): Plugin {
  return staticAssetsPlugin('veil-elastix-assets', assets);
}
