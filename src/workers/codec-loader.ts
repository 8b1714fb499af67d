/**
 * Codec loading in the browser (a Web Worker of the built app). A host adapter: core only knows
 * the CodecLoader interface (src/core/pixels/codecs/loader.ts), so it compiles without Vite. Vite-only syntax lives here and
 * nowhere else: `?url` imports make Vite emit each .wasm as a same-origin asset under dist/ (no
 * CDN, works from any sub-path), and the dynamic imports split each codec into its own chunk,
 * fetched the first time a frame needs it.
 *
 * Wire it once in the worker entry, before any decode:
 *
 *   import { setCodecLoader } from '../core/pixels/codecs/index.ts';
 *   import { browserCodecLoader } from './codec-loader.ts';
 *   setCodecLoader(browserCodecLoader);
 *
 * The Content-Security-Policy must allow 'wasm-unsafe-eval' in script-src (index.html does).
 */
import type { CodecLoader, EmscriptenFactory, WasmCodecName, WasmSource } from '../core/pixels/codecs/loader.ts';

const factoryOf = (mod: unknown): EmscriptenFactory => ((mod as { default?: unknown }).default ?? mod) as EmscriptenFactory;
const urlOf = (mod: { default: string }): string => mod.default;

async function source(name: WasmCodecName): Promise<WasmSource> {
  switch (name) {
    case 'libjpeg-turbo': {
      const [js, wasm] = await Promise.all([
        import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'),
        import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url'),
      ]);
      return { factory: factoryOf(js), wasmUrl: urlOf(wasm) };
    }
    case 'charls': {
      const [js, wasm] = await Promise.all([import('@cornerstonejs/codec-charls/decodewasmjs'), import('@cornerstonejs/codec-charls/decodewasm?url')]);
      return { factory: factoryOf(js), wasmUrl: urlOf(wasm) };
    }
    case 'charls-encoder': {
      const [js, wasm] = await Promise.all([import('@cornerstonejs/codec-charls/wasmjs'), import('@cornerstonejs/codec-charls/wasm?url')]);
      return { factory: factoryOf(js), wasmUrl: urlOf(wasm) };
    }
    case 'openjpeg': {
      const [js, wasm] = await Promise.all([import('@cornerstonejs/codec-openjpeg/wasmjs'), import('@cornerstonejs/codec-openjpeg/wasm?url')]);
      return { factory: factoryOf(js), wasmUrl: urlOf(wasm) };
    }
    case 'openjph': {
      const [js, wasm] = await Promise.all([import('@cornerstonejs/codec-openjph/wasmjs'), import('@cornerstonejs/codec-openjph/wasm?url')]);
      return { factory: factoryOf(js), wasmUrl: urlOf(wasm) };
    }
    case 'libjxl': {
      const [js, wasm] = await Promise.all([import('@cornerstonejs/codec-libjxl/decodewasmjs'), import('@cornerstonejs/codec-libjxl/decodewasm?url')]);
      return { factory: factoryOf(js), wasmUrl: urlOf(wasm) };
    }
    case 'libjxl-encoder': {
      const [js, wasm] = await Promise.all([import('@cornerstonejs/codec-libjxl/encodewasmjs'), import('@cornerstonejs/codec-libjxl/encodewasm?url')]);
      return { factory: factoryOf(js), wasmUrl: urlOf(wasm) };
    }
  }
}

export const browserCodecLoader: CodecLoader = { wasm: source };
