/**
 * The CLI derives the session key with Node's native PBKDF2 (src/cli/session-key.ts) and the
 * keyed hash remembers its digests (core/header/keys.ts): both must give exactly what the
 * browser's JavaScript gives, or one passphrase would no longer mean the same pseudonyms in the
 * app, the CLI and every shard of a run.
 */
import { describe, expect, it } from 'vitest';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { KeyedHash, deriveSessionKey, setHmacSha256 } from '../src/core/header/keys.ts';
import { nodeSessionKey, useNodeHmac } from '../src/cli/session-key.ts';

describe('session key and keyed hash', () => {
  it('native PBKDF2 gives the key the JavaScript PBKDF2 gives', () => {
    for (const pass of ['one passphrase for every shard', 'Ünïcödé ✓']) {
      expect(Buffer.from(nodeSessionKey(pass)).equals(Buffer.from(deriveSessionKey(pass)))).toBe(true);
    }
    // No passphrase: a fresh random key each time.
    expect(Buffer.from(nodeSessionKey()).equals(Buffer.from(nodeSessionKey()))).toBe(false);
  }, 60_000);

  it('a remembered digest is the HMAC itself, every time, and a caller cannot change it for the next', () => {
    const key = new Uint8Array(32).fill(7);
    const h = new KeyedHash(key);
    const expected = hmac(sha256, key, new TextEncoder().encode('uid\u00001.2.3.4'));
    const first = h.digest('uid', '1.2.3.4');
    first.fill(0);
    expect(Buffer.from(h.digest('uid', '1.2.3.4')).equals(Buffer.from(expected))).toBe(true);
    expect(Buffer.from(h.digest('uid', '1.2.3.5')).equals(Buffer.from(expected))).toBe(false);
    // Past the memo's bound, digests stay right.
    for (let i = 0; i < 5000; i++) h.digest('uid', `2.25.${i}`);
    expect(Buffer.from(h.digest('uid', '1.2.3.4')).equals(Buffer.from(expected))).toBe(true);
  });

  it("Node's native HMAC (the CLI's) gives the digests @noble/hashes gives", () => {
    const key = deriveSessionKey();
    const values = ['1.2.840.113619.2.55.3.1', 'DOE^JANE', 'Ünïcödé', ''];
    const noble = values.map((v) => Buffer.from(new KeyedHash(key).digest('pseudonym', v)));
    useNodeHmac();
    try {
      const native = new KeyedHash(key);
      values.forEach((v, i) => expect(Buffer.from(native.digest('pseudonym', v)).equals(noble[i]), v).toBe(true));
      // A plain array of its own: changing it changes nothing the next caller gets.
      const d = native.digest('pseudonym', values[0]);
      expect(Buffer.isBuffer(d)).toBe(false);
      d.fill(1);
      expect(Buffer.from(native.digest('pseudonym', values[0])).equals(noble[0])).toBe(true);
    } finally {
      setHmacSha256((k, m) => hmac(sha256, k, m));
    }
  });
});
