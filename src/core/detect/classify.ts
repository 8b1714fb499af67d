/**
 * What a line of burned-in text is: PHI, or other text (and, among other text, whether it is
 * clinically useful — measurements, scale labels, acoustic output indices — which a setting keeps).
 *
 * Two kinds of evidence make text PHI:
 * - it matches one of the file's OWN identifiers, taken from the header before de-identification
 *   (identifier-match.ts: exact and OCR-tolerant matches);
 * - it looks like PHI (text-patterns.ts): a date, a clock time, an ID-shaped number, "LAST,
 *   FIRST", text after a label such as "Name:", "ID:" or "DOB:", an institution name.
 * Only the first kind is an IDENTIFIER match (`identifierMatches`): that is what the check after
 * redaction blocks on.
 */
import type { Identifier } from '../audit/identifiers.ts';
import type { FreeTextKind, NameTagger } from './free-text/kinds.ts';
import { ocrLineFreeText } from './free-text/ocr-line.ts';
import { PATTERN_KIND, freeTextKind } from './burned-in-kinds.ts';
import { identifierMatches, type OcrIdentifiers } from './identifier-match.ts';
import { INSTITUTION, LABEL, MONTH_WORD, NAME_SHAPE, SEX_MARK, TIME, findDates, idShaped, isClinicalText } from './text-patterns.ts';

export type TextClass = 'phi' | 'other';

export interface Classification {
  class: TextClass;
  /** Other text worth keeping for the clinician: measurements, scale labels, acoustic output. */
  clinical: boolean;
  /** Why, in words ("patient name part DOE", "date", "ID-shaped number"). */
  reasons: string[];
  /** The same, as categories without the text (burned-in-kinds.ts): what the report may count. */
  kinds: string[];
  /** The file's own identifiers found in the text. */
  identifiers: Identifier[];
}

export interface ClassifyContext {
  /** The line before this one on the same row, if any (a label may stand apart from its value). */
  before?: string;
}

export function classifyText(text: string, ids: OcrIdentifiers, context: ClassifyContext = {}): Classification {
  const reasons: string[] = [];
  const kinds = new Set<string>();
  const because = (kind: string, reason: string = kind) => {
    reasons.push(reason);
    kinds.add(kind);
  };
  const identifiers = identifierMatches(text, ids);
  for (const id of identifiers) because(id.kind, `${id.kind} ${id.value}`);
  if (findDates(text).length) because(PATTERN_KIND.date);
  if (TIME.test(text)) because(PATTERN_KIND.time);
  // A month written as a word, standing alone: a date whose digits were misread or are apart.
  else if (!kinds.has(PATTERN_KIND.date) && MONTH_WORD.test(text)) because(PATTERN_KIND.monthName);
  if (idShaped(text)) because(PATTERN_KIND.idShaped);
  const label = LABEL.exec(text);
  if (label) {
    const after = text.slice(label.index + label[0].length).trim();
    if (/[\p{L}\p{N}]/u.test(after)) because(PATTERN_KIND.labelledValue, `value after "${label[1]}" label`);
  }
  if (context.before) {
    const l = LABEL.exec(context.before);
    if (l && !/[\p{L}\p{N}]/u.test(context.before.slice(l.index + l[0].length)) && /[\p{L}\p{N}]/u.test(text)) {
      because(PATTERN_KIND.labelledValue, `value after "${l[1]}" label`);
    }
  }
  if (NAME_SHAPE.test(` ${text} `)) because(PATTERN_KIND.nameShape);
  if (SEX_MARK.test(text)) because(PATTERN_KIND.sexMarker);
  if (INSTITUTION.test(text)) because(PATTERN_KIND.institutionLike);
  const phi = reasons.length > 0;
  return { class: phi ? 'phi' : 'other', clinical: !phi && isClinicalText(text), reasons, kinds: [...kinds], identifiers };
}

/** What one line of burned-in text is, in a word: see classifyLine. */
export type LineKind = 'phi' | 'clinical' | 'other';

/**
 * The small entry point other detectors share: one line of text read on the pixels, and the
 * identifiers of the ORIGINAL header (`ocrIdentifiers(dataset)`, built once per file) →
 *
 *   'phi'       it holds one of the header's identifiers (however short, as a whole token), the
 *               institution's name or a distinctive word of it, a date, a time, an ID-shaped
 *               number, a labelled value ("Name:", "DOB:") or a name shape — or, with `freeText`,
 *               what the free-text detector finds on OCR lines (free-text/ocr-line.ts): a person
 *               after a title or cue, an organisation, an address, a phone, an e-mail, an ID;
 *   'clinical'  measurements, scale labels, acoustic output indices: worth keeping;
 *   'other'     any other text: proposed for review.
 *
 * `freeText.tagger`: the loaded name tagger (loadNameTagger), or null for patterns and cues only.
 */
export function classifyLine(text: string, identifiers: OcrIdentifiers, freeText?: { tagger: NameTagger | null; before?: string }): LineKind {
  const c = classifyText(text, identifiers, { before: freeText?.before });
  if (c.class === 'phi') return 'phi';
  if (freeText && ocrLineFreeText(text, freeText.tagger, { before: freeText.before }).length > 0) return 'phi';
  return c.clinical ? 'clinical' : 'other';
}

/**
 * The classification of the PHI part of a line found by the free-text detector: its reasons say
 * which detector fired ("free text: phone"), as the box label and the report show them.
 */
export function freeTextClassification(kinds: readonly FreeTextKind[]): Classification {
  const named = kinds.map(freeTextKind);
  return { class: 'phi', clinical: false, reasons: named, kinds: named, identifiers: [] };
}
