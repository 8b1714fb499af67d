/**
 * Person, organisation and place names by natural-language tagging, with `compromise` (chosen
 * over wink-nlp by measurement: see README "Free text" and scripts/bench/free-text.ts).
 *
 * The library is passed in, not imported, so that the engine loads it only when a profile cleans
 * free text (loader.ts) and this module stays free of it.
 */
import type { FreeTextKind, FreeTextSpan, NameTagger } from './kinds.ts';

/** The part of compromise's API used here. */
export interface CompromiseView {
  json(options: { offset: true; text: true; terms: false }): { text: string; offset?: { start: number; length: number } }[];
}
export interface CompromiseDoc {
  people(): CompromiseView;
  organizations(): CompromiseView;
  places(): CompromiseView;
  match(pattern: string): CompromiseView;
}
export type Compromise = (text: string) => CompromiseDoc;

/** Distinct texts remembered: a series repeats its descriptions in every file, and tagging is the slow part. */
const MEMO_LIMIT = 5000;

export function compromiseTagger(nlp: Compromise): NameTagger {
  const memo = new Map<string, FreeTextSpan[]>();
  return {
    library: 'compromise',
    names(text: string): FreeTextSpan[] {
      if (!/\p{Lu}/u.test(text)) return []; // no capital letter, no proper name
      const known = memo.get(text);
      if (known) return known;
      if (memo.size >= MEMO_LIMIT) memo.clear();
      const spans = tag(nlp, text);
      memo.set(text, spans);
      return spans;
    },
  };
}

function tag(nlp: Compromise, text: string): FreeTextSpan[] {
  const doc = nlp(text);
  const out: FreeTextSpan[] = [];
  const add = (kind: FreeTextKind, view: CompromiseView): void => {
    for (const m of view.json({ offset: true, text: true, terms: false })) {
      if (!m.offset || m.offset.length === 0) continue;
      // compromise counts offsets in UTF-16 units of the text it was given, like String#slice.
      const start = m.offset.start;
      let end = start + m.offset.length;
      // Trailing punctuation compromise keeps with the last word ("Ltd.", "Street,") is not part of the name.
      while (end > start && /[,;:]/.test(text[end - 1])) end--;
      out.push({ kind, start, end });
    }
  };
  add('person', doc.people());
  add('organisation', doc.organizations());
  add('place', doc.places());
  // Capitalised words compromise does not know ("Pritchard", "Kowalczyk"): most often a
  // name; detect.ts widens them to the capitalised words beside them and drops clinical ones.
  add('person', doc.match('#ProperNoun+'));
  return out;
}
