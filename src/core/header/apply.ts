/**
 * Applies a compiled profile to a dataset, element by element, at every depth of every sequence
 * (private sequences and sequences that arrived as UN included). Each element gets exactly one
 * action from the profile resolver; this module carries the action out and counts it.
 */
import { Dataset, EMPTY, type DataElement } from '../dicom/dataset.ts';
import { T, elementOf, formatTag, groupOf, isPrivateCreatorTag, isPrivateTag, keywordOf } from '../dicom/tags.ts';
import { elementText, encodeText } from '../dicom/values.ts';
import { STRING_VRS } from '../dicom/vr.ts';
import type { ActionCounts } from '../outcome.ts';
import { SOURCE_NOT_IN_TABLE, collapseCode, type CompiledProfile, type Resolution as ProfileResolution } from '../profile/resolve.ts';
import { REPLACEMENT, replaceIdentifiers, type Identifier } from '../audit/identifiers.ts';
import { shiftDateValues } from './dates.ts';
import { cleanFreeTextValue, type FreeTextCleaning } from './free-text.ts';
import { dummyValue } from './dummies.ts';
import type { Pseudonym } from './pseudonyms.ts';
import type { UidMapping } from './uid-map.ts';
import { isClassUidAttribute, looksLikeRegistryUid } from './uid-kinds.ts';

/** One change, for the app's before/after review table. */
export interface HeaderChange {
  path: string;
  tag: number;
  keyword: string;
  vr: string;
  before: string;
  /** null when the attribute was removed. */
  after: string | null;
  action: string;
  source: string;
}

export interface HeaderContext {
  profile: CompiledProfile;
  uids: UidMapping;
  pseudonym: Pseudonym;
  /** Days to shift every DA/DT by (Modified Dates option); undefined when dates are not shifted. */
  dateShiftDays?: number;
  /** Keep UIDs (Retain UIDs option): no precautionary mapping of UIDs outside the table. */
  retainUIDs: boolean;
  identifiers: readonly Identifier[];
  counts: ActionCounts;
  /** Tags the profile overrides (numbers, for a cheap per-element check). */
  overriddenTags: ReadonlySet<number>;
  /** Called for every element the profile touched, when the caller wants a review trace. */
  trace?: (change: HeaderChange) => void;
  /** The file's outcome warnings, for what the report must say (kind and place, never a value). */
  warnings?: string[];
  /**
   * Free-text PHI the header does not name (people, organisations, addresses, phones, e-mails,
   * IDs, dates): taken out of every free-text value a cleaning option keeps. Set whenever the
   * profile has one (the engine loads the name tagger first).
   */
  freeText?: FreeTextCleaning;
}

/** The profile's answer, plus P: replace with the patient's pseudonym (Patient's Name / ID). */
type Resolution = ProfileResolution | { action: 'P'; code: string; source: string; value?: undefined };

/**
 * How attributes that Table E.1-1 does not name are treated, by where they sit:
 * - open: at top level and in sequences the table does not name — kept, as PS3.15 says;
 * - strict: inside a sequence the table marks for replacement (D, U; e.g. Content Sequence,
 *   Operator Identification Sequence) — free text and dates there are unknown content of an
 *   identifying structure, so they get dummies ("anything not known to be safe is removed");
 * - clean: inside a sequence an option marks C (Clean Structured Content, Clean Descriptors) —
 *   free text is kept with the file's identifiers replaced.
 */
type Scope = 'open' | 'strict' | 'clean';

const PRECAUTION_UID = 'UID attribute not in Table E.1-1: replaced as a precaution';
const CLASS_UID: Resolution = { action: 'K', code: 'K', source: 'class or registry UID attribute: kept' };

const FREE_TEXT_VRS = new Set(['LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT']);
/** Text written by people (not a name, code or date): where the free-text detector looks. */
const FREE_TEXT_ONLY_VRS = new Set(['LO', 'LT', 'SH', 'ST', 'UC', 'UT']);
const CODE_ITEM_TEXT = new Set([T.CodeValue, T.CodeMeaning, T.CodingSchemeDesignator, 0x00080103 /* CodingSchemeVersion */, 0x00080119 /* LongCodeValue */, 0x00080120 /* URNCodeValue */]);
/**
 * Coding schemes whose codes and meanings are public vocabulary, not free text. Local schemes
 * ("99…", site codes) can carry anything — an operator's name as a code meaning — so they are not here.
 */
