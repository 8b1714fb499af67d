/**
 * `veil deidentify --deface` end to end through the real command (runDeidentify, as `npx veil`):
 * the head CT fixture is defaced and written with its geometry, every pixel outside the face
 * region exactly as it came, Recognizable Visual Features NO and code 113102; a series that is
 * not a head is written as usual and reported skipped; a head series that cannot be defaced is
 * reported declined and not written (fail closed) — or written undefaced with a warning under
 * --deface-optional — and the other inputs of the run are written either way.
 *
 * Most tests use the TEST-ONLY fake defacer (fake-defacer.ts: known patches) to check the CLI
 * path; the last block runs the real engine (elastix registration, face region, face check) on
 * the fixture head through the same path.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportEntry } from '../../src/core/export/report.ts';
import { runVeil, type InputSpec, type VeilRun } from '../fail-closed/harness.ts';
import { repoRoot } from '../helpers/fixtures.ts';
import { referenceDecode, sampleValue } from '../helpers/reference-pixels.ts';
import { fakeDefacer } from './fake-defacer.ts';
import { nodeDefacer } from '../../src/cli/defacer-node.ts';
import type { SeriesDefacer } from '../../src/cli/deface-run.ts';
import type { FramePatch } from '../../src/core/deface/types.ts';
import { seriesFiles } from './synthetic-series.ts';

/** ../shared/fixtures/heads (read its README): a real head CT with its face. */
const CT_DIR = join(repoRoot, '..', 'shared', 'fixtures', 'heads', 'ct-cranium');

function headInputs(): InputSpec[] {
  return readdirSync(CT_DIR).filter((n) => n.endsWith('.dcm')).sort().map((n) => ({ name: `ct-cranium/${n}`, bytes: new Uint8Array(readFileSync(join(CT_DIR, n))) }));
}

/** A chest CT (not a head) and a head CT of 4 slices (no volume to deface). */
async function otherInputs(): Promise<InputSpec[]> {
  const chest = await seriesFiles({ seriesUID: '1.2.826.0.1.3680043.99998.8.1', slices: 3, bodyPart: 'CHEST' });
  const brokenHead = await seriesFiles({ seriesUID: '1.2.826.0.1.3680043.99998.8.2', slices: 4, bodyPart: 'HEAD' });
  return [...chest.map((f) => ({ ...f, name: `chest/${f.name}` })), ...brokenHead.map((f) => ({ ...f, name: `broken-head/${f.name}` }))];
}

function geometry(bytes: Uint8Array) {
  const ds = dicomParser.parseDicom(bytes);
  return ['x00200032', 'x00200037', 'x00280030', 'x00180050'].map((t) => ds.string(t)?.trim());
}

function flags(bytes: Uint8Array) {
  const ds = dicomParser.parseDicom(bytes);
  return { rvf: ds.string('x00280302')?.trim(), codes: (ds.elements.x00120064?.items ?? []).map((i) => i.dataSet!.string('x00080100')?.trim()) };
}

/** Every pixel value of frame 0, read through the independent reference decoder. */
function values(img: ReturnType<typeof referenceDecode>): Int32Array {
  const out = new Int32Array(img.rows * img.columns);
  for (let r = 0; r < img.rows; r++) for (let c = 0; c < img.columns; c++) out[r * img.columns + c] = sampleValue(img, 0, r, c, 0);
  return out;
}

const rowsFor = (run: VeilRun, prefix: string): ReportEntry[] => run.operator.files.filter((f) => f.path!.startsWith(`in/${prefix}/`));

