/**
 * What a line of burned-in text is: PHI, or other text (and, among other text, whether it is
 * clinically useful — measurements, scale labels, acoustic output indices — which a setting keeps).
 *
 * Two kinds of evidence make text PHI:
 * - it matches one of the file's OWN identifiers, taken from the header before de-identification
 *   (patient name parts, IDs, accession, institution, birth and study dates): exact matches with
 *   the same boundary rules as the residual scan, plus OCR-tolerant matches (edit distance, common
 *   misreadings such as O/0 and S/5, and names cut short with "..");
 * - it looks like PHI: a date, a clock time, an ID-shaped number, "LAST, FIRST", text after a
 *   label such as "Name:", "ID:" or "DOB:", an institution name.
 * Only the first kind is an IDENTIFIER match (`identifierMatches`): that is what the check after
 * redaction blocks on.
 */
import type { Dataset } from '../dicom/dataset.ts';
import { walk } from '../dicom/dataset.ts';
import { elementText } from '../dicom/values.ts';
import { KIND, collectIdentifiers, boundaryRule, isPlaceholder, type Identifier } from '../audit/identifiers.ts';
import type { FreeTextKind, NameTagger } from './free-text/kinds.ts';
import { ocrLineFreeText } from './free-text/ocr-line.ts';
import { DATE_KINDS, PATTERN_KIND, freeTextKind } from './burned-in-kinds.ts';

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

export interface HeaderDate {
  kind: string;
  y: number;
  m: number;
  d: number;
}

/** The file's identifiers as OCR matching needs them. Build once per file, before de-identification. */
export interface OcrIdentifiers {
  list: Identifier[];
  dates: HeaderDate[];
  /**
   * Short or placeholder-like values of the patient's name and IDs that the residual scan leaves
   * out ("TEST", "OB", "12"): on the pixels, a token that EQUALS one of them is that field printed
   * (a scanner's name field showing "OB"), so it is PHI — but only as a whole token, never inside
   * a word or by OCR tolerance, where such short values would match everything.
   */
  exactTokens?: Identifier[];
}

