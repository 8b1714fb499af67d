/**
 * Where `veil deidentify` writes and what it reads (issue 9, item 5): the --out checks happen
 * before any input is read and are usage errors; symbolic links are followed without looping;
 * FIFOs, sockets, unreadable entries, broken links and missing paths are reported as skipped,
 * never opened; files past readFileSync's 2 GiB limit are read; the report and the mapping are
 * written even when outputs fail.
 *
 * Most runs are in-process (runDeidentify, the code path of the command). Runs that could hang
 * (a FIFO on the command line) or need another user (unreadable files: the tests run as root,
 * which chmod 000 does not stop) run the real bin/veil.mjs as a child process.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync,
  writeFileSync, closeSync, openSync, ftruncateSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeidentify, type DeidentifyArgs } from '../src/cli/deidentify-command.ts';
import { filesUnder } from './helpers/cli-output.ts';
import { fixturesDir, repoRoot } from './helpers/fixtures.ts';

const CT = join(fixturesDir, 'transfer-syntax/CTImage_explicit_vr_le.dcm');
const MR = join(fixturesDir, 'transfer-syntax/MR_small_bigendian.dcm');
const BIN = resolve(repoRoot, 'bin/veil.mjs');

interface ReportEntry { input: string; path?: string; status: 'written' | 'skipped' | 'failed'; output?: string; reason?: string; warnings: string[] }

let root: string;
let n = 0;
/** A fresh folder for one test. */
const fresh = (): string => {
  const d = join(root, `t${++n}`);
  mkdirSync(d);
  return d;
};
/** A folder with the two fixture files (a CT and an MR of different patients). */
const inputFolder = (dir: string, name = 'in'): string => {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  copyFileSync(CT, join(d, 'ct.dcm'));
  copyFileSync(MR, join(d, 'mr.dcm'));
  return d;
};

interface Run { code?: number; error?: Error & { usage?: boolean }; log: string[] }
async function veil(args: Partial<DeidentifyArgs> & Pick<DeidentifyArgs, 'inputs' | 'out'>): Promise<Run> {
  const log: string[] = [];
  const [origLog, origErr] = [console.log, console.error];
  console.log = (...a: unknown[]) => void log.push(a.join(' '));
  console.error = (...a: unknown[]) => void log.push(a.join(' '));
  try {
    return { code: await runDeidentify({ quiet: true, passphrase: 'cli-safety', ...args }), log };
  } catch (e) {
    return { error: e as Run['error'], log };
  } finally {
    console.log = origLog;
    console.error = origErr;
  }
}
/**
 * The operator's report beside the output (the report inside it names inputs by reference only),
 * its rows keyed by input path in `input`, as these tests look them up.
 */
const reportOf = (out: string): ReportEntry[] =>
  (JSON.parse(readFileSync(`${out.replace(/\.zip$/i, '').replace(/[\\/]+$/, '')}-operator-report.json`, 'utf8')) as { files: ReportEntry[] }).files
    .map((e) => ({ ...e, input: e.path ?? e.input }));
