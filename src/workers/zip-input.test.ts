import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { createMemoryZipSink } from '../core/export/archive.ts';
import { listZip } from './zip-input.ts';

const text = (s: string) => new TextEncoder().encode(s);
const read = async (b?: Blob) => new TextDecoder().decode(new Uint8Array(await b!.arrayBuffer()));

describe('listZip', () => {
  it('reads stored and deflated entries, sorted, named under the zip', async () => {
    const bytes = zipSync({ 'b/two.txt': [text('second'.repeat(50)), { level: 6 }], 'a.txt': [text('first'), { level: 0 }], 'dir/': new Uint8Array(0) });
    const listing = await listZip(new Blob([bytes]), 'in.zip');
    expect(listing.ok).toBe(true);
    expect(listing.entries.map((e) => e.path)).toEqual(['in.zip/a.txt', 'in.zip/b/two.txt']);
    expect(await read(listing.entries[0].blob)).toBe('first');
    expect(await read(listing.entries[1].blob)).toBe('second'.repeat(50));
  });

  it("reads Veil's own streamed zips (data descriptors)", async () => {
    const sink = createMemoryZipSink();
    await sink.add('P/study/series/00001.dcm', text('dicom bytes'));
    await sink.add('deid-report.csv', text('input,status\r\n'));
    await sink.close();
    const listing = await listZip(new Blob([sink.bytes() as Uint8Array<ArrayBuffer>]), "export.zip");
    expect(listing.entries.map((e) => e.path)).toEqual(['export.zip/deid-report.csv', 'export.zip/P/study/series/00001.dcm']);
    expect(await read(listing.entries[1].blob)).toBe('dicom bytes');
  });

  it('is not ok for a file that is not a zip', async () => {
    const listing = await listZip(new Blob([text('PK? no, just text that is long enough')]), 'fake.zip');
    expect(listing.ok).toBe(false);
  });
});
