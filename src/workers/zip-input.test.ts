import { describe, expect, it } from 'vitest';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js/lib/zip-core-custom.js';
import { createMemoryZipSink } from '../core/export/archive.ts';
import { ZIP_LIMITS, type ZipLimits } from '../core/export/zip-limits.ts';
import { craftZip, entry } from '../../tests/helpers/zip-craft.ts';
import { bytesSource, listZip, readZipItem, walkZip } from './zip-input.ts';

const text = (s: string) => new TextEncoder().encode(s);
const blobOf = (b: Uint8Array) => new Blob([b as Uint8Array<ArrayBuffer>]);
const read = async (b?: Blob) => (b ? new TextDecoder().decode(new Uint8Array(await b.arrayBuffer())) : undefined);

/** A zip written by zip.js: stored (level 0) or deflated entries, directories, passwords. */
async function zipOf(files: { name: string; content?: string | Uint8Array; level?: number; password?: string; zipCrypto?: boolean }[]): Promise<Uint8Array> {
  const w = new ZipWriter(new Uint8ArrayWriter());
  for (const f of files) {
    if (f.content === undefined) await w.add(f.name, undefined, { directory: true });
    else await w.add(f.name, new Uint8ArrayReader(typeof f.content === 'string' ? text(f.content) : f.content), { level: f.level ?? 6, password: f.password, zipCrypto: f.zipCrypto });
  }
  return w.close();
}

