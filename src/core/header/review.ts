/**
 * The header review of one instance: every attribute of the original, at every depth, next to
 * what the de-identified output holds, with the action applied and why (the Table E.1-1 row, the
 * option, the override or the engine rule that decided it). Attributes the engine adds (the
 * de-identification marks) are listed too. Built from one run of the engine's de-identification
 * with a trace (passed in by the caller, so this layer does not import the engine above it), so
 * the table shows exactly what the export writes. DOM-free.
 */
import { Dataset, type DataElement } from '../dicom/dataset.ts';
import { readPart10, type ParsedFile } from '../dicom/reader.ts';
import { T, elementOf, formatTag, groupOf, isPrivateCreatorTag, isPrivateTag, keywordOf, lookupDictionary } from '../dicom/tags.ts';
import { elementText } from '../dicom/values.ts';
import { STRING_VRS } from '../dicom/vr.ts';
import { joinParts } from '../dicom/writer.ts';
import type { FileOutcome, ResidualFinding } from '../outcome.ts';
import type { CompiledProfile } from '../profile/resolve.ts';
import type { HeaderChange } from './apply.ts';

export type ReviewAction =
  | 'kept'
  | 'removed'
  | 'emptied'
  | 'dummy'
  | 'new-uid'
  | 'cleaned'
  | 'pseudonym'
  | 'replaced'
  | 'shifted'
  | 'added'
  | 'changed'
  | 'rewritten';

export interface ReviewRow {
  kind: 'element' | 'item';
  /** Unique path: "(0040,A730)[0] > (0040,A160)"; item rows end in "[i]". */
  id: string;
  /** id of the enclosing sequence row (for items) or item row (for elements in an item). */
  parent?: string;
  depth: number;
  tag: string;
  keyword: string;
  vr: string;
  /** Original value as text; null when the attribute is not in the original (added). */
  before: string | null;
  /** Output value as text; null when the attribute is not in the output (removed). */
  after: string | null;
  action: ReviewAction;
  /** The Table E.1-1 code or engine code behind the action (K, X, Z, D, U, C, …). */
  code: string;
  reason: string;
  /** A per-attribute override can be set for this tag (not file meta, not items). */
  overridable: boolean;
  /** Sequence: number of items in the original. */
  items?: number;
}

export interface InstanceReview {
  status: 'written' | 'skipped' | 'failed';
  reason?: string;
  rows: ReviewRow[];
  warnings: string[];
  residual: ResidualFinding[];
  output?: string;
}

/** Values longer than this are cut in the table. */
const MAX_TEXT = 240;
const MAX_NUMBERS = 16;

const NUMERIC: Record<string, [size: number, get: (v: DataView, at: number) => number]> = {
  US: [2, (v, at) => v.getUint16(at, true)],
  SS: [2, (v, at) => v.getInt16(at, true)],
  UL: [4, (v, at) => v.getUint32(at, true)],
  SL: [4, (v, at) => v.getInt32(at, true)],
  FL: [4, (v, at) => v.getFloat32(at, true)],
  FD: [8, (v, at) => v.getFloat64(at, true)],
};

