/**
 * Free-text PHI: every span of a text that names a person, organisation, place or address, or
 * holds a phone number, e-mail address, ID-shaped number or date — whatever the header says.
 * Patterns (patterns.ts) and a name tagger (names.ts) propose spans; clinical words
 * (allow-list.ts) are never taken; overlapping spans are joined (what either found goes).
 *
 * `detectFreeTextPhi` is what the header engine and the OCR line classifier call;
 * `cleanFreeText` turns the spans into `***` and counts them per kind.
 */
import { REPLACEMENT } from '../../audit/identifiers.ts';
import { allClinical, isClinicalWord, tokenize, type Token } from './allow-list.ts';
import type { FreeTextCounts, FreeTextKind, FreeTextSpan, NameTagger } from './kinds.ts';
import { findAddresses, findCuedNames, findDates, findEmails, findIds, findOrganisations, findPhones, findTitledNames } from './patterns.ts';

export interface FreeTextOptions {
  /** Dates in their common spellings count as PHI (off where the profile keeps full dates). */
  dates: boolean;
}

/**
 * The spans of `text` that are PHI, sorted, not overlapping. `tagger` null: patterns only (what
 * the bench compares against; the engine always passes a loaded tagger).
 */
export function detectFreeTextPhi(text: string, tagger: NameTagger | null, options: FreeTextOptions = { dates: true }): FreeTextSpan[] {
  if (!/[\p{L}\p{N}]/u.test(text)) return [];
  const tokens = tokenize(text);
  const clinical = (s: FreeTextSpan): boolean => allClinical(tokens, s.start, s.end);
  // In order of trust: where two overlap, the span found first gives the kind.
  const proposals: FreeTextSpan[][] = [
    findEmails(text),
    options.dates ? findDates(text) : [],
    findIds(text).filter((s) => !isDateLike(text.slice(s.start, s.end))),
    findAddresses(text),
    findPhones(text),
    findOrganisations(text).filter((s) => !clinicalBeforeSuffix(tokens, s)),
    findTitledNames(text),
    findCuedNames(text).filter((s) => !clinical(s)),
    (tagger?.names(text) ?? [])
      .map((s) => trimClinical(tokens, widen(text, tokens, s)))
      .filter((s): s is FreeTextSpan => s !== null && /\p{Lu}/u.test(text.slice(s.start, s.end))),
  ];
  return mergeSpans(proposals.flat(), text);
}

/** An ID-shaped run that is really a date (20190609, 2019-06-09) is left to the date detector's option. */
const isDateLike = (s: string): boolean => findDates(s).some((d) => d.start === 0 && d.end === s.length);

/** "Fracture Clinic", "Breast Centre": a service named by clinical words, not an organisation's name. */
function clinicalBeforeSuffix(tokens: readonly Token[], s: FreeTextSpan): boolean {
  const inside = tokens.filter((t) => t.start >= s.start && t.end <= s.end);
  if (inside.length < 2) return false;
  const last = inside[inside.length - 1];
  return allClinical(tokens, s.start, last.start);
}

/** A name word: capitalised, not a clinical or filler word in its place, not a roman numeral. */
const isNameWord = (tokens: readonly Token[], i: number): boolean =>
  /^\p{Lu}/u.test(tokens[i].text) && !/^[IVX]+$/.test(tokens[i].text) && !isClinicalWord(tokens, i);

/**
 * A tagged name widened to the name words right beside it (joined by a space or a hyphen only):
 * the tagger often knows one part of a name from many cultures ("Jürgen Müller" tagged "Müller").
 */
function widen(text: string, tokens: readonly Token[], s: FreeTextSpan): FreeTextSpan {
  const inside = tokens.findIndex((t) => t.end > s.start && t.start < s.end);
  if (inside < 0) return s;
  let first = inside;
  let last = tokens.findLastIndex((t) => t.end > s.start && t.start < s.end);
  const joined = (a: Token, b: Token): boolean => /^[ \-]$/.test(text.slice(a.end, b.start));
  while (first > 0 && joined(tokens[first - 1], tokens[first]) && isNameWord(tokens, first - 1)) first--;
  while (last + 1 < tokens.length && joined(tokens[last], tokens[last + 1]) && isNameWord(tokens, last + 1)) last++;
  return { kind: s.kind, start: Math.min(s.start, tokens[first].start), end: Math.max(s.end, tokens[last].end) };
}

/** A tagged name without the clinical words at its edges ("Known Parkinson" → nothing). */
function trimClinical(tokens: readonly Token[], s: FreeTextSpan): FreeTextSpan | null {
  const idx = tokens.map((t, i) => [t, i] as const).filter(([t]) => t.start >= s.start && t.end <= s.end).map(([, i]) => i);
  let a = 0;
  let b = idx.length - 1;
  while (a <= b && !isNameWord(tokens, idx[a])) a++;
  while (b >= a && !isNameWord(tokens, idx[b])) b--;
  if (a > b) return null;
  return { kind: s.kind, start: tokens[idx[a]].start, end: tokens[idx[b]].end };
}

/**
 * Resolves overlaps: a later (less trusted) span adds only the text no earlier span holds; a
 * piece touching an earlier span widens it, a piece on its own becomes a span of the later kind.
 * So two names a tagger ran together ("Dr Ananya Raghunathan, Saint Wendell Clinic") stay two.
 */
export function mergeSpans(spans: FreeTextSpan[], text: string): FreeTextSpan[] {
  const accepted: FreeTextSpan[] = [];
  for (const s of spans) {
    if (s.end <= s.start) continue;
    for (const piece of uncovered(s, accepted)) {
      if (!/[\p{L}\p{N}]/u.test(text.slice(piece.start, piece.end))) continue;
      const touching = accepted.find((a) => a.end === piece.start || a.start === piece.end);
      if (touching) {
        touching.start = Math.min(touching.start, piece.start);
        touching.end = Math.max(touching.end, piece.end);
      } else {
        accepted.push({ kind: s.kind, start: piece.start, end: piece.end });
      }
    }
  }
  accepted.sort((x, y) => x.start - y.start);
  const out: FreeTextSpan[] = [];
  for (const s of accepted) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else out.push(s);
  }
  return out;
}

/** The parts of `s` outside every accepted span. */
function uncovered(s: FreeTextSpan, accepted: readonly FreeTextSpan[]): { start: number; end: number }[] {
  const inside = accepted.filter((a) => a.start < s.end && s.start < a.end).sort((x, y) => x.start - y.start);
  const out: { start: number; end: number }[] = [];
  let at = s.start;
  for (const a of inside) {
    if (a.start > at) out.push({ start: at, end: a.start });
    at = Math.max(at, a.end);
  }
  if (at < s.end) out.push({ start: at, end: s.end });
  return out;
}

/** Each span becomes `***`; the counts say how many of each kind went. */
export function redactSpans(text: string, spans: readonly FreeTextSpan[]): { text: string; counts: FreeTextCounts } {
  const counts: FreeTextCounts = {};
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + REPLACEMENT;
    at = s.end;
    counts[s.kind] = (counts[s.kind] ?? 0) + 1;
  }
  return { text: out + text.slice(at), counts };
}

export function cleanFreeText(text: string, tagger: NameTagger | null, options?: FreeTextOptions): { text: string; counts: FreeTextCounts } {
  const spans = detectFreeTextPhi(text, tagger, options);
  return spans.length === 0 ? { text, counts: {} } : redactSpans(text, spans);
}

export type { FreeTextCounts, FreeTextKind, FreeTextSpan, NameTagger };
