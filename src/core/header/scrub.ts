/**
 * The last header pass: the patient's own identifiers (name parts, IDs, birth date, address,
 * telephone, original UIDs — PATIENT_KINDS) found by the residual scan in a value the profile
 * kept are taken out, not only reported. A warning alone is not enough for those: the profile
 * kept the value because its attribute is usually harmless, not because this one is.
 *
 * - free text (LO LT SH ST UC UT): each identifier becomes "***", as Clean Descriptors does;
 * - a person name (PN): replaced whole by the patient's pseudonym (a half-name is still a name);
 * - coded values, dates and other text (CS DA DT AE UR …): the identifier is dropped; with
 *   nothing valid left, a dummy;
 * - UID values holding an original UID: mapped like every other reference, so it still resolves.
 *   Other kinds in a UID value are left as findings: a short ID can match digits of a class UID
 *   by chance, and changing that would make the object unreadable;
 * - anything else (blobs, private values where the identifier was only found in the bytes):
 *   removed;
 * - sample buffers (Waveform Data, LUT Data) cannot be removed without breaking the object, so
 *   the file is blocked instead (`blocked`).
 *
 * Then it checks again: an element in which an identifier is still found is removed.
 * Warnings say what was found, where and what was done — never the value.
 */
import type { Dataset, DataElement } from '../dicom/dataset.ts';
import { keywordOf } from '../dicom/tags.ts';
import { elementText, encodeText } from '../dicom/values.ts';
import { STRING_VRS } from '../dicom/vr.ts';
import type { ActionCounts } from '../outcome.ts';
import { KIND, PATIENT_KINDS, REPLACEMENT, replaceIdentifiers, type Identifier } from '../audit/identifiers.ts';
import { findResidual, findingsOf, isSampleBuffer, type ResidualHit } from '../audit/residual.ts';
import type { ResidualFinding } from '../outcome.ts';
import { dummyValue } from './dummies.ts';
import type { HeaderChange } from './apply.ts';
import type { UidMapping } from './uid-map.ts';

export interface ScrubContext {
  /** Every identifier of the original (those of PATIENT_KINDS are acted on). */
  identifiers: readonly Identifier[];
  uids: UidMapping;
  /** What a person name that named the patient becomes. */
  personName: string;
  /**
   * Values the engine wrote itself (the pseudonymous name and ID): an identifier that turns up
   * inside one by chance ("123" in VEIL-X123Y…) stays a finding rather than breaking the pseudonym.
   */
  engineValues?: readonly string[];
  counts: ActionCounts;
  /** True for a hit the profile keeps on purpose (a birth date in kept full dates): it stays a finding. */
  keptOnPurpose?: (id: Identifier, el: DataElement) => boolean;
  /** The header step's review trace, told of every element this pass changed. */
  trace?: (change: HeaderChange) => void;
}

export interface ScrubResult {
  warnings: string[];
  /** Why the file must not be written, when an identifier sits in a value that cannot be cleaned. */
  blocked?: string;
  /** Every identifier (of any kind) still found afterwards: the outcome's residual findings. */
  residual: ResidualFinding[];
}

const FREE_TEXT_VRS = new Set(['LO', 'LT', 'SH', 'ST', 'UC', 'UT']);