/** The real command as a child process; never hangs the test run. */
const cli = (args: string[], extra: { uid?: number; gid?: number } = {}) =>
  spawnSync(process.execPath, [BIN, 'deidentify', ...args, '--passphrase', 'cli-safety', '-q'], {
    encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL', ...extra,
  });

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'veil-cli-safety-'));
  // Build the CLI bundle now if sources changed, as root, so the child runs below only run it.
  spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8', timeout: 240_000 });
}, 240_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('--out is checked before any input is read', () => {
  it('refuses a non-empty --out folder as a usage error (exit 2) and writes nothing', () => {
    const dir = fresh();
    const input = inputFolder(dir);
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'earlier.txt'), 'an earlier run');
    const r = cli([input, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out .* is not empty \(1 entry\).*--overwrite/);
    expect([...filesUnder(out).keys()]).toEqual(['earlier.txt']);
    expect(existsSync(`${out}-deid-mapping.csv`)).toBe(false);
  });

  it('writes into an empty folder that exists', async () => {
    const dir = fresh();
    const out = join(dir, 'out');
    mkdirSync(out);
    const r = await veil({ inputs: [inputFolder(dir)], out });
    expect(r.code).toBe(0);
    expect(reportOf(out).map((e) => e.status)).toEqual(['written', 'written']);
  });

  it('refuses an existing zip, a file given as a folder and a folder given as a zip', async () => {
    const dir = fresh();
    const input = inputFolder(dir);
    writeFileSync(join(dir, 'old.zip'), 'not yours to replace');
    writeFileSync(join(dir, 'a-file'), 'x');
    mkdirSync(join(dir, 'folder.zip'));
    for (const [out, why] of [['old.zip', /already exists.*--overwrite/], ['a-file', /exists and is not a folder/], ['folder.zip', /is a folder/]] as const) {
      const r = await veil({ inputs: [input], out: join(dir, out) });
      expect(r.error?.usage, out).toBe(true);
      expect(r.error?.message, out).toMatch(why);
    }
    expect(readFileSync(join(dir, 'old.zip'), 'utf8')).toBe('not yours to replace');
  });

  it('with --overwrite writes into a non-empty folder and replaces an existing zip', async () => {
    const dir = fresh();
    const input = inputFolder(dir);
    const out = join(dir, 'out');
    expect((await veil({ inputs: [input], out })).code).toBe(0);
    const first = filesUnder(out);
    writeFileSync(join(out, 'unrelated.txt'), 'left alone');
    const again = await veil({ inputs: [input], out, overwrite: true });
    expect(again.code).toBe(0);
    const second = filesUnder(out);
    // The same passphrase gives the same files, replaced in place; other files are left alone.
    for (const [p, bytes] of first) if (!p.startsWith('deid-report')) expect(second.get(p)?.equals(bytes), p).toBe(true);
    expect(second.get('unrelated.txt')?.toString()).toBe('left alone');

    const zip = join(dir, 'out.zip');
    writeFileSync(zip, 'stale');
    const z = await veil({ inputs: [input], out: zip, overwrite: true });
    expect(z.code).toBe(0);
    expect(readFileSync(zip).subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    expect(spawnSync('unzip', ['-tq', zip], { encoding: 'utf8' }).status).toBe(0);
  });

  it('refuses --out, --report or --mapping at or inside an input, and an input inside --out', async () => {
    const dir = fresh();
    const input = inputFolder(dir);
    mkdirSync(join(dir, 'empty'));
    symlinkSync(input, join(dir, 'link-to-in'));
    const cases: [Partial<DeidentifyArgs> & Pick<DeidentifyArgs, 'inputs' | 'out'>, RegExp][] = [
      [{ inputs: [input], out: join(input, 'out') }, /--out .* is inside the input/],
      // A zip output inside an input folder counts.
      [{ inputs: [input], out: join(input, 'sub', 'out.zip') }, /--out .* is inside the input/],
      // Real paths: through a symbolic link to the input folder.
      [{ inputs: [input], out: join(dir, 'link-to-in', 'out') }, /--out .* is inside the input/],
      [{ inputs: [join(dir, 'link-to-in')], out: join(input, 'out') }, /--out .* is inside the input/],
      // The output is the input itself.
      [{ inputs: [input], out: input, overwrite: true }, /--out .* is the input/],
      // An input folder inside the output (with --overwrite, so the non-empty check does not stop it first).
      [{ inputs: [input], out: dir, overwrite: true }, /the input .* is inside --out/],
      [{ inputs: [input], out: join(dir, 'out'), reportPath: join(input, 'ct.dcm') }, /--report .* is inside the input/],
      [{ inputs: [join(input, 'ct.dcm')], out: join(dir, 'out'), reportPath: join(input, 'ct.dcm') }, /--report .* is the input/],
      [{ inputs: [input], out: join(dir, 'out'), mappingPath: join(input, 'map.csv') }, /--mapping .* is inside the input/],
      // The mapping re-identifies patients: never inside the output.
      [{ inputs: [input], out: join(dir, 'out'), mappingPath: join(dir, 'out', 'map.csv') }, /--mapping .* (is inside --out|must not be inside)/],
      [{ inputs: [input], out: join(dir, 'out'), reportPath: join(dir, 'empty') }, /--report .* is a folder/],
    ];
    for (const [args, why] of cases) {
      const r = await veil(args);
      expect(r.error?.usage, JSON.stringify(args)).toBe(true);
      expect(r.error?.message, JSON.stringify(args)).toMatch(why);
    }
    // Nothing was written anywhere: no output, no mapping, the input folder as it was.
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(existsSync(join(dir, 'out-deid-mapping.csv'))).toBe(false);
    expect(readdirSync(input).sort()).toEqual(['ct.dcm', 'mr.dcm']);
  });

  it('does not replace an earlier mapping without --overwrite', async () => {
    const dir = fresh();
    const input = inputFolder(dir);
    const mappingPath = join(dir, 'map.csv');
    writeFileSync(mappingPath, 'the only key to an earlier run');
    const r = await veil({ inputs: [input], out: join(dir, 'out'), mappingPath });
    expect(r.error?.usage).toBe(true);
    expect(r.error?.message).toMatch(/mapping .* already exists/);
    expect(readFileSync(mappingPath, 'utf8')).toBe('the only key to an earlier run');
    // Anonymize mode writes no mapping, so an existing file of that name is no obstacle.
    expect((await veil({ inputs: [input], out: join(dir, 'out'), mappingPath, mode: 'anonymize' })).code).toBe(0);
    expect(readFileSync(mappingPath, 'utf8')).toBe('the only key to an earlier run');
  });
});