/** An element's value as the review table shows it. */
export function displayValue(el: DataElement, charset: readonly string[]): string {
  if (el.items) return `${el.items.length} item${el.items.length === 1 ? '' : 's'}`;
  if (el.fragments) return `${el.fragments.reduce((n, f) => n + f.length, 0).toLocaleString('en-US')} bytes, encapsulated (${Math.max(0, el.fragments.length - 1)} fragment(s))`;
  if (STRING_VRS.has(el.vr)) {
    const t = elementText(el, charset);
    return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT)}…` : t;
  }
  const num = NUMERIC[el.vr];
  if (num && el.value.length % num[0] === 0) {
    const view = new DataView(el.value.buffer, el.value.byteOffset, el.value.byteLength);
    const n = el.value.length / num[0];
    const shown: string[] = [];
    for (let i = 0; i < Math.min(n, MAX_NUMBERS); i++) {
      const x = num[1](view, i * num[0]);
      shown.push(Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6))));
    }
    return shown.join('\\') + (n > MAX_NUMBERS ? `\\… (${n} values)` : '');
  }
  if (el.vr === 'AT' && el.value.length % 4 === 0) {
    const view = new DataView(el.value.buffer, el.value.byteOffset, el.value.byteLength);
    const tags: string[] = [];
    for (let at = 0; at < el.value.length; at += 4) tags.push(formatTag(view.getUint16(at, true) * 0x10000 + view.getUint16(at + 2, true)));
    return tags.join('\\');
  }
  return `${el.value.length.toLocaleString('en-US')} bytes`;
}

/** Every element of a dataset tree by review path, with its display value. */
function indexByPath(ds: Dataset, prefix = '', out = new Map<string, { el: DataElement; text: string }>()): Map<string, { el: DataElement; text: string }> {
  for (const el of ds.sorted()) {
    const path = `${prefix}${formatTag(el.tag)}`;
    out.set(path, { el, text: displayValue(el, ds.charset) });
    el.items?.forEach((item, i) => indexByPath(item, `${path}[${i}] > `, out));
  }
  return out;
}

function classify(change: HeaderChange): ReviewAction {
  if (change.after === null) return 'removed';
  if (change.source.startsWith('override: replace')) return 'replaced';
  if (change.source.startsWith('pseudonym')) return 'pseudonym';
  if (change.after === '') return 'emptied';
  if (change.source.includes('date shifted')) return 'shifted';
  if (change.source.includes('identifier(s) replaced')) return 'cleaned';
  if (change.vr === 'UI') return 'new-uid';
  return 'dummy';
}

const ENGINE_MARKS: Record<number, string> = {
  [T.SpecificCharacterSet]: 'Specific Character Set: text re-encoded as UTF-8',
  [T.PatientIdentityRemoved]: 'Patient Identity Removed: marks the dataset as de-identified (PS3.15 E.1.1)',
  [T.DeidentificationMethod]: 'De-identification Method: names the tool and the profile applied',
  [T.DeidentificationMethodCodeSequence]: 'De-identification Method Code Sequence: CID 7050 codes of the profile and options applied',
  [T.LongitudinalTemporalInformationModified]: 'Longitudinal Temporal Information Modified: says whether dates were kept, shifted or removed',
};

function nameOf(tag: number): string {
  if (isPrivateCreatorTag(tag)) return 'PrivateCreator';
  if (isPrivateTag(tag)) return 'Private';
  return lookupDictionary(tag)?.[1] || keywordOf(tag);
}

/** Why an element no trace mentions was left as it is. */
function keptReason(profile: CompiledProfile, tag: number, creator: string | undefined): { code: string; reason: string } {
  const res = isPrivateTag(tag) ? profile.resolvePrivateElement(tag, creator) : profile.resolve(tag);
  if (res.action === 'K') return { code: res.code, reason: res.source };
  return { code: res.code, reason: `${res.source}; value left as it was (nothing to replace)` };
}

function creatorsOf(ds: Dataset): Map<number, string> {
  const creators = new Map<number, string>();
  for (const el of ds.elements.values()) {
    if (isPrivateCreatorTag(el.tag)) creators.set(groupOf(el.tag) * 256 + elementOf(el.tag), elementText(el, ds.charset).trim());
  }
  return creators;
}

/** One run of the engine's de-identification of the reviewed file, every header change passed to `trace`. */
export type TracedDeidentify = (trace: (change: HeaderChange) => void) => Promise<FileOutcome>;

/**
 * `bytes` is the input file, `profile` the session's compiled profile, `deidentify` the session's
 * de-identification of those same bytes (e.g. `(trace) => deidentifyFileAsync(input, session, { trace })`).
 */
export async function reviewInstance(bytes: Uint8Array, profile: CompiledProfile, deidentify: TracedDeidentify): Promise<InstanceReview> {
  let original: ParsedFile;
  try {
    original = readPart10(bytes);
  } catch {
    const outcome = await deidentify(() => {});
    return { status: outcome.status, reason: outcome.status === 'written' ? undefined : outcome.reason, rows: [], warnings: outcome.warnings, residual: [] };
  }
  const changes = new Map<string, HeaderChange>();
  const outcome = await deidentify((c) => changes.set(c.path, c));
  if (outcome.status !== 'written') {
    return { status: outcome.status, reason: outcome.reason, rows: [], warnings: outcome.warnings, residual: [] };
  }
  const output = readPart10(joinParts(outcome.parts));
  const after = indexByPath(output.dataset);
  const afterMeta = indexByPath(output.meta);
  const rows: ReviewRow[] = [];

  // File meta: always written anew by the writer; one collapsible group at the end.
  rows.push({
    kind: 'item', id: 'meta', depth: 0, tag: '', keyword: 'File meta information (group 0002)', vr: '',
    before: `${original.meta.elements.size} attribute(s)`, after: `${output.meta.elements.size} attribute(s)`,
    action: 'rewritten', code: '', reason: 'written anew for the de-identified file', overridable: false,
  });
  const metaTags = new Set<number>([...original.meta.elements.keys(), ...output.meta.elements.keys()]);
  for (const tag of [...metaTags].sort((a, b) => a - b)) {
    const id = formatTag(tag);
    const b = original.meta.get(tag);
    const a = afterMeta.get(id);
    rows.push({
      kind: 'element', id: `meta ${id}`, parent: 'meta', depth: 1, tag: id, keyword: nameOf(tag), vr: (b ?? a?.el)?.vr ?? '',
      before: b ? displayValue(b, []) : null, after: a ? a.text : null,
      action: 'rewritten', code: '', reason: 'file meta information is written anew for the de-identified file', overridable: false,
    });
  }

  const visit = (ds: Dataset, prefix: string, depth: number, parent: string | undefined): void => {
    const creators = creatorsOf(ds);
    for (const el of ds.sorted()) {
      const tag = el.tag;
      const id = `${prefix}${formatTag(tag)}`;
      const change = changes.get(id);
      const out = after.get(id);
      const before = displayValue(el, ds.charset);
      let row: ReviewRow;
      const base = { kind: 'element' as const, id, parent, depth, tag: formatTag(tag), keyword: nameOf(tag), vr: el.vr, before, overridable: groupOf(tag) !== 0x0002 };
      if (change) {
        const afterText = change.after === null ? null : out ? out.text : change.after;
        row = { ...base, after: afterText, action: classify(change), code: change.action, reason: change.source };
      } else if (!out) {
        // Not traced itself: it went with a removed or emptied sequence, or the group length.
        row = { ...base, after: null, action: 'removed', code: 'X', reason: elementOf(tag) === 0 ? 'group length: retired, and wrong after any change' : 'removed with the sequence or item that held it' };
      } else if (out.text !== before && depth === 0 && ENGINE_MARKS[tag]) {
        row = { ...base, after: out.text, action: 'changed', code: '', reason: ENGINE_MARKS[tag] };
      } else {
        const block = isPrivateTag(tag) ? creators.get(groupOf(tag) * 256 + (isPrivateCreatorTag(tag) ? elementOf(tag) : elementOf(tag) >> 8)) : undefined;
        const { code, reason } = keptReason(profile, tag, block);
        row = { ...base, after: out.text, action: out.text === before ? 'kept' : 'changed', code, reason };
      }
      if (el.items) row.items = el.items.length;
      rows.push(row);
      el.items?.forEach((item, i) => {
        const itemId = `${id}[${i}]`;
        rows.push({
          kind: 'item', id: itemId, parent: id, depth: depth + 1, tag: '', keyword: `Item ${i + 1}`, vr: '',
          before: `${item.elements.size} attribute(s)`,
          after: out?.el.items && out.el.items.length > i ? `${out.el.items[i].elements.size} attribute(s)` : null,
          action: out?.el.items && out.el.items.length > i ? 'kept' : 'removed', code: '', reason: '', overridable: false,
        });
        visit(item, `${itemId} > `, depth + 2, itemId);
      });
    }
  };
  visit(original.dataset, '', 0, undefined);

  // Attributes the engine added at top level (de-identification marks, a new character set).
  for (const el of output.dataset.sorted()) {
    if (original.dataset.has(el.tag)) continue;
    const id = formatTag(el.tag);
    rows.push({
      kind: 'element', id, depth: 0, tag: id, keyword: nameOf(el.tag), vr: el.vr, before: null,
      after: after.get(id)?.text ?? '', action: 'added', code: '', reason: ENGINE_MARKS[el.tag] ?? 'added by the de-identifier',
      overridable: false, ...(el.items ? { items: el.items.length } : {}),
    });
  }
  sortTopLevel(rows);
  return { status: 'written', rows, warnings: outcome.warnings, residual: outcome.residual, output: outcome.output };
}

/** Top-level rows (each with its nested rows) in tag order. */
function sortTopLevel(rows: ReviewRow[]): void {
  const groups: { key: number; rows: ReviewRow[] }[] = [];
  for (const r of rows) {
    if (r.depth === 0) groups.push({ key: r.id === 'meta' ? Infinity : parseInt(r.tag.slice(1, 5) + r.tag.slice(6, 10), 16), rows: [r] });
    else groups[groups.length - 1].rows.push(r);
  }
  groups.sort((a, b) => (a.key === b.key ? 0 : a.key - b.key));
  rows.length = 0;
  for (const g of groups) rows.push(...g.rows);
}
