/**
 * Replacement UIDs: 2.25.<decimal of a 128-bit keyed hash of the original> (PS3.5 B.2, UUID
 * derived). The same original gives the same replacement in every file, so references between
 * instances (Referenced SOP Instance UID, Frame of Reference, SR and presentation state
 * references) stay intact.
 */
import type { KeyedHash } from './keys.ts';

export class UidMapper {
  private readonly cache = new Map<string, string>();
  constructor(private readonly hash: KeyedHash) {}

  map(original: string): string {
    const uid = original.replace(/[\0 ]+$/, '').trim();
    if (!uid) return uid;
    let mapped = this.cache.get(uid);
    if (!mapped) {
      const d = this.hash.digest('uid', uid);
      // RFC 9562 version 8 (custom) UUID layout, so the 2.25 integer is a well-formed UUID.
      d[6] = (d[6] & 0x0f) | 0x80;
      d[8] = (d[8] & 0x3f) | 0x80;
      let n = 0n;
      for (let i = 0; i < 16; i++) n = (n << 8n) | BigInt(d[i]);
      mapped = `2.25.${n.toString()}`;
      this.cache.set(uid, mapped);
    }
    return mapped;
  }
}

/** What the header step needs of a mapper. */
export interface UidMapping {
  map(original: string): string;
}

/**
 * A mapper for one file that remembers which original UIDs it replaced: they are the file's
 * "original UID" identifiers, which must not be found anywhere in its output (a study UID
 * copied into a kept comment, say). Registry UIDs that the header step keeps never pass here.
 */
export function recordingMapper(mapper: UidMapping): { mapper: UidMapping; originals: Set<string> } {
  const originals = new Set<string>();
  return {
    originals,
    mapper: {
      map(original: string): string {
        const mapped = mapper.map(original);
        const uid = original.replace(/[\0 ]+$/, '').trim();
        if (mapped !== uid) originals.add(uid);
        return mapped;
      },
    },
  };
}