describe('what the walk reads, follows and skips', () => {
  it('follows links to files and folders, stops at loops and a folder seen twice, and reports broken links', async () => {
    const dir = fresh();
    const input = inputFolder(dir);
    const elsewhere = inputFolder(dir, 'elsewhere');
    symlinkSync(join(elsewhere, 'mr.dcm'), join(input, 'link-to-file.dcm'));
    symlinkSync(elsewhere, join(input, 'link-to-folder'));
    symlinkSync(elsewhere, join(input, 'second-link-to-folder'));
    mkdirSync(join(input, 'sub'));
    symlinkSync('..', join(input, 'sub', 'loop'));
    symlinkSync(join(dir, 'nowhere'), join(input, 'broken'));
    symlinkSync('self-loop', join(input, 'self-loop'));
    const out = join(dir, 'out');
    const r = await veil({ inputs: [input], out });
    expect(r.code).toBe(0);
    const byInput = new Map(reportOf(out).map((e) => [e.input, e]));
    expect([...byInput.keys()].sort()).toEqual([
      'in/broken', 'in/ct.dcm', 'in/link-to-file.dcm', 'in/link-to-folder/ct.dcm', 'in/link-to-folder/mr.dcm', 'in/mr.dcm',
      'in/second-link-to-folder', 'in/self-loop', 'in/sub/loop',
    ]);
    for (const p of ['in/ct.dcm', 'in/mr.dcm', 'in/link-to-file.dcm', 'in/link-to-folder/ct.dcm', 'in/link-to-folder/mr.dcm']) {
      expect(byInput.get(p)?.status, p).toBe('written');
    }
    expect(byInput.get('in/sub/loop')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/loop/) });
    expect(byInput.get('in/second-link-to-folder')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/same folder as in\/link-to-folder/) });
    expect(byInput.get('in/broken')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/broken symbolic link/) });
    expect(byInput.get('in/self-loop')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/loop/) });
  });

  it('never reads its own output through a link inside an input folder', async () => {
    const dir = fresh();
    const input = inputFolder(dir);
    const out = join(dir, 'out');
    expect((await veil({ inputs: [input], out })).code).toBe(0);
    const before = filesUnder(out);
    symlinkSync(out, join(input, 'link-to-out'));
    const firstOutput = reportOf(out)[0].output!;
    symlinkSync(join(out, firstOutput), join(input, 'link-to-an-output.dcm'));
    const r = await veil({ inputs: [input], out, overwrite: true });
    expect(r.code).toBe(0);
    const entries = reportOf(out);
    for (const p of ['in/link-to-out', 'in/link-to-an-output.dcm']) {
      expect(entries.find((e) => e.input === p), p).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/own output/) });
    }
    expect(filesUnder(out).size).toBe(before.size);
  });

  it('lists a socket, a missing command-line input and a FIFO in a folder as skipped', async () => {
    const dir = fresh();
    const input = inputFolder(dir);
    const server: Server = createServer();
    await new Promise<void>((res) => server.listen(join(input, 'a.sock'), res));
    try {
      expect(spawnSync('mkfifo', [join(input, 'pipe')]).status).toBe(0);
      const out = join(dir, 'out');
      const r = await veil({ inputs: [input, join(dir, 'missing.dcm')], out });
      expect(r.code).toBe(0);
      const entries = reportOf(out);
      expect(entries.map((e) => `${e.input} ${e.status}`)).toEqual([
        'in/a.sock skipped', 'in/ct.dcm written', 'in/mr.dcm written', 'in/pipe skipped', 'missing.dcm skipped',
      ]);
      expect(entries[0].reason).toMatch(/a socket/);
      expect(entries[3].reason).toMatch(/named pipe \(FIFO\)/);
      expect(entries[4].reason).toBe('no such file or folder');
    } finally {
      server.close();
    }
  });

  it('does not hang on a FIFO named on the command line (real command, worker threads)', () => {
    const dir = fresh();
    const input = inputFolder(dir);
    const fifo = join(dir, 'pipe.dcm');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const out = join(dir, 'out');
    const started = Date.now();
    const r = cli([fifo, input, '--out', out, '--threads', '2']);
    expect(r.signal, 'the command hung on the FIFO and was killed').toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    const entries = reportOf(out);
    expect(entries[0]).toMatchObject({ input: 'pipe.dcm', status: 'skipped', reason: expect.stringMatching(/FIFO/) });
    expect(entries.filter((e) => e.status === 'written')).toHaveLength(2);
  }, 130_000);

  it('writes a report (exit 1) when the only input does not exist', async () => {
    const dir = fresh();
    const out = join(dir, 'out.zip');
    const r = await veil({ inputs: [join(dir, 'nope')], out });
    expect(r.code).toBe(1);
    const unzip = spawnSync('unzip', ['-p', out, 'deid-report.json'], { encoding: 'utf8' });
    const files = (JSON.parse(unzip.stdout) as { files: ReportEntry[] }).files;
    expect(files).toEqual([expect.objectContaining({ input: expect.stringMatching(/^#0001-[0-9a-f]{8}$/), status: 'skipped', reason: 'no such file or folder' })]);
  });

  it('lists unreadable files and folders as skipped', () => {
    const dir = fresh();
    const input = inputFolder(dir);
    mkdirSync(join(input, 'locked'));
    copyFileSync(CT, join(input, 'locked', 'x.dcm'));
    chmodSync(join(input, 'mr.dcm'), 0o000);
    chmodSync(join(input, 'locked'), 0o000);
    // As root, mode 000 stops nobody: run the command as an unprivileged user instead.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      chmodSync(root, 0o755);
      chmodSync(dir, 0o777);
    }
    const out = join(dir, 'out');
    const r = cli([input, '--out', out, '--threads', '1'], asRoot ? { uid: 65534, gid: 65534 } : {});
    expect(r.status, r.stderr).toBe(0);
    const byInput = new Map(reportOf(out).map((e) => [e.input, e]));
    expect(byInput.get('in/ct.dcm')?.status).toBe('written');
    expect(byInput.get('in/mr.dcm')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/permission denied/) });
    expect(byInput.get('in/locked')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/folder that could not be read: permission denied/) });
    chmodSync(join(input, 'locked'), 0o755);
  }, 130_000);

  it('reads a file past 2 GiB (readFileSync refuses it) and fails one past the largest buffer, with reasons', async () => {
    const dir = fresh();
    const input = join(dir, 'in');
    mkdirSync(input);
    // Sparse files: no disk used. Not DICOM: the engine must say so, not the reader crash.
    const sparse = (name: string, bytes: number): void => {
      const fd = openSync(join(input, name), 'w');
      writeFileSync(fd, 'plain text, not DICOM\n');
      ftruncateSync(fd, bytes);
      closeSync(fd);
    };
    sparse('big.bin', 2100 * 1024 ** 2);
    sparse('huge.bin', 4097 * 1024 ** 2);
    copyFileSync(CT, join(input, 'ct.dcm'));
    const out = join(dir, 'out');
    const r = await veil({ inputs: [input], out });
    expect(r.code).toBe(0);
    const byInput = new Map(reportOf(out).map((e) => [e.input, e]));
    expect(byInput.get('in/big.bin')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^not a DICOM file/) });
    expect(byInput.get('in/huge.bin')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/4097 MiB, more than the 4096 MiB one buffer can hold/) });
    expect(byInput.get('in/ct.dcm')?.status).toBe('written');
  }, 120_000);
});

