/**
 * An input's header without its pixels, for passes that only decide (which series is a head to
 * deface): a file on disk is read from its start in growing prefixes (64 KiB, 1 MiB, 16 MiB) and
 * parsed up to its Pixel Data (the reader's `headerOnly`); a CT slice's header fits the first.
 * A prefix counts only when the parse reached the Pixel Data inside it: every element before it
 * was then read from bytes the prefix holds, exactly as a whole-file read reads them. Anything
 * else — a header larger than the prefixes, deflated data, no Pixel Data, a parse error, an
 * input inside a zip — falls back to reading the whole input, as before.
 */
import { closeSync, readSync } from 'node:fs';
import { readPart10, type ParsedFile } from '../core/dicom/reader.ts';
import type { InputFile } from './inputs.ts';
import { openInput } from './read-file.ts';

/** Prefix sizes tried before the whole file. */
export const HEADER_PREFIXES = [64 * 1024, 1024 ** 2, 16 * 1024 ** 2] as const;

/** The input parsed up to its Pixel Data (`stoppedAt` set when it has one); throws as readPart10 does. */
export async function readHeader(input: InputFile, prefixes: readonly number[] = HEADER_PREFIXES): Promise<ParsedFile> {
  if (input.diskPath) {
    const { fd, size } = openInput(input.diskPath, Number.MAX_SAFE_INTEGER);
    try {
      for (const n of prefixes) {
        if (n >= size) break;
        const prefix = Buffer.allocUnsafe(n);
        const got = readSync(fd, prefix, 0, n, 0);
        const parsed = tryHeader(prefix.subarray(0, got));
        if (parsed) return parsed;
      }
    } finally {
      closeSync(fd);
    }
  }
  return readPart10(await input.read(), { headerOnly: true });
}

/** The header parsed from a prefix, when it reached the Pixel Data; undefined to read more. */
function tryHeader(prefix: Uint8Array): ParsedFile | undefined {
  try {
    const parsed = readPart10(prefix, { headerOnly: true });
    return parsed.stoppedAt !== undefined ? parsed : undefined;
  } catch {
    return undefined;
  }
}
