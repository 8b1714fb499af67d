/**
 * Loads the codec modules the decoders and encoders use, once per process or worker.
 *
 * The codecs are emscripten builds shipped in @cornerstonejs/codec-*. How to find their .wasm
 * files differs by host, so the host says, once, before the first frame is decoded:
 *   - Node (CLI, tests, benchmarks): `setCodecLoader(nodeCodecLoader)` from
 *     src/cli/codec-loader.ts, which resolves them in node_modules.
 *   - Browser worker: `setCodecLoader(browserCodecLoader)` from src/workers/codec-loader.ts, which
 *     lets Vite bundle the JavaScript and emit the .wasm as same-origin assets.
 * Core itself touches neither Node nor the DOM. Without a loader, decoding fails with a reason
 * (and the file is not written), never silently.
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

// --- Registry and cache ----------------------------------------------------------------------

let loader: CodecLoader | undefined;

/** Chooses how codecs are found (each host passes its own loader, see above). Clears the cache. */
export function setCodecLoader(next: CodecLoader | undefined): void {
  loader = next;
  wasmCache.clear();
}

function currentLoader(): CodecLoader {
  if (loader) return loader;
  throw new PixelDataError(
    'no codec loader: the host must call setCodecLoader first (src/cli/codec-loader.ts in Node, src/workers/codec-loader.ts in a browser worker)',
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
