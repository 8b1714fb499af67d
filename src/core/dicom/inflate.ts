/**
 * Raw deflate (RFC 1951) with a ceiling on the inflated size. Deflate can expand about a
 * thousandfold, so a few megabytes of input can claim gigabytes: inflating in one call
 * allocates whatever the data asks for and can take the whole process (every other file of the
 * run with it) down. Here the input is fed in small slices and inflation stops as soon as the
 * output passes the ceiling, so memory stays near the ceiling whatever the input says.
 */
import { Inflate } from 'fflate';

/** Inflated output would pass the ceiling; `limit` is the ceiling in bytes. */
export class InflateLimitError extends Error {
  override name = 'InflateLimitError';
  constructor(readonly limit: number) {
    super(`inflates to more than ${describeBytes(limit)}`);
  }
}

/** 1 GiB → "1 GiB", 256 MiB → "256 MiB": how caps are named in reasons. */
export function describeBytes(n: number): string {
  if (n >= 1 << 30 && n % (1 << 30) === 0) return `${n / (1 << 30)} GiB`;
  if (n >= 1 << 20) return `${Math.round(n / (1 << 20))} MiB`;
  return `${n} bytes`;
}

/** Small enough that one slice cannot overshoot the ceiling by more than ~64 MiB (deflate's ~1032:1). */
const SLICE = 64 * 1024;

/**
 * Inflates raw deflate `input`; throws InflateLimitError once the output passes `limit` bytes,
 * and the inflater's own error for damaged data (including a stream that ends early).
 */
export function inflateCapped(input: Uint8Array, limit: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let over = false;
  const inflater = new Inflate((chunk) => {
    if (over) return;
    total += chunk.length;
    if (total > limit) {
      over = true;
      chunks.length = 0; // let the collected output go at once
      return;
    }
    chunks.push(chunk);
  });
  for (let at = 0; at < input.length && !over; at += SLICE) {
    const end = Math.min(input.length, at + SLICE);
    inflater.push(input.subarray(at, end), end === input.length);
  }
  if (input.length === 0) inflater.push(new Uint8Array(0), true);
  if (over) throw new InflateLimitError(limit);
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
