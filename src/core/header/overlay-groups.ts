/**
 * Overlay groups (60xx,eeee) are one thing: a bit plane and the attributes that describe it.
 * Table E.1-1 names only Overlay Data (60xx,3000) and Overlay Comments (60xx,4000); the other
 * attributes of the group are not in the table, so the profile alone would keep Overlay
 * Description (60xx,0022), Overlay Label (60xx,1500), Rows, Columns, Type, Origin… after removing
 * the plane. Those texts can name the patient, and a group without its Type 1 Overlay Data makes
 * the object invalid (PS3.3 C.9.2). So, after the profile has run:
 *  - a group left without Overlay Data is removed whole — this also covers retired overlays kept
 *    in unused bits of Pixel Data, whose bits the pixel step has already cleared;
 *  - a group whose Overlay Data a profile override keeps stays, and its free text is cleaned of
 *    the file's identifiers (what Clean Graphics does with the graphics it keeps).
 * Only the top level: Part 10 puts overlay groups in the instance, never inside sequence items.
 */
import type { Dataset } from '../dicom/dataset.ts';
import { formatTag, keywordOf } from '../dicom/tags.ts';
import { elementText, encodeText } from '../dicom/values.ts';
import { replaceIdentifiers, type Identifier } from '../audit/identifiers.ts';
import type { ActionCounts } from '../outcome.ts';
import type { HeaderChange } from './apply.ts';

const FIRST = 0x6000;
const LAST = 0x601e;
const OVERLAY_DATA = 0x3000;
const FREE_TEXT_VRS = new Set(['LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT']);

export interface OverlayGroupContext {
  identifiers: readonly Identifier[];
  counts: ActionCounts;
  trace?: (change: HeaderChange) => void;
}

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

/** Settles every overlay group of `ds` as described above; returns report notes (no values in them). */
export function settleOverlayGroups(ds: Dataset, ctx: OverlayGroupContext): string[] {
  const byGroup = new Map<number, number[]>();
  for (const tag of ds.elements.keys()) {
    const group = tag >>> 16;
    if (group < FIRST || group > LAST || group & 1) continue;
    const list = byGroup.get(group);
    if (list) list.push(tag);
    else byGroup.set(group, [tag]);
  }
  const removed: string[] = [];
  const cleaned: string[] = [];
  for (const [group, tags] of [...byGroup].sort((a, b) => a[0] - b[0])) {
    const hasData = tags.some((t) => (t & 0xffff) === OVERLAY_DATA);
    if (!hasData) {
      for (const tag of tags) {
        const el = ds.get(tag)!;
        ctx.trace?.({
          path: formatTag(tag), tag, keyword: keywordOf(tag), vr: el.vr,
          before: FREE_TEXT_VRS.has(el.vr) ? elementText(el, ds.charset) : `${el.value.length} bytes`,
          after: null, action: 'X', source: 'overlay group without Overlay Data: removed whole',
        });
        ds.delete(tag);
        ctx.counts.removed++;
      }
      removed.push(`${hex4(group)} (${tags.length} attribute${tags.length === 1 ? '' : 's'})`);
      continue;
    }
    for (const tag of tags) {
      const el = ds.get(tag)!;
      if (!FREE_TEXT_VRS.has(el.vr)) continue;
      const before = elementText(el, ds.charset);
      const { text, replaced } = replaceIdentifiers(before, ctx.identifiers);
      if (replaced === 0) continue;
      ctx.trace?.({ path: formatTag(tag), tag, keyword: keywordOf(tag), vr: el.vr, before, after: text, action: 'C', source: 'text of a kept overlay group cleaned' });
      el.value = encodeText(text, el.vr);
      ctx.counts.cleaned++;
      cleaned.push(formatTag(tag));
    }
  }
  const notes: string[] = [];
  if (removed.length) {
    notes.push(`overlay group(s) ${removed.join(', ')} removed whole: no Overlay Data was left, and a description or label without its plane can name the patient and makes the object invalid`);
  }
  if (cleaned.length) notes.push(`identifiers replaced in the text of kept overlay group(s): ${cleaned.join(', ')}`);
  return notes;
}
