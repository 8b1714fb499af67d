/**
 * CRC-32 of a file's parts for the zip writer, with Node's native zlib.crc32 (Node 20.15 and
 * later; about 3 GB/s, four times the slicing-by-8 JavaScript in core/export/crc32.ts, which
 * remains the fallback on older Node). The CRC of every output byte is the largest single cost
 * of writing a zip: 211 MB for the 400-slice CT series.
 */
import * as zlib from 'node:zlib';
import { crc32Parts } from '../core/export/crc32.ts';

type NativeCrc32 = (data: Uint8Array, value?: number) => number;
const native = (zlib as { crc32?: NativeCrc32 }).crc32;

export function crc32Native(parts: readonly Uint8Array[]): number {
  if (!native) return crc32Parts(parts);
  let crc = 0;
  for (const p of parts) crc = native(p, crc);
  return crc >>> 0;
}
