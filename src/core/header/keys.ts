/**
 * The session secret and the keyed hashes derived from it. Every pseudonym, UID and date shift
 * is HMAC-SHA256(secret, domain + value), so the same input maps to the same output in every
 * file of a session — and, with a passphrase, in every later session — while nobody without
 * the secret can go back.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';

/**
 * A fixed salt: the passphrase alone must reproduce the key on any machine, in any session.
 * Exported with the rounds for hosts with a native PBKDF2 (the CLI: src/cli/session-key.ts).
 */
export const PASSPHRASE_SALT = 'veil/session-key/v1';
export const PBKDF2_ROUNDS = 100_000;

export function deriveSessionKey(passphrase?: string): Uint8Array {
  if (passphrase) return pbkdf2(sha256, passphrase, PASSPHRASE_SALT, { c: PBKDF2_ROUNDS, dkLen: 32 });
  return globalThis.crypto.getRandomValues(new Uint8Array(32));
}

const utf8 = new TextEncoder();

/** HMAC-SHA256(key, message): @noble/hashes here; a host with a native one may set it (setHmacSha256). */
export type HmacSha256 = (key: Uint8Array, message: Uint8Array) => Uint8Array;
let hmacSha256: HmacSha256 = (key, message) => hmac(sha256, key, message);

/**
 * A host with a native HMAC-SHA256 (the CLI: Node's crypto) plugs it in: the same digests, a
 * fraction of the time (each input's report reference alone is one HMAC). It must return a
 * plain Uint8Array that it does not reuse.
 */
export function setHmacSha256(fn: HmacSha256): void {
  hmacSha256 = fn;
}

/** Digests remembered per KeyedHash: a series repeats its patient, study and series in every file. */
const MEMO_LIMIT = 4096;

export class KeyedHash {
  private readonly memo = new Map<string, Uint8Array>();

  constructor(private readonly key: Uint8Array) {}

  digest(domain: string, value: string): Uint8Array {
    const message = `${domain}\u0000${value}`;
    const known = this.memo.get(message);
    // A copy: callers may not change what the next caller gets.
    if (known) return known.slice();
    const d = hmacSha256(this.key, utf8.encode(message));
    // HMAC in JavaScript is a large share of a file's time (a 400-slice series asks ~30 digests
    // per file, nearly all the same); bounded, so a long run's unique UIDs do not pile up.
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(message, d);
    return d.slice();
  }

  /** An integer in [min, max] (inclusive), uniform enough for date shifts. */
  intInRange(domain: string, value: string, min: number, max: number): number {
    const d = this.digest(domain, value);
    const n = ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
    return min + (n % (max - min + 1));
  }

  /** Upper-case base-32 code (Crockford alphabet, no I/L/O/U), `length` characters. */
  code(domain: string, value: string, length: number): string {
    const d = this.digest(domain, value);
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    let out = '';
    let bits = 0, acc = 0, i = 0;
    while (out.length < length) {
      if (bits < 5) {
        acc = (acc << 8) | d[i++ % d.length];
        bits += 8;
      }
      out += alphabet[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
    return out;
  }
}
