import { describe, expect, it } from 'vitest';
import JSZip from 'jszip';
import { listZip } from './zip-input.ts';
import { ZipStream, crc32, crc32Parts, type ZipPiece } from './zip-stream.ts';

const text = (s: string) => new TextEncoder().encode(s);

async function build(options: { zip64Threshold?: number } = {}) {
  const pieces: ZipPiece[] = [];
  const zip = new ZipStream((p) => void pieces.push(p), options);
  const original = new Blob([text('HEADER-PIXELS-PIXELS-PIXELS-TAIL')]);
  const head = text('NEWHEAD-');
  const pixels = original.slice(7, 27);
  const content = [head, text('PIXELS-PIXELS-PIXELS')];
  await zip.add('P/study/series/00001.dcm', crc32Parts(content), 8 + 20, [head, pixels]);
  await zip.add('deid-report.csv', crc32(text('a,b\r\n')), 5, [text('a,b\r\n')]);
  await zip.close();
  const blob = new Blob(pieces as BlobPart[]);
  expect(blob.size).toBe(zip.size);
  return blob;
}

describe('ZipStream', () => {
  it('computes the standard CRC-32', () => {
    const data = text('The quick brown fox jumps over the lazy dog');
    expect(crc32(data)).toBe(0x414fa339);
    expect(crc32Parts([data.subarray(0, 13), data.subarray(13)])).toBe(crc32(data));
  });

  it('writes zips that JSZip and our reader open, content from Blob slices included', async () => {
    for (const zip64Threshold of [undefined, 1]) {
      const blob = await build({ zip64Threshold });
      const z = await JSZip.loadAsync(await blob.arrayBuffer(), { checkCRC32: true });
      expect(Object.keys(z.files).sort()).toEqual(['P/study/series/00001.dcm', 'deid-report.csv']);
      // JSZip checks the CRC-32 of every entry it reads.
      expect(await z.file('P/study/series/00001.dcm')!.async('string')).toBe('NEWHEAD-PIXELS-PIXELS-PIXELS');
      const listing = await listZip(blob, 'x.zip');
      expect(listing.entries.map((e) => e.path).sort()).toEqual(['x.zip/P/study/series/00001.dcm', 'x.zip/deid-report.csv'].sort());
    }
  });

  it('refuses duplicate names', async () => {
    const zip = new ZipStream(() => undefined);
    await zip.add('a', 0, 0, []);
    await expect(zip.add('a', 0, 0, [])).rejects.toThrow(/duplicate/);
  });
});
