import { describe, expect, it } from 'vitest';
import { KeyedHash, deriveSessionKey } from './keys.ts';
import { UidMapper } from './uid-map.ts';

describe('keyed mapping', () => {
  it('maps a UID to a valid 2.25 UID, the same every time, different under another key', () => {
    const a = new UidMapper(new KeyedHash(deriveSessionKey('correct horse')));
    const b = new UidMapper(new KeyedHash(deriveSessionKey('correct horse')));
    const c = new UidMapper(new KeyedHash(deriveSessionKey('battery staple')));
    const uid = '1.2.826.0.1.3680043.2.1125.1.123';
    expect(a.map(uid)).toMatch(/^2\.25\.[1-9]\d{0,38}$/);
    expect(a.map(uid).length).toBeLessThanOrEqual(64);
    expect(a.map(uid)).toBe(b.map(uid));
    expect(a.map(uid)).not.toBe(c.map(uid));
    expect(a.map(`${uid}\0`)).toBe(a.map(uid));
  });
  it('gives a random key per session without a passphrase', () => {
    expect(Buffer.from(deriveSessionKey()).equals(Buffer.from(deriveSessionKey()))).toBe(false);
  });
  it('draws integers in the requested range and codes from a readable alphabet', () => {
    const h = new KeyedHash(deriveSessionKey('x'));
    for (let i = 0; i < 200; i++) {
      const n = h.intInRange('d', String(i), -30, -1);
      expect(n).toBeGreaterThanOrEqual(-30);
      expect(n).toBeLessThanOrEqual(-1);
    }
    expect(h.code('p', 'id', 10)).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
  });
});
