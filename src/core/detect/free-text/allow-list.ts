/**
 * The clinical words a name detector must never take out of a description: anatomy, procedures,
 * MR sequences, drug names, and eponymous diseases and signs ("Parkinson disease", "Hodgkin
 * lymphoma", "Down syndrome", "circle of Willis"). The words are data (clinical-terms.json, with
 * its source); this module only answers "is this word, here, clinical?".
 *
 * An eponym is a surname too, so it counts as clinical only in an eponym's context: followed
 * within two words by a disease word ("Parkinson disease", "Kerley B lines", "Salter-Harris II
 * fracture") or after "<anatomy word> of" ("circle of Willis", "pouch of Douglas"). "Mrs Parkinson"
 * or "Jane Parkinson" stays a person.
 */
import terms from './clinical-terms.json' with { type: 'json' };

const lower = (list: readonly string[]): ReadonlySet<string> => new Set(list.map((w) => w.toLowerCase()));

const EPONYMS = lower(terms.eponyms);
const DISEASE_WORDS = lower(terms.disease_words);
/** Words that are clinical (or plain filler) wherever they stand. */
const ALWAYS_CLINICAL = lower([...terms.anatomy, ...terms.procedures_and_sequences, ...terms.drugs, ...terms.filler]);

/** A word as the lists spell it: possessive and edge punctuation dropped. */
export function normalizeWord(word: string): string {
  return word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').replace(/['’]s?$/u, '');
}

const isEponym = (word: string): boolean => {
  const w = normalizeWord(word);
  return EPONYMS.has(w) || (w.includes('-') && w.split('-').every((p) => EPONYMS.has(p)));
};

export interface Token {
  text: string;
  start: number;
  end: number;
  /** A sentence or clause ends after this word (. ; : ! ? before the next one): context stops there. */
  endsClause: boolean;
}

/** The words of a text with their offsets (letters, digits and inner ' - . of a word). */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}](?:[\p{L}\p{N}'’\-.]*[\p{L}\p{N}])?/gu)) {
    const prev = out[out.length - 1];
    if (prev) prev.endsClause = /[.;:!?()]/.test(text.slice(prev.end, m.index));
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length, endsClause: true });
  }
  return out;
}

/**
 * Whether tokens[i] is a clinical word in its place in the text. `tokens` are the words of the
 * whole text (tokenize), so an eponym's context can be seen beyond a detected span.
 */
export function isClinicalWord(tokens: readonly Token[], i: number): boolean {
  const word = tokens[i].text;
  const w = normalizeWord(word);
  if (ALWAYS_CLINICAL.has(w) || DISEASE_WORDS.has(w)) return true;
  if (!isEponym(word)) return false;
  // "Parkinson disease", "Kerley B lines", "Bosniak IIF cyst", "Hill-Sachs defect", "Modic type 1"
  for (let k = i + 1; k <= i + 3 && k < tokens.length && !tokens[k - 1].endsClause; k++) {
    const next = normalizeWord(tokens[k].text);
    if (DISEASE_WORDS.has(next)) return true;
    if (!(isEponym(tokens[k].text) || /^[ivx]+[ab]?$|^[a-z]$|^\d+$/i.test(next))) break;
  }
  // "circle of Willis", "pouch of Douglas", "foramen of Monro"
  if (i >= 2 && !tokens[i - 2].endsClause && !tokens[i - 1].endsClause && normalizeWord(tokens[i - 1].text) === 'of' && DISEASE_WORDS.has(normalizeWord(tokens[i - 2].text))) return true;
  // A possessive eponym before a disease word was handled above; one joined to another eponym ("Wolff-Parkinson-White").
  return i > 0 && !tokens[i].endsClause && isEponym(tokens[i - 1].text) && tokens[i - 1].end + 1 >= tokens[i].start && DISEASE_WORDS.has(normalizeWord(tokens[i + 1]?.text ?? ''));
}

/** Whether every word of text[start, end) is a clinical word in its place (see isClinicalWord). */
export function allClinical(tokens: readonly Token[], start: number, end: number): boolean {
  let any = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.end <= start || t.start >= end) continue;
    any = true;
    if (!isClinicalWord(tokens, i)) return false;
  }
  return any;
}
