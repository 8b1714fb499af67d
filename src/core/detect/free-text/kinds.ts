/**
 * What the free-text detector finds: spans of a text, each with the kind of PHI it holds. Shared
 * by the detectors (patterns, names), the cleaner that turns spans into `***`, the header engine
 * and the OCR line classifier.
 */

export const FREE_TEXT_KINDS = ['person', 'organisation', 'place', 'address', 'phone', 'email', 'id', 'date'] as const;
export type FreeTextKind = (typeof FREE_TEXT_KINDS)[number];

/** One detected span: text.slice(start, end) is the PHI. */
export interface FreeTextSpan {
  kind: FreeTextKind;
  start: number;
  end: number;
}

/**
 * A natural-language tagger of person, organisation and place names (see names.ts). Loaded
 * lazily: the engine awaits it once before it cleans free text (loader.ts).
 */
export interface NameTagger {
  readonly library: string;
  names(text: string): FreeTextSpan[];
  /**
   * The words of `text` the library's lexicon knows as given names ("Greta", "John"): what lets
   * the burned-in text classifier trust a tagged name on a noisy OCR line (free-text/ocr-line.ts).
   */
  givenNames?(text: string): FreeTextSpan[];
}

/** How many spans of each kind were removed: what the report shows (never the values). */
export type FreeTextCounts = Partial<Record<FreeTextKind, number>>;

export function addCounts(into: FreeTextCounts, more: FreeTextCounts): void {
  for (const [kind, n] of Object.entries(more) as [FreeTextKind, number][]) into[kind] = (into[kind] ?? 0) + n;
}
