/**
 * CRC-32 (the zip polynomial), slicing by 8. The zip writer stores entries with their CRC in the
 * local header, so it must be known before an entry's bytes go out: the browser computes it in
 * the engine workers, in parallel, and the zip writer worker only places pieces.
 */

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

/** Reading 32-bit words gives bytes in file order only on a little-endian machine (every browser in use). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Continues a CRC-32 over `data` (start with crc = 0). */
export function crc32(data: Uint8Array, crc = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC_TABLES;
  let c = ~crc >>> 0;
  let i = 0;
  if (LITTLE_ENDIAN && data.length >= 64) {
    // Two word loads per 8 bytes instead of eight byte loads: about 1.3× faster in V8.
    while ((data.byteOffset + i) % 4 !== 0) c = t0[(c ^ data[i++]) & 0xff] ^ (c >>> 8);
    const words = new Uint32Array(data.buffer, data.byteOffset + i, ((data.length - i) >>> 3) * 2);
    for (let k = 0; k < words.length; k += 2) {
      const a = words[k] ^ c;
      const b = words[k + 1];
      c =
        t7[a & 0xff] ^ t6[(a >>> 8) & 0xff] ^ t5[(a >>> 16) & 0xff] ^ t4[a >>> 24] ^
        t3[b & 0xff] ^ t2[(b >>> 8) & 0xff] ^ t1[(b >>> 16) & 0xff] ^ t0[b >>> 24];
    }
    i += words.length * 4;
  }
  const end8 = i + ((data.length - i) - ((data.length - i) % 8));
  for (; i < end8; i += 8) {
    const a = (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)) ^ c;
    c =
      t7[a & 0xff] ^ t6[(a >>> 8) & 0xff] ^ t5[(a >>> 16) & 0xff] ^ t4[a >>> 24] ^
      t3[data[i + 4]] ^ t2[data[i + 5]] ^ t1[data[i + 6]] ^ t0[data[i + 7]];
  }
  for (; i < data.length; i++) c = t0[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** The CRC-32 of parts written one after another. */
export function crc32Parts(parts: readonly Uint8Array[]): number {
  let crc = 0;
  for (const p of parts) crc = crc32(p, crc);
  return crc;
}

// ----------------------------------------------------------------------------- combining CRCs

const POLY = 0xedb88320;

/** a(x) · b(x) modulo the CRC polynomial, in the reflected bit order the CRC uses (zlib's multmodp). */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** X2N[k] = x^(2^k) modulo the polynomial. */
const X2N: Uint32Array = (() => {
  const table = new Uint32Array(32);
  let p = 0x40000000; // x^1
  table[0] = p;
  for (let n = 1; n < 32; n++) table[n] = p = multModP(p, p);
  return table;
})();

/** x^(n · 2^k) modulo the polynomial; n may exceed 2^32 (byte counts of multi-gigabyte values). */
function x2nModP(n: number, k: number): number {
  let p = 0x80000000; // x^0 = 1
  while (n > 0) {
    if (n % 2) p = multModP(X2N[k & 31], p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/**
 * The CRC-32 of A followed by B, from crc(A), crc(B) and B's length alone (zlib's
 * crc32_combine): the export computes the CRC of a file's untouched pixel data once, at load,
 * and joins it to the CRC of the new header at export without reading the pixels again.
 * Cost: O(log lengthB), independent of the bytes.
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (!Number.isSafeInteger(lengthB) || lengthB < 0) throw new RangeError(`crc32Combine: bad length ${lengthB}`);
  return (multModP(x2nModP(lengthB, 3), crcA >>> 0) ^ (crcB >>> 0)) >>> 0;
}
