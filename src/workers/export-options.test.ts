/**
 * The key load keeps its output under, and export compares: the same when load's options and
 * the export's are the same for a file, different when any option the export uses is changed.
 */
import { describe, expect, it } from 'vitest';
import { deriveSessionKey } from '../core/header/keys.ts';
import { defaultProfile, OPTION_KEYS, type Profile } from '../core/profile/profile.ts';
import type { RedactionBox, RedactionPlan } from '../core/pixels/plan.ts';
import { exportInit, fileOptionsKey } from './export-options.ts';
import type { SessionInit } from './protocol.ts';

const PATH = 'study/series/ct-001.dcm';
/** Session keys as the app holds them (a passphrase's PBKDF2, derived once here: it is slow in JavaScript). */
const KEY = deriveSessionKey('options-key-test');
const OTHER_KEY = deriveSessionKey('another passphrase');
const base = (): SessionInit => ({ profile: defaultProfile(), key: KEY, lookup: undefined });
const plan = (): RedactionPlan => ({ version: 1, boxes: [] });
const box: RedactionBox = { id: 'b1', x: 1, y: 2, width: 30, height: 10, frames: 'all', scope: { kind: 'series', seriesInstanceUID: '1.2.3' }, source: 'user', status: 'accepted' };
/** What load de-identifies under (engine.worker.ts): the plan of the moment, no "export anyway", no defacing. */
const atLoad = (b = base(), p: RedactionPlan | undefined = plan()) => fileOptionsKey(exportInit(b, p, []), PATH);
const withProfile = (change: (p: Profile) => void): SessionInit => {
  const b = base();
  change(b.profile);
  return b;
};

describe('the options key of a file', () => {
  it('is the same at load and at export when nothing changed for this file', () => {
    const b = base();
    const load = fileOptionsKey(exportInit(b, plan(), []), PATH);
    // Another image chosen for "export anyway", another series defaced: not this file's options.
    const exported = fileOptionsKey(exportInit({ ...b }, plan(), ['other/us.dcm'], { instructions: [['head/mr-1.dcm', { status: 'skipped', reason: 'no face' }]] }), PATH);
    expect(exported).toBe(load);
  });

  it('changes with every option the export uses', () => {
    const reference = atLoad();
    const changed: [string, string][] = [
      ['session key', atLoad({ ...base(), key: OTHER_KEY })],
      ['lookup table', atLoad({ ...base(), lookup: [['PID1', { id: 'SUBJ-1', name: 'SUBJ^1' }]] })],
      ['no plan', fileOptionsKey(exportInit(base(), undefined, []), PATH)],
      ['a box in the plan', atLoad(base(), { version: 1, boxes: [box] })],
      ['the same box, proposed', atLoad(base(), { version: 1, boxes: [{ ...box, status: 'proposed' }] })],
      ['an image marked reviewed', atLoad(base(), { version: 1, boxes: [], reviewed: { sopInstanceUIDs: ['1.2.3.4'] } })],
      ['pixel review not required', fileOptionsKey({ ...exportInit(base(), plan(), []), pixelReview: { require: false, exportAnyway: [] } }, PATH)],
      ['this file exported anyway', fileOptionsKey(exportInit(base(), plan(), [PATH]), PATH)],
      ['this file defaced', fileOptionsKey(exportInit(base(), plan(), [], { instructions: [[PATH, { status: 'declined', mode: 'blur', reason: 'kept' }]] }), PATH)],
      ['pseudonym mode', atLoad(withProfile((p) => (p.pseudonyms.mode = 'anonymize')))],
      ['pseudonym prefix', atLoad(withProfile((p) => (p.pseudonyms.patientIdPrefix = 'X')))],
      ['date shift range', atLoad(withProfile((p) => (p.pseudonyms.dateShiftDays = { min: -10, max: -1 })))],
      ['an override', atLoad(withProfile((p) => (p.overrides['(0008,0080)'] = { action: 'keep' })))],
      ...OPTION_KEYS.map((k): [string, string] => [`option ${k}`, atLoad(withProfile((p) => (p.options[k] = !p.options[k])))]),
      // A setting added to SessionInit later, which nothing here knows of.
      ['an unknown field', atLoad({ ...base(), newSetting: 1 } as SessionInit)],
      ['another file', fileOptionsKey(exportInit(base(), plan(), []), 'study/series/ct-002.dcm')],
    ];
    for (const [what, key] of changed) expect(key, what).not.toBe(reference);
    // And they differ from one another: no two changes collide.
    expect(new Set(changed.map(([, k]) => k)).size).toBe(changed.length);
  });
});