const PUBLIC_CODING_SCHEMES = new Set([
  'DCM', 'SCT', 'SRT', 'LN', 'UCUM', 'FMA', 'RADLEX', 'NCIT', 'UMLS', 'I10', 'I9C', 'ICD10', 'ACR', 'MSH', 'SNM3',
  'MDC', 'NEU', 'BARI', 'CD2', 'ITIS_TSN', 'PUBCHEM_CID', 'ISO3166_1', 'ISO639_1', 'ISO639_2', 'HL7', 'NCDR', 'NICIP', 'RFC5646', 'DC',
]);

export function applyProfile(ds: Dataset, ctx: HeaderContext, path = '', scope: Scope = 'open'): void {
  const publicCodeItem = PUBLIC_CODING_SCHEMES.has((ds.has(T.CodingSchemeDesignator) ? elementText(ds.get(T.CodingSchemeDesignator)!, ds.charset) : '').trim().toUpperCase());
  // Private creators first: a private element is judged by the creator of its block.
  const creators = new Map<number, string>();
  for (const el of ds.elements.values()) {
    if (isPrivateCreatorTag(el.tag)) creators.set(blockKey(el.tag, elementOf(el.tag)), elementText(el, ds.charset).trim());
  }
  const keptBlocks = new Set<number>();

  for (const el of [...ds.elements.values()]) {
    const tag = el.tag;
    if (elementOf(tag) === 0x0000) {
      // Group lengths are retired and would be wrong after any change.
      ds.delete(tag);
      continue;
    }
    if (isPrivateCreatorTag(tag)) continue;
    if (el.unreadSequence && dropUnread(ds, el, ctx, path)) continue;
    let res: Resolution;
    if (isPrivateTag(tag)) {
      const key = blockKey(tag, elementOf(tag) >> 8);
      const creator = creators.get(key);
      res = ctx.profile.resolvePrivateElement(tag, creator);
      // Table E.3.10-1 vouches for a sequence there; bytes that are not one are not what it vouched for.
      if (res.safePrivate?.vr === 'SQ' && !el.items && el.value.length > 0) {
        el.unreadSequence = true;
        if (dropUnread(ds, el, ctx, path)) continue;
      }
      if (res.action !== 'X') keptBlocks.add(key);
    } else {
      res = resolveStandard(el, ctx, scope, publicCodeItem);
    }
    carryOut(ds, el, res, ctx, path, scope);
  }

  for (const el of [...ds.elements.values()]) {
    if (!isPrivateCreatorTag(el.tag)) continue;
    if (keptBlocks.has(blockKey(el.tag, elementOf(el.tag)))) continue;
    note(ctx, ds, el, path, null, 'X', 'private creator of a block with nothing kept');
    ds.delete(el.tag);
    ctx.counts.removed++;
  }
}

const blockKey = (tag: number, block: number): number => groupOf(tag) * 256 + block;

/**
 * Bytes that look like a sequence but could be read neither as implicit nor as explicit VR items
 * were never checked, so they are removed — unless the profile names the attribute, in which case
 * its override decides (a keep writes them as they came). Either way the report says so.
 */
function dropUnread(ds: Dataset, el: DataElement, ctx: HeaderContext, path: string): boolean {
  const where = `${path}${formatTag(el.tag)} ${keywordOf(el.tag)}`;
  if (ctx.overriddenTags.has(el.tag)) {
    ctx.warnings?.push(`${where}: should hold a sequence but could not be read as a sequence; the profile's override for it applies to the unchecked bytes`);
    return false;
  }
  ctx.warnings?.push(`${where}: should hold a sequence but could not be read as a sequence (neither implicit nor explicit VR); removed`);
  note(ctx, ds, el, path, null, 'X', 'unreadable sequence encoded as UN: removed');
  ds.delete(el.tag);
  ctx.counts.removed++;
  return true;
}

