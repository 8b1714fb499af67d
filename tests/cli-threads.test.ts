/**
 * `--threads` (issue 9, item 8): the worker-thread path (src/cli/parallel.ts) writes the same
 * bytes, the same report and the same mapping as one thread. It needs the bundled CLI (workers
 * start from dist-cli/veil.mjs), so the real bin/veil.mjs runs as a child process.
 *
 * Inputs: every transfer syntax and colour model of the corpus, with a redaction plan that
 * paints a box on each image (compressed pixels are decoded, painted and re-encoded: the
 * asynchronous part of a worker's job), plus files that are not DICOM and a truncated file.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPart10 } from '../src/core/dicom/reader.ts';
import { T } from '../src/core/dicom/tags.ts';
import { getString } from '../src/core/dicom/values.ts';
import type { RedactionPlan } from '../src/core/pixels/plan.ts';
import { filesUnder } from './helpers/cli-output.ts';
import { fixturesDir, repoRoot } from './helpers/fixtures.ts';

const FOLDERS = ['transfer-syntax', 'color'];
const EXTRA = ['odd/MR_truncated.dcm', 'README.md'];

let dir: string;
const runs = new Map<number, { status: number | null; stdout: string; stderr: string; files: Map<string, Buffer>; mapping: string }>();

/** The report with the run's own timestamps taken out. */
const reportWithoutTimes = (bytes: Buffer | undefined): string =>
  JSON.stringify(JSON.parse(bytes!.toString('utf8'))).replace(/"(startedAt|finishedAt)":"[^"]*"/g, '');
const sortedLines = (text: string): string[] => text.split('\n').sort();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-threads-'));
  const input = join(dir, 'in');
  const boxes: RedactionPlan['boxes'] = [];
  for (const folder of FOLDERS) {
    for (const name of readdirSync(join(fixturesDir, folder)).sort()) {
      mkdirSync(join(input, folder), { recursive: true });
      copyFileSync(join(fixturesDir, folder, name), join(input, folder, name));
      try {
        const sop = getString(readPart10(new Uint8Array(readFileSync(join(fixturesDir, folder, name)))).dataset, T.SOPInstanceUID);
        if (sop) boxes.push({ id: `b${boxes.length}`, x: 1, y: 1, width: 6, height: 4, frames: 'all', scope: { kind: 'instance', sopInstanceUID: sop }, source: 'user' });
      } catch {
        // Not readable here: the command reports it; no box.
      }
    }
  }
  for (const f of EXTRA) copyFileSync(join(fixturesDir, f), join(input, f.replace('/', '-')));
  writeFileSync(join(dir, 'plan.json'), JSON.stringify({ version: 1, boxes } satisfies RedactionPlan));
  for (const threads of [1, 2, 3]) {
    const out = join(dir, `out-${threads}`);
    const mapping = join(dir, `map-${threads}.csv`);
    const r = spawnSync(
      process.execPath,
      [resolve(repoRoot, 'bin/veil.mjs'), 'deidentify', input, '--out', out, '--mapping', mapping, '--boxes', join(dir, 'plan.json'), '--passphrase', 'threads', '--threads', String(threads), '-q'],
      { encoding: 'utf8', timeout: 300_000, killSignal: 'SIGKILL' },
    );
    runs.set(threads, { status: r.status, stdout: r.stdout, stderr: r.stderr, files: existsSync(out) ? filesUnder(out) : new Map(), mapping: existsSync(mapping) ? readFileSync(mapping, 'utf8') : '' });
  }
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--threads', () => {
  it('runs on worker threads and writes the same bytes, report and mapping as one thread', () => {
    const one = runs.get(1)!;
    expect(one.status, one.stderr).toBe(0);
    const report = JSON.parse(one.files.get('deid-report.json')!.toString('utf8')) as { files: { status: string; warnings: string[] }[] };
    const said = (re: RegExp) => report.files.filter((f) => f.warnings.some((w) => re.test(w))).length;
    // The run covers what it should: many written files, painted pixels, skipped and failed inputs.
    expect(report.files.filter((f) => f.status === 'written').length).toBeGreaterThan(30);
    expect(said(/^redaction: painted/)).toBeGreaterThan(20);
    expect(said(/re-encoded losslessly/)).toBeGreaterThan(3);
    expect(report.files.some((f) => f.status === 'skipped')).toBe(true);
    expect(report.files.some((f) => f.status === 'failed')).toBe(true);
    expect(one.mapping.split('\n').length).toBeGreaterThan(2);
    for (const threads of [2, 3]) {
      const many = runs.get(threads)!;
      expect(many.status, many.stderr).toBe(0);
      expect([...many.files.keys()].sort(), `${threads} threads`).toEqual([...one.files.keys()].sort());
      for (const [path, bytes] of one.files) {
        if (path.startsWith('deid-report.')) continue;
        expect(many.files.get(path)!.equals(bytes), `${path} with ${threads} threads`).toBe(true);
      }
      expect(reportWithoutTimes(many.files.get('deid-report.json')), `report, ${threads} threads`).toEqual(reportWithoutTimes(one.files.get('deid-report.json')));
      // The same records; their order follows which worker saw a patient first.
      expect(sortedLines(many.mapping), `mapping, ${threads} threads`).toEqual(sortedLines(one.mapping));
      expect(many.mapping.split('\n')[0]).toBe(one.mapping.split('\n')[0]);
    }
  });
});
