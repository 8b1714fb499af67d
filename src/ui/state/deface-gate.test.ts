/**
 * The export gate's head-series rule: a head series leaves only defaced-and-accepted or kept by a
 * person's explicit choice; everything else is listed with its reason.
 */
import { describe, expect, it } from 'vitest';
import { defaceGateReason, defaceNeeded, needsFaceOverride } from './store.ts';
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
    expect(defaceGateReason(head({ run: { phase: 'done', result: defaced(false) }, decision: 'accepted' }))).toBeUndefined();
    expect(defaceGateReason(head({ decision: 'declined' }))).toBeUndefined();
  });

  it('holds a series defaced but not accepted, still running, failed or declined by the engine', () => {
    expect(defaceGateReason(head({ run: { phase: 'done', result: defaced(false) } }))).toMatch(/not accepted/);
    expect(defaceGateReason(head({ run: { phase: 'running', fraction: 0.3, stage: 'x', startedAt: 0 } }))).toMatch(/still running/);
    expect(defaceGateReason(head({ run: { phase: 'error', message: 'boom' } }))).toMatch(/failed \(boom\)/);
    const declined: DefaceResult = { status: 'declined', reason: 'needs manual review: the registration failed', mode: 'remove', changedVoxels: 0, patches: [], elapsedMs: 1 };
    expect(defaceGateReason(head({ run: { phase: 'done', result: declined } }))).toMatch(/registration failed/);
  });

  it('holds a series whose face check still finds a face, or could not run, until a person overrides', () => {
    const found = head({ run: { phase: 'done', result: defaced(true) }, decision: 'accepted' });
    expect(defaceGateReason(found)).toMatch(/still finds a face/);
    expect(defaceGateReason({ ...found, faceOverride: true })).toBeUndefined();
    const unchecked = defaced(false, { faceCheck: undefined, faceCheckError: 'no wasm' });
    expect(needsFaceOverride(unchecked)).toBe(true);
    expect(defaceGateReason(head({ run: { phase: 'done', result: unchecked }, decision: 'accepted' }))).toMatch(/could not run \(no wasm\)/);
  });

  it('lists a series that calls itself a head but cannot be defaced', () => {
    expect(defaceGateReason({ ...head({}), head: { head: true, defaceable: false, reason: 'uneven slice gaps' } })).toMatch(/cannot be defaced: uneven slice gaps/);
  });
});