describe('the report and the mapping are always written', () => {
  it('also when an output cannot be written', async () => {
    const dir = fresh();
    const input = inputFolder(dir);
    const first = join(dir, 'first');
    expect((await veil({ inputs: [input], out: first })).code).toBe(0);
    const ctOutput = reportOf(first).find((e) => e.input === 'in/ct.dcm')!.output!;
    // A folder where the CT's output file must go: that one write fails, the rest goes on.
    const out = join(dir, 'out');
    mkdirSync(join(out, ctOutput), { recursive: true });
    const mappingPath = join(dir, 'map.csv');
    const reportPath = join(dir, 'report.json');
    const r = await veil({ inputs: [input], out, overwrite: true, mappingPath, reportPath });
    expect(r.code).toBe(0);
    const entries = reportOf(out);
    expect(entries.find((e) => e.input === 'in/ct.dcm')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/could not be written to the output/) });
    expect(entries.find((e) => e.input === 'in/mr.dcm')?.status).toBe('written');
    expect(JSON.parse(readFileSync(reportPath, 'utf8')).files).toHaveLength(2);
    expect(readFileSync(mappingPath, 'utf8').split('\n').length).toBeGreaterThan(1);
  });

  it('writes --report and the mapping when the report inside the output cannot be written (exit 1)', async () => {
    const dir = fresh();
    const input = inputFolder(dir);
    const out = join(dir, 'out');
    mkdirSync(join(out, 'deid-report.json'), { recursive: true });
    const mappingPath = join(dir, 'map.csv');
    const reportPath = join(dir, 'report.json');
    const r = await veil({ inputs: [input], out, overwrite: true, mappingPath, reportPath });
    expect(r.code).toBe(1);
    expect(r.log.join('\n')).toMatch(/the report could not be written into the output/);
    expect((JSON.parse(readFileSync(reportPath, 'utf8')) as { files: ReportEntry[] }).files.map((e) => e.status)).toEqual(['written', 'written']);
    expect(readFileSync(mappingPath, 'utf8')).toMatch(/^record,/);
  });
});
