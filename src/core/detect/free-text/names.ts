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
  const memo = new Map<string, Tagged>();
  const tagged = (text: string): Tagged => {
    const known = memo.get(text);
    if (known) return known;
    if (memo.size >= MEMO_LIMIT) memo.clear();
    const result = tag(nlp, text);
    memo.set(text, result);
    return result;
  };
  return {
    library: 'compromise',
    // No capital letter, no proper name.
    names: (text: string): FreeTextSpan[] => (/\p{Lu}/u.test(text) ? tagged(text).names : []),
    givenNames: (text: string): FreeTextSpan[] => (/\p{Lu}/u.test(text) ? tagged(text).given : []),
  };
}

/** One text's tagging: both answers come from one parse, so one memo entry holds them. */
interface Tagged {
  names: FreeTextSpan[];
  given: FreeTextSpan[];
}

function tag(nlp: Compromise, text: string): Tagged {
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
  const names = out.splice(0);
  add('person', doc.match('#FirstName'));
  return { names, given: out };
}
