/**
 * The identifiers of one ORIGINAL file, collected before de-identification. Two consumers:
 * - the header engine's Clean Descriptors / Clean Structured Content options, which blank these
 *   values out of free text they keep (`replaceIdentifiers`);
 * - the residual scan (`residual.ts`), which looks for every one of them again in the output.
 *
 * Matching rules (shared with residual.ts through `boundaryRule`):
 * - always case-insensitive;
 * - "word" identifiers (parts of person names, addresses, institution names) must not touch a
 *   letter on either side, so the name part "ANN" is not found inside "ANNOTATION";
 * - every identifier whose first/last character is a digit must not touch a digit on that side,
 *   so Patient ID "4711" is not found inside "2.25.947114…" (birth dates may be followed by
 *   digits, as in a DT "19500101120000");
 * - IDs and dates may otherwise touch letters ("MRN4711" still contains the ID "4711");
 * - scripts written without spaces (Han, kana, Hangul) have no word boundaries: "山田" is found
 *   in "山田太郎様", and a Latin name part is found in "KARLSSON様" — such characters never count
 *   as a letter that the word rule guards against;
 * - original UIDs must not touch a digit or a '.' that continues the UID ("1.2.3" is not found in
 *   "1.2.3.4" or "11.2.3"), but may end a sentence ("see 1.2.3.").
 */
import { walk, type Dataset, type DataElement } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { elementText } from '../dicom/values.ts';

export interface Identifier {
  /** What it is, one of `KIND` (other modules may add their own kinds). */
  kind: string;
  /** The identifier as it appeared in the original file (or a spelling of it). */
  value: string;
}

export const KIND = {
  patientName: 'patient name part',
  patientId: 'patient ID',
  otherPatientId: 'other patient ID',
  issuer: 'issuer of patient ID',
  birthName: 'patient birth name part',
  motherBirthName: "patient's mother's birth name part",
  otherPatientName: 'other patient name part',
  address: 'patient address part',
  telephone: 'telephone number',
  birthDate: 'birth date',
  accession: 'accession number',
  institutionName: 'institution name',
  institutionAddress: 'institution address part',
  physicianName: 'physician name part',
  personName: 'person name part',
  studyId: 'study ID',
  otherId: 'other ID',
  /** A UID of the original that the engine replaced (collected while mapping, see deidentify.ts). */
  originalUid: 'original UID',
} as const;

/**
 * The patient's own identifiers: a hit of one of these in a value the profile keeps is removed
 * from the output (header/scrub.ts), not only reported. Staff and institution identifiers stay
 * findings to review.
 */
export const PATIENT_KINDS: ReadonlySet<string> = new Set([
  KIND.patientName, KIND.patientId, KIND.otherPatientId, KIND.birthName, KIND.motherBirthName, KIND.otherPatientName,
  KIND.address, KIND.telephone, KIND.birthDate, KIND.accession, KIND.otherId, KIND.originalUid,
]);

/** Patient name kinds, for which a one-character ideographic part (a surname such as 王 or 李) counts. */
const PATIENT_NAME_KINDS: ReadonlySet<string> = new Set([KIND.patientName, KIND.birthName, KIND.motherBirthName, KIND.otherPatientName]);

/** Scripts written without spaces between words: no word boundary can be asked of them. */
const SPACELESS = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]/u;
const LETTER_CHAR = /\p{L}/u;
/** A letter that a word identifier must not touch: a letter of a script that separates words. */
export function isWordLetter(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 0x80) return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
  return LETTER_CHAR.test(c) && !SPACELESS.test(c);
}
/** Characters of a spaceless script. */
export const isSpaceless = (c: string): boolean => SPACELESS.test(c);

const WORD_KINDS: ReadonlySet<string> = new Set([
  KIND.patientName, KIND.birthName, KIND.motherBirthName, KIND.otherPatientName, KIND.address,
  KIND.issuer, KIND.institutionName, KIND.institutionAddress, KIND.physicianName, KIND.personName,
]);

export interface BoundaryRule {
  /** An edge that is a letter must not touch a letter. */
  word: boolean;
  /** A trailing digit may be followed by more digits (dates inside date-times). */
  digitsMayFollow: boolean;
  /** A UID: a '.' that continues it (followed or preceded by a digit) is part of it. */
  uid: boolean;
}

