/**
 * What burned-in text looks like, without knowing the file: dates (numeric and with month names,
 * in several languages, with OCR's usual digit misreadings), clock times, ID-shaped numbers,
 * labels ("Name:", "DOB:"), "LAST, FIRST", sex markers, institution words — and the clinical text
 * a setting keeps (measurements, scale labels, acoustic output indices). classify.ts weighs them.
 */

export interface HeaderDate {
  kind: string;
  y: number;
  m: number;
  d: number;
}

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

export function dateMatches(text: string, dates: readonly HeaderDate[]): HeaderDate[] {
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

export const MONTH_WORD = /(?:^|[^\p{L}])(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEPT?|OCT|NOV|DEC|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?:$|[^\p{L}])/u;
export const TIME = /(?:^|[^0-9])\d{1,2}\s?[:h]\s?\d{2}(?:\s?[:.]\s?\d{2})?(?:\s*[AaPp]\.?\s?[Mm]\.?)?(?![0-9])/;
export const LABEL = /(?:^|[^\p{L}])(patient(?:'?s)?(?:\s+name)?|pat(?:ient)?\.?\s?(?:name|id)|pt|name|nom|nombre|naam|vorname|geb(?:\.|urtsdatum)?|id|pid|mrn|mr#|dob|d\.o\.b\.?|birth(?:\s?date)?|born|acc(?:ession)?(?:\s?(?:no|nr|#))?|ssn|record|med\.?\s?rec(?:ord)?)\s*[:#=]/iu;
export const NAME_SHAPE = /(?:^|\s)[\p{Lu}][\p{L}'\-]+\s*[,^:]\s*[\p{Lu}][\p{L}'\-]+(?:\s|$)/u;
export const SEX_MARK = /[[(]\s*[MFOU]\s*[\])]/;
export const INSTITUTION = /\b(?:hospital|hosp\.|clinic|clinique|klinik|klinikum|hopital|hôpital|ospedale|ospital|infirmary|med(?:ical)?\.?\s+(?:ctr|center|centre)|health\s?(?:system|centre|center)|universit\w*|centre\s+hospitalier|krankenhaus|spital)\b|\bmedical(?!\s*(?:systems?|solutions?|imaging|corp))/i;

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
export function idShaped(text: string): boolean {
  const rest = text.replace(new RegExp(TIME.source, 'g'), ' ').replace(/\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}/g, ' ');
  for (const token of rest.split(/[\s/:,;=<>()[\]]+/)) {
    if (!token || MEASURE.test(token)) continue;
    // Digits joined by single "-" or "." separators, six or more of them.
    for (const run of token.match(/\d(?:[\-.]?\d)*/g) ?? []) if (run.replace(/\D/g, '').length >= 6) return true;
  }
  return false;
}
