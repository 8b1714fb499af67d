/**
 * `veil deidentify --shard K/N` and `veil merge-reports` (issue 13, part 5): N machines that each
 * run one shard of the same inputs with the same passphrase write, together, exactly what one run
 * writes — the same files, byte for byte, under the same names — and their merged reports are that
 * run's reports (only the run's own timestamps and the merge's note differ). What no shard can see
 * alone (one Patient ID with two names in two shards, one instance given twice in two shards) the
 * merge finds again. A bad --shard stops the command before anything is read.
 *
 * Inputs: fixture series (misc, color), the synthetic PHI study (two patients, CT series, GSPS,
 * SR, US), two files of one Patient ID with different names placed in different shards, and a
 * file that is not DICOM.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeidentify } from '../src/cli/deidentify-command.ts';
import { mergeReports, runMergeReports } from '../src/cli/merge-reports.ts';
import { shardOf } from '../src/cli/shard.ts';
import type { ReportJson } from '../src/core/export/report.ts';
import { readPart10 } from '../src/core/dicom/reader.ts';
import { T } from '../src/core/dicom/tags.ts';
import { getString } from '../src/core/dicom/values.ts';
import { bytesSource, readZipItem, walkZip } from '../src/workers/zip-input.ts';
import { filesUnder, quietly } from './helpers/cli-output.ts';
import { fixturesDir, repoRoot } from './helpers/fixtures.ts';
import { encodePart10, type Element } from './synthetic/encoder.ts';
import { makePhiStudy } from './synthetic/phi-study.ts';

const N = 3;
const PASS = 'one passphrase for every shard';
let dir: string;
let input: string;

async function zipEntries(file: string): Promise<Map<string, Buffer>> {
  const walked = await walkZip(bytesSource(new Uint8Array(readFileSync(file))), 'z');
  if (!walked.ok) throw new Error(walked.problem);
  const out = new Map<string, Buffer>();
  for (const item of walked.items) out.set(item.path.slice(2), Buffer.from(await readZipItem(item)));
  return out;
}

/** One patient (one Patient ID) under two spellings of the name. */
function conflictImage(n: number, name: string): Uint8Array {
  const sop = `1.2.826.0.1.3680043.99913.4.${n}`;
  const ds: Element[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
    { tag: 0x00080018, vr: 'UI', value: sop },
    { tag: 0x00080060, vr: 'CS', value: 'OT' },
    { tag: 0x00100010, vr: 'PN', value: name },
    { tag: 0x00100020, vr: 'LO', value: 'PID-SHARD-913' },
    { tag: 0x0020000d, vr: 'UI', value: '1.2.826.0.1.3680043.99913.1' },
    { tag: 0x0020000e, vr: 'UI', value: '1.2.826.0.1.3680043.99913.2' },
    { tag: 0x00200013, vr: 'IS', value: String(n) },
  ];
  return encodePart10({ sopClassUID: '1.2.840.10008.5.1.4.1.1.7', sopInstanceUID: sop, transferSyntax: 'explicit-le', dataset: ds });
}

/** A file name in folder `folder` (as the report names it) that lands in `shard`. */
function nameInShard(folder: string, prefix: string, shard: number): string {
  for (let i = 0; ; i++) if (shardOf(`${folder}/${prefix}${i}.dcm`, N) === shard) return `${prefix}${i}.dcm`;
}

