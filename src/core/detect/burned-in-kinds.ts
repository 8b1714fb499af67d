/**
 * What found a burned-in text, in categories that never hold the text itself: the header
 * identifier it matched ("patient name part", "study date"), the pattern ("date", "ID-shaped
 * number") or the free-text detector ("free text: phone"). A box proposed by OCR carries them
 * (RedactionBox.kinds), and the report counts painted boxes by them.
 *
 * The report ships inside the output, and a redaction plan can be imported from anywhere, so the
 * report counts only kinds of this closed vocabulary; anything else is counted as
 * UNRECOGNISED_KIND, never written out.
 */
import { KIND } from '../audit/identifiers.ts';
import { FREE_TEXT_KINDS } from './free-text/kinds.ts';

/** Header dates the OCR classifier matches, by tag. */
export const DATE_KINDS: ReadonlyMap<number, string> = new Map([
  [0x00100030, 'birth date'],
  [0x00080020, 'study date'],
  [0x00080021, 'series date'],
  [0x00080022, 'acquisition date'],
  [0x00080023, 'content date'],
  [0x00080012, 'instance creation date'],
  [0x00181012, 'date of secondary capture'],
  [0x0008002a, 'acquisition date-time'],
]);

/** Patterns of the OCR classifier that need no header value. */
export const PATTERN_KIND = {
  date: 'date',
  time: 'time',
  monthName: 'month name (part of a date)',
  idShaped: 'ID-shaped number',
  labelledValue: 'labelled value',
  nameShape: 'name-shaped (LAST, FIRST)',
  sexMarker: 'sex marker next to demographics',
  institutionLike: 'institution-like',
  /** A word read beside a PHI line on the same row: part of the same field. */
  nextToPhi: 'next to PHI',
} as const;

export const freeTextKind = (kind: (typeof FREE_TEXT_KINDS)[number]): string => `free text: ${kind}`;

const VOCABULARY: ReadonlySet<string> = new Set([
  ...Object.values(KIND),
  ...DATE_KINDS.values(),
  ...Object.values(PATTERN_KIND),
  ...FREE_TEXT_KINDS.map(freeTextKind),
]);

export const UNRECOGNISED_KIND = 'other (kind not recognised)';

/** A kind as the report may write it: itself when it is one of the vocabulary, else UNRECOGNISED_KIND. */
export const reportableKind = (kind: string): string => (VOCABULARY.has(kind) ? kind : UNRECOGNISED_KIND);
