/**
 * The one zip writer, for both hosts: the browser export (pieces become Blob slices of the input
 * `File`s, or go straight to a file on disk) and the CLI (pieces are bytes streamed to a file).
 *
 * It never copies or compresses content. Each entry is STORED with its CRC-32 and size known
 * beforehand, so its content can be handed over as pieces the host resolves itself: new bytes
 * (`Uint8Array`), or host pieces that only need to say how long they are (`SizedPiece` — in the
 * browser, a Blob slice of the ORIGINAL input file: the de-identified file's large values are byte
 * for byte the input's, only the few kilobytes of rewritten header are new). The archive is a
 * sequence of pieces handed to `emit` in order, with back-pressure when `emit` returns a promise.
 *
 * Sizes and CRC sit in the local headers (no data descriptors), every entry is dated 1980-01-01
 * 00:00 (reproducible archives: the app and the CLI write the same bytes), and ZIP64 records are
 * written when the archive passes 4 GiB or 65,535 entries. One entry must stay under 4 GiB.
 */

/** Content the host supplies itself; the writer only needs its length (a Blob has `size`). */
export interface SizedPiece {
  readonly size: number;
}

export type ZipPiece<P extends SizedPiece = never> = Uint8Array | P;

const U32 = 0xffffffff;
const U16 = 0xffff;
/** DOS date 1980-01-01, time 00:00. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const utf8 = new TextEncoder();

export const pieceSize = (p: Uint8Array | SizedPiece): number => (p instanceof Uint8Array ? p.length : p.size);

export class ZipWriter<P extends SizedPiece = never> {
  private offset = 0;
  private readonly central: Uint8Array[] = [];
  private centralSize = 0;
  private count = 0;
  private readonly names = new Set<string>();
  private state: 'open' | 'closed' | 'broken' = 'open';
  private failure: unknown;
  /** add() and close() run one after another, whatever the callers await: pieces never interleave. */
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly emit: (piece: ZipPiece<P>) => void | Promise<void>) {}

  /** Bytes emitted so far. */
  get size(): number {
    return this.offset;
  }

  /** Entries added so far. */
  get entries(): number {
    return this.count;
  }

  /** Adds a STORED entry whose content is `pieces` (total `size` bytes, CRC-32 `crc`). */
  add(name: string, crc: number, size: number, pieces: readonly ZipPiece<P>[]): Promise<void> {
    return this.serial(() => this.write(name, crc, size, pieces));
  }

  /** Writes the central directory (and the ZIP64 records when needed). */
  close(): Promise<void> {
    return this.serial(() => this.finish());
  }

  private serial(step: () => Promise<void>): Promise<void> {
    const run = this.tail.then(async () => {
      if (this.state === 'broken') throw this.failure;
      try {
        await step();
      } catch (e) {
        // A piece that failed half-way leaves a damaged archive: nothing more may be added to it.
        if (this.state === 'open' && (e as { partial?: boolean }).partial) {
          this.state = 'broken';
          this.failure = e;
        }
        throw e;
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async out(piece: ZipPiece<P>): Promise<void> {
    try {
      await this.emit(piece);
    } catch (e) {
      throw Object.assign(e instanceof Error ? e : new Error(String(e)), { partial: true });
    }
  }

  private async write(name: string, crc: number, size: number, pieces: readonly ZipPiece<P>[]): Promise<void> {
    if (this.state !== 'open') throw new Error(`zip is ${this.state}; cannot add ${name}`);
    if (this.names.has(name)) throw new Error(`duplicate output path: ${name}`);
    if (size >= U32) throw new Error(`${name} is 4 GiB or larger: too large for one zip entry`);
    const given = pieces.reduce((n, p) => n + pieceSize(p), 0);
    // A size that disagrees with the pieces would write an archive no reader can follow.
    if (given !== size) throw new Error(`${name}: its pieces hold ${given} bytes, not the ${size} declared`);
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
    const zip64 = headerAt >= U32;
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
      // ZIP64 extended information: only the field set to 0xFFFFFFFF, the header offset.
      const at = 46 + nameBytes.length;
      cv.setUint16(at, 0x0001, true);
      cv.setUint16(at + 2, 8, true);
      cv.setBigUint64(at + 4, BigInt(headerAt), true);
    }

    await this.out(local);
    this.offset += local.length;
    for (const p of pieces) {
      await this.out(p);
      this.offset += pieceSize(p);
    }
    this.central.push(central);
    this.centralSize += central.length;
    this.count++;
  }

  private async finish(): Promise<void> {
    if (this.state !== 'open') throw new Error(`zip is already ${this.state}`);
    this.state = 'closed';
    const cdAt = this.offset;
    for (const c of this.central) {
      await this.out(c);
      this.offset += c.length;
    }
    this.central.length = 0;
    const needs64 = this.count >= U16 || cdAt >= U32 || this.centralSize >= U32;
    if (needs64) {
      const rec = new Uint8Array(56 + 20);
      const v = new DataView(rec.buffer);
      v.setUint32(0, 0x06064b50, true); // ZIP64 end of central directory record
      v.setBigUint64(4, 44n, true);
      v.setUint16(12, (3 << 8) | 45, true);
      v.setUint16(14, 45, true);
      v.setBigUint64(24, BigInt(this.count), true);
      v.setBigUint64(32, BigInt(this.count), true);
      v.setBigUint64(40, BigInt(this.centralSize), true);
      v.setBigUint64(48, BigInt(cdAt), true);
      v.setUint32(56, 0x07064b50, true); // its locator
      v.setBigUint64(56 + 8, BigInt(this.offset), true);
      v.setUint32(56 + 16, 1, true);
      await this.out(rec);
      this.offset += rec.length;
    }
    const end = new Uint8Array(22);
    const ev = new DataView(end.buffer);
    ev.setUint32(0, 0x06054b50, true);
    ev.setUint16(8, needs64 ? U16 : this.count, true);
    ev.setUint16(10, needs64 ? U16 : this.count, true);
    ev.setUint32(12, needs64 ? U32 : this.centralSize, true);
    ev.setUint32(16, needs64 ? U32 : cdAt, true);
    await this.out(end);
    this.offset += end.length;
  }
}
