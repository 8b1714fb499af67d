/**
 * Pattern detectors for PHI whose shape says what it is: e-mail addresses, dates in their common
 * spellings, street addresses (house number + street word, or a continental "Hauptstraße 12",
 * with the town and postcode / ZIP that follow), phone numbers (UK, US, EU, international),
 * ID-shaped numbers (after an ID label, or six or more digits in one token), organisations
 * (capitalised words + a legal or care-provider word: "Harlow Fenwick Ltd", "Saint Wendell
 * Clinic"), and person names after a cue (title, relative, "Contact:").
 *
 * Each returns spans; detect.ts merges them with the name tagger's and resolves overlaps.
 */
import type { FreeTextKind, FreeTextSpan } from './kinds.ts';

const span = (kind: FreeTextKind, start: number, end: number): FreeTextSpan => ({ kind, start, end });

function all(re: RegExp, text: string, kind: FreeTextKind, group = 0, accept?: (m: RegExpMatchArray) => boolean): FreeTextSpan[] {
  const out: FreeTextSpan[] = [];
  for (const m of text.matchAll(re)) {
    if (accept && !accept(m)) continue;
    const value = m[group];
    if (!value) continue;
    const start = m.index + m[0].indexOf(value);
    out.push(span(kind, start, start + value.length));
  }
  return out;
}