describe('veil deidentify --deface (fake defacer: the CLI path)', () => {
  let run: VeilRun;
  const defacer = fakeDefacer({ faceSlices: 40, faceRows: 70 });
  const head = headInputs();

  beforeAll(async () => {
    run = await runVeil([...head, ...(await otherInputs())], { deface: { mode: 'remove', optional: false, ignoreFaceCheck: false }, defacer });
  }, 300_000);

  it('writes every file of the head series, decodable, with the input geometry', () => {
    const rows = rowsFor(run, 'ct-cranium');
    expect(rows).toHaveLength(head.length);
    for (const row of rows) {
      expect(row.status, row.reason).toBe('written');
      const input = head.find((h) => `in/${h.name}` === row.path)!;
      const out = run.outputs.get(row.output!)!;
      expect(geometry(out)).toEqual(geometry(input.bytes));
      expect(() => referenceDecode(out)).not.toThrow();
    }
  });

  it('changes only pixels inside the face region, and some in every face slice', () => {
    let changedTotal = 0;
    for (const row of rowsFor(run, 'ct-cranium')) {
      const input = head.find((h) => `in/${h.name}` === row.path)!;
      const before = referenceDecode(input.bytes);
      const after = referenceDecode(run.outputs.get(row.output!)!);
      const patch = new Set(defacer.patches.get(row.path!)?.flatMap((p) => [...p.indices]) ?? []);
      const a = values(before);
      const b = values(after);
      let changed = 0;
      const outside: number[] = [];
      const notAir: number[] = [];
      for (let i = 0; i < a.length; i++) {
        if (a[i] === b[i]) continue;
        changed++;
        if (!patch.has(i)) outside.push(i);
        if (b[i] !== -1024) notAir.push(i);
      }
      expect(outside, `${row.path}: pixels changed outside the face region`).toEqual([]);
      expect(notAir, `${row.path}: changed pixels that are not air`).toEqual([]);
      if (patch.size) expect(changed, `${row.path}: a face slice with nothing changed`).toBeGreaterThan(0);
      expect(row.deface).toEqual({ status: 'defaced', mode: 'remove', changedPixels: patch.size });
      changedTotal += changed;
    }
    expect(defacer.patches.size).toBe(40);
    expect(changedTotal).toBeGreaterThan(0);
  });

  it('marks every defaced file: Recognizable Visual Features NO, code 113102', () => {
    for (const row of rowsFor(run, 'ct-cranium')) {
      const f = flags(run.outputs.get(row.output!)!);
      expect(f.rvf).toBe('NO');
      expect(f.codes).toContain('113102');
    }
  });

  it('writes a series that is not a head as usual, reported skipped', () => {
    const rows = rowsFor(run, 'chest');
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.status).toBe('written');
      expect(row.deface?.status).toBe('skipped');
      expect(row.deface?.reason).toContain('skipped defacing: not a head CT/MR series');
      expect(flags(run.outputs.get(row.output!)!).codes).not.toContain('113102');
    }
  });

  it('does not write a head series that could not be defaced, and says why', () => {
    const rows = rowsFor(run, 'broken-head');
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(row.status).toBe('failed');
      expect(row.reason).toMatch(/^not written: defacing declined: not one regular 3-D head volume: 4 slice\(s\)/);
      expect(row.deface).toMatchObject({ status: 'declined', mode: 'remove' });
    }
    expect(run.exitCode).toBe(0); // the rest was written
  });

  it('reports every series in both reports, the in-output one by reference only', () => {
    const series = run.report.defacing!;
    expect(series.map((s) => s.status).sort()).toEqual(['declined', 'defaced', 'skipped']);
    const defaced = series.find((s) => s.status === 'defaced')!;
    expect(defaced.inputs).toHaveLength(head.length);
    expect(defaced.changedVoxels).toBe(40 * 70 * 256);
    for (const s of series) for (const ref of s.inputs) expect(ref).toMatch(/^#\d{4}-[0-9a-f]+$/);
    expect(series.every((s) => s.paths === undefined)).toBe(true);
    const reportText = new TextDecoder().decode(run.outputs.get('deid-report.json')!) + new TextDecoder().decode(run.outputs.get('deid-report.csv')!);
    expect(reportText).not.toContain('ct-cranium');
    expect(reportText).not.toContain('broken-head');
    expect(run.operator.defacing!.find((s) => s.status === 'defaced')!.paths![0]).toBe('in/ct-cranium/IM0001.dcm');
    expect(run.operatorCsv.split('\r\n')[0]).toContain(',deface,deface_mode,deface_changed_pixels,deface_reason,');
  });

  it('prints one line per series: defaced (voxels), declined (reason), skipped', () => {
    expect(run.log.some((l) => /^deface {3}defaced {2}in\/ct-cranium\/IM0001\.dcm and 107 more \(remove\): 716800 voxel\(s\) changed/.test(l))).toBe(true);
    expect(run.log.some((l) => /deface {3}declined in\/broken-head\/.*: not one regular 3-D head volume.*; not written$/.test(l))).toBe(true);
    expect(run.log.some((l) => /^deface {3}skipped {2}in\/chest\//.test(l))).toBe(true);
  });
});

describe('veil deidentify --deface, a head series the engine declines', () => {
  it('fails closed by default; --deface-optional writes it undefaced with a warning; other inputs are written', async () => {
    const head = (await seriesFiles({ seriesUID: '1.2.826.0.1.3680043.99998.8.3', slices: 24, bodyPart: 'HEAD' })).map((f) => ({ ...f, name: `head/${f.name}` }));
    const chest = (await seriesFiles({ seriesUID: '1.2.826.0.1.3680043.99998.8.4', slices: 2, bodyPart: 'CHEST' })).map((f) => ({ ...f, name: `chest/${f.name}` }));
    const defacer = fakeDefacer({ faceSlices: 0, faceRows: 0, declineWith: 'needs manual review: the face region would reach the brain' });

    const closed = await runVeil([...head, ...chest], { deface: { mode: 'blur', optional: false, ignoreFaceCheck: false }, defacer });
    for (const row of rowsFor(closed, 'head')) {
      expect(row.status).toBe('failed');
      expect(row.reason).toBe('not written: defacing declined: needs manual review: the face region would reach the brain');
    }
    expect(rowsFor(closed, 'chest').every((r) => r.status === 'written')).toBe(true);
    expect([...closed.outputs.keys()].filter((k) => k.endsWith('.dcm'))).toHaveLength(2);

    const optional = await runVeil([...head, ...chest], { deface: { mode: 'blur', optional: true, ignoreFaceCheck: false }, defacer });
    for (const row of rowsFor(optional, 'head')) {
      expect(row.status).toBe('written');
      expect(row.deface).toMatchObject({ status: 'declined', writtenWithoutDefacing: true });
      expect(row.warnings.some((w) => w.includes('WITHOUT defacing'))).toBe(true);
      expect(flags(optional.outputs.get(row.output!)!).rvf).not.toBe('NO');
      expect(flags(optional.outputs.get(row.output!)!).codes).not.toContain('113102');
    }
    expect(optional.report.defacing!.find((s) => s.status === 'declined')).toMatchObject({ writtenWithoutDefacing: true, mode: 'blur' });
  });
});

describe('veil deidentify --deface, the face check', () => {
  it('blocks a series where a face is still found, unless --deface-ignore-face-check (recorded)', async () => {
    const head = (await seriesFiles({ seriesUID: '1.2.826.0.1.3680043.99998.8.5', slices: 22, bodyPart: 'HEAD' })).map((f) => ({ ...f, name: `head/${f.name}` }));
    const defacer = fakeDefacer({ faceSlices: 3, faceRows: 4, faceFound: true });

    const blocked = await runVeil(head, { deface: { mode: 'remove', optional: false, ignoreFaceCheck: false }, defacer });
    for (const row of rowsFor(blocked, 'head')) {
      expect(row.status).toBe('failed');
      expect(row.reason).toBe('not written: defacing declined: a face was still detected after defacing; needs manual review');
    }
    expect(blocked.report.defacing![0]).toMatchObject({ status: 'declined', faceCheck: { faceFound: true, bestScore: 0.93 } });
    expect(blocked.exitCode).toBe(1); // nothing written

    const overridden = await runVeil(head, { deface: { mode: 'remove', optional: false, ignoreFaceCheck: true }, defacer });
    for (const row of rowsFor(overridden, 'head')) {
      expect(row.status).toBe('written');
      expect(row.deface).toMatchObject({ status: 'defaced', faceCheckOverridden: true });
      expect(flags(overridden.outputs.get(row.output!)!).codes).toContain('113102');
    }
    expect(overridden.report.defacing![0]).toMatchObject({ status: 'defaced', faceCheck: { faceFound: true, overridden: true } });
    expect(overridden.log.some((l) => l.includes('a face was still found: overridden (--deface-ignore-face-check)'))).toBe(true);
  });
});

describe('veil deidentify --deface with the REAL engine on the head CT (registration, face region, face check)', () => {
  let run: VeilRun;
  const head = headInputs();
  /** The real engine, with the patches it hands the CLI recorded on the way (nothing changed). */
  const recorded = new Map<string, FramePatch[]>();

  beforeAll(async () => {
    const real = nodeDefacer();
    const recording: SeriesDefacer = {
      isHeadSeries: real.isHeadSeries,
      async deface(instances, options) {
        const outcome = await real.deface(instances, options);
        for (const [path, list] of outcome.patches) recorded.set(path, list);
        return outcome;
      },
      checkFace: real.checkFace,
    };
    run = await runVeil(head, { deface: { mode: 'remove', optional: false, ignoreFaceCheck: false }, defacer: recording, keep: true });
  }, 600_000);

  afterAll(() => rmSync(run.dir, { recursive: true, force: true }));

  it('writes the same bytes on worker threads (the bundled CLI, patches handed to the workers)', () => {
    const out = join(run.dir, 'out-threads');
    const r = spawnSync(
      process.execPath,
      [resolve(repoRoot, 'bin/veil.mjs'), 'deidentify', join(run.dir, 'in'), '--out', out, '--profile', join(run.dir, 'profile.json'),
        '--mapping', join(run.dir, 'map-threads.csv'), '--passphrase', 'fail-closed-tests', '--deface', '--threads', '2', '-q'],
      { encoding: 'utf8', timeout: 600_000, killSignal: 'SIGKILL' },
    );
    expect(r.status, r.stderr).toBe(0);
    let compared = 0;
    for (const [path, bytes] of run.outputs) {
      if (path.startsWith('deid-report.')) continue;
      expect(Buffer.from(readFileSync(join(out, path))).equals(Buffer.from(bytes)), path).toBe(true);
      compared++;
    }
    expect(compared).toBe(head.length);
    const withoutTimes = (t: string) => t.replace(/"(startedAt|finishedAt)": "[^"]*"/g, '');
    expect(withoutTimes(readFileSync(join(out, 'deid-report.json'), 'utf8'))).toBe(withoutTimes(new TextDecoder().decode(run.outputs.get('deid-report.json')!)));
  }, 600_000);

  it('defaces the series: every file written with its geometry, RVF NO and 113102, the face check passed', () => {
    const series = run.report.defacing!;
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({ status: 'defaced', mode: 'remove', modality: 'CT', faceCheck: { faceFound: false } });
    expect(series[0].changedVoxels).toBeGreaterThan(0);
    const rows = rowsFor(run, 'ct-cranium');
    expect(rows).toHaveLength(head.length);
    for (const row of rows) {
      expect(row.status, row.reason).toBe('written');
      const input = head.find((h) => `in/${h.name}` === row.path)!;
      const out = run.outputs.get(row.output!)!;
      expect(geometry(out)).toEqual(geometry(input.bytes));
      expect(flags(out)).toMatchObject({ rvf: 'NO' });
      expect(flags(out).codes).toContain('113102');
      expect(row.deface?.status).toBe('defaced');
    }
  });

  it('changes exactly the pixels the engine chose, to the values it chose, and nothing else', () => {
    let changedTotal = 0;
    let faceSlices = 0;
    for (const row of rowsFor(run, 'ct-cranium')) {
      const input = head.find((h) => `in/${h.name}` === row.path)!;
      const a = values(referenceDecode(input.bytes));
      const b = values(referenceDecode(run.outputs.get(row.output!)!));
      const expected = new Map<number, number>();
      for (const p of recorded.get(row.path!) ?? []) p.indices.forEach((idx, n) => expected.set(idx, p.storedValues[n]));
      const wrong: number[] = [];
      let changed = 0;
      for (let i = 0; i < a.length; i++) {
        const want = expected.get(i) ?? a[i];
        if (b[i] !== want) wrong.push(i);
        if (b[i] !== a[i]) changed++;
      }
      expect(wrong, `${row.path}: pixels that differ from input + patches`).toEqual([]);
      expect(row.deface?.changedPixels).toBe(changed);
      if (expected.size) faceSlices++;
      changedTotal += changed;
    }
    expect(faceSlices).toBeGreaterThan(10);
    expect(changedTotal).toBe(run.report.defacing![0].changedVoxels);
  });
});
