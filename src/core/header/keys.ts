/**
 * The session secret and the keyed hashes derived from it. Every pseudonym, UID and date shift
 * is HMAC-SHA256(secret, domain + value), so the same input maps to the same output in every
 * file of a session — and, with a passphrase, in every later session — while nobody without
 * the secret can go back.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';

/** A fixed salt: the passphrase alone must reproduce the key on any machine, in any session. */
const PASSPHRASE_SALT = 'veil/session-key/v1';
const PBKDF2_ROUNDS = 100_000;

export function deriveSessionKey(passphrase?: string): Uint8Array {
  if (passphrase) return pbkdf2(sha256, passphrase, PASSPHRASE_SALT, { c: PBKDF2_ROUNDS, dkLen: 32 });
  return globalThis.crypto.getRandomValues(new Uint8Array(32));
}

const utf8 = new TextEncoder();

export class KeyedHash {
  constructor(private readonly key: Uint8Array) {}

  digest(domain: string, value: string): Uint8Array {
    return hmac(sha256, this.key, utf8.encode(`${domain}\u0000${value}`));
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