/** How an identifier of this kind must be delimited to count as found (see the file comment). */
export function boundaryRule(kind: string): BoundaryRule {
  return {
    word: WORD_KINDS.has(kind) || / name\b| address\b/i.test(kind),
    digitsMayFollow: kind === KIND.birthDate,
    uid: kind === KIND.originalUid,
  };
}

// ---------------------------------------------------------------------------------------------
// Collection

const NAME_MIN = 2;
const VALUE_MIN = 3;

/** Honorifics, degrees, generational suffixes and name particles: not identifying on their own. */
const NAME_NOISE = new Set([
  'mr', 'mrs', 'ms', 'miss', 'mstr', 'master', 'dr', 'doc', 'prof', 'sir', 'madam', 'dame', 'lord', 'lady',
  'rev', 'fr', 'sr', 'jr', 'ii', 'iii', 'iv', 'md', 'phd', 'do', 'rn', 'dds', 'dmd', 'mbbs', 'frcr', 'frcp',
  'bsc', 'msc', 'esq', 'herr', 'frau', 'mme', 'mlle', 'sra', 'srta', 'baby', 'infant',
  'van', 'von', 'de', 'der', 'den', 'da', 'di', 'du', 'del', 'della', 'la', 'le', 'dos', 'das', 'y',
  'bin', 'binti', 'al', 'el', 'ten', 'ter', 'mc', 'st',
  // Modality and department codes that test and phantom "names" are made of ("CT^HEAD"); as
  // 2-letter name parts they would mostly find the code itself.
  'ct', 'mr', 'us', 'pt', 'nm', 'cr', 'dx', 'mg', 'xa', 'rf', 'ot', 'sc', 'sr', 'px', 'io', 'es', 'ob', 'gy', 'rt', 'ecg',
]);

/** Street-type words and other address filler that would match unrelated text. */
const ADDRESS_NOISE = new Set([
  'street', 'str', 'strasse', 'straße', 'road', 'avenue', 'ave', 'lane', 'drive', 'court', 'place',
  'square', 'boulevard', 'blvd', 'way', 'apt', 'apartment', 'suite', 'unit', 'floor', 'box', 'usa',
  'north', 'south', 'east', 'west', 'the', 'and', 'rue', 'via', 'calle', 'weg', 'platz', 'gasse',
]);

/**
 * Values that stand in for a missing identifier ("ANONYMIZED", "UNKNOWN", "TEST^PATIENT", "N/A"):
 * they identify nobody and, looked for in the output, would only raise false alarms.
 */
const PLACEHOLDERS = new Set([
  'anonymized', 'anonymised', 'anonymous', 'anon', 'unknown', 'unk', 'test', 'tests', 'patient', 'name',
  'none', 'null', 'nil', 'n/a', 'na', 'n.a', 'n.a.', 'removed', 'deidentified', 'de-identified', 'redacted',
  'phantom', 'dummy', 'demo', 'sample', 'blank', 'empty', 'unnamed', 'noname', 'no name', 'not available',
]);

/** A placeholder, a run of one repeated character ("0000", "XXX", "***"), or nothing but punctuation. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim().toLowerCase();
  // One ideographic character is a whole surname (王, 李), not filler.
  if (/^\p{sc=Han}$/u.test(v)) return false;
  return PLACEHOLDERS.has(v) || /^(.)\1*$/su.test(v) || !/[\p{L}\p{N}]/u.test(v);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Tags with a dedicated kind; PN elements not listed here are "person name part". */
const PN_KINDS = new Map<number, string>([
  [T.PatientName, KIND.patientName],
  [T.PatientBirthName, KIND.birthName],
  [T.PatientMotherBirthName, KIND.motherBirthName],
  [T.OtherPatientNames, KIND.otherPatientName],
  [T.ReferringPhysicianName, KIND.physicianName],
  [0x00081048, KIND.physicianName], // Physician(s) of Record
  [0x00081050, KIND.physicianName], // Performing Physician's Name
  [0x00081060, KIND.physicianName], // Name of Physician(s) Reading Study
  [0x00081070, KIND.physicianName], // Operators' Name
  [0x00321032, KIND.physicianName], // Requesting Physician
  [0x00400006, KIND.physicianName], // Scheduled Performing Physician's Name
]);

type Collect = (text: string, add: Adder) => void;
type Adder = (kind: string, value: string, min?: number) => void;

const ids = (kind: string): Collect => (text, add) => {
  for (const v of splitValues(text)) {
    add(kind, v);
    // "000123456" is often written "123456" elsewhere.
    const stripped = v.replace(/^0+(?=\d)/, '');
    if (stripped !== v && /^\d+$/.test(v) && stripped.length >= 4) add(kind, stripped);
  }
};