// --- e-mail ------------------------------------------------------------------------------------
const EMAIL = /[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+/gu;
export const findEmails = (text: string): FreeTextSpan[] => all(EMAIL, text, 'email');

// --- dates -------------------------------------------------------------------------------------
const MONTH = '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEPT?|OCT|NOV|DEC)';
const DAY = '(?:0?[1-9]|[12]\\d|3[01])(?:st|nd|rd|th)?';
const YEAR = "(?:'?\\d{2}|\\d{4})";
/** A number right after a date that makes it a measurement or dose, not a date ("May 5 mm"). */
const NOT_UNIT = '(?!\\s*(?:mm|cm|mg|ml|mL|kg|g|%|x\\b))';
const DATE_PATTERNS: RegExp[] = [
  // 2019-06-09, 2019/6/9, 2019.06.09
  /(?<![\d.])(?:19|20)\d{2}([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?![\d])/g,
  // 09.06.2019, 06/09/19, 9-6-2019 (day-first or month-first: either way a date)
  /(?<![\d./])(?:0?[1-9]|[12]\d|3[01])([-/.])(?:0?[1-9]|[12]\d|3[01])\1(?:\d{4}|\d{2})(?![\d]|\.\d)/g,
  // 20190609
  /(?<!\d)(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)/g,
  // 9 June 2019, 9th of June 2019, 09-Jun-2019, 9 Jun, 9th June
  new RegExp(`(?<![\\p{L}\\p{N}])${DAY}(?:\\s+of)?[\\s\\-./]*${MONTH}\\.?(?:[\\s\\-./,]*${YEAR})?(?![\\p{L}\\p{N}])`, 'gu'),
  // June 9th, 2019 / Jun 9, 2019 / June 9
  new RegExp(`(?<![\\p{L}\\p{N}])${MONTH}\\.?\\s+${DAY}(?:,?\\s*${YEAR})?(?![\\p{L}\\p{N}])${NOT_UNIT}`, 'gu'),
  // June 2019
  new RegExp(`(?<![\\p{L}\\p{N}])${MONTH}\\.?,?\\s+(?:19|20)\\d{2}(?!\\d)`, 'gu'),
];
export function findDates(text: string): FreeTextSpan[] {
  return DATE_PATTERNS.flatMap((re) => all(re, text, 'date'));
}

// --- street addresses --------------------------------------------------------------------------
const CAP = "[\\p{Lu}][\\p{L}'’\\-]*";
/** A word with either case of its first letter, as a regular expression (escaped). */
const eitherCase = (w: string): string => `[${w[0].toUpperCase()}${w[0]}]${w.slice(1).replace(/[.]/g, '\\.').replace(/ /g, '\\s+').replace('/', '\\/')}`;
const STREET_WORD = '(?:Street|St\\.?|Road|Rd\\.?|Avenue|Ave\\.?|Lane|Ln\\.?|Drive|Close|Way|Court|Ct\\.?|Place|Pl\\.?|Boulevard|Blvd\\.?|Crescent|Cres\\.?|Terrace|Gardens|Square|Sq\\.?|Row|Hill|Grove|Mews|Parkway|Pkwy|Highway|Hwy|Walk|Rise|View|Park)';
const DIRECTION = '(?:\\s+(?:NW|NE|SW|SE|N|S|E|W|North|South|East|West))?';
const HOUSE = '\\d{1,5}[A-Za-z]?';
/** "Flat 3, 18 Victoria Road", "14 Elm Street", "1600 Pennsylvania Ave NW", "88 Queen Street West" */
const ENGLISH_STREET = `(?:(?:Flat|Apt\\.?|Apartment|Unit|Suite)\\s+\\w+,?\\s+)?${HOUSE},?\\s+(?:${CAP}\\s+){0,3}${STREET_WORD}${DIRECTION}(?![\\p{L}])`;
/** "Hauptstraße 12", "Lindenweg 3a", "Keizersgracht 221" */
const GERMANIC_STREET = `[\\p{Lu}][\\p{L}\\-]*(?:straße|strasse|str\\.|weg|gasse|platz|allee|gracht|laan|straat|ring|damm|ufer|steig|kade|plein|vej|gatan|gata|veien)\\s+${HOUSE}(?![\\p{L}\\p{N}])`;
/** "12 rue de la Paix", "Calle Mayor 8", "Via Roma 10", "Avenida da Liberdade 5" */
const ROMANCE_WORDS = ['rue', 'avenue', 'boulevard', 'bd', 'allée', 'place', 'chemin', 'quai', 'via', 'viale', 'piazza', 'corso', 'calle', 'avenida', 'av.', 'plaza', 'paseo', 'carrer', 'rua', 'travessa'];
const ROMANCE_STREET = `(?:${HOUSE},?\\s+)?(?:${ROMANCE_WORDS.map(eitherCase).join('|')})\\s+(?:(?:de|del|della|di|da|do|dos|das|la|le|les|du|des|l'|d')\\s*)*${CAP}(?:\\s+${CAP}){0,2}(?:,?\\s+${HOUSE}(?![\\p{L}\\p{N}]))?`;
const STREET = new RegExp(`(?<![\\p{L}\\p{N}])(?:${ENGLISH_STREET}|${GERMANIC_STREET}|${ROMANCE_STREET})`, 'gu');

const UK_POSTCODE = '[A-Z]{1,2}\\d[A-Z\\d]?\\s?\\d[A-Z]{2}';
const IE_EIRCODE = '[A-Z]\\d{2}\\s?[A-Z\\d]{4}';
const CA_POSTCODE = '[A-Z]\\d[A-Z]\\s?\\d[A-Z]\\d';
const US_ZIP = '[A-Z]{2}\\s+\\d{5}(?:-\\d{4})?';
/** What may follow a street, after a comma or a space: a town, a postcode, a state + ZIP, "10115 Berlin", "1016 DV Amsterdam". */
const PLACE_SEGMENT = `(?:${US_ZIP}|(?:[A-Z]{2}\\s+)?${CA_POSTCODE}|\\d{4,5}(?:\\s?[A-Z]{2})?\\s+${CAP}(?:\\s+${CAP})?|${CAP}(?:\\s+${CAP})?(?:\\s+(?:${UK_POSTCODE}|${IE_EIRCODE}|${US_ZIP}))?|${UK_POSTCODE}|${IE_EIRCODE})`;
const TAIL = new RegExp(`^(?:,?\\s+${PLACE_SEGMENT}(?![\\p{L}\\p{N}])){1,3}`, 'u');
const POSTCODE_ALONE = new RegExp(`(?<![\\p{L}\\p{N}])(?:${UK_POSTCODE})(?![\\p{L}\\p{N}])`, 'gu');

export function findAddresses(text: string): FreeTextSpan[] {
  const out: FreeTextSpan[] = [];
  for (const m of text.matchAll(STREET)) {
    const start = m.index;
    let end = start + m[0].length;
    const tail = TAIL.exec(text.slice(end));
    if (tail) end += tail[0].length;
    out.push(span('address', start, end));
  }
  // A UK postcode is specific enough on its own ("LS6 2AB").
  out.push(...all(POSTCODE_ALONE, text, 'address', 0, (m) => /\s/.test(m[0])));
  return out;
}

// --- IDs ---------------------------------------------------------------------------------------
/** A value after an ID label: "MRN 00482913", "NHS number 943 476 5919", "Hospital no. K123456", "accession 1234-12345". */
const ID_LABEL = /(?<![\p{L}])(?:MRN|MR\s?#|MRN#|NHS\s*(?:no\.?|number|#)?|CHI|SSN|SIN|hospital\s+(?:no\.?|number|#)|unit\s+(?:no\.?|number)|record\s+(?:no\.?|number)|patient\s+(?:ID|no\.?|number)|ID|PID|accession(?:\s+(?:no\.?|number|#))?|acc\.?\s?(?:no\.?|#)?|case\s+(?:no\.?|number))\s*[:#=]?\s*((?:[A-Z]{0,4}[\-]?)?\d[\d\s\-./]{2,18}\d[A-Z]?|[A-Z]{1,4}-?\d{3,}[A-Z]?)(?![\p{L}\p{N}])/giu;
/** Six or more digits in one token, maybe with a letter prefix or joined by - . /: "RX4829173", "PID-1234567", "1234-12345". */
const ID_SHAPE = /(?<![\p{L}\p{N}\-.])[A-Z]{0,4}-?\d(?:[\-./]?\d){5,}[A-Z]?(?![\p{L}\p{N}]|[.\-]\d)/gu;

export function findIds(text: string): FreeTextSpan[] {
  return [
    ...all(ID_LABEL, text, 'id', 1, (m) => m[1].replace(/\D/g, '').length >= 4),
    // A decimal number ("1234.5678") is a measurement, not an ID.
    ...all(ID_SHAPE, text, 'id', 0, (m) => !/^\d+[.,]\d+$/.test(m[0])),
  ];
}

// --- phones ------------------------------------------------------------------------------------
/**
 * "+44 20 7946 0958", "+44 (0)113 496 0123", "(555) 123-4567", "555-867-5309", "415.555.0199",
 * "030 1234567", "06 12 34 56 78", "+81 3-1234-5678": groups of digits with one separator between
 * them, 9 to 15 digits in all, starting with "+", "(" or "0", or shaped 3-3-4 (North America).
 */
const PHONE = /(?<![\p{L}\p{N}+.\-/])(?:\+\d{1,3}[\s.\-]?)?(?:\(0\)\s?)?(?:\(\d{2,5}\)[\s.\-]?)?\d{1,5}(?:[\s.\-]\d{1,8}){0,5}(?![\p{L}\p{N}]|[.\-/]\d)/gu;

export function findPhones(text: string): FreeTextSpan[] {
  return all(PHONE, text, 'phone', 0, (m) => {
    const s = m[0];
    const digits = s.replace(/\D/g, '').length;
    if (digits < 9 || digits > 15) return false;
    if (/^[+(]/.test(s) || /^0\d/.test(s)) return true;
    return /^\d{3}[\s.\-]\d{3}[\s.\-]\d{4}$/.test(s);
  });
}

// --- organisations -----------------------------------------------------------------------------
const ORG_WORD = "(?:[\\p{Lu}][\\p{L}'’\\-]*\\.?|&|and|of|de|du|des|la|le|del|di|San|Santa|St\\.?)";
const ORG_SUFFIX = '(?:Ltd\\.?|Limited|plc|PLC|Inc\\.?|LLC|LLP|GmbH|AG|S\\.A\\.|SA|SAS|SARL|BV|B\\.V\\.|NV|Corp\\.?|Corporation|Co\\.|Company|Holdings|Group|Partners(?:\\s+LLP)?|Clinic|Clinics|Hospital|Hospitals|Practice|Surgery|Centre|Center|Infirmary|Hospice|Health\\s+Centre|Medical\\s+(?:Center|Centre|Practice|Group)|School|Academy|University|College|Foundation|Trust|Institute|Laboratories|Labs|Pharmacy)';
const ORG_SUFFIXED = new RegExp(`(?<![\\p{L}\\p{N}])[\\p{Lu}][\\p{L}'’\\-]*\\.?(?:\\s+${ORG_WORD}){0,4}\\s+${ORG_SUFFIX}(?![\\p{L}])`, 'gu');
const ORG_PREFIXED = new RegExp(`(?<![\\p{L}\\p{N}])(?:Clinique|Klinikum|Klinik|Krankenhaus|Ospedale|Hôpital|Hopital|Clínica|Clinica|Hospital|Universitätsklinikum|Praxis|Centre\\s+Hospitalier|Policlinico)(?:\\s+(?:de|du|des|la|le|del|della|di|San|Santa|am|an|der)){0,2}(?:\\s+[\\p{Lu}][\\p{L}'’\\-]*){1,3}`, 'gu');

export function findOrganisations(text: string): FreeTextSpan[] {
  return [...all(ORG_SUFFIXED, text, 'organisation'), ...all(ORG_PREFIXED, text, 'organisation')];
}

// --- person names after a cue ------------------------------------------------------------------
const NAME = "[\\p{Lu}][\\p{L}'’\\-]*[\\p{L}]";
const TITLE = '(?:Dr|Mr|Mrs|Ms|Mx|Miss|Prof|Sir|Dame|Herr|Frau|Mme|Mlle|Sr|Sra|Srta)\\.?';
/** A title and the names after it: the title is taken too ("Dr Ananya Raghunathan"). */
const TITLED = new RegExp(`(?<![\\p{L}])${TITLE}\\s+${NAME}(?:\\s+${NAME}){0,2}`, 'gu');
/** Cue words, matched with either case of their first letter only (the names after them must be capitalised). */
const CUES = [
  'wife', 'husband', 'son', 'daughter', 'mother', 'father', 'sister', 'brother', 'partner', 'fiancé', 'fiancée', 'fiance', 'fiancee', 'spouse',
  'grandmother', 'grandfather', 'grandson', 'granddaughter', 'aunt', 'uncle', 'niece', 'nephew', 'cousin', 'next of kin', 'carer', 'caregiver',
  'guardian', 'friend', 'neighbour', 'neighbor', 'contact', 'c/o', 'signed', 'dictated', 'reported', 'verified', 'escorted', 'accompanied',
  'referred', 'seen', 'discussed', 'informed', 'called', 'sent',
];
/** After a relative or a contact cue, the names only: "wife Margaret Okonkwo", "Contact: Lars Lindqvist". */
const CUED = new RegExp(
  `(?<![\\p{L}])(?:${CUES.map(eitherCase).join('|')})(?:\\s+(?:by|with|to|is|was|of))?\\s*[:,]?\\s+(${NAME}(?:\\s+${NAME}){0,2})`,
  'gu',
);

/** A title and the names after it: strong evidence, so the clinical allow-list does not apply ("Dr Parkinson"). */
export const findTitledNames = (text: string): FreeTextSpan[] => all(TITLED, text, 'person');
export const findCuedNames = (text: string): FreeTextSpan[] => all(CUED, text, 'person', 1);
