/**
 * Codec loading in Node (the CLI, its worker threads, tests and benchmarks): each wasm codec's
 * emscripten module and .wasm bytes are resolved in the installed @cornerstonejs/codec-*
 * packages, nothing fetched. A host adapter: core only knows the CodecLoader interface
 * (src/core/pixels/codecs/loader.ts). Call useNodeCodecs() once before the first decode.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { setCodecLoader, type CodecLoader, type EmscriptenFactory, type WasmCodecName } from '../core/pixels/codecs/loader.ts';

const require = createRequire(import.meta.url);

/** Package entry points of every wasm codec: [module JavaScript, .wasm, is the JavaScript ESM]. */
const CODEC_PACKAGES: Record<WasmCodecName, readonly [string, string, boolean]> = {
  'libjpeg-turbo': ['@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm', false],
  // CharLS decoding uses the decoder-only build: only it exports getExceptionMessage.
  charls: ['@cornerstonejs/codec-charls/decodewasmjs', '@cornerstonejs/codec-charls/decodewasm', false],
  'charls-encoder': ['@cornerstonejs/codec-charls/wasmjs', '@cornerstonejs/codec-charls/wasm', false],
  // OpenJPEG and OpenJPH: the full builds, decoder and lossless encoder in one module.
  openjpeg: ['@cornerstonejs/codec-openjpeg/wasmjs', '@cornerstonejs/codec-openjpeg/wasm', false],
  openjph: ['@cornerstonejs/codec-openjph/wasmjs', '@cornerstonejs/codec-openjph/wasm', false],
  libjxl: ['@cornerstonejs/codec-libjxl/decodewasmjs', '@cornerstonejs/codec-libjxl/decodewasm', true],
  'libjxl-encoder': ['@cornerstonejs/codec-libjxl/encodewasmjs', '@cornerstonejs/codec-libjxl/encodewasm', true],
};

export const nodeCodecLoader: CodecLoader = {
  async wasm(name) {
    const [js, wasm, esm] = CODEC_PACKAGES[name];
    const jsPath = require.resolve(js);
    const mod = esm ? await import(/* @vite-ignore */ pathToFileURL(jsPath).href) : require(jsPath);
    const factory = ((mod as { default?: unknown }).default ?? mod) as EmscriptenFactory;
    return { factory, wasmBinary: readFileSync(require.resolve(wasm)) };
  },
};

/** Decoders and encoders in this process (or worker thread) load their codecs from node_modules. */
export function useNodeCodecs(): void {
  setCodecLoader(nodeCodecLoader);
}