function resolveStandard(el: DataElement, ctx: HeaderContext, scope: Scope, publicCodeItem: boolean): Resolution {
  const res = ctx.profile.resolve(el.tag);
  const overridden = ctx.overriddenTags.has(el.tag);
  if (!overridden && (el.tag === T.PatientName || el.tag === T.PatientID)) {
    return { action: 'P', code: 'D', source: 'pseudonym (Patient’s Name / Patient ID)' };
  }
  if (res.source !== SOURCE_NOT_IN_TABLE) return res;
  if (isClassUidAttribute(el.tag)) return CLASS_UID;
  if (el.vr === 'UI' && !ctx.retainUIDs) {
    return { action: 'U', code: 'U', source: PRECAUTION_UID };
  }
  if (scope === 'open' || el.items) return res;
  if (FREE_TEXT_VRS.has(el.vr) && !(publicCodeItem && CODE_ITEM_TEXT.has(el.tag))) {
    return scope === 'clean'
      ? { action: 'C', code: 'C', source: 'free text inside a sequence that an option cleans' }
      : { action: 'D', code: 'D', source: 'free text inside a sequence the profile replaces' };
  }
  if ((el.vr === 'DA' || el.vr === 'DT') && scope === 'strict') {
    return { action: 'D', code: 'D', source: 'date inside a sequence the profile replaces' };
  }
  return res;
}

/** The scope for the items of a kept sequence: see Scope. */
function scopeFor(res: Resolution, outer: Scope): Scope {
  if (res.action === 'C') return 'clean';
  if (res.action === 'D' || res.action === 'U') return outer === 'clean' ? 'clean' : 'strict';
  return outer;
}

function carryOut(ds: Dataset, el: DataElement, res: Resolution, ctx: HeaderContext, path: string, scope: Scope): void {
  const { counts } = ctx;
  switch (res.action) {
    case 'X':
      note(ctx, ds, el, path, null, res.code, res.source);
      ds.delete(el.tag);
      counts.removed++;
      return;
    case 'Z':
      note(ctx, ds, el, path, '', res.code, res.source);
      if (el.items) el.items = [];
      else el.value = EMPTY;
      counts.emptied++;
      return;
    case 'R':
      note(ctx, ds, el, path, res.value, res.code, res.source);
      el.value = encodeText(res.value, el.vr);
      counts.overridden++;
      return;
    case 'P': {
      if (el.value.length === 0) return; // an empty name stays empty: nothing to hide
      const value = el.tag === T.PatientName ? ctx.pseudonym.name : ctx.pseudonym.id;
      note(ctx, ds, el, path, value, res.code, res.source);
      el.value = encodeText(value, el.vr);
      counts.pseudonymized++;
      return;
    }
  }

  if (el.items) {
    // A sequence that is kept in any form is cleaned item by item (K: "cleaned for Sequences").
    const inner = scopeFor(res, scope);
    el.items.forEach((item, i) => applyProfile(item, ctx, `${path}${formatTag(el.tag)}[${i}] > `, inner));
    return;
  }

  if (el.vr === 'UI' && (res.action === 'U' || res.action === 'D' || res.action === 'C')) {
    const before = elementText(el, ds.charset);
    // Registry UIDs (well-known frames of reference, palettes…) identify nothing; class attributes
    // never get here (see uid-kinds.ts). Attributes the table names (instance UIDs) are always
    // replaced, whatever root they use.
    const registry = res.source === PRECAUTION_UID;
    const after = before.split('\\').map((u) => (registry && looksLikeRegistryUid(u) ? u : ctx.uids.map(u))).join('\\');
    if (after === before) {
      counts.kept++;
      return;
    }
    note(ctx, ds, el, path, after, res.code, res.source);
    el.value = encodeText(after, 'UI');
    counts.uidsReplaced++;
    return;
  }

  if ((el.vr === 'DA' || el.vr === 'DT') && ctx.dateShiftDays !== undefined && res.action !== 'D') {
    // Modified Dates: every date that stays is shifted by the patient's offset, so intervals hold.
    const before = elementText(el, ds.charset);
    if (!before) return;
    const after = shiftDateValues(before, el.vr, ctx.dateShiftDays);
    note(ctx, ds, el, path, after, res.code, `${res.source}; date shifted by the patient's offset`);
    el.value = encodeText(after, el.vr);
    counts.datesShifted++;
    return;
  }

  switch (res.action) {
    case 'K':
      counts.kept++;
      return;
    case 'D': {
      const value = dummyValue(el.vr);
      note(ctx, ds, el, path, display(value, el.vr), res.code, res.source);
      el.value = value;
      counts.dummied++;
      return;
    }
    case 'U': {
      // U on something that is not a UID: no identity to keep consistent, so a dummy.
      const value = dummyValue(el.vr);
      note(ctx, ds, el, path, display(value, el.vr), res.code, res.source);
      el.value = value;
      counts.dummied++;
      return;
    }
    case 'C':
      clean(ds, el, res, ctx, path);
      return;
  }
}

