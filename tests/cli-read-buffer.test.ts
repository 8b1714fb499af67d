/**
 * On one thread the CLI reads every input into one reused buffer (src/cli/read-file.ts,
 * ReadBuffer), and outputs are views of it (pixel data is never copied): each file must be
 * written before the next one is read over it. Files of very different sizes one after another
 * (large, small, large, …) to a zip — the sink that writes through a stream on Node's thread
 * pool — must give the same entries as worker threads, where every file has a buffer of its own.
 * On one thread reading, de-identifying and writing overlap (src/cli/one-thread.ts): a buffer
 * may be read into again only once the outputs that are views of it have been written, and the
 * zip sink may report an entry added only once its bytes have been written, not merely queued.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadBuffer, readInputFile } from '../src/cli/read-file.ts';
import { collectInputs } from '../src/cli/inputs.ts';
import { createZipFileSink } from '../src/cli/node-sinks.ts';
import { sessionFrom } from '../src/cli/parallel.ts';
import { READ_AHEAD_MAX, deidentifyInOrder } from '../src/cli/one-thread.ts';
import { deriveSessionKey } from '../src/core/header/keys.ts';
import { defaultProfile } from '../src/core/profile/profile.ts';
import { deidentifyFileAsync } from '../src/core/deidentify.ts';
import { bytesSource, readZipItem, walkZip } from '../src/workers/zip-input.ts';
import { fixturesDir, repoRoot } from './helpers/fixtures.ts';

const LARGE = ['transfer-syntax/will-jxl_US_multiframe.dcm', 'transfer-syntax/JPEG2KLossless_DX_16bit.dcm', 'transfer-syntax/CTImage_explicit_vr_be.dcm'];
const SMALL = ['transfer-syntax/JPEGLSNearLossless_08.dcm', 'transfer-syntax/JPEGBaseline_1s_1f_u_08_08.dcm', 'transfer-syntax/liver_deflated_image_frame.dcm'];

let dir: string;
let input: string;
const entries = new Map<number, Map<string, Uint8Array>>();

async function zipEntries(file: string): Promise<Map<string, Uint8Array>> {
  const walked = await walkZip(bytesSource(new Uint8Array(readFileSync(file))), 'out.zip');
  if (!walked.ok) throw new Error(walked.problem);
  const out = new Map<string, Uint8Array>();
  for (const item of walked.items) if (item.path.endsWith('.dcm')) out.set(item.path, await readZipItem(item));
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'veil-read-buffer-'));
  input = join(dir, 'in');
  mkdirSync(input);
  // Names fix the order: large, small, large, small…
  LARGE.forEach((f, i) => {
    copyFileSync(join(fixturesDir, f), join(input, `${i}a-${f.split('/')[1]}`));
    copyFileSync(join(fixturesDir, SMALL[i]), join(input, `${i}b-${SMALL[i].split('/')[1]}`));
  });
  for (const threads of [1, 2]) {
    const out = join(dir, `out-${threads}.zip`);
    const r = spawnSync(process.execPath, [resolve(repoRoot, 'bin/veil.mjs'), 'deidentify', input, '--out', out, '--passphrase', 'read-buffer', '--threads', String(threads), '-q'], {
      encoding: 'utf8', timeout: 300_000, killSignal: 'SIGKILL',
    });
    if (r.status !== 0) throw new Error(`--threads ${threads} exited with ${r.status}: ${r.stderr}${r.stdout}`);
    entries.set(threads, await zipEntries(out));
  }
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('one thread, one reused read buffer', () => {
  it('sizes alternate between large and small inputs', () => {
    const size = (f: string) => statSync(join(fixturesDir, f)).size;
    for (let i = 0; i < LARGE.length; i++) expect(size(LARGE[i])).toBeGreaterThan(2 * size(SMALL[i]));
  });

  it('writes every file to the zip exactly as worker threads do', () => {
    const one = entries.get(1)!;
    const two = entries.get(2)!;
    expect(one.size).toBe(LARGE.length + SMALL.length);
    expect([...one.keys()].sort()).toEqual([...two.keys()].sort());
    for (const [name, bytes] of one) expect(Buffer.compare(Buffer.from(bytes), Buffer.from(two.get(name)!)), name).toBe(0);
  });

  it('reads each file into the same buffer, as a view exactly the file long', () => {
    const scratch = new ReadBuffer();
    const large = readInputFile(join(fixturesDir, LARGE[0]), undefined, scratch);
    const largeCopy = new Uint8Array(large); // a copy (Buffer#slice would be a view)
    const small = readInputFile(join(fixturesDir, SMALL[0]), undefined, scratch);
    expect(small.buffer).toBe(large.buffer);
    expect(Buffer.compare(Buffer.from(small), readFileSync(join(fixturesDir, SMALL[0])))).toBe(0);
    expect(Buffer.compare(Buffer.from(largeCopy), readFileSync(join(fixturesDir, LARGE[0])))).toBe(0);
    const again = readInputFile(join(fixturesDir, LARGE[1]), undefined, scratch);
    expect(again.length).toBe(statSync(join(fixturesDir, LARGE[1])).size);
    expect(Buffer.compare(Buffer.from(again), readFileSync(join(fixturesDir, LARGE[1])))).toBe(0);
  });

  it('lets a buffer far larger than the files that follow go', () => {
    // Kept up to 1 MB here (256 MB in a run): the 2.2 MB file grows it past that, a small one frees it.
    const scratch = new ReadBuffer(1024 ** 2);
    const large = readInputFile(join(fixturesDir, LARGE[0]), undefined, scratch);
    expect(large.buffer.byteLength).toBeGreaterThan(1024 ** 2);
    const small = readInputFile(join(fixturesDir, SMALL[0]), undefined, scratch);
    expect(small.buffer.byteLength).toBe(small.length);
    expect(Buffer.compare(Buffer.from(small), readFileSync(join(fixturesDir, SMALL[0])))).toBe(0);
  });
});


describe('outputs that are views of a reused buffer', () => {
  it('the zip sink resolves an entry only once its bytes are written, so the caller may then reuse them', async () => {
    // A small entry (below the write stream's 16 KiB high-water mark) behind a write still in
    // flight: queued, not written, when a sink that waits for 'drain' only would resolve.
    const scratch = Buffer.alloc(4000);
    const target = join(dir, 'reuse.zip');
    const sink = createZipFileSink(target);
    const expected = new Map<string, Uint8Array>();
    for (let n = 0; n < 20; n++) {
      scratch.fill(n + 1);
      const view = scratch.subarray(0, 1000 + n * 100);
      expected.set(`f${n}.dcm`, new Uint8Array(view));
      await sink.add(`f${n}.dcm`, [view]);
      scratch.fill(0xee); // what the next read into the buffer would do
    }
    await sink.close();
    const written = await zipEntries(target);
    expect(written.size).toBe(20);
    // The reader names entries after the zip they come from.
    const entry = (name: string) => [...written].find(([path]) => path === name || path.endsWith(`/${name}`))?.[1];
    for (const [name, bytes] of expected) expect(Buffer.compare(Buffer.from(entry(name) ?? []), Buffer.from(bytes)), name).toBe(0);
  });

  // The default reads every fixture ahead; a limit of 100 KB makes the large ones (0.5-2.2 MB)
  // wait for every earlier write and take a buffer of their own, between small ones read ahead.
  it.each([['every file read ahead', READ_AHEAD_MAX], ['large files not read ahead', 100_000]])(
    'one thread, %s: never reads into a buffer whose outputs are still being written',
    async (_, readAheadMax) => {
      const { inputs } = await collectInputs([input]);
      // Three times over: more files than buffers, so every buffer is read into again.
      const many = [...inputs, ...inputs, ...inputs];
      // What each file must become: de-identified from bytes of its own, same key.
      const init = { profile: defaultProfile(), key: deriveSessionKey('read-ahead') };
      const expected = new Map<string, Buffer>();
      for (const f of inputs) {
        const own = await deidentifyFileAsync({ path: f.path, bytes: readFileSync(f.diskPath!) }, sessionFrom(init));
        if (own.status !== 'written') throw new Error(`${f.path} was not written`);
        expected.set(f.path, Buffer.concat(own.parts));
      }
      let written = 0;
      const usersOf = new Map<ArrayBufferLike, Set<number>>();
      await deidentifyInOrder(many, sessionFrom(init), () => undefined, undefined,
        async (index, outcome) => {
          if (!('status' in outcome) || outcome.status !== 'written') throw new Error(`input ${index} was not written`);
          for (const p of outcome.parts) usersOf.set(p.buffer, (usersOf.get(p.buffer) ?? new Set()).add(index));
          // A slow sink: the bytes are looked at again when they would reach the disk, after the
          // pipeline has had every chance to read the following files.
          await new Promise((res) => setTimeout(res, 15));
          expect(Buffer.compare(Buffer.concat(outcome.parts), expected.get(many[index].path)!), `input ${index}: ${many[index].path}`).toBe(0);
          written++;
        },
        readAheadMax);
      expect(written).toBe(many.length);
      // No reused buffer grew past the limit: a buffer that large served one input only.
      const shared = [...usersOf].filter(([buffer, users]) => buffer.byteLength > readAheadMax && users.size > 1);
      expect(shared.map(([buffer, users]) => `${buffer.byteLength} bytes: inputs ${[...users]}`)).toEqual([]);
    },
    120_000,
  );
});
