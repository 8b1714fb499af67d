/**
 * The output sinks both hosts write through: the platform-free zip sink (the one ZIP64 writer)
 * and the CLI's Node sinks (a zip streamed to disk, a folder). Archives are read back with the
 * shared zip reader (CRC-32 checked) and, where installed, Info-ZIP's `unzip -t`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outputPathFor, type LayoutInput } from '../../src/core/export/layout.ts';
import { MemorySink, assertSafeRelativePath, createMemoryZipSink, createZipSink } from '../../src/core/export/archive.ts';
import { createFolderSink, createZipFileSink } from '../../src/cli/node-sinks.ts';
import { bytesSource, readZipItem, walkZip } from '../../src/workers/zip-input.ts';

const layout: LayoutInput = {
  patientId: 'VEIL-3F9A2C1B',
  studyInstanceUID: '2.25.1111',
  seriesInstanceUID: '2.25.2222',
  sopInstanceUID: '2.25.3333',
  modality: 'CT',
  seriesNumber: '3',
  instanceNumber: '12',
};

/** Every entry of a zip, by name, read with the shared reader (which checks each CRC-32). */
async function unzipAll(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  const walked = await walkZip(bytesSource(bytes), 'z');
  expect(walked.ok).toBe(true);
  const out = new Map<string, Uint8Array>();
  for (const item of walked.items) out.set(item.path.slice(2), await readZipItem(item));
  return out;
}

/** Byte equality without vitest's element-by-element deep diff (slow on 300 kB). */
function expectBytes(actual: Uint8Array | null | undefined, expected: Uint8Array): void {
  expect(actual).toBeInstanceOf(Uint8Array);
  expect(Buffer.from(actual!.buffer, actual!.byteOffset, actual!.byteLength).equals(expected)).toBe(true);
}

function sampleFiles(): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const big = new Uint8Array(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
  files.set(outputPathFor(layout), big);
  files.set(outputPathFor({ ...layout, sopInstanceUID: '2.25.3335', instanceNumber: '13' }), new Uint8Array([1, 2, 3]));
  files.set('deid-report.csv', new TextEncoder().encode('input,status\r\n'));
  files.set('deid-report.json', new Uint8Array(0));
  return files;
}

describe('zip sink', () => {
  it('round-trips through the reader with stored entries', async () => {
    const files = sampleFiles();
    const sink = createMemoryZipSink();
    for (const [path, bytes] of files) await sink.add(path, bytes);
    await sink.close();
    const zip = await unzipAll(sink.bytes());
    expect([...zip.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [path, bytes] of files) expectBytes(zip.get(path), bytes);
    // Stored, not deflated: the archive is barely bigger than its content.
    const content = [...files.values()].reduce((n, b) => n + b.length, 0);
    expect(sink.bytes().length).toBeLessThan(content + 1000);
  });

  it('is deterministic', async () => {
    const make = async (): Promise<Uint8Array> => {
      const s = createMemoryZipSink();
      for (const [p, b] of sampleFiles()) await s.add(p, b);
      await s.close();
      return s.bytes();
    };
    expectBytes(await make(), await make());
  });

  it('keeps chunk order with concurrent adds and an async writer', async () => {
    const chunks: Uint8Array[] = [];
    const sink = createZipSink(async (c) => {
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      chunks.push(c);
    });
    const files = sampleFiles();
    await Promise.all([...files].map(([p, b]) => sink.add(p, b)));
    await sink.close();
    const zip = await unzipAll(new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer()));
    for (const [path, bytes] of files) expectBytes(zip.get(path), bytes);
  });

  it('rejects duplicate and unsafe paths, and use after close', async () => {
    const sink = createMemoryZipSink();
    await sink.add('a/b.dcm', new Uint8Array(1));
    await expect(sink.add('a/b.dcm', new Uint8Array(1))).rejects.toThrow(/duplicate/);
    for (const bad of ['../x', '/abs', 'a//b', 'a\\b', 'C:/x', 'a/./b', '']) {
      expect(() => assertSafeRelativePath(bad)).toThrow(/unsafe/);
    }
    await sink.close();
    await expect(sink.add('c.dcm', new Uint8Array(1))).rejects.toThrow(/closed/);
  });

  it('surfaces writer failures', async () => {
    const sink = createZipSink(() => {
      throw new Error('disk full');
    });
    await expect(sink.add('a.dcm', new Uint8Array(10))).rejects.toThrow('disk full');
    await expect(sink.add('b.dcm', new Uint8Array(10))).rejects.toThrow('disk full');
  });

  it('MemorySink collects files', async () => {
    const s = new MemorySink();
    await s.add('x/y.dcm', new Uint8Array([9]));
    await s.close();
    expect(s.files.get('x/y.dcm')).toEqual(new Uint8Array([9]));
  });
});

describe('node sinks', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'veil-export-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('folder sink writes every file, creating folders', async () => {
    const files = sampleFiles();
    const sink = createFolderSink(join(dir, 'out'));
    for (const [p, b] of files) await sink.add(p, b);
    await sink.close();
    for (const [p, b] of files) expectBytes(new Uint8Array(await readFile(join(dir, 'out', ...p.split('/')))), b);
  });

  it('folder sink refuses to overwrite unless asked, and refuses unsafe paths', async () => {
    await writeFile(join(dir, 'x.dcm'), 'original');
    await expect(createFolderSink(dir).add('x.dcm', new Uint8Array([1]))).rejects.toThrow();
    expect(await readFile(join(dir, 'x.dcm'), 'utf8')).toBe('original');
    await createFolderSink(dir, { overwrite: true }).add('x.dcm', new Uint8Array([1]));
    expect(new Uint8Array(await readFile(join(dir, 'x.dcm')))).toEqual(new Uint8Array([1]));
    await expect(createFolderSink(dir).add('../escape.dcm', new Uint8Array([1]))).rejects.toThrow(/unsafe/);
  });

  it('zip file sink streams a valid zip to disk', async () => {
    const files = sampleFiles();
    const target = join(dir, 'out.zip');
    const sink = createZipFileSink(target);
    for (const [p, b] of files) await sink.add(p, b);
    await sink.close();
    const zip = await unzipAll(new Uint8Array(await readFile(target)));
    for (const [p, b] of files) expectBytes(zip.get(p), b);
    if (spawnSync('unzip', ['-v']).status === 0) expect(spawnSync('unzip', ['-tqq', target]).status).toBe(0);
  });

  it('zip file sink never replaces an existing file unless asked, and abort removes a partial zip', async () => {
    const existing = join(dir, 'exists.zip');
    await writeFile(existing, 'keep me');
    const refused = createZipFileSink(existing);
    await expect(refused.add('a.dcm', new Uint8Array(1))).rejects.toThrow();
    expect(await readFile(existing, 'utf8')).toBe('keep me');

    const partial = join(dir, 'partial.zip');
    const sink = createZipFileSink(partial);
    await sink.add('a.dcm', new Uint8Array(100));
    await sink.abort!();
    await expect(stat(partial)).rejects.toThrow();
  });
});
