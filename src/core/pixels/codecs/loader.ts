/**
 * Loads the codec modules the decoders and encoders use, once per process or worker.
 *
 * The codecs are emscripten builds shipped in @cornerstonejs/codec-*. How to find their .wasm
 * files differs by host:
 *   - Node (CLI, tests): the default loader below resolves them in node_modules and hands the
 *     bytes over as `wasmBinary`. It reaches Node's built-ins through imports a bundler cannot
 *     see, so this file stays safe to bundle for the browser.
 *   - Browser worker: call `setCodecLoader(browserCodecLoader)` from ./browser.ts once, in the
 *     worker entry. That file lets Vite bundle the JavaScript and emit the .wasm as same-origin
 *     assets; nothing is fetched from another origin.
 */
import { PixelDataError } from './types.ts';

export type WasmCodecName = 'libjpeg-turbo' | 'charls' | 'charls-encoder' | 'openjpeg' | 'openjph' | 'libjxl' | 'libjxl-encoder';

/** Emscripten MODULARIZE factory: takes module overrides, resolves to the ready module. */
export type EmscriptenFactory = (moduleArg: Record<string, unknown>) => Promise<unknown>;

/** Where a wasm codec comes from: its factory, and either its wasm bytes or a URL to them. */
export interface WasmSource {
  factory: EmscriptenFactory;
  wasmBinary?: Uint8Array | ArrayBuffer;
  wasmUrl?: string;
}

export interface CodecLoader {
  wasm(name: WasmCodecName): Promise<WasmSource>;
}

/** Package entry points of every wasm codec: [module JavaScript, .wasm, is the JavaScript ESM]. */
export const CODEC_PACKAGES: Record<WasmCodecName, readonly [string, string, boolean]> = {
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

// --- Node ------------------------------------------------------------------------------------

type NodeRequire = ((id: string) => unknown) & { resolve(id: string): string };
interface NodeBits {
  require: NodeRequire;
  readFile(path: string): Uint8Array;
  fileUrl(path: string): string;
}
let nodeBits: Promise<NodeBits> | undefined;

/** Node built-ins, imported through a specifier no bundler resolves (the browser never runs this). */
function node(): Promise<NodeBits> {
  nodeBits ??= (async () => {
    const hidden = (s: string): string => s;
    const { createRequire } = (await import(/* @vite-ignore */ hidden('node:module'))) as typeof import('node:module');
    const { readFileSync } = (await import(/* @vite-ignore */ hidden('node:fs'))) as typeof import('node:fs');
    const { pathToFileURL } = (await import(/* @vite-ignore */ hidden('node:url'))) as typeof import('node:url');
    return {
      require: createRequire(import.meta.url) as unknown as NodeRequire,
      readFile: (p) => readFileSync(p),
      fileUrl: (p) => pathToFileURL(p).href,
    };
  })();
  return nodeBits;
}

const isNode = (): boolean => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

export const nodeCodecLoader: CodecLoader = {
  async wasm(name) {
    const { require, readFile, fileUrl } = await node();
    const [js, wasm, esm] = CODEC_PACKAGES[name];
    const jsPath = require.resolve(js);
    const mod = esm ? await import(/* @vite-ignore */ fileUrl(jsPath)) : require(jsPath);
    const factory = ((mod as { default?: unknown }).default ?? mod) as EmscriptenFactory;
    return { factory, wasmBinary: readFile(require.resolve(wasm)) };
  },
};

// --- Registry and cache ----------------------------------------------------------------------

let loader: CodecLoader | undefined;

/** Chooses how codecs are found (the browser worker passes browserCodecLoader). Clears the cache. */
export function setCodecLoader(next: CodecLoader | undefined): void {
  loader = next;
  wasmCache.clear();
}

function currentLoader(): CodecLoader {
  if (loader) return loader;
  if (isNode()) return nodeCodecLoader;
  throw new PixelDataError(
    'no codec loader: in a browser worker call setCodecLoader(browserCodecLoader) from src/core/pixels/codecs/browser.ts first',
  );
}

/** A ready emscripten module, and the messages it printed during the current call. */
export interface LoadedCodec {
  // The embind classes differ per codec; each codec file uses what it needs.
  module: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** What the library printed (openjpeg and OpenJPH report errors this way); cleared per call. */
  messages: string[];
}

const wasmCache = new Map<WasmCodecName, Promise<LoadedCodec>>();

/** The initialised module for a codec; instantiated on first use, then shared. */
export function loadCodec(name: WasmCodecName): Promise<LoadedCodec> {
  let p = wasmCache.get(name);
  if (!p) {
    p = (async () => {
      const source = await currentLoader().wasm(name);
      const messages: string[] = [];
      const keep = (text: unknown): void => {
        const line = String(text).trim();
        if (!line || /^\[INFO\]/.test(line)) return;
        messages.push(line);
        if (messages.length > 20) messages.shift();
      };
      const args: Record<string, unknown> = { print: keep, printErr: keep };
      if (source.wasmBinary) args.wasmBinary = source.wasmBinary;
      if (source.wasmUrl) {
        const url = source.wasmUrl;
        args.locateFile = (file: string) => (file.endsWith('.wasm') ? url : file);
      }
      const module = await source.factory(args);
      return { module, messages };
    })();
    wasmCache.set(name, p);
    // A failed load is not remembered: the next call tries again.
    p.catch(() => wasmCache.delete(name));
  }
  return p;
}

/**
 * After a wasm trap (abort, out of bounds, unreachable) a module's state is undefined: forget it,
 * so the next frame gets a fresh instance instead of a poisoned one.
 */
export function discardCodecAfter(name: WasmCodecName, error: unknown): void {
  const trap = typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError;
  if (trap || (error instanceof Error && /abort|Aborted|memory access out of bounds/i.test(error.message))) {
    wasmCache.delete(name);
  }
}
