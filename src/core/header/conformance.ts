/**
 * Valid in, valid out: where the profile's removal would break the object's IOD, put back what
 * the IOD needs — a dummy for a Type 1 attribute, an empty value for a Type 2 one — and say so.
 *
 * Table E.1-1 gives compound codes (X/Z, X/D…) for exactly this, but it gives plain X for some
 * attributes that a few IODs require, and resolve.ts collapses X/Z to Z without knowing the IOD.
 * This is deliberately NOT a table of every module of PS3.3 (../shared/standard has no IOD
 * tables to derive one from): it names the attributes that the public corpus and issue 8 show
 * breaking under the profile, checked with dciodvfy (tests/dciodvfy-corpus.test.ts). Add a row
 * when that test finds a new one.
 */
import { Dataset, EMPTY } from '../dicom/dataset.ts';
import { formatTag, keywordOf } from '../dicom/tags.ts';
import type { ActionCounts } from '../outcome.ts';
import type { HeaderChange } from './apply.ts';
import { dummyValue } from './dummies.ts';

const PRESENTATION_STATE_PREFIX = '1.2.840.10008.5.1.4.1.1.11.';
const HANGING_PROTOCOL = '1.2.840.10008.5.1.4.38.1';
const HANGING_PROTOCOL_DEFINITION_SEQUENCE = 0x0072000c;
const REFERENCED_STUDY_SEQUENCE = 0x00081110;

interface Requirement {
  tag: number;
  type: 1 | 2;
  /** Does the IOD of this SOP Class require it? */
  applies: (sopClassUID: string) => boolean;
  /** Where it sits: at the top level, or in each item of this sequence. */
  within?: number;
  module: string;
}

const isPresentationState = (uid: string): boolean => uid.startsWith(PRESENTATION_STATE_PREFIX);

const REQUIREMENTS: readonly Requirement[] = [
  // Basic profile: X. Type 1 in every presentation state (PS3.3 C.11.10).
  { tag: 0x00700082, type: 1, applies: isPresentationState, module: 'Presentation State Identification' },
  { tag: 0x00700083, type: 1, applies: isPresentationState, module: 'Presentation State Identification' },
  // Basic profile: X. Type 2 in each Hanging Protocol Definition Sequence item (PS3.3 C.23.1).
  {
    tag: 0x0040100a, type: 2, applies: (uid) => uid === HANGING_PROTOCOL,
    within: HANGING_PROTOCOL_DEFINITION_SEQUENCE, module: 'Hanging Protocol Definition',
  },
];

/** Where a required attribute was present in the input, so its removal can be undone. */
export interface RequiredSnapshot {
  sopClassUID: string;
  found: { requirement: Requirement; owner: Dataset; vr: string }[];
}

/** Call on the original dataset, before the profile. */
export function snapshotRequired(ds: Dataset, sopClassUID: string): RequiredSnapshot {
  const found: RequiredSnapshot['found'] = [];
  for (const requirement of REQUIREMENTS) {
    if (!requirement.applies(sopClassUID)) continue;
    const owners = requirement.within === undefined ? [ds] : ds.get(requirement.within)?.items ?? [];
    for (const owner of owners) {
      const el = owner.get(requirement.tag);
      if (el) found.push({ requirement, owner, vr: el.vr });
    }
  }
  return { sopClassUID, found };
}

export interface ConformanceContext {
  counts: ActionCounts;
  trace?: (change: HeaderChange) => void;
}

