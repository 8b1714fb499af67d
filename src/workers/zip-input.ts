/**
 * Unpacks a dropped .zip in the browser without reading it whole: the central directory is read
 * from the end of the Blob, stored entries become Blob slices of the zip (no copy at all), and
 * deflated entries are inflated one at a time into Blobs of their own. ZIP64 archives are read.
 * Entries that cannot be unpacked (encrypted, an unknown compression method) come back with a
 * reason, so the report can say why they were not de-identified.
 */
import { inflateSync } from 'fflate';

export interface ZipEntry {
  /** "archive.zip/inner/path", as the CLI names zip entries. */
  path: string;
  blob?: Blob;
  /** Why the entry could not be unpacked. */
  problem?: string;
}

export interface ZipListing {
  /** False when the file is not a readable zip (it is then treated as an ordinary file). */
  ok: boolean;
  entries: ZipEntry[];
  problem?: string;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_EOCD_SEARCH = 22 + 0xffff;

async function bytesOf(blob: Blob, start: number, end: number): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

const u64 = (v: DataView, at: number): number => Number(v.getBigUint64(at, true));

export async function listZip(zip: Blob, name: string): Promise<ZipListing> {
  const size = zip.size;
  if (size < 22) return { ok: false, entries: [], problem: 'too short to be a zip' };
  const tailStart = Math.max(0, size - MAX_EOCD_SEARCH);
  const tail = await bytesOf(zip, tailStart, size);
  const tv = new DataView(tail.buffer);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return { ok: false, entries: [], problem: 'no zip end-of-central-directory record' };
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  if (eocd >= 20 && tv.getUint32(eocd - 20, true) === ZIP64_LOCATOR) {
    const at = u64(tv, eocd - 20 + 8);
    const rec = await bytesOf(zip, at, at + 56);
    const rv = new DataView(rec.buffer);
    if (rec.length === 56 && rv.getUint32(0, true) === ZIP64_EOCD) {
      count = u64(rv, 32);
      cdSize = u64(rv, 40);
      cdOffset = u64(rv, 48);
    }
  }
  if (cdOffset + cdSize > size) return { ok: false, entries: [], problem: 'central directory lies outside the file' };
  const cd = await bytesOf(zip, cdOffset, cdOffset + cdSize);
  const cv = new DataView(cd.buffer);
  const utf8 = new TextDecoder('utf-8');
  const latin1 = new TextDecoder('latin1');
  const raw: { name: string; flags: number; method: number; csize: number; usize: number; offset: number }[] = [];
  let p = 0;
  for (let n = 0; n < count && p + 46 <= cd.length; n++) {
    if (cv.getUint32(p, true) !== CENTRAL) return { ok: false, entries: [], problem: 'damaged central directory' };
    const flags = cv.getUint16(p + 8, true);
    const method = cv.getUint16(p + 10, true);
    let csize = cv.getUint32(p + 20, true);
    let usize = cv.getUint32(p + 24, true);
    const nameLen = cv.getUint16(p + 28, true);
    const extraLen = cv.getUint16(p + 30, true);
    const commentLen = cv.getUint16(p + 32, true);
    let offset = cv.getUint32(p + 42, true);
    const nameBytes = cd.subarray(p + 46, p + 46 + nameLen);
    const entryName = flags & 0x800 ? utf8.decode(nameBytes) : /^[\x00-\x7f]*$/.test(latin1.decode(nameBytes)) ? latin1.decode(nameBytes) : utf8.decode(nameBytes);
    // ZIP64 extended information: 64-bit sizes/offset for the fields set to 0xFFFFFFFF, in order.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = cv.getUint16(e, true);
      const len = cv.getUint16(e + 2, true);
      if (id === 0x0001) {
        let f = e + 4;
        if (usize === 0xffffffff && f + 8 <= e + 4 + len) (usize = u64(cv, f)), (f += 8);
        if (csize === 0xffffffff && f + 8 <= e + 4 + len) (csize = u64(cv, f)), (f += 8);
        if (offset === 0xffffffff && f + 8 <= e + 4 + len) offset = u64(cv, f);
      }
      e += 4 + len;
    }
    raw.push({ name: entryName, flags, method, csize, usize, offset });
    p = extraEnd + commentLen;
  }

  const entries: ZipEntry[] = [];
  raw.sort((a, b) => a.name.localeCompare(b.name));
  for (const r of raw) {
    if (r.name.endsWith('/')) continue;
    const path = `${name}/${r.name}`;
    if (r.flags & 1) {
      entries.push({ path, problem: 'encrypted zip entry: it cannot be read without the password' });
      continue;
    }
    const header = await bytesOf(zip, r.offset, r.offset + 30);
    const hv = new DataView(header.buffer);
    if (header.length < 30 || hv.getUint32(0, true) !== LOCAL) {
      entries.push({ path, problem: 'zip entry is damaged (no local header where the directory says)' });
      continue;
    }
    const dataStart = r.offset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
    if (dataStart + r.csize > size) {
      entries.push({ path, problem: 'zip entry is truncated' });
      continue;
    }
    if (r.method === 0) {
      entries.push({ path, blob: zip.slice(dataStart, dataStart + r.csize) });
    } else if (r.method === 8) {
      try {
        const inflated = inflateSync(await bytesOf(zip, dataStart, dataStart + r.csize), { out: new Uint8Array(r.usize) });
        entries.push({ path, blob: new Blob([inflated as Uint8Array<ArrayBuffer>]) });
      } catch (err) {
        entries.push({ path, problem: `zip entry could not be inflated: ${(err as Error).message}` });
      }
    } else {
      entries.push({ path, problem: `zip entry uses compression method ${r.method}, which Veil cannot unpack (only stored and deflated)` });
    }
  }
  return { ok: true, entries };
}