/** Non-PN elements that carry identifiers, by tag. */
const COLLECTORS = new Map<number, Collect>([
  [T.PatientID, ids(KIND.patientId)],
  [T.OtherPatientIDs, ids(KIND.otherPatientId)],
  [T.IssuerOfPatientID, (t, add) => splitValues(t).forEach((v) => add(KIND.issuer, v))],
  [T.AccessionNumber, ids(KIND.accession)],
  [0x00101090, ids(KIND.otherId)], // Medical Record Locator
  [0x00380010, ids(KIND.otherId)], // Admission ID
  [T.StudyID, (t, add) => splitValues(t).forEach((v) => v.length >= 4 && add(KIND.studyId, v))],
  [T.PatientBirthDate, (t, add) => splitValues(t).forEach((v) => dateSpellings(v).forEach((d) => add(KIND.birthDate, d)))],
  [0x00101040, (t, add) => addressParts(t, KIND.address, add)], // Patient's Address
  [0x00401102, (t, add) => addressParts(t, KIND.address, add)], // Person's Address
  [0x00102154, (t, add) => telephones(t, add)], // Patient's Telephone Numbers
  [0x00102155, (t, add) => telephones(t, add)], // Patient's Telecom Information
  [0x00080094, (t, add) => telephones(t, add)], // Referring Physician's Telephone Numbers
  [0x00401103, (t, add) => telephones(t, add)], // Person's Telephone Numbers
  [T.InstitutionName, (t, add) => splitValues(t).forEach((v) => add(KIND.institutionName, v))],
  [T.InstitutionAddress, (t, add) => institutionAddress(t, add)],
  [0x00080092, (t, add) => institutionAddress(t, add)], // Referring Physician's Address
]);

/**
 * Every identifier of the original dataset, at any depth, deduplicated case-insensitively
 * (first kind wins; patient attributes are looked at first).
 */
/** An identifier one element's text gave, with its lower-cased form (what makes two alike). */
interface Collected {
  identifier: Identifier;
  key: string;
}

/**
 * What each element text gave, by collector and text: every file of a series holds the same
 * names, IDs and birth date, so their parts, spellings and placeholder checks are worked out
 * once per distinct value, not once per file. Identifiers are shared between the files' lists:
 * nobody changes one. Bounded: cleared when it grows past what a large batch could reuse.
 */
const collectedCache = new Map<string, readonly Collected[]>();
const COLLECTED_CACHE_LIMIT = 20_000;

function collectedFrom(cacheKey: string, text: string, collect: Collect): readonly Collected[] {
  let found = collectedCache.get(cacheKey);
  if (found) return found;
  const list: Collected[] = [];
  collect(text, (kind, raw, min = VALUE_MIN) => {
    const value = raw.trim();
    if (value.length < min || isPlaceholder(value)) return;
    list.push({ identifier: { kind, value }, key: value.toLowerCase() });
  });
  if (collectedCache.size >= COLLECTED_CACHE_LIMIT) collectedCache.clear();
  collectedCache.set(cacheKey, list);
  found = list;
  return found;
}

/** PN collectors by kind: the person-name parts of a value. */
const NAME_COLLECTORS = new Map<string, Collect>();
const nameCollector = (kind: string): Collect => {
  let collect = NAME_COLLECTORS.get(kind);
  if (!collect) NAME_COLLECTORS.set(kind, (collect = (text, add) => nameParts(text, kind, add)));
  return collect;
};

export function collectIdentifiers(ds: Dataset): Identifier[] {
  const out: Identifier[] = [];
  const seen = new Set<string>();
  const visit = (el: DataElement, owner: Dataset): void => {
    if (el.value.length === 0) return;
    let collect: Collect | undefined;
    let cacheKey: string;
    if (el.vr === 'PN') {
      const kind = PN_KINDS.get(el.tag) ?? KIND.personName;
      collect = nameCollector(kind);
      cacheKey = `PN\u0000${kind}`;
    } else {
      collect = COLLECTORS.get(el.tag);
      if (!collect) return;
      cacheKey = String(el.tag);
    }
    const text = elementText(el, owner.charset);
    for (const { identifier, key } of collectedFrom(`${cacheKey}\u0000${text}`, text, collect)) {
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(identifier);
    }
  };
  // The patient's own attributes first, so a value shared with e.g. a physician keeps its patient kind.
  for (const tag of [T.PatientName, T.PatientID, T.PatientBirthDate, T.OtherPatientIDs, T.PatientBirthName, T.PatientMotherBirthName, T.OtherPatientNames]) {
    const el = ds.get(tag);
    if (el) visit(el, ds);
  }
  walk(ds, (el, owner) => visit(el, owner));
  return out;
}