/** Call after the profile: restores what the IOD requires, drops empty Type 3 sequences. Returns report notes. */
export function restoreConformance(ds: Dataset, snapshot: RequiredSnapshot, ctx: ConformanceContext): string[] {
  const notes: string[] = [];
  const restored = new Map<string, number>();
  for (const { requirement, owner, vr } of snapshot.found) {
    if (owner.has(requirement.tag)) continue;
    // The item that held it may have gone with its sequence: then there is nothing to repair.
    const reachable = requirement.within === undefined ? owner === ds : (ds.get(requirement.within)?.items ?? []).includes(owner);
    if (!reachable) continue;
    const dummy = requirement.type === 1;
    const value = dummy ? dummyValue(vr) : EMPTY;
    owner.set(vr === 'SQ' ? { tag: requirement.tag, vr, value: EMPTY, items: [] } : { tag: requirement.tag, vr, value });
    if (dummy) ctx.counts.dummied++;
    else ctx.counts.emptied++;
    const what = `${formatTag(requirement.tag)} ${keywordOf(requirement.tag)} (Type ${requirement.type}, ${requirement.module})`;
    ctx.trace?.({
      path: `${requirement.within === undefined ? '' : `${formatTag(requirement.within)}[…] > `}${formatTag(requirement.tag)}`,
      tag: requirement.tag, keyword: keywordOf(requirement.tag), vr, before: '', after: dummy ? 'dummy' : '',
      action: dummy ? 'D' : 'Z', source: `required by the IOD: ${requirement.module} module`,
    });
    restored.set(what, (restored.get(what) ?? 0) + 1);
  }
  for (const [what, n] of restored) {
    const how = what.includes('Type 1') ? 'a dummy value' : 'an empty value';
    notes.push(`${what}: the profile removes it but the IOD requires it, so ${how} was written instead${n > 1 ? ` (${n} places)` : ''}`);
  }
  // Referenced Study Sequence is X/Z, collapsed to Z (empty). At the top level of a composite
  // instance it is Type 3 (General Study, PS3.3 C.7.2.1), where a sequence with no items is
  // invalid: there the X applies. (Inside SR Referenced Request items it is Type 2 and stays.)
  const refStudy = ds.get(REFERENCED_STUDY_SEQUENCE);
  if (refStudy && (refStudy.items?.length ?? 0) === 0 && refStudy.value.length === 0) {
    ds.delete(REFERENCED_STUDY_SEQUENCE);
    ctx.trace?.({
      path: formatTag(REFERENCED_STUDY_SEQUENCE), tag: REFERENCED_STUDY_SEQUENCE, keyword: keywordOf(REFERENCED_STUDY_SEQUENCE),
      vr: 'SQ', before: '0 item(s)', after: null, action: 'X', source: 'Type 3 in General Study: an empty sequence is invalid, removed',
    });
  }
  return notes;
}

const BODY_PART_EXAMINED = 0x00180015;
const LATERALITY = 0x00200060;
const IMAGE_LATERALITY = 0x00200062;

/**
 * Laterality (0020,0060) is Type 2C in General Series: required when Body Part Examined names a
 * paired structure. A body part that de-identification changed (its value held a name part and
 * was dropped or given a dummy) no longer says "unpaired", so a series without laterality of its
 * own gets an empty one — valid for Type 2C, and it claims nothing. Call after every step that
 * may change Body Part Examined, with its value in the input.
 */
export function keepLateralityCondition(ds: Dataset, bodyPartBefore: string | undefined, ctx: ConformanceContext): string[] {
  if (bodyPartBefore === undefined || ds.has(LATERALITY) || ds.has(IMAGE_LATERALITY)) return [];
  const now = ds.get(BODY_PART_EXAMINED);
  const after = now ? new TextDecoder().decode(now.value).replace(/[\0 ]+$/, '') : undefined;
  if (after === bodyPartBefore) return [];
  ds.set({ tag: LATERALITY, vr: 'CS', value: EMPTY });
  ctx.counts.emptied++;
  ctx.trace?.({
    path: formatTag(LATERALITY), tag: LATERALITY, keyword: keywordOf(LATERALITY), vr: 'CS', before: '', after: '',
    action: 'Z', source: 'Type 2C in General Series: Body Part Examined was changed, so an empty Laterality keeps the series valid',
  });
  return [`${formatTag(LATERALITY)} Laterality added empty: Body Part Examined was changed and the General Series module then requires it (Type 2C)`];
}
