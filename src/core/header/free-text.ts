/**
 * The header engine's use of the free-text detector (detect/free-text): one free-text value in,
 * the value with every detected span replaced by `***` out, and the per-kind counts the report
 * shows added up for the file.
 */
import { cleanFreeText } from '../detect/free-text/detect.ts';
import { addCounts, type FreeTextCounts, type NameTagger } from '../detect/free-text/kinds.ts';
import type { ProfileOptions } from '../profile/profile.ts';

export interface FreeTextCleaning {
  tagger: NameTagger;
  /** Whether date spellings in free text are removed (see freeTextDates). */
  dates: boolean;
  /** What was removed in this file, by kind. */
  counts: FreeTextCounts;
}

/** Whether the profile keeps some free text it must clean (the options whose action is C). */
export const cleansFreeText = (options: ProfileOptions): boolean =>
  options.cleanDescriptors || options.cleanStructuredContent || options.cleanGraphics;

/**
 * Dates written in free text go, as every date of the header does, unless the profile keeps full
 * dates (Retain Longitudinal Temporal Information, Full Dates). Under Modified Dates they go too:
 * a free-text spelling cannot be shifted safely ("06/09/19" reads as two different days), and an
 * unshifted date beside shifted ones would give the real dates away.
 */
export const freeTextDates = (options: ProfileOptions): boolean => !options.retainLongFullDates;

/** Cleans one value (each of its values, for a multi-valued element). */
export function cleanFreeTextValue(text: string, cleaning: FreeTextCleaning): { text: string; spans: number } {
  let spans = 0;
  const out = text.split('\\').map((value) => {
    const { text: cleaned, counts } = cleanFreeText(value, cleaning.tagger, { dates: cleaning.dates });
    for (const n of Object.values(counts)) spans += n ?? 0;
    addCounts(cleaning.counts, counts);
    return cleaned;
  });
  return { text: out.join('\\'), spans };
}
