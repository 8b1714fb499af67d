/**
 * The export gate's head-series rule: a head series leaves only defaced-and-accepted or kept by a
 * person's explicit choice; everything else is listed with its reason.
 */
import { describe, expect, it } from 'vitest';
import { defaceExport, defaceGateReason, defaceNeeded, needsFaceOverride } from './deface.ts';
import type { FileEntry, SeriesDeface } from './types.ts';
import type { DefaceResult } from '../../workers/deface-protocol.ts';
import type { InstanceSummary } from '../../workers/protocol.ts';

function entry(id: number, series: string, modality = 'CT'): FileEntry {
  const summary = { patientId: 'P', patientName: 'N', studyInstanceUID: '1.2', seriesInstanceUID: series, modality } as InstanceSummary;
  return { id, path: `${series}/IM${id}.dcm`, file: new Blob([]), size: 0, status: 'ready', warnings: [], residual: [], summary };
}

const keyOf = (series: string) => `P\u0000N|1.2|${series}`;

const defaced = (faceFound: boolean, extra: Partial<DefaceResult> = {}): DefaceResult => ({
  status: 'defaced', mode: 'remove', changedVoxels: 10, patches: [], elapsedMs: 1,
  faceCheck: { faceFound, views: [{ yawDeg: 0, pitchDeg: 0, score: faceFound ? 0.9 : 0.1 }] }, ...extra,
});

/** The files of series H as the gate sees them, and their paths as a defacing run records them. */
const H_FILES = [entry(1, 'H'), entry(2, 'H')];
const H_PATHS = H_FILES.map((f) => f.path);

const head = (d: Partial<SeriesDeface>): SeriesDeface => ({ head: { head: true }, mode: 'remove', ears: true, run: { phase: 'idle' }, ...d });

describe('head series at the export gate', () => {
  const files = [entry(1, 'H'), entry(2, 'H'), entry(3, 'B')];

  it('lists a head series nobody defaced, with its images and reason', () => {
    const needed = defaceNeeded(files, { [keyOf('H')]: head({}), [keyOf('B')]: { ...head({}), head: { head: false, reason: 'not a head' } } });
    expect(needed).toHaveLength(1);
    expect(needed[0].entries.map((e) => e.id)).toEqual([1, 2]);
    expect(needed[0].reason).toMatch(/not defaced/);
  });

  it('lets through a series defaced and accepted, or kept by a person', () => {
    expect(defaceGateReason(head({ run: { phase: 'done', result: defaced(false), paths: H_PATHS }, decision: 'accepted' }), H_FILES)).toBeUndefined();
    expect(defaceGateReason(head({ decision: 'declined' }), H_FILES)).toBeUndefined();
  });

  it('holds a series defaced but not accepted, still running, failed or declined by the engine', () => {
    expect(defaceGateReason(head({ run: { phase: 'done', result: defaced(false), paths: H_PATHS } }), H_FILES)).toMatch(/not accepted/);
    expect(defaceGateReason(head({ run: { phase: 'running', fraction: 0.3, stage: 'x', startedAt: 0 } }), H_FILES)).toMatch(/still running/);
    expect(defaceGateReason(head({ run: { phase: 'error', message: 'boom' } }), H_FILES)).toMatch(/failed \(boom\)/);
    const declined: DefaceResult = { status: 'declined', reason: 'needs manual review: the registration failed', mode: 'remove', changedVoxels: 0, patches: [], elapsedMs: 1 };
    expect(defaceGateReason(head({ run: { phase: 'done', result: declined, paths: H_PATHS } }), H_FILES)).toMatch(/registration failed/);
  });

  it('holds a series whose face check still finds a face, or could not run, until a person overrides', () => {
    const found = head({ run: { phase: 'done', result: defaced(true), paths: H_PATHS }, decision: 'accepted' });
    expect(defaceGateReason(found, H_FILES)).toMatch(/still finds a face/);
    expect(defaceGateReason({ ...found, faceOverride: true }, H_FILES)).toBeUndefined();
    const unchecked = defaced(false, { faceCheck: undefined, faceCheckError: 'no wasm' });
    expect(needsFaceOverride(unchecked)).toBe(true);
    expect(defaceGateReason(head({ run: { phase: 'done', result: unchecked, paths: H_PATHS }, decision: 'accepted' }), H_FILES)).toMatch(/could not run \(no wasm\)/);
  });

  it('lists a series that calls itself a head but cannot be defaced', () => {
    expect(defaceGateReason({ ...head({}), head: { head: true, defaceable: false, reason: 'uneven slice gaps' } }, H_FILES)).toMatch(/cannot be defaced: uneven slice gaps/);
  });
});