/** Identifiers of the ORIGINAL dataset (collectIdentifiers) plus its dates as numbers. */
export function ocrIdentifiers(ds: Dataset): OcrIdentifiers {
  // A Study ID without a digit is a description some devices put there ("Thyroid"), not an ID:
  // on screen it is the clinical label it reads as.
  const list = collectIdentifiers(ds).filter((id) => !(id.kind === KIND.studyId && !/\d/.test(id.value)));
  const dates: HeaderDate[] = [];
  const seen = new Set<string>();
  const exactTokens = shortValues(ds, list);
  walk(ds, (el, owner) => {
    const kind = DATE_KINDS.get(el.tag);
    if (!kind || el.value.length === 0) return;
    for (const v of elementText(el, owner.charset).split('\\')) {
      // DA is YYYYMMDD; old files write YYYY.MM.DD.
      const m = /^\s*(\d{4})[.\-/]?(\d{2})[.\-/]?(\d{2})/.exec(v);
      if (!m) continue;
      const date = { kind, y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
      const key = `${kind}${date.y}${date.m}${date.d}`;
      if (date.m >= 1 && date.m <= 12 && date.d >= 1 && date.d <= 31 && !seen.has(key)) {
        seen.add(key);
        dates.push(date);
      }
    }
  });
  return { list, dates, exactTokens };
}

/** Name and ID elements whose every part is PHI on the pixels, however short. */
const SHORT_VALUE_TAGS = new Map<number, string>([
  [0x00100010, KIND.patientName],
  [0x00101001, KIND.otherPatientName],
  [0x00101005, KIND.birthName],
  [0x00100020, KIND.patientId],
  [0x00080050, KIND.accession],
]);

/**
 * The parts of the patient's name (family, given, middle: PN components 1–3) and IDs that
 * collectIdentifiers drops as too short, placeholders or codes ("TEST", "OB", "PLA" when short),
 * two characters or more. Single letters would match every initial and unit on screen.
 */
function shortValues(ds: Dataset, list: readonly Identifier[]): Identifier[] {
  const known = new Set(list.map((i) => i.value.toUpperCase()));
  const out: Identifier[] = [];
  for (const [tag, kind] of SHORT_VALUE_TAGS) {
    const el = ds.get(tag);
    if (!el || el.value.length === 0) continue;
    const text = elementText(el, ds.charset);
    const parts = el.vr === 'PN'
      ? text.split('\\').flatMap((v) => v.split('=')[0].split('^').slice(0, 3)).flatMap((c) => c.split(/[\s,;()"]+/))
      : text.split('\\');
    for (const raw of parts) {
      const value = raw.trim().replace(/^['.\-]+|['.\-]+$/g, '');
      const key = value.toUpperCase();
      if ([...value].length < 2 || !/[\p{L}\p{N}]/u.test(value) || known.has(key)) continue;
      known.add(key);
      out.push({ kind, value });
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------ text helpers

/** Letters and digits only, upper case. */
const alnum = (s: string): string => s.toUpperCase().replace(/[^\p{L}\p{N}]/gu, '');

/** Characters OCR confuses, folded to one representative (applied to both sides of a comparison). */
const CONFUSABLE: Record<string, string> = { O: '0', Q: '0', D: '0', I: '1', L: '1', '|': '1', S: '5', B: '8', Z: '2', G: '6' };
const fold = (s: string): string => [...s].map((c) => CONFUSABLE[c] ?? c).join('');

/** Smallest edit distance between `pattern` and any substring of `text` (Sellers). */
function approxDistance(pattern: string, text: string): number {
  const m = pattern.length;
  let prev = new Array<number>(m + 1);
  let cur = new Array<number>(m + 1);
  for (let i = 0; i <= m; i++) prev[i] = i;
  let best = prev[m];
  for (let j = 1; j <= text.length; j++) {
    cur[0] = 0;
    for (let i = 1; i <= m; i++) {
      const cost = pattern[i - 1] === text[j - 1] ? 0 : 1;
      cur[i] = Math.min(prev[i - 1] + cost, prev[i] + 1, cur[i - 1] + 1);
    }
    if (cur[m] < best) best = cur[m];
    [prev, cur] = [cur, prev];
  }
  return best;
}

/**
 * Plain edit distance (Levenshtein). Lengths more than 3 apart give 99 without computing: every
 * caller asks for a distance of 2 or less. The recall harness (tests/ocr/measure.ts) uses it too.
 */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1);
    prev = cur;
  }
  return prev[b.length];
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const exactCache = new WeakMap<Identifier, RegExp>();

/** The identifier as a whole-token, case-insensitive pattern with the residual scan's boundary rules. */
function exactPattern(id: Identifier): RegExp {
  let re = exactCache.get(id);
  if (re) return re;
  const v = id.value.trim();
  const rule = boundaryRule(id.kind);
  const digit = (c: string): boolean => c >= '0' && c <= '9';
  const letter = (c: string): boolean => /\p{L}/u.test(c);
  let left = '';
  let right = '';
  if (digit(v[0])) left = '(?:^|[^0-9])';
  else if (letter(v[0]) && rule.word) left = '(?:^|[^\\p{L}])';
  if (digit(v[v.length - 1])) right = rule.digitsMayFollow ? '' : '(?![0-9])';
  else if (letter(v[v.length - 1])) right = rule.word ? '(?!\\p{L})' : '';
  re = new RegExp(`${left}${v.split(/\s+/).map(escapeRegExp).join('[\\s,]+')}${right}`, 'iu');
  exactCache.set(id, re);
  return re;
}

const GENERIC_WORDS = new Set([
  'THE', 'OF', 'AND', 'FOR', 'DE', 'DU', 'DES', 'LA', 'LE', 'DER', 'DIE', 'UND', 'HOSPITAL', 'CLINIC', 'CENTER', 'CENTRE',
  'MEDICAL', 'HEALTH', 'UNIVERSITY', 'GENERAL', 'REGIONAL', 'COMMUNITY', 'SAINT', 'ST', 'CARE', 'UNIT', 'DEPARTMENT', 'DEPT',
  'RADIOLOGY', 'IMAGING', 'SYSTEMS', 'INC', 'LTD', 'GMBH', 'NAME', 'NO', 'INFO',
  // Words of institution names that are also the names of specialties, services and exam presets:
  // alone they name no particular place.
  'HEART', 'INSTITUTE', 'INSTITUT', 'CARDIOLOGY', 'CARDIOLOGIE', 'CARDIOLOGIA', 'CARDIO', 'MEDICINE', 'CLINICAL', 'SERVICE',
  'SERVICES', 'HOSPITALIER', 'UNIVERSITAIRE', 'KLINIKUM', 'HOPITAL', 'CHILDREN', 'CHILDRENS', 'WOMENS', 'ULTRASOUND',
  'ECHO', 'VASCULAR', 'NATIONAL', 'CENTRAL', 'MEMORIAL', 'HEALTHCARE', 'FOUNDATION', 'SCHOOL', 'COLLEGE', 'GROUP',
  'PRIVATE', 'PUBLIC', 'CITY', 'COUNTY', 'STATE', 'NORTH', 'SOUTH', 'EAST', 'WEST', 'NORTHERN', 'SOUTHERN', 'EASTERN', 'WESTERN',
  'ONCOLOGY', 'NEUROLOGY', 'PEDIATRIC', 'PAEDIATRIC', 'SURGICAL', 'SURGERY', 'DIAGNOSTIC', 'DIAGNOSTICS', 'MATERNITY',
  'CLINIQUE', 'KLINIK', 'SPITAL', 'KRANKENHAUS', 'OSPEDALE', 'HOSPITAL', 'MEDICAL',
]);

/** The file's own identifiers that occur in `text`, tolerating OCR errors. */
export function identifierMatches(text: string, ids: OcrIdentifiers): Identifier[] {
  const found: Identifier[] = [];
  const add = (id: Identifier): void => {
    if (!found.includes(id)) found.push(id);
  };
  const tokens = text.split(/[\s,;:^]+/).map((t) => t.trim()).filter(Boolean);
  const tokenForms = tokens.map((t) => fold(alnum(t)));
  const lineForm = fold(alnum(text));
  // Text cut short by the device: "PATIENTFI..", "CLEVELAN…".
  const truncated: string[] = [];
  const cut = /^(.*?[\p{L}\p{N}])\s*(?:\.{2,}|…)/u.exec(text);
  if (cut) {
    const before = cut[1];
    const words = before.split(/\s+/);
    for (let k = 1; k <= words.length; k++) {
      const form = alnum(words.slice(words.length - k).join(' '));
      if (form.length >= 4) truncated.push(fold(form));
    }
  }

  for (const id of ids.list) {
    const value = id.value.trim();
    if (!value || isPlaceholder(value)) continue;
    if (exactPattern(id).test(text)) {
      add(id);
      continue;
    }
    const form = fold(alnum(value));
    if (form.length >= 5) {
      const allowed = form.length >= 12 ? 2 : 1;
      const word = boundaryRule(id.kind).word && !/\s/.test(value);
      if (word) {
        // Names: a whole token (or two run together) within the allowance.
        for (let i = 0; i < tokenForms.length; i++) {
          const one = tokenForms[i];
          const two = i + 1 < tokenForms.length ? one + tokenForms[i + 1] : '';
          // A name the device cut short, its last letters misread ("PATIENTFIL." for PATIENTFIVE).
          const cutShort = one.length >= 6 && one.length < form.length && /[.…_]$/.test(tokens[i]) && editDistance(form.slice(0, one.length), one) <= 1;
          if (cutShort || editDistance(form, one) <= allowed || (two && editDistance(form, two) <= allowed)) {
            add(id);
            break;
          }
        }
      } else if (approxDistance(form, lineForm) <= allowed) add(id);
    }
    if (found.includes(id)) continue;
    const valueWords = value.split(/\s+/).map((w) => fold(alnum(w)));
    if (truncated.some((t) => form.startsWith(t) || valueWords.some((w) => w.length > t.length && w.startsWith(t)))) add(id);
    if (found.includes(id)) continue;
    // Multi-word values (institution names, addresses): two consecutive distinctive words.
    const words = value.toUpperCase().split(/[\s,]+/).map(alnum).filter(Boolean);
    if (words.length >= 3) {
      const upper = text.toUpperCase().split(/[\s,]+/).map(alnum).filter(Boolean);
      for (let i = 0; i + 1 < words.length; i++) {
        const a = words[i];
        const b = words[i + 1];
        if ((GENERIC_WORDS.has(a) && GENERIC_WORDS.has(b)) || a.length < 3 || b.length < 3) continue;
        if (upper.some((u, j) => u === a && upper[j + 1] === b)) {
          add(id);
          break;
        }
      }
    }
  }
  // Short values: whole tokens only, exactly — or with one of OCR's letter/digit confusions
  // ("0B" for OB) when the token still holds a letter (a bare "08" is a number, not the name).
  if (ids.exactTokens?.length) {
    const plain = text.toUpperCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    const folded = new Set(plain.filter((t) => /\p{L}/u.test(t)).map(fold));
    for (const id of ids.exactTokens) {
      const v = id.value.toUpperCase();
      if (plain.includes(v) || folded.has(fold(v))) add(id);
    }
  }
  for (const id of institutionWordMatches(text, ids.list)) add(id);
  for (const d of dateMatches(text, ids.dates)) {
    add({ kind: d.kind, value: `${d.y}-${String(d.m).padStart(2, '0')}-${String(d.d).padStart(2, '0')}` });
  }
  return found;
}

/**
 * The institution's name carried by a preset or label: a distinctive word of it (not a generic
 * word such as "Clinic" or "Cardiologie", five letters or more) inside a token of the text,
 * allowing one OCR slip, or a field cut off at the token's end with one slip, for words of six
 * letters or more —
 * "CardioLaTour" and "CardioLaTou" for "Cardiologie LATOUR", "Fenwick Echo" for "Fenwick Heart
 * Institute". A preset named after the clinic identifies the clinic as much as its name does.
 */
function institutionWordMatches(text: string, list: readonly Identifier[]): Identifier[] {
  const institutions = list.filter((id) => id.kind === KIND.institutionName);
  if (institutions.length === 0) return [];
  const tokens = text.split(/[^\p{L}\p{N}]+/u).map((t) => fold(alnum(t))).filter((t) => t.length >= 4);
  if (tokens.length === 0) return [];
  const found: Identifier[] = [];
  for (const id of institutions) {
    const words = id.value.split(/[^\p{L}\p{N}]+/u).map(alnum).filter((w) => w.length >= 5 && !GENERIC_WORDS.has(w) && !/\d/.test(w));
    const hit = words.some((w) => {
      const form = fold(w);
      const allowed = form.length >= 6 ? 1 : 0;
      return tokens.some((t) => {
        if (t.length >= form.length - allowed && approxDistance(form, t) <= allowed) return true;
        // A label cut off at the end of its field ("CardioLaTou", read "CardioLaTot"): the token
        // ends in the word's first five letters or more, one slip allowed.
        for (let k = Math.max(5, form.length - 2); allowed && k < form.length; k++) if (t.length > k && editDistance(t.slice(-k), form.slice(0, k)) <= 1) return true;
        return false;
      });
    });
    if (hit) found.push(id);
  }
  return found;
}

// ------------------------------------------------------------------------------------ patterns

const MONTHS: Record<string, number> = {
  JAN: 1, JANV: 1, ENE: 1, GEN: 1,
  FEB: 2, FEV: 2, FÉV: 2, FEBR: 2,
  MAR: 3, MARS: 3, MÄR: 3, MRZ: 3,
  APR: 4, AVR: 4, ABR: 4,
  MAY: 5, MAI: 5, MAG: 5,
  JUN: 6, JUIN: 6,
  JUL: 7, JUIL: 7,
  AUG: 8, AOU: 8, AOÛ: 8, AGO: 8,
  SEP: 9, SEPT: 9, SET: 9,
  OCT: 10, OKT: 10, OTT: 10,
  NOV: 11,
  DEC: 12, DÉC: 12, DEZ: 12, DIC: 12,
};
const MONTH_ALT = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');
/** Digits as OCR may misread them in a date. */
const D = '[0-9OoQDSIlB|@]';
const toDigits = (s: string): number => Number(s.replace(/[OoQD@]/g, '0').replace(/[Il|]/g, '1').replace(/S/g, '5').replace(/B/g, '8'));

interface DateCandidate {
  y: number;
  m: number;
  d: number;
  twoDigitYear: boolean;
}

/** Every reading of every date-like run in `text` (both D/M and M/D orders where both are valid). */
export function findDates(text: string): DateCandidate[] {
  const out: DateCandidate[] = [];
  const push = (y: number, m: number, d: number, two: boolean): void => {
    if (m >= 1 && m <= 12 && d >= 1 && d <= 31) out.push({ y, m, d, twoDigitYear: two });
  };
  // 2017-03-02, 2017/3/2, 2017.03.02
  for (const m of text.matchAll(/(?:^|[^0-9])(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})(?![0-9])/g)) push(+m[1], +m[3], +m[4], false);
  // 03/02/2017, 3.2.17, 08-29-1951: day-first and month-first
  for (const m of text.matchAll(/(?:^|[^0-9])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?![0-9])/g)) {
    const two = m[4].length === 2;
    const y = +m[4];
    push(y, +m[3], +m[1], two);
    push(y, +m[1], +m[3], two);
  }
  // 20170302
  for (const m of text.matchAll(/(?:^|[^0-9])(19\d{2}|20\d{2})(\d{2})(\d{2})(?![0-9])/g)) push(+m[1], +m[2], +m[3], false);
  // 28 Mar 02, 24-MAY-02, 30 JAN 94, 3 March 2017
  const dmy = new RegExp(`(?:^|[^0-9A-Za-z])(${D}{1,2})[\\s\\-./]*(${MONTH_ALT})[A-Za-zéû]*\\.?[\\s\\-./,']*(${D}{4}|${D}{2})(?![0-9])`, 'giu');
  for (const m of text.matchAll(dmy)) {
    const month = MONTHS[m[2].toUpperCase()];
    push(toDigits(m[3]), month, toDigits(m[1]), m[3].length === 2);
  }
  // Mar 28, 2002 / March 28 2002
  const mdy = new RegExp(`(?:^|[^A-Za-z])(${MONTH_ALT})[A-Za-z]*\\.?\\s+(${D}{1,2})(?:st|nd|rd|th)?,?\\s+(${D}{4}|${D}{2})(?![0-9])`, 'giu');
  for (const m of text.matchAll(mdy)) push(toDigits(m[3]), MONTHS[m[1].toUpperCase()], toDigits(m[2]), m[3].length === 2);
  return out;
}

function dateMatches(text: string, dates: readonly HeaderDate[]): HeaderDate[] {
  if (dates.length === 0) return [];
  const found: HeaderDate[] = [];
  for (const c of findDates(text)) {
    for (const h of dates) {
      const yearOk = c.twoDigitYear ? h.y % 100 === c.y : h.y === c.y;
      if (yearOk && h.m === c.m && h.d === c.d && !found.includes(h)) found.push(h);
    }
  }
  return found;
}

const MONTH_WORD = /(?:^|[^\p{L}])(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEPT?|OCT|NOV|DEC|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?:$|[^\p{L}])/u;
const TIME = /(?:^|[^0-9])\d{1,2}\s?[:h]\s?\d{2}(?:\s?[:.]\s?\d{2})?(?:\s*[AaPp]\.?\s?[Mm]\.?)?(?![0-9])/;
const LABEL = /(?:^|[^\p{L}])(patient(?:'?s)?(?:\s+name)?|pat(?:ient)?\.?\s?(?:name|id)|pt|name|nom|nombre|naam|vorname|geb(?:\.|urtsdatum)?|id|pid|mrn|mr#|dob|d\.o\.b\.?|birth(?:\s?date)?|born|acc(?:ession)?(?:\s?(?:no|nr|#))?|ssn|record|med\.?\s?rec(?:ord)?)\s*[:#=]/iu;
const NAME_SHAPE = /(?:^|\s)[\p{Lu}][\p{L}'\-]+\s*[,^:]\s*[\p{Lu}][\p{L}'\-]+(?:\s|$)/u;
const SEX_MARK = /[[(]\s*[MFOU]\s*[\])]/;
const INSTITUTION = /\b(?:hospital|hosp\.|clinic|clinique|klinik|klinikum|hopital|hôpital|ospedale|ospital|infirmary|med(?:ical)?\.?\s+(?:ctr|center|centre)|health\s?(?:system|centre|center)|universit\w*|centre\s+hospitalier|krankenhaus|spital)\b|\bmedical(?!\s*(?:systems?|solutions?|imaging|corp))/i;

const UNIT = '(?:cm|mm|m|cm/s|m/s|mm/s|cm2|mm2|cm²|mm²|ml|mL|cc|l|s|ms|sec|min|hz|khz|mhz|db|fps|bpm|%|°|deg|mmhg|kpa|g|kg|x|mv|v)';
const MEASURE = new RegExp(`^[<>=~±+\\-]*\\d+(?:[.,]\\d+)?\\s*${UNIT}$`, 'i');
const LABELLED_VALUE = /^(?:MI|IM|TIS|TIB|TIC|TI|TIS\(S\)|ITm|AO|Gn|G|Gain|DR|Dyn|C|P|PRF|WF|FR|HR|Frq|Freq|Depth|Focus|Zoom)\s*[:=<>]?\s*[-+]?\d+(?:[.,]\d+)?\s*(?:%|dB|Hz|kHz|MHz|cm|mm|FPS|bpm)?$/i;
const INDEX_LABEL = /^(?:MI|IM|TIS|TIB|TIC|TI|ITm|AO|FR|HR|FPS|BPM|ECG|PWR|2D|3D|4D|M3|CW|PW|CFM|THI)[:=]?$/i;

function isClinicalToken(t: string): boolean {
  return MEASURE.test(t) || LABELLED_VALUE.test(t) || INDEX_LABEL.test(t) || /^[-+]?\d+(?:[.,]\d+)?$/.test(t);
}

/** Whether other text is clinically useful: measurements, scale labels, acoustic output indices. */
export function isClinicalText(text: string): boolean {
  const tokens = text.split(/\s+/).filter((t) => /[\p{L}\p{N}]/u.test(t));
  if (tokens.length === 0) return false;
  const clinical = tokens.filter(isClinicalToken).length;
  // A measurement line carries its name ("Asc Ao Diam 3.3 cm"): one value with a unit is enough.
  const hasMeasure = tokens.some((t, i) => MEASURE.test(t) || LABELLED_VALUE.test(t) || (i + 1 < tokens.length && /^\d+(?:[.,]\d+)?$/.test(t) && MEASURE.test(`${t}${tokens[i + 1]}`)));
  const indexPairs = tokens.some((t, i) => INDEX_LABEL.test(t) && i + 1 < tokens.length && /^[<>=]?\d+(?:[.,]\d+)?%?$/.test(tokens[i + 1]));
  return hasMeasure || indexPairs || clinical === tokens.length;
}

/**
 * A run of at least 6 digits, possibly joined by "-" or "." and mixed with letters ("00079241539",
 * "11-05-25-142825", "E20202020202", "S61289.1476739615"), once dates and times are taken out.
 * Fractions ("127/128") and measurements are not IDs.
 */
function idShaped(text: string): boolean {
  const rest = text.replace(new RegExp(TIME.source, 'g'), ' ').replace(/\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}/g, ' ');
  for (const token of rest.split(/[\s/:,;=<>()[\]]+/)) {
    if (!token || MEASURE.test(token)) continue;
    // Digits joined by single "-" or "." separators, six or more of them.
    for (const run of token.match(/\d(?:[\-.]?\d)*/g) ?? []) if (run.replace(/\D/g, '').length >= 6) return true;
  }
  return false;
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

/** Re-exported for callers that hold only a dataset. */
export { collectIdentifiers };

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
