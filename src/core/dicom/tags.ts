/**
 * Tag numbers and the dictionary look-ups built on them. A tag is the unsigned 32-bit number
 * (group << 16 | element); every layer uses this one representation.
 */
import { DICTIONARY_EXACT, DICTIONARY_MASKED, type DictEntry } from './dictionary.generated.ts';
import type { Keyword } from './keywords.generated.ts';

export const tagOf = (group: number, element: number): number => group * 0x10000 + element;
export const groupOf = (tag: number): number => Math.floor(tag / 0x10000);
export const elementOf = (tag: number): number => tag & 0xffff;
export const isPrivateTag = (tag: number): boolean => (groupOf(tag) & 1) === 1;
/** (gggg,0010-00FF) in an odd group reserves a block of private elements for one creator. */
export const isPrivateCreatorTag = (tag: number): boolean =>
  isPrivateTag(tag) && elementOf(tag) >= 0x10 && elementOf(tag) <= 0xff;

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');
/** "(0010,0010)" */
export const formatTag = (tag: number): string => `(${hex4(groupOf(tag))},${hex4(elementOf(tag))})`;
/** Parses "(0010,0010)", "00100010" or "0010,0010". */
export function parseTag(text: string): number {
  const m = /^\(?([0-9a-f]{4}),?([0-9a-f]{4})\)?$/i.exec(text.trim());
  if (!m) throw new Error(`not a tag: ${text}`);
  return tagOf(parseInt(m[1], 16), parseInt(m[2], 16));
}

export function lookupDictionary(tag: number): DictEntry | undefined {
  const exact = DICTIONARY_EXACT[tag];
  if (exact) return exact;
  if (isPrivateTag(tag)) return undefined;
  // Repeating groups (50xx, 60xx, 7Fxx) and element masks (xxx0) share one table.
  const g = hex4(groupOf(tag));
  const e = hex4(elementOf(tag));
  return (
    DICTIONARY_MASKED[`${g.slice(0, 2)}xx${e}`] ??
    DICTIONARY_MASKED[`${g}${e.slice(0, 2)}xx`] ??
    DICTIONARY_MASKED[`${g}xxx${e.slice(3)}`]
  );
}

export function dictionaryVR(tag: number): string | undefined {
  if (isPrivateCreatorTag(tag)) return 'LO';
  if (elementOf(tag) === 0) return 'UL'; // group length
  return lookupDictionary(tag)?.[0];
}

export function keywordOf(tag: number): string {
  if (isPrivateCreatorTag(tag)) return 'PrivateCreator';
  if (isPrivateTag(tag)) return 'Private';
  return lookupDictionary(tag)?.[1] || 'Unknown';
}

export type { Keyword } from './keywords.generated.ts';

/**
 * The tag of every attribute in the dictionary, by keyword: T.PatientName is 0x00100010. Built
 * once from the dictionary tables, which every host loads anyway; the keyword type is generated,
 * so T.Misspelt does not compile. Repeating groups and masked elements such as OverlayData
 * (60xx,3000) give their first tag (0x60003000) that no fixed entry holds.
 */
export const T: Readonly<Record<Keyword, number>> = (() => {
  const t: Record<string, number> = {};
  for (const [tag, entry] of Object.entries(DICTIONARY_EXACT)) if (entry[1]) t[entry[1]] = Number(tag);
  for (const [mask, entry] of Object.entries(DICTIONARY_MASKED)) {
    // The lowest tag of the mask that no fixed entry holds: (0028,04x0) is (0028,0410), since
    // (0028,0400) is Transform Label.
    for (let d = 0; d < 16 && entry[1]; d++) {
      const tag = parseInt(mask.replace(/x/g, d.toString(16)), 16);
      if (!DICTIONARY_EXACT[tag]) {
        t[entry[1]] = tag;
        break;
      }
    }
  }
  return t as Record<Keyword, number>;
})();
