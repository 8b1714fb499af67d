/**
 * A Vite plugin that serves files from node_modules at the app's own origin: in dev from the
 * files on disk, in a build copied into dist/ under the same paths. The OCR engine, the face
 * check's detector and elastix each ship their wasm and data this way, so nothing is fetched from
 * a CDN at run time (Veil's rule that nothing leaves the machine).
 */
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

/** URL path under the app's base (no leading slash) → file on disk. */
export type StaticAssetFiles = Map<string, string>;

// `.wasm.zst`, `.gz` and `.bin` stay opaque bytes: they are decoded by the code that fetches them.
function contentType(path: string): string {
  if (path.endsWith('.js')) return 'text/javascript';
  if (path.endsWith('.json')) return 'application/json';
  if (path.endsWith('.wasm')) return 'application/wasm';
  return 'application/octet-stream';
}

/**
 * `files` is called when the dev server starts and when the bundle is written (not at import),
 * so that resolving the packages happens only when the plugin is used.
 */
export function staticAssetsPlugin(name: string, files: () => StaticAssetFiles): Plugin {
  return {
    name,
    configureServer(server) {
      const served = files();
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0].replace(/^\/+/, '');
        const file = served.get(path);
        if (!file) return next();
        res.setHeader('Content-Type', contentType(path));
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      for (const [fileName, file] of files()) this.emitFile({ type: 'asset', fileName, source: readFileSync(file) });
    },
  };
}
