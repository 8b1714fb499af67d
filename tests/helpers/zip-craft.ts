/**
 * Hand-made zips for the reader's tests: what ordinary writers refuse to make — two entries with
 * one name, headers that lie about sizes, entries that share their compressed bytes, zip bombs.
 * Every field is written from what the test says, so each hostile shape is exactly the one named.
 */
import { createDeflateRaw, deflateRawSync } from 'node:zlib';
import { crc32 } from '../../src/core/export/crc32.ts';

export interface CraftEntry {
  name: string;
  /** The bytes stored in the zip (already deflated for method 8). */
  data: Uint8Array;
  method: 0 | 8;
  crc: number;
  /** The uncompressed size the headers declare (may lie). */
  size: number;
  /** General purpose flags (1 = encrypted). */
  flags?: number;
  /** Point this record at an earlier entry's local header instead of writing one (overlap). */
  sameDataAs?: number;
}

/** A stored or deflated entry with true headers. */
export function entry(name: string, content: Uint8Array, method: 0 | 8 = 8): CraftEntry {
  return { name, data: method === 8 ? new Uint8Array(deflateRawSync(content)) : content, method, crc: crc32(content), size: content.length };
}

export function craftZip(entries: readonly CraftEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const out: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  const offsets: number[] = [];
  let at = 0;
  entries.forEach((e, i) => {
    const name = enc.encode(e.name);
    const offset = e.sameDataAs !== undefined ? offsets[e.sameDataAs] : at;
    offsets.push(offset);
    if (e.sameDataAs === undefined) {
      const local = new Uint8Array(30 + name.length);
      const v = new DataView(local.buffer);
      v.setUint32(0, 0x04034b50, true);
      v.setUint16(4, 20, true);
      v.setUint16(6, 0x0800 | (e.flags ?? 0), true);
      v.setUint16(8, e.method, true);
      v.setUint32(14, e.crc, true);
      v.setUint32(18, e.data.length, true);
      v.setUint32(22, e.size, true);
      v.setUint16(26, name.length, true);
      local.set(name, 30);
      out.push(local, e.data);
      at += local.length + e.data.length;
    }
    const c = new Uint8Array(46 + name.length);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, 0x0800 | (e.flags ?? 0), true);
    cv.setUint16(10, e.method, true);
    cv.setUint32(16, e.crc, true);
    cv.setUint32(20, e.data.length, true);
    cv.setUint32(24, e.size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    c.set(name, 46);
    central.push(c);
    void i;
  });
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, at, true);
  const all = [...out, ...central, end];
  const bytes = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let p = 0;
  for (const part of all) bytes.set(part, p), (p += part.length);
  return bytes;
}

/**
 * `mib` MiB of zeros, deflated (about 1,000 times smaller), streamed so the zeros never exist
 * whole. The CRC-32 is left at 0: a bomb is refused before any CRC could be checked.
 */
export async function deflatedZeros(mib: number): Promise<{ data: Uint8Array; crc: number; size: number }> {
  const d = createDeflateRaw({ level: 9, memLevel: 9 });
  const chunks: Buffer[] = [];
  d.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((r) => d.on('end', r));
  const zero = Buffer.alloc(1 << 20);
  for (let i = 0; i < mib; i++) {
    if (!d.write(zero)) await new Promise((r) => d.once('drain', r));
  }
  d.end();
  await ended;
  return { data: new Uint8Array(Buffer.concat(chunks)), crc: 0, size: mib * (1 << 20) };
}
