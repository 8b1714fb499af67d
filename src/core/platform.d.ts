/**
 * The few platform globals core uses. Both hosts have them (browsers and Web Workers; Node 20+),
 * but neither the DOM nor the Node types are in core's compilation (src/core/tsconfig.json has
 * lib ES2023 and no types), so they are declared here — only what core calls, typed narrowly, so
 * reaching for anything else (a File, a Buffer, fs, the DOM) does not compile.
 *
 * The project-wide check (tsconfig.json) excludes this file: there the DOM and Node types declare
 * the same globals in full.
 */

/** WHATWG Encoding: UTF-8 out of strings (values, keyed hashes, archive names). */
interface TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare var TextEncoder: { new (): TextEncoder };

/** WHATWG Encoding: the character sets of PS3.5 (charset.ts) and Latin-1 byte views. */
interface TextDecoder {
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare var TextDecoder: { new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder };

/** Web Crypto: a random session key when no passphrase is given. */
interface Crypto {
  getRandomValues<T extends Uint8Array>(array: T): T;
}
declare var crypto: Crypto;

/** High-resolution time for the detection timings in the report. */
declare var performance: { now(): number };

/** The wasm codecs: a trap tells the codec cache to drop a poisoned module. */
declare namespace WebAssembly {
  class RuntimeError extends Error {}
}
