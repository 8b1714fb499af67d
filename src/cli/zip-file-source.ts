/**
 * A zip on disk as the shared zip reader (src/workers/zip-input.ts) reads it: random access by
 * position, so the CLI never loads an input zip whole — only its central directory and, one at a
 * time, the entry being de-identified. The file is opened for each read and closed again, so a
 * batch of many zips never holds a descriptor per zip; positions past 2 GiB are fine.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { ZipSource } from '../workers/zip-input.ts';

export function zipFileSource(path: string, size: number): ZipSource {
  return {
    size,
    read(start, length) {
      // Its own buffer (not Buffer's shared pool): the bytes may be transferred to a worker thread.
      const out = new Uint8Array(Math.max(0, Math.min(length, size - start)));
      const fd = openSync(path, 'r');
      try {
        let got = 0;
        while (got < out.length) {
          const n = readSync(fd, out, got, out.length - got, start + got);
          if (n === 0) break;
          got += n;
        }
        return got < out.length ? out.subarray(0, got) : out;
      } finally {
        closeSync(fd);
      }
    },
  };
}