export function scrubPatientIdentifiers(ds: Dataset, ctx: ScrubContext): ScrubResult {
  const result: ScrubResult = { warnings: [], residual: [] };
  const engineValues = new Set(ctx.engineValues);
  const actionable = (hit: ResidualHit): Identifier[] =>
    STRING_VRS.has(hit.element.vr) && engineValues.has(elementText(hit.element, hit.owner.charset)) ? [] : hit.identifiers.filter((id) => PATIENT_KINDS.has(id.kind) && !ctx.keptOnPurpose?.(id, hit.element) && (hit.element.vr !== 'UI' || hit.bytesOnly || id.kind === KIND.originalUid));

  // One scan for every kind: in the usual case (nothing to act on) it is also the final one.
  const hits = findResidual(ds, ctx.identifiers);
  let acted = false;
  for (const hit of hits) {
    const ids = actionable(hit);
    if (ids.length === 0) continue;
    const kinds = [...new Set(ids.map((id) => id.kind))].join(', ');
    if (isSampleBuffer(hit.element.tag) || hit.codestream) {
      const what = hit.codestream ? 'compressed pixel data whose kept segments cannot be cleaned' : 'sample data that cannot be cleaned';
      result.blocked ??= `${kinds} found in ${hit.where}, ${what}: the file is not written`;
      continue;
    }
    const before = traceText(hit);
    const done = scrubElement(hit, ids, ctx);
    result.warnings.push(`${kinds} found in kept value ${hit.where}: ${done}`);
    note(ctx, hit, before, done);
    acted = true;
  }
  if (result.blocked || !acted) {
    result.residual = findingsOf(hits);
    return result;
  }

  // What cleaning could not take out (an identifier in a spelling replaceIdentifiers does not
  // see, or in other bytes of the same value) goes with its element.
  const again = findResidual(ds, ctx.identifiers);
  for (const hit of again) {
    if (actionable(hit).length === 0) continue;
    const before = traceText(hit);
    hit.owner.delete(hit.element.tag);
    ctx.counts.removed++;
    result.warnings.push(`identifier still found in ${hit.where} after cleaning: removed`);
    note(ctx, hit, before, 'removed (identifier still found after cleaning)');
  }
  result.residual = findingsOf(again.filter((hit) => hit.owner.get(hit.element.tag) === hit.element));
  return result;
}

const traceText = (hit: ResidualHit): string =>
  STRING_VRS.has(hit.element.vr) ? elementText(hit.element, hit.owner.charset) : `${hit.element.value.length} bytes`;

function note(ctx: ScrubContext, hit: ResidualHit, before: string, done: string): void {
  if (!ctx.trace) return;
  const { element: el, owner } = hit;
  const present = owner.get(el.tag) === el;
  ctx.trace({
    path: hit.path, tag: el.tag, keyword: keywordOf(el.tag), vr: el.vr, before,
    after: present ? traceText(hit) : null,
    action: present ? 'C' : 'X',
    source: `patient identifier in a kept value: ${done}`,
  });
}

/** Cleans or removes one element; says what it did. */
function scrubElement(hit: ResidualHit, ids: Identifier[], ctx: ScrubContext): string {
  const { element: el, owner } = hit;
  const { counts } = ctx;
  if (hit.bytesOnly || !STRING_VRS.has(el.vr)) {
    owner.delete(el.tag);
    counts.removed++;
    return 'removed (the value cannot be cleaned)';
  }
  const before = elementText(el, owner.charset);
  if (el.vr === 'UI') {
    const originals = new Set(ids.map((id) => id.value));
    el.value = encodeText(before.split('\\').map((u) => (originals.has(u.trim()) ? ctx.uids.map(u.trim()) : u)).join('\\'), 'UI');
    counts.uidsReplaced++;
    return 'UID replaced as the other references are';
  }
  if (el.vr === 'PN') {
    el.value = encodeText(ctx.personName, 'PN');
    counts.cleaned++;
    return 'name replaced by the pseudonym';
  }
  const { text } = replaceIdentifiers(before, ids);
  if (FREE_TEXT_VRS.has(el.vr)) {
    el.value = encodeText(text, el.vr);
    counts.cleaned++;
    return `identifier(s) replaced with ${REPLACEMENT}`;
  }
  // Coded strings, dates, AE titles, URIs: "***" is not valid there, so the identifier is dropped
  // (trailing values left empty go too); with nothing left, a dummy.
  const values = text.split('\\').map((v) => v.replaceAll(REPLACEMENT, ' ').replace(/ +/g, ' ').trim());
  while (values.length > 0 && values[values.length - 1] === '') values.pop();
  if (values.join('') === '') {
    el.value = dummyValue(el.vr);
    counts.dummied++;
    return 'no valid value left, dummy given';
  }
  el.value = encodeText(values.join('\\'), el.vr);
  counts.cleaned++;
  return 'identifier(s) replaced (dropped from the coded value)';
}
