/**
 * CRC-32 throughput of the core's JavaScript CRC (src/core/export/crc32.ts), which the browser
 * runs over every file's pixel data once at load, against Node's native zlib crc32 for scale.
 *
 *   npx tsx scripts/bench/crc32.ts
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32 } from '../../src/core/export/crc32.ts';

const SLICE = 512 * 512 * 2; // one 512×512 16-bit CT slice
const SLICES = 400;
const data = new Uint8Array(SLICE);
for (let i = 0, s = 1; i < data.length; i++) data[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24;

function rate(name: string, f: (b: Uint8Array, c: number) => number): void {
  const times: number[] = [];
  let crc = 0;
  for (let round = 0; round < 5; round++) {
    const t = performance.now();
    for (let k = 0; k < SLICES; k++) crc = f(data, crc);
    times.push(performance.now() - t);
  }
  const ms = times.sort((a, b) => a - b)[2];
  console.log(`  ${name.padEnd(28)} ${ms.toFixed(0).padStart(5)} ms for ${((SLICE * SLICES) / 1e6).toFixed(0)} MB   ${((SLICE * SLICES) / 1e6 / (ms / 1000)).toFixed(0).padStart(5)} MB/s   (${crc.toString(16)})`);
}

console.log('CRC-32 of 400 CT slices (512×512×16), median of 5:');
rate('core crc32 (slice-by-16, JS)', crc32);
rate('node:zlib crc32 (native)', (b, c) => zlibCrc32(b, c));