const reportOf = (bytes: Buffer | string): ReportJson => JSON.parse(bytes.toString()) as ReportJson;
/** A report without what only the run itself can know: its timestamps, and the merge's note. */
const timeless = (r: ReportJson) => {
  const { startedAt: _s, finishedAt: _f, mergedShards: _m, ...meta } = r.meta;
  return { ...r, meta };
};
const dcmOnly = (files: Map<string, Buffer>) => new Map([...files].filter(([p]) => p.endsWith('.dcm')));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'veil-shard-'));
  input = join(dir, 'in');
  // One file per SOP Instance UID: the same instance twice (the colour fixtures hold one image in
  // several encodings) is the one thing shards cannot name as one run does — its own test below.
  const seen = new Set<string>();
  for (const folder of ['misc', 'color']) {
    mkdirSync(join(input, folder), { recursive: true });
    for (const name of readdirSync(join(fixturesDir, folder)).sort()) {
      const sop = getString(readPart10(new Uint8Array(readFileSync(join(fixturesDir, folder, name)))).dataset, T.SOPInstanceUID) ?? name;
      if (seen.has(sop)) continue;
      seen.add(sop);
      copyFileSync(join(fixturesDir, folder, name), join(input, folder, name));
    }
  }
  mkdirSync(join(input, 'study'));
  for (const f of makePhiStudy({ ctSlices: 6 }).files) {
    mkdirSync(dirname(join(input, 'study', f.name)), { recursive: true });
    writeFileSync(join(input, 'study', f.name), f.bytes);
  }
  mkdirSync(join(input, 'conflict'));
  writeFileSync(join(input, 'conflict', nameInShard('in/conflict', 'a', 1)), conflictImage(1, 'Kowalski^Ann'));
  writeFileSync(join(input, 'conflict', nameInShard('in/conflict', 'b', 2)), conflictImage(2, 'Kowalska^Anna'));
  writeFileSync(join(input, 'notes.txt'), 'not DICOM');

  const run = (out: string, shard?: number) =>
    quietly(() => runDeidentify({ inputs: [input], out, passphrase: PASS, mode: 'pseudonymize', quiet: true, shard: shard ? { index: shard, count: N } : undefined }));
  expect(await run(join(dir, 'single'))).toBe(0);
  expect(await run(join(dir, 'zsingle.zip'))).toBe(0);
  for (let k = 1; k <= N; k++) {
    expect(await run(join(dir, `shard${k}`), k)).toBe(0);
    expect(await run(join(dir, `zshard${k}.zip`), k)).toBe(0);
  }
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('veil deidentify --shard K/N', () => {
  it('the N shards write, together, the files one run writes: same names, same bytes, each file once', () => {
    const single = dcmOnly(filesUnder(join(dir, 'single')));
    expect(single.size).toBeGreaterThan(25);
    const union = new Map<string, Buffer>();
    for (let k = 1; k <= N; k++) {
      const shard = dcmOnly(filesUnder(join(dir, `shard${k}`)));
      // Every shard has work: the split spreads the inputs.
      expect(shard.size, `shard ${k}`).toBeGreaterThan(3);
      for (const [p, b] of shard) {
        expect(union.has(p), `${p} written by two shards`).toBe(false);
        union.set(p, b);
      }
    }
    expect([...union.keys()].sort()).toEqual([...single.keys()].sort());
    for (const [p, b] of single) expect(union.get(p)!.equals(b), p).toBe(true);
  });

  it('zip output: the union of the shards\' zip entries is one run\'s zip, byte for byte', async () => {
    const single = dcmOnly(await zipEntries(join(dir, 'zsingle.zip')));
    const union = new Map<string, Buffer>();
    for (let k = 1; k <= N; k++) for (const [p, b] of dcmOnly(await zipEntries(join(dir, `zshard${k}.zip`)))) union.set(p, b);
    expect(union.size).toBe(single.size);
    for (const [p, b] of single) expect(union.get(p)?.equals(b), p).toBe(true);
  });

  it('each shard report says which shard of which run it is, and names inputs as the whole run does', () => {
    const single = reportOf(readFileSync(join(dir, 'single', 'deid-report.json')));
    const refs = new Set(single.files.map((f) => f.input));
    for (let k = 1; k <= N; k++) {
      const r = reportOf(readFileSync(join(dir, `shard${k}`, 'deid-report.json')));
      expect(r.meta.shard).toMatchObject({ index: k, count: N, inputs: single.files.length });
      for (const f of r.files) expect(refs.has(f.input), f.input).toBe(true);
    }
  });
});

