/**
 * A zip writer for the browser export that never copies pixel data: each entry is STORED with a
 * CRC-32 computed beforehand (in the engine workers, in parallel), so its content can be given
 * as Blob slices of the ORIGINAL input file — the de-identified file's large values are byte for
 * byte the input's, only the few kilobytes of rewritten header are new bytes. The archive is a
 * list of pieces (new bytes and Blob slices) handed to `emit` in order: into a Blob made of
 * references, or into a file on disk (File System Access API).
 *
 * Entries carry sizes and CRC in their local headers (no data descriptors). ZIP64 records are
 * written when the archive passes 4 GiB or 65,535 entries, so multi-gigabyte studies fit.
 */

export type ZipPiece = Uint8Array | Blob;

// ------------------------------------------------------------------ CRC-32 (slicing by 8)

const CRC_TABLES: Uint32Array[] = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[0][n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 8; t++) tables[t][n] = (tables[t - 1][n] >>> 8) ^ tables[0][tables[t - 1][n] & 0xff];
  }
  return tables;
})();

/** Continues a CRC-32 over `data` (start with crc = 0). */
export function crc32(data: Uint8Array, crc = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC_TABLES;
  let c = ~crc >>> 0;
  let i = 0;
  const end8 = data.length - (data.length % 8);
  for (; i < end8; i += 8) {
    const a = (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)) ^ c;
    c =
      t7[a & 0xff] ^ t6[(a >>> 8) & 0xff] ^ t5[(a >>> 16) & 0xff] ^ t4[a >>> 24] ^
      t3[data[i + 4]] ^ t2[data[i + 5]] ^ t1[data[i + 6]] ^ t0[data[i + 7]];
  }
  for (; i < data.length; i++) c = t0[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export function crc32Parts(parts: readonly Uint8Array[]): number {
  let crc = 0;
  for (const p of parts) crc = crc32(p, crc);
  return crc;
}

// ------------------------------------------------------------------ writer

const U32 = 0xffffffff;
const U16 = 0xffff;
/** DOS date 1980-01-01, time 00:00: reproducible archives, as the CLI's. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const utf8 = new TextEncoder();

export interface ZipStreamOptions {
  /** Test hook: pretend 32-bit fields overflow at this value (default 0xFFFFFFFF). */
  zip64Threshold?: number;
}

export class ZipStream {
  private offset = 0;
  private readonly central: Uint8Array[] = [];
  private centralSize = 0;
  private count = 0;
  private readonly names = new Set<string>();
  private closed = false;
  private readonly limit: number;

  constructor(private readonly emit: (piece: ZipPiece) => void | Promise<void>, options: ZipStreamOptions = {}) {
    this.limit = options.zip64Threshold ?? U32;
  }

  /** Bytes emitted so far. */
  get size(): number {
    return this.offset;
  }

  /** Adds a STORED entry whose content is `pieces` (total `size` bytes, CRC-32 `crc`). */
  async add(name: string, crc: number, size: number, pieces: readonly ZipPiece[]): Promise<void> {
    if (this.closed) throw new Error(`zip is closed; cannot add ${name}`);
    if (this.names.has(name)) throw new Error(`duplicate output path: ${name}`);
    if (size >= U32) throw new Error(`${name} is 4 GiB or larger: too large for one zip entry`);
    this.names.add(name);
    const nameBytes = utf8.encode(name);
    const local = new Uint8Array(30 + nameBytes.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, 0x0800, true); // UTF-8 names
    lv.setUint16(8, 0, true); // stored
    lv.setUint16(10, 0, true);
    lv.setUint16(12, DOS_DATE, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, size, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, nameBytes.length, true);
    local.set(nameBytes, 30);

    const headerAt = this.offset;
    const zip64 = headerAt >= this.limit;
    const central = new Uint8Array(46 + nameBytes.length + (zip64 ? 12 : 0));
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, (3 << 8) | (zip64 ? 45 : 20), true); // made by: Unix
    cv.setUint16(6, zip64 ? 45 : 20, true);
    cv.setUint16(8, 0x0800, true);
    cv.setUint16(10, 0, true);
    cv.setUint16(12, 0, true);
    cv.setUint16(14, DOS_DATE, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, size, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint16(30, zip64 ? 12 : 0, true);
    cv.setUint32(38, (0o100644 << 16) >>> 0, true); // regular file, rw-r--r--
    cv.setUint32(42, zip64 ? U32 : headerAt, true);
    central.set(nameBytes, 46);
    if (zip64) {
      const at = 46 + nameBytes.length;
      cv.setUint16(at, 0x0001, true);
      cv.setUint16(at + 2, 8, true);
      cv.setBigUint64(at + 4, BigInt(headerAt), true);
    }

    await this.emit(local);
    for (const p of pieces) await this.emit(p);
    this.offset += local.length + size;
    this.central.push(central);
    this.centralSize += central.length;
    this.count++;
  }

  async close(): Promise<void> {
    if (this.closed) throw new Error('zip is already closed');
    this.closed = true;
    const cdAt = this.offset;
    for (const c of this.central) await this.emit(c);
    this.offset += this.centralSize;
    const needs64 = this.count >= U16 || cdAt >= this.limit || this.centralSize >= this.limit;
    if (needs64) {
      const rec = new Uint8Array(56 + 20);
      const v = new DataView(rec.buffer);
      v.setUint32(0, 0x06064b50, true);
      v.setBigUint64(4, 44n, true);
      v.setUint16(12, (3 << 8) | 45, true);
      v.setUint16(14, 45, true);
      v.setBigUint64(24, BigInt(this.count), true);
      v.setBigUint64(32, BigInt(this.count), true);
      v.setBigUint64(40, BigInt(this.centralSize), true);
      v.setBigUint64(48, BigInt(cdAt), true);
      // Locator
      v.setUint32(56, 0x07064b50, true);
      v.setBigUint64(56 + 8, BigInt(this.offset), true);
      v.setUint32(56 + 16, 1, true);
      await this.emit(rec);
      this.offset += rec.length;
    }
    const end = new Uint8Array(22);
    const ev = new DataView(end.buffer);
    ev.setUint32(0, 0x06054b50, true);
    ev.setUint16(8, needs64 ? U16 : this.count, true);
    ev.setUint16(10, needs64 ? U16 : this.count, true);
    ev.setUint32(12, needs64 ? U32 : this.centralSize, true);
    ev.setUint32(16, needs64 ? U32 : cdAt, true);
    await this.emit(end);
    this.offset += end.length;
  }
}
