import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listZip, walkZip, type ZipSource } from '../../src/workers/zip-input.ts';
import { createMemoryZipSink } from '../../src/core/export/archive.ts';
import { crc32, crc32Parts } from '../../src/core/export/crc32.ts';
import { ZipWriter, pieceSize, type SizedPiece, type ZipPiece } from '../../src/core/export/zip-writer.ts';

const text = (s: string) => new TextEncoder().encode(s);
const dir = mkdtempSync(join(tmpdir(), 'veil-zipw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `unzip -t` (Info-ZIP, an independent reader) on the archive: its exit code and last line. */
function unzipTest(bytes: Uint8Array): { status: number | null; out: string } {
  const file = join(dir, `t-${Math.random().toString(36).slice(2)}.zip`);
  writeFileSync(file, bytes);
  const r = spawnSync('unzip', ['-tqq', file], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}
const hasUnzip = spawnSync('unzip', ['-v']).status === 0;

describe('ZipWriter', () => {
  it('computes the standard CRC-32', () => {
    const data = text('The quick brown fox jumps over the lazy dog');
    expect(crc32(data)).toBe(0x414fa339);
    expect(crc32Parts([data.subarray(0, 13), data.subarray(13)])).toBe(crc32(data));
  });

  it('writes a zip from new bytes and Blob slices of an input that readers open with their CRCs checked', async () => {
    const pieces: ZipPiece<Blob>[] = [];
    const zip = new ZipWriter<Blob>((p) => void pieces.push(p));
    const original = new Blob([text('HEADER-PIXELS-PIXELS-PIXELS-TAIL')]);
    const head = text('NEWHEAD-');
    await zip.add('P/study/series/00001.dcm', crc32Parts([head, text('PIXELS-PIXELS-PIXELS')]), 28, [head, original.slice(7, 27)]);
    await zip.add('deid-report.csv', crc32(text('a,b\r\n')), 5, [text('a,b\r\n')]);
    await zip.close();
    const blob = new Blob(pieces as BlobPart[]);
    expect(blob.size).toBe(zip.size);
    const listing = await listZip(blob, 'x.zip');
    expect(listing.entries.map((e) => e.path)).toEqual(['x.zip/deid-report.csv', 'x.zip/P/study/series/00001.dcm']);
    expect(await listing.entries[1].blob!.text()).toBe('NEWHEAD-PIXELS-PIXELS-PIXELS');
    if (hasUnzip) expect(unzipTest(new Uint8Array(await blob.arrayBuffer())).status).toBe(0);
  });

  it('refuses duplicate names and sizes that disagree with the pieces, and keeps going after', async () => {
    const zip = new ZipWriter(() => undefined);
    await zip.add('a', 0, 0, []);
    await expect(zip.add('a', 0, 0, [])).rejects.toThrow(/duplicate/);
    await expect(zip.add('b', 0, 5, [text('abc')])).rejects.toThrow(/3 bytes, not the 5 declared/);
    await zip.add('c', crc32(text('abc')), 3, [text('abc')]);
    expect(zip.entries).toBe(2);
  });

  it('writes ZIP64 records past 65,535 entries (CLI zip sink), and unzip -t accepts the archive', async () => {
    const sink = createMemoryZipSink();
    const n = 65_536 + 20;
    for (let i = 0; i < n; i++) await sink.add(`f/${i}.dcm`, text(`file ${i}`));
    await sink.close();
    const bytes = sink.bytes();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // End of central directory: counts saturated, the ZIP64 record and its locator before it.
    const eocd = bytes.length - 22;
    expect(view.getUint32(eocd, true)).toBe(0x06054b50);
    expect(view.getUint16(eocd + 10, true)).toBe(0xffff);
    expect(view.getUint32(eocd - 20, true)).toBe(0x07064b50);
    expect(view.getUint32(eocd - 20 - 56, true)).toBe(0x06064b50);
    expect(Number(view.getBigUint64(eocd - 20 - 56 + 32, true))).toBe(n);
    const walked = await walkZip({ size: bytes.length, read: (s, l) => bytes.subarray(s, s + l) }, 'out.zip');
    expect(walked.items).toHaveLength(n);
    if (hasUnzip) expect(unzipTest(bytes)).toEqual({ status: 0, out: '' });
  });

  it('writes ZIP64 offsets for entries past 4 GiB (content given as pieces of known length)', async () => {
    // 6 GiB of content that never exists: pieces that only have a size, as Blob slices do.
    const GiB = 1024 ** 3;
    const emitted: ZipPiece<SizedPiece>[] = [];
    const zip = new ZipWriter<SizedPiece>((p) => void emitted.push(p));
    for (let i = 0; i < 4; i++) await zip.add(`big-${i}.dcm`, 0, 1.5 * GiB, [{ size: 1.5 * GiB }]);
    await zip.add('deid-report.csv', crc32(text('x')), 1, [text('x')]);
    await zip.close();
    expect(zip.size).toBeGreaterThan(6 * GiB);
    // The archive as a reader sees it: the real header bytes where they are, zeros for the content.
    const spans: { at: number; piece: ZipPiece<SizedPiece> }[] = [];
    let at = 0;
    for (const p of emitted) spans.push({ at, piece: p }), (at += pieceSize(p));
    const source: ZipSource = {
      size: at,
      read(start, length) {
        const out = new Uint8Array(Math.min(length, at - start));
        for (const s of spans) {
          if (!(s.piece instanceof Uint8Array) || s.at + s.piece.length <= start || s.at >= start + out.length) continue;
          const from = Math.max(start, s.at);
          const to = Math.min(start + out.length, s.at + s.piece.length);
          out.set(s.piece.subarray(from - s.at, to - s.at), from - start);
        }
        return out;
      },
    };
    const walked = await walkZip(source, 'big.zip');
    expect(walked.ok).toBe(true);
    const stored = walked.items.filter((i) => i.kind === 'stored');
    expect(stored.map((i) => i.path)).toEqual(['big.zip/big-0.dcm', 'big.zip/big-1.dcm', 'big.zip/big-2.dcm', 'big.zip/big-3.dcm', 'big.zip/deid-report.csv']);
    // The last entries start past 4 GiB: found through their ZIP64 extra fields.
    const last = stored[4] as Extract<(typeof stored)[number], { kind: 'stored' }>;
    expect(last.start).toBeGreaterThan(6 * GiB);
    expect(new TextDecoder().decode(await source.read(last.start, 1))).toBe('x');
  });

  it('stops after a write failed half-way: a damaged archive takes no more entries', async () => {
    let fail = true;
    const zip = new ZipWriter(() => {
      if (fail) throw new Error('disk full');
    });
    await expect(zip.add('a', 0, 1, [text('a')])).rejects.toThrow('disk full');
    fail = false;
    await expect(zip.add('b', 0, 1, [text('b')])).rejects.toThrow('disk full');
  });
});