describe('veil merge-reports', () => {
  it('merges the in-output reports into the single run\'s report (JSON modulo timestamps, CSV exactly)', async () => {
    const shards = Array.from({ length: N }, (_, i) => join(dir, `shard${N - i}`, 'deid-report.json')); // any order
    const out = [join(dir, 'merged.json'), join(dir, 'merged.csv')];
    // In-output reports: the patient check across shards is out of reach (no digests) — see the operator's test.
    await quietly(() => runMergeReports({ reports: shards, out, quiet: true }));
    const single = reportOf(readFileSync(join(dir, 'single', 'deid-report.json')));
    const merged = reportOf(readFileSync(out[0]));
    expect(merged.meta.mergedShards).toBe(N);
    expect(merged.meta.shard).toBeUndefined();
    const withoutPatientCheck = (r: ReportJson) => ({
      ...timeless(r),
      files: r.files.map((f) => ({ ...f, warnings: f.warnings.filter((w) => !w.startsWith('patient check:')) })),
      totals: { ...r.totals, filesWithWarnings: 0 },
    });
    expect(withoutPatientCheck(merged)).toEqual(withoutPatientCheck(single));
    // The rows of files no shard's patient check could flag are the single run's, CSV byte for byte.
    const flagged = single.files.filter((f) => f.warnings.some((w) => w.startsWith('patient check:'))).map((f) => `${f.input},`);
    expect(flagged).toHaveLength(2);
    const csvRows = (t: string) => t.split('\r\n').filter((l) => !flagged.some((ref) => l.startsWith(ref)));
    expect(csvRows(readFileSync(out[1], 'utf8'))).toEqual(csvRows(readFileSync(join(dir, 'single', 'deid-report.csv'), 'utf8')));
  });

  it("merges the operator's reports into the single run's, the patient check redone across shards", async () => {
    const out = join(dir, 'merged-operator.json');
    const code = await quietly(() => runMergeReports({ reports: [1, 2, 3].map((k) => join(dir, `shard${k}-operator-report.json`)), out: [out, join(dir, 'merged-operator.csv')], quiet: true }));
    expect(code).toBe(0);
    const single = reportOf(readFileSync(join(dir, 'single-operator-report.json')));
    const merged = reportOf(readFileSync(out));
    // The conflict lies across shards 1 and 2: neither shard saw it, one run and the merge do.
    const flagged = (r: ReportJson) => r.files.filter((f) => f.warnings.some((w) => w.startsWith('patient check:'))).map((f) => f.path);
    expect(flagged(single)).toHaveLength(2);
    for (const k of [1, 2]) expect(flagged(reportOf(readFileSync(join(dir, `shard${k}-operator-report.json`))))).toEqual([]);
    expect(timeless(merged)).toEqual(timeless(single));
    expect(readFileSync(join(dir, 'merged-operator.csv'), 'utf8')).toBe(readFileSync(join(dir, 'single-operator-report.csv'), 'utf8'));
  });

  it('refuses a missing shard, a shard given twice, and a shard of another run or passphrase', async () => {
    const report = (k: number) => ({ name: `shard${k}`, report: reportOf(readFileSync(join(dir, `shard${k}`, 'deid-report.json'))) });
    expect(mergeReports([report(1), report(3)]).refused.join('\n')).toMatch(/shard\(s\) 2 of 3 missing/);
    expect(mergeReports([report(1), report(2), report(2), report(3)]).refused.join('\n')).toMatch(/shard 2\/3 given twice/);
    // The same row in two shards (a report edited by hand, or mislabelled).
    const moved = report(3);
    moved.report.meta.shard!.index = 1;
    expect(mergeReports([report(1), report(2), moved]).refused.join('\n')).toMatch(/given twice|reported twice/);
    // Shard 2 again with another passphrase: another input-set digest and other references.
    const other = join(dir, 'other2');
    await quietly(() => runDeidentify({ inputs: [input], out: other, passphrase: 'another', mode: 'pseudonymize', quiet: true, shard: { index: 2, count: N } }));
    const wrong = { name: 'other2', report: reportOf(readFileSync(join(other, 'deid-report.json'))) };
    const result = mergeReports([report(1), wrong, report(3)]);
    expect(result.refused.join('\n')).toMatch(/different runs: other inputs, or another passphrase/);
    expect(result.report).toBeUndefined();
    // A row cut from a report: its totals no longer match.
    const cut = report(1);
    cut.report.files.pop();
    expect(mergeReports([cut, report(2), report(3)]).refused.join('\n')).toMatch(/totals disagree/);
  });

  it('finds one instance given twice in two shards (one run writes it beside the first, with a suffix)', async () => {
    const twinDir = join(dir, 'twins');
    const src = join(input, 'misc', 'MR_small.dcm');
    mkdirSync(join(twinDir, 'in'), { recursive: true });
    for (const n of [nameInShard('in', 'x', 1), nameInShard('in', 'y', 3)]) copyFileSync(src, join(twinDir, 'in', n));
    const reports = [];
    for (let k = 1; k <= N; k++) {
      await quietly(() => runDeidentify({ inputs: [join(twinDir, 'in')], out: join(twinDir, `s${k}`), passphrase: PASS, quiet: true, shard: { index: k, count: N } }));
      reports.push({ name: `s${k}`, report: reportOf(readFileSync(join(twinDir, `s${k}`, 'deid-report.json'))) });
    }
    // Each shard wrote the instance under its plain name: no shard could know of the other.
    const outputs = reports.flatMap((r) => r.report.files.map((f) => f.output));
    expect(outputs.filter(Boolean)).toHaveLength(2);
    expect(new Set(outputs.filter(Boolean)).size).toBe(1);
    const result = mergeReports(reports);
    expect(result.refused).toEqual([]);
    expect(result.conflicts).toHaveLength(1);
    const merged = JSON.parse(result.report!.json) as ReportJson;
    expect(merged.files[1].warnings.join(' ')).toMatch(/^merge: same output path as #0001-/);
  });
});

describe('--shard on the command line', () => {
  it('a shard on worker threads (the bundled CLI, CRC-32s from the workers) writes what it writes in one thread', async () => {
    const out = join(dir, 'zshard2-threads.zip');
    const r = spawnSync(process.execPath, [resolve(repoRoot, 'bin/veil.mjs'), 'deidentify', input, '--out', out, '--shard', '2/3', '--threads', '2', '--mode', 'pseudonymize', '-q'],
      { encoding: 'utf8', timeout: 300_000, env: { ...process.env, VEIL_PASSPHRASE: PASS } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\(shard 2\/3 of \d+\)/);
    const threaded = await zipEntries(out);
    const inProcess = await zipEntries(join(dir, 'zshard2.zip'));
    expect([...threaded.keys()].sort()).toEqual([...inProcess.keys()].sort());
    for (const [p, b] of dcmOnly(inProcess)) expect(threaded.get(p)!.equals(b), p).toBe(true);
    expect(timeless(reportOf(threaded.get('deid-report.json')!))).toEqual(timeless(reportOf(inProcess.get('deid-report.json')!)));
  });

  it('merge-reports: exit code 1 and nothing written when a shard is missing; 2 on a usage error', () => {
    const veil = (...args: string[]) => spawnSync(process.execPath, [resolve(repoRoot, 'bin/veil.mjs'), 'merge-reports', ...args], { encoding: 'utf8', timeout: 120_000 });
    const out = join(dir, 'never-merged.json');
    const missing = veil(join(dir, 'shard1', 'deid-report.json'), join(dir, 'shard3', 'deid-report.json'), '--out', out);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/shard\(s\) 2 of 3 missing/);
    expect(existsSync(out)).toBe(false);
    expect(veil(join(dir, 'shard1', 'deid-report.json'), '--out', join(dir, 'merged.txt')).status).toBe(2);
    expect(veil('--out', out).status).toBe(2);
  });

  it('rejects a bad K/N before anything is read or written', () => {
    const out = join(dir, 'never');
    for (const bad of ['0/3', '4/3', '3', '1/0', 'a/b', '-1/3']) {
      // A FIFO or missing input would be reported if anything were read: the input does not exist.
      const r = spawnSync(process.execPath, [resolve(repoRoot, 'bin/veil.mjs'), 'deidentify', join(dir, 'missing'), '--out', out, `--shard=${bad}`], { encoding: 'utf8', timeout: 120_000 });
      expect(r.status, `${bad}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/--shard/);
      expect(existsSync(out) || existsSync(`${out}-operator-report.csv`), bad).toBe(false);
    }
  });
});
