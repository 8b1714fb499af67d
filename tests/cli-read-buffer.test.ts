/**
 * On one thread the CLI reads every input into one reused buffer (src/cli/read-file.ts,
 * ReadBuffer), and outputs are views of it (pixel data is never copied): each file must be
 * written before the next one is read over it. Files of very different sizes one after another
 * (large, small, large, …) to a zip — the sink that writes through a stream on Node's thread
 * pool — must give the same entries as worker threads, where every file has a buffer of its own.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadBuffer, readInputFile } from '../src/cli/read-file.ts';
import { bytesSource, readZipItem, walkZip } from '../src/workers/zip-input.ts';
import { fixturesDir, repoRoot } from './helpers/fixtures.ts';

const LARGE = ['transfer-syntax/will-jxl_US_multiframe.dcm', 'transfer-syntax/JPEG2KLossless_DX_16bit.dcm', 'transfer-syntax/CTImage_explicit_vr_be.dcm'];
const SMALL = ['transfer-syntax/JPEGLSNearLossless_08.dcm', 'transfer-syntax/JPEGBaseline_1s_1f_u_08_08.dcm', 'transfer-syntax/liver_deflated_image_frame.dcm'];

let dir: string;
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
  const input = join(dir, 'in');
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

