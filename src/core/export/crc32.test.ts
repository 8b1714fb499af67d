import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Combine, crc32Parts } from './crc32.ts';

/** Deterministic bytes (no fixture needed): an LCG's high bytes. */
function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

describe('crc32', () => {
  it('matches zlib on lengths around the 8-byte stride', () => {
    for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 1000, 65_537]) {
      const b = bytes(n, n + 1);
      expect(crc32(b)).toBe(zlibCrc32(b));
    }
  });

  it('matches zlib past the 16-byte word loop: every start offset (alignment) and lengths around its stride, continued too', () => {
    const big = bytes(4096 + 64, 7);
    for (let offset = 0; offset < 8; offset++) {
      for (const n of [63, 64, 65, 79, 80, 81, 127, 128, 129, 4095, 4096]) {
        const b = big.subarray(offset, offset + n);
        expect(crc32(b)).toBe(zlibCrc32(b));
        const cut = n >> 1;
        expect(crc32(b.subarray(cut), crc32(b.subarray(0, cut)))).toBe(zlibCrc32(b));
      }
    }
  });
});

describe('crc32Combine', () => {
  it('gives the direct CRC of two pieces joined, for every split of a buffer with odd and even lengths', () => {
    const whole = bytes(1031, 42);
    const direct = zlibCrc32(whole);
    for (let cut = 0; cut <= whole.length; cut += 37) {
      const a = whole.subarray(0, cut);
      const b = whole.subarray(cut);
      expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(direct);
    }
  });

  it('joins a header, a 512 KiB pixel value and a tail as the export does (CRC of the value computed apart)', () => {
    const header = bytes(3890, 1);
    const pixels = bytes(512 * 1024, 2);
    const tail = bytes(12, 3);
    const direct = crc32Parts([header, pixels, tail]);
    let crc = crc32(header);
    crc = crc32Combine(crc, crc32(pixels), pixels.length);
    crc = crc32(tail, crc);
    expect(crc).toBe(direct);
    expect(direct).toBe(zlibCrc32(Buffer.concat([header, pixels, tail])));
  });

  it('handles empty pieces and lengths past 4 GiB without reading them', () => {
    const a = bytes(100, 9);
    expect(crc32Combine(crc32(a), 0, 0)).toBe(crc32(a));
    expect(crc32Combine(0, crc32(a), a.length)).toBe(crc32(a));
    // 5 GiB of zeros after `a`: equal to extending by 1 GiB five times.
    const gib = 2 ** 30;
    const zeros = new Uint8Array(1 << 20);
    let crcMiB = 0;
    crcMiB = crc32(zeros); // crc of 1 MiB of zeros
    let crcGiB = 0;
    for (let i = 0; i < 1024; i++) crcGiB = crc32Combine(crcGiB, crcMiB, zeros.length);
    let stepwise = crc32(a);
    for (let i = 0; i < 5; i++) stepwise = crc32Combine(stepwise, crcGiB, gib);
    let crc5GiB = crcGiB;
    for (let i = 1; i < 5; i++) crc5GiB = crc32Combine(crc5GiB, crcGiB, gib);
    expect(crc32Combine(crc32(a), crc5GiB, 5 * gib)).toBe(stepwise);
    expect(() => crc32Combine(0, 0, -1)).toThrow(RangeError);
  });
});
