import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { tesseractAssets } from './scripts/vite-plugin-tesseract-assets.ts';
import { faceApiAssets } from './scripts/vite-plugin-face-api-assets.ts';
import { elastixAssets } from './scripts/vite-plugin-elastix-assets.ts';

/**
 * The Content-Security-Policy lives in index.html and is shipped unchanged in
 * the build. The dev server alone needs two relaxations: React Fast Refresh
 * injects an inline module preamble, and Vite's HMR client talks over a
 * websocket. Neither exists in `dist/`.
 */
function devCspRelax(): Plugin {
  return {
    name: 'veil:dev-csp-relax',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace(
        /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")/,
        (_m, pre: string, policy: string, post: string) =>
          pre +
          policy
            .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
            .replace("connect-src 'self'", "connect-src 'self' ws: wss:") +
          post,
      );
    },
  };
}

// Veil is hosted as plain static files under any sub-path, so every asset URL
// in the build is relative (base './'). Nothing is fetched from other origins.
export default defineConfig({
  base: './',
  resolve: {
    alias: {
      // vtk.js (inside cornerstone) imports xmlbuilder2, which extends Node's EventEmitter.
      events: fileURLToPath(new URL('./src/ui/viewer/shims/events.ts', import.meta.url)),
    },
  },
  // Dev server only. The DICOM image loader finds its decode worker and codec .wasm files with
  // `new URL(…, import.meta.url)`; pre-bundling it would break those URLs, so it is served as
  // is — and the CommonJS modules it imports are pre-bundled for it instead.
  optimizeDeps: {
    exclude: ['@cornerstonejs/dicom-image-loader'],
    include: [
      'dicom-parser',
      'pako',
      '@cornerstonejs/codec-charls/decodewasmjs',
      '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
      '@cornerstonejs/codec-libjxl/decodewasmjs',
      '@cornerstonejs/codec-openjpeg/decodewasmjs',
      '@cornerstonejs/codec-openjph/wasmjs',
    ],
  },
  plugins: [
    react(),
    devCspRelax(),
    // tesseract.js worker, wasm cores and English data from node_modules into dist/tesseract/.
    tesseractAssets(),
    // The face check's detector: face-api's SSD model and tfjs's wasm backend into dist/face-api/.
    faceApiAssets(),
    // elastix (defacing registration) wasm pipelines from node_modules into dist/elastix/.
    elastixAssets(),
    // Offline after the first visit: the service worker precaches what every visit uses — the
    // page, its script and styles, the engine and zip-writer workers — and caches everything
    // else (the viewer, codecs, the OCR engine and its language data) the first time it is
    // used, from the app's own origin only. A first visit downloads about 2 MB instead of 26 MB
    // (three tesseract cores, of which a browser uses one, the viewer, every codec), and what
    // was used once works offline after. Registered by src/main.tsx with a relative URL, so it
    // works under any sub-path; no manifest, no icons, nothing external.
    VitePWA({
      injectRegister: false,
      registerType: 'autoUpdate',
      manifest: false,
      workbox: {
        globPatterns: ['index.html', 'assets/index-*.{js,css}', 'assets/engine.worker-*.js', 'assets/zip-writer.worker-*.js'],
        runtimeCaching: [
          {
            // Hashed build assets never change under one name: the cache answers first.
            urlPattern: ({ sameOrigin, url }) => sameOrigin && /\/assets\//.test(url.pathname),
            handler: 'CacheFirst',
            options: { cacheName: 'veil-assets', expiration: { maxEntries: 200, purgeOnQuotaError: true } },
          },
          {
            // OCR engine and language data keep their package names across versions: served
            // from the cache (offline too), refreshed in the background when online.
            urlPattern: ({ sameOrigin, url }) => sameOrigin && /\/tesseract\//.test(url.pathname),
            handler: 'StaleWhileRevalidate',
            options: { cacheName: 'veil-ocr', expiration: { maxEntries: 20, purgeOnQuotaError: true } },
          },
          {
            // Defacing: elastix's pipelines (.js, .wasm.zst) and the face detector's model and
            // tfjs wasm, cached the first time a series is defaced (same origin only).
            urlPattern: ({ sameOrigin, url }) => sameOrigin && /\/(elastix|face-api)\//.test(url.pathname),
            handler: 'StaleWhileRevalidate',
            options: { cacheName: 'veil-deface', expiration: { maxEntries: 40, purgeOnQuotaError: true } },
          },
        ],
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Keep wasm / language data as separate same-origin files, never inlined.
    assetsInlineLimit: 0,
  },
  worker: {
    format: 'es',
  },
  server: {
    port: 5173,
  },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    strictPort: true,
  },
});
