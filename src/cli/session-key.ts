/**
 * The session key in Node: the same PBKDF2-SHA256 as core/header/keys.ts (same salt, same
 * rounds, same key), computed by Node's native crypto. The JavaScript PBKDF2 takes about a
 * second for its 100,000 rounds (six on a busy machine), and every shard of a run spread over
 * machines needs --passphrase: that second would be paid by every shard. Native: ~40 ms.
 * The keyed hashes themselves (HMAC-SHA256) go native too: useNodeHmac.
 */
import { createHmac, pbkdf2Sync } from 'node:crypto';
import { PASSPHRASE_SALT, PBKDF2_ROUNDS, deriveSessionKey, setHmacSha256 } from '../core/header/keys.ts';

export function nodeSessionKey(passphrase?: string): Uint8Array {
  if (!passphrase) return deriveSessionKey();
  return new Uint8Array(pbkdf2Sync(passphrase, PASSPHRASE_SALT, PBKDF2_ROUNDS, 32, 'sha256'));
}

/**
 * Every keyed hash in this process (or worker thread) uses Node's native HMAC-SHA256: the same
 * digests as @noble/hashes (tests/cli-session-key.test.ts), without JavaScript SHA-256 on the
 * path of every file. The copy makes a plain Uint8Array of the Buffer: KeyedHash copies digests
 * with slice(), which on a Buffer would share memory.
 */
export function useNodeHmac(): void {
  setHmacSha256((key, message) => new Uint8Array(createHmac('sha256', key).update(message).digest()));
}