describe('listZip (the browser) and walkZip (both hosts)', () => {
  it('reads stored and deflated entries, sorted, named under the zip, folders left out', async () => {
    const bytes = await zipOf([{ name: 'b/two.txt', content: 'second'.repeat(50) }, { name: 'a.txt', content: 'first', level: 0 }, { name: 'dir/' }]);
    const listing = await listZip(blobOf(bytes), 'in.zip');
    expect(listing.entries.map((e) => e.path)).toEqual(['in.zip/a.txt', 'in.zip/b/two.txt']);
    expect(await read(listing.entries[0].blob)).toBe('first');
    expect(await read(listing.entries[1].blob)).toBe('second'.repeat(50));
  });

  it("reads Veil's own zips", async () => {
    const sink = createMemoryZipSink();
    await sink.add('P/study/series/00001.dcm', text('dicom bytes'));
    await sink.add('deid-report.csv', text('input,status\r\n'));
    await sink.close();
    const listing = await listZip(blobOf(sink.bytes()), 'export.zip');
    expect(listing.entries.map((e) => e.path)).toEqual(['export.zip/deid-report.csv', 'export.zip/P/study/series/00001.dcm']);
    expect(await read(listing.entries[1].blob)).toBe('dicom bytes');
  });

  it('reports a .zip that is not a zip as one input with the reason', async () => {
    const listing = await listZip(blobOf(text('PK? no, just text that is long enough')), 'fake.zip');
    expect(listing.entries).toEqual([{ path: 'fake.zip', problem: expect.stringMatching(/^not a readable zip: /) }]);
  });

  it('reads two entries with the same name as two inputs, each with its own bytes', async () => {
    const bytes = craftZip([entry('scan.dcm', text('first copy')), entry('other.dcm', text('other')), entry('scan.dcm', text('second copy'), 0)]);
    const listing = await listZip(blobOf(bytes), 'd.zip');
    expect(listing.entries.map((e) => e.path)).toEqual(['d.zip/other.dcm', 'd.zip/scan.dcm [zip entry 1]', 'd.zip/scan.dcm [zip entry 3]']);
    expect(await Promise.all(listing.entries.map((e) => read(e.blob)))).toEqual(['other', 'first copy', 'second copy']);
  });

  it('reports encrypted entries as such (ZipCrypto and AES), and reads the others', async () => {
    const bytes = await zipOf([
      { name: 'open.dcm', content: 'readable' },
      { name: 'aes.dcm', content: 'secret', password: 'pw' },
      { name: 'legacy.dcm', content: 'secret', password: 'pw', zipCrypto: true },
    ]);
    const listing = await listZip(blobOf(bytes), 'e.zip');
    expect(listing.entries.map((e) => [e.path, e.problem?.replace(/:.*/, '')])).toEqual([
      ['e.zip/aes.dcm', 'encrypted zip entry'],
      ['e.zip/legacy.dcm', 'encrypted zip entry'],
      ['e.zip/open.dcm', undefined],
    ]);
    expect(await read(listing.entries[2].blob)).toBe('readable');
  });

  it('opens zips inside zips, stored and deflated, and refuses to go deeper than the limit', async () => {
    const inner = await zipOf([{ name: 'x.dcm', content: 'inner x' }, { name: 'y.dcm', content: 'inner y', level: 0 }]);
    const innermost = await zipOf([{ name: 'deep.dcm', content: 'deep' }]);
    const middle = await zipOf([{ name: 'z.dcm', content: 'middle z' }, { name: 'deeper.zip', content: innermost, level: 0 }]);
    const outer = await zipOf([
      { name: 'a/stored.zip', content: inner, level: 0 },
      { name: 'b/deflated.zip', content: inner, level: 9 },
      { name: 'c/middle.zip', content: middle, level: 0 },
      { name: 'top.dcm', content: 'top' },
    ]);
    const limits: ZipLimits = { ...ZIP_LIMITS, maxDepth: 1 };
    const listing = await listZip(blobOf(outer), 'o.zip', limits);
    expect(listing.entries.map((e) => e.path)).toEqual([
      'o.zip/a/stored.zip/x.dcm',
      'o.zip/a/stored.zip/y.dcm',
      'o.zip/b/deflated.zip/x.dcm',
      'o.zip/b/deflated.zip/y.dcm',
      'o.zip/c/middle.zip/deeper.zip',
      'o.zip/c/middle.zip/z.dcm',
      'o.zip/top.dcm',
    ]);
    expect(await Promise.all(listing.entries.map((e) => read(e.blob)))).toEqual(['inner x', 'inner y', 'inner x', 'inner y', undefined, 'middle z', 'top']);
    expect(listing.entries[4].problem).toMatch(/nested more than 1 level/);
    // With the default depth the innermost zip is opened too.
    const deep = await listZip(blobOf(outer), 'o.zip');
    expect(deep.entries.map((e) => e.path)).toContain('o.zip/c/middle.zip/deeper.zip/deep.dcm');
  });

  it('refuses zip bombs with the reason: too large, too compressed, lying about the size, overlapping', async () => {
    const limits: ZipLimits = { maxEntryBytes: 8 << 20, maxRatio: 20, ratioFreeBytes: 256 << 10, maxDepth: 2 };
    const zeros = (n: number) => new Uint8Array(n);
    const honest = entry('ratio.dcm', zeros(1 << 20)); // ~1000:1, declared truthfully
    const huge = { ...entry('huge.dcm', zeros(64 << 10)), size: 16 << 20 };
    const liar = { ...entry('liar.dcm', zeros(2 << 20)), name: 'liar.dcm', size: 100 << 10 }; // says 100 KiB, holds 2 MiB
    const small = entry('small.dcm', zeros(100 << 10)); // 100 KiB of zeros: under ratioFreeBytes, read
    const kernel = entry('kernel.dcm', text('shared kernel'));
    const bytes = craftZip([honest, huge, liar, small, kernel, { ...kernel, name: 'alias.dcm', sameDataAs: 4 }]);
    const walked = await walkZip(bytesSource(bytes), 'bomb.zip', limits);
    const outcome = await Promise.all(
      walked.items.map(async (item) => {
        try {
          return [item.path, `read ${(await readZipItem(item)).length}`];
        } catch (e) {
          return [item.path, (e as Error).message];
        }
      }),
    );
    expect(Object.fromEntries(outcome)).toEqual({
      'bomb.zip/alias.dcm': expect.stringMatching(/^zip bomb refused: .*shares its compressed bytes/),
      'bomb.zip/huge.dcm': expect.stringMatching(/^zip bomb refused: .*over the 8 MiB allowed/),
      'bomb.zip/kernel.dcm': expect.stringMatching(/^zip bomb refused: .*shares its compressed bytes/),
      'bomb.zip/liar.dcm': expect.stringMatching(/^zip bomb refused: the entry inflates to more than the 102400 bytes its header declares/),
      'bomb.zip/ratio.dcm': expect.stringMatching(/^zip bomb refused: the entry would expand \d+ times/),
      'bomb.zip/small.dcm': `read ${100 << 10}`,
    });
    // The browser's listing gives the same reasons.
    const listing = await listZip(blobOf(bytes), 'bomb.zip', limits);
    expect(listing.entries.find((e) => e.path === 'bomb.zip/liar.dcm')?.problem).toMatch(/header declares/);
  });

  it('reports a damaged deflated entry instead of passing on wrong bytes', async () => {
    const good = entry('a.dcm', text('x'.repeat(1000)));
    const bytes = craftZip([{ ...good, crc: good.crc ^ 1 }]);
    const listing = await listZip(blobOf(bytes), 'crc.zip');
    expect(listing.entries[0].problem).toMatch(/^damaged zip entry/);
  });
});
