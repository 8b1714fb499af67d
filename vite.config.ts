import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

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
  plugins: [react(), devCspRelax()],
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