describe('what the export is told', () => {
  const files = [entry(1, 'H'), entry(2, 'H'), entry(3, 'B', 'US')];
  const paths = ['B/IM3.dcm', 'H/IM1.dcm', 'H/IM2.dcm'];
  const patch = { frame: 0, indices: Uint32Array.from([5]), storedValues: Int32Array.from([-1024]) };

  it('hands each file of an accepted series its own patches (none for a slice the region missed) and the series facts', () => {
    const result = defaced(false, { patches: [['H/IM1.dcm', [patch]]], changedVoxels: 1 });
    const { session, series } = defaceExport({ [keyOf('H')]: head({ run: { phase: 'done', result, paths: H_PATHS }, decision: 'accepted' }) }, files, false, paths);
    const byPath = new Map(session!.instructions);
    expect(byPath.get('H/IM1.dcm')).toEqual({ status: 'defaced', mode: 'remove', patches: [patch] });
    expect(byPath.get('H/IM2.dcm')).toEqual({ status: 'defaced', mode: 'remove', patches: [] });
    expect(byPath.has('B/IM3.dcm')).toBe(false);
    expect(series).toEqual([{ inputs: [1, 2], status: 'defaced', mode: 'remove', modality: 'CT', changedVoxels: 1, faceCheck: { faceFound: false, bestScore: 0.1 } }]);
  });

  it('records a kept face, and a face exported anyway with the reason it was held', () => {
    const kept = defaceExport({ [keyOf('H')]: head({ decision: 'declined' }) }, files, false, paths);
    expect(new Map(kept.session!.instructions).get('H/IM1.dcm')).toEqual({ status: 'declined', mode: 'remove', reason: 'a person chose to keep the face' });
    const anyway = defaceExport({ [keyOf('H')]: head({}) }, files, true, paths);
    expect(anyway.series[0]).toMatchObject({ status: 'declined', writtenWithoutDefacing: true });
    expect(anyway.series[0].reason).toMatch(/exported anyway at the user's explicit choice \(head series: the face is not removed/);
    // Without "export anyway" an undecided series gets no instruction at all: the gate holds it.
    expect(defaceExport({ [keyOf('H')]: head({}) }, files, false, paths).session).toBeUndefined();
  });

  it('marks an accepted series whose face check found a face as overridden', () => {
    const { session, series } = defaceExport({ [keyOf('H')]: head({ run: { phase: 'done', result: defaced(true), paths: H_PATHS }, decision: 'accepted', faceOverride: true }) }, files, false, paths);
    expect(new Map(session!.instructions).get('H/IM1.dcm')).toMatchObject({ status: 'defaced', faceCheckOverridden: true });
    expect(series[0].faceCheck).toEqual({ faceFound: true, bestScore: 0.9, overridden: true });
  });
});

describe('a head series that grows after it was defaced (a second pick)', () => {
  const grown = [entry(1, 'H'), entry(2, 'H'), entry(4, 'H')];
  const paths = grown.map((f) => f.path);
  const accepted = head({ run: { phase: 'done', result: defaced(false), paths: H_PATHS }, decision: 'accepted' });

  it('is listed at the gate again: the new file was never defaced', () => {
    expect(defaceGateReason(accepted, H_FILES)).toBeUndefined();
    expect(defaceGateReason(accepted, grown)).toMatch(/1 file\(s\) joined it after it was defaced; deface it again/);
    expect(defaceNeeded(grown, { [keyOf('H')]: accepted }).map((n) => n.entries.length)).toEqual([3]);
  });

  it('is never written as defaced: held by the gate, or written with its face and the reason under Export anyway', () => {
    expect(defaceExport({ [keyOf('H')]: accepted }, grown, false, paths).session).toBeUndefined();
    const anyway = defaceExport({ [keyOf('H')]: accepted }, grown, true, paths);
    const instructions = new Map(anyway.session!.instructions);
    expect([...instructions.values()].every((i) => i.status === 'declined')).toBe(true);
    expect(anyway.series[0]).toMatchObject({ status: 'declined', writtenWithoutDefacing: true });
    expect(anyway.series[0].reason).toMatch(/joined it after it was defaced/);
  });
});