/** Shortest original UID looked for: "0", "1.2" or "1.3.6" would be found in any number. */
const UID_MIN = 8;

/** The original UIDs the header step replaced, as identifiers (UIDs too short to tell apart are left out). */
export function originalUidIdentifiers(uids: Iterable<string>): Identifier[] {
  const out: Identifier[] = [];
  for (const value of uids) {
    if (value.length < UID_MIN || !value.includes('.')) continue;
    // One object per UID (a series' files share their study, series and frame of reference
    // UIDs): the residual scan keeps its compiled needles by identifier object.
    let id = uidIdentifiers.get(value);
    if (!id) {
      if (uidIdentifiers.size >= COLLECTED_CACHE_LIMIT) uidIdentifiers.clear();
      uidIdentifiers.set(value, (id = { kind: KIND.originalUid, value }));
    }
    out.push(id);
  }
  return out;
}
const uidIdentifiers = new Map<string, Identifier>();

function splitValues(text: string): string[] {
  return text.split('\\').map((v) => v.trim()).filter((v) => v.length > 0);
}

/** Parts of a PN value: every component group (alphabetic=ideographic=phonetic), family, given and middle names. */
function nameParts(text: string, kind: string, add: Adder): void {
  for (const value of splitValues(text)) {
    for (const group of value.split('=')) {
      // Components 4 and 5 are prefix and suffix (Dr, Jr, III): never identifying.
      const components = group.split('^').slice(0, 3);
      for (const component of components) {
        for (let part of component.split(/[\s,;()"]+/)) {
          part = part.replace(/^['.\-]+|['.\-]+$/g, '');
          const min = PATIENT_NAME_KINDS.has(kind) && /^\p{sc=Han}$/u.test(part) ? 1 : NAME_MIN;
          if (part.length < min || NAME_NOISE.has(part.toLowerCase())) continue;
          add(kind, part, min);
          if (part.includes('-')) {
            for (const sub of part.split('-')) {
              if (!NAME_NOISE.has(sub.toLowerCase())) add(kind, sub, NAME_MIN);
            }
          }
        }
      }
    }
  }
}

function addressParts(text: string, kind: string, add: Adder): void {
  for (const value of splitValues(text)) {
    add(kind, value);
    for (const part of value.split(/[\s,;^/\n\r]+/)) {
      const p = part.replace(/^[.#\-]+|[.#\-]+$/g, '');
      if (ADDRESS_NOISE.has(p.toLowerCase())) continue;
      // House numbers ("12", "221") hit unrelated numbers everywhere; postcodes are longer.
      if (/^\d+$/.test(p) && p.length < 4) continue;
      add(kind, p);
    }
  }
}

/** Institution and physician addresses: kept as lines/segments, not words ("Hospital Road" is not PHI on its own). */
function institutionAddress(text: string, add: Adder): void {
  add(KIND.institutionAddress, text.replace(/\s+/g, ' '));
  for (const segment of text.split(/[\n\r,;\\^]+/)) {
    const s = segment.trim();
    if (/^\d+$/.test(s) && s.length < 4) continue;
    add(KIND.institutionAddress, s);
  }
}

function telephones(text: string, add: Adder): void {
  for (const value of splitValues(text)) {
    add(KIND.telephone, value, 5);
    const digits = value.replace(/\D/g, '');
    if (digits.length >= 7) {
      add(KIND.telephone, digits);
      // The subscriber part alone, as it is often written without the area code.
      add(KIND.telephone, digits.slice(-7));
    }
  }
}

/** Common ways of writing a DA date. Invalid or partial dates give the raw value (if long enough). */
export function dateSpellings(da: string): string[] {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  if (!m) return da.trim().length >= 6 ? [da.trim()] : [];
  const [, y, mm, dd] = m;
  const month = Number(mm);
  const day = Number(dd);
  if (month < 1 || month > 12 || day < 1 || day > 31) return [da.trim()];
  const m1 = String(month);
  const d1 = String(day);
  const full = MONTHS[month - 1];
  const abbr = full.slice(0, 3);
  const out = [
    `${y}${mm}${dd}`, `${y}-${mm}-${dd}`, `${y}/${mm}/${dd}`, `${y}.${mm}.${dd}`,
    `${dd}/${mm}/${y}`, `${mm}/${dd}/${y}`, `${dd}.${mm}.${y}`, `${dd}-${mm}-${y}`, `${mm}-${dd}-${y}`,
    `${dd}${mm}${y}`, `${mm}${dd}${y}`,
    `${d1}/${m1}/${y}`, `${m1}/${d1}/${y}`, `${d1}.${m1}.${y}`, `${y}-${m1}-${d1}`,
    `${dd} ${abbr} ${y}`, `${d1} ${abbr} ${y}`, `${dd}-${abbr}-${y}`, `${d1}-${abbr}-${y}`, `${dd}${abbr}${y}`,
    `${abbr} ${dd} ${y}`, `${abbr} ${d1} ${y}`, `${abbr} ${dd}, ${y}`, `${abbr} ${d1}, ${y}`,
    `${d1} ${full} ${y}`, `${full} ${d1}, ${y}`, `${full} ${d1} ${y}`,
  ];
  return [...new Set(out)];
}

// ---------------------------------------------------------------------------------------------
// Replacement in free text

/** What replaces an identifier in text: no letters or digits, so it can never match one itself. */
export const REPLACEMENT = '***';

const patternCache = new WeakMap<readonly Identifier[], RegExp | null>();

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const isAsciiDigit = (c: string): boolean => c >= '0' && c <= '9';
/** A letter of a script that separates words (see isWordLetter), as a regular expression. */
const WORD_LETTER = '(?:(?![\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Hangul}])\\p{L})';

/**
 * One alternation of all identifiers, longest first. Each alternative is `(prefix)(body)lookahead`:
 * the left boundary is a consumed, captured prefix ("^" or one non-letter / non-digit character)
 * rather than a look-behind, which Safari before 16.4 cannot parse.
 */
function patternFor(list: readonly Identifier[]): RegExp | null {
  let re = patternCache.get(list);
  if (re !== undefined) return re;
  const seen = new Set<string>();
  const sorted = [...list].filter((i) => i.value.trim().length > 0).sort((a, b) => b.value.length - a.value.length);
  const alternatives: string[] = [];
  for (const id of sorted) {
    const value = id.value.trim();
    const key = `${value.toLowerCase()}\u0000${id.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const rule = boundaryRule(id.kind);
    const first = value[0];
    const last = value[value.length - 1];
    let left = '()';
    let right = '';
    if (rule.uid) left = '(^|(?![0-9]|\\.[0-9])[\\s\\S])';
    else if (isAsciiDigit(first)) left = '(^|[^0-9])';
    else if (rule.word && isWordLetter(first)) left = `(^|(?!${WORD_LETTER})[\\s\\S])`;
    if (rule.uid) right = '(?![0-9]|\\.[0-9])';
    else if (isAsciiDigit(last)) right = rule.digitsMayFollow ? '' : '(?![0-9])';
    else if (rule.word && isWordLetter(last)) right = `(?!${WORD_LETTER})`;
    // Runs of spaces in a multi-word identifier match any run of white space in the text.
    const body = value.split(/\s+/).map(escapeRegExp).join('\\s+');
    alternatives.push(`${left}(${body})${right}`);
  }
  re = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'giu') : null;
  patternCache.set(list, re);
  return re;
}

/**
 * Replaces every occurrence of any identifier in `text` with `REPLACEMENT`, case-insensitively,
 * longest identifiers first, honouring the boundary rules above. Pass the same array for every
 * call on one file: the compiled pattern is cached per array.
 */
export function replaceIdentifiers(text: string, list: readonly Identifier[]): { text: string; replaced: number } {
  if (text.length === 0) return { text, replaced: 0 };
  const re = patternFor(list);
  if (!re) return { text, replaced: 0 };
  let replaced = 0;
  re.lastIndex = 0;
  const out = text.replace(re, (...args: unknown[]) => {
    replaced++;
    // args: match, then (prefix, body) per alternative, then offset, input. Keep the matched prefix.
    for (let i = 1; i + 1 < args.length - 2; i += 2) {
      if (typeof args[i + 1] === 'string') return `${args[i] as string}${REPLACEMENT}`;
    }
    return REPLACEMENT;
  });
  return { text: out, replaced };
}