/** C: keep what carries meaning, replace what identifies. */
function clean(ds: Dataset, el: DataElement, res: Resolution, ctx: HeaderContext, path: string): void {
  if (!STRING_VRS.has(el.vr)) {
    // Binary content (overlay bits, curve data, timestamps, blobs) cannot be cleaned of text.
    // Where the basic profile removes it, remove it; otherwise give the dummy the basic profile
    // would, so switching an option on never makes the output less conformant.
    if (res.action !== 'P' && res.row && collapseCode(res.row.basic) !== 'X') {
      const value = dummyValue(el.vr);
      note(ctx, ds, el, path, display(value, el.vr), res.code, `${res.source}; binary value cannot be cleaned, dummy given`);
      el.value = value;
      ctx.counts.dummied++;
      return;
    }
    note(ctx, ds, el, path, null, res.code, `${res.source}; binary value cannot be cleaned, removed`);
    ds.delete(el.tag);
    ctx.counts.removed++;
    return;
  }
  const before = elementText(el, ds.charset);
  const identified = replaceIdentifiers(before, ctx.identifiers);
  // Then what no header attribute names: "Employer: Harlow Fenwick Ltd", a relative, a phone number.
  const found = ctx.freeText && FREE_TEXT_ONLY_VRS.has(el.vr) ? cleanFreeTextValue(identified.text, ctx.freeText) : { text: identified.text, spans: 0 };
  const text = found.text;
  const replaced = identified.replaced + found.spans;
  if (replaced === 0) {
    ctx.counts.kept++;
    return;
  }
  if (!FREE_TEXT_VRS.has(el.vr) && el.vr !== 'AE') {
    // Coded strings, numbers, dates: "***" is not a valid character there (CS allows only A-Z,
    // 0-9, space and underscore), so the identifier is dropped instead; nothing left → a dummy.
    const rest = text.split('\\').map((v) => v.replaceAll(REPLACEMENT, ' ').replace(/ +/g, ' ').trim()).join('\\');
    const value = rest.replaceAll('\\', '') ? encodeText(rest, el.vr) : dummyValue(el.vr);
    note(ctx, ds, el, path, display(value, el.vr), res.code, `${res.source}; ${replaced} identifier(s) dropped`);
    el.value = value;
    ctx.counts.cleaned++;
    return;
  }
  // A person name that named the patient is replaced whole: a half-name is still a name.
  const after = el.vr === 'PN' ? ctx.pseudonym.name : text;
  note(ctx, ds, el, path, after, res.code, `${res.source}; ${replaced} identifier(s) replaced`);
  el.value = encodeText(after, el.vr);
  ctx.counts.cleaned++;
}

const display = (value: Uint8Array, vr: string): string =>
  STRING_VRS.has(vr) ? new TextDecoder().decode(value).trimEnd() : `${value.length} bytes`;

function note(ctx: HeaderContext, ds: Dataset, el: DataElement, path: string, after: string | null, action: string, source: string): void {
  if (!ctx.trace) return;
  const before = el.items ? `${el.items.length} item(s)` : STRING_VRS.has(el.vr) ? elementText(el, ds.charset) : `${el.value.length} bytes`;
  ctx.trace({ path: `${path}${formatTag(el.tag)}`, tag: el.tag, keyword: keywordOf(el.tag), vr: el.vr, before, after, action, source });
}
