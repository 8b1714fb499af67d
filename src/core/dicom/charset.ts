/**
 * Specific Character Set (0008,0005): turning a text value's raw bytes into a JavaScript string.
 *
 * Covers every defined term of PS3.3 C.12.1.1.2:
 *  - single-byte sets without code extension: ISO_IR 100/101/109/110/144/127/126/138/148/203/13/166
 *  - sets that allow no code extension at all: ISO_IR 192 (UTF-8), GB18030, GBK
 *  - the ISO 2022 forms: ISO 2022 IR 6/100/101/109/110/144/127/126/138/148/203/13/166 and the
 *    multi-byte ISO 2022 IR 87 (JIS X 0208), 159 (JIS X 0212), 149 (KS X 1001), 58 (GB 2312).
 *
 * ISO 2022 values are decoded with a small G0/G1 state machine (PS3.5 6.1.2.5): escape sequences
 * designate a set into G0 (bytes 0x21-0x7E) or G1 (bytes 0xA0-0xFF); the designations in force go
 * back to the ones of value 1 at the start of the value and after each delimiter (CR, LF, FF, TAB,
 * the backslash between values and, for PN, '^' and '=') met while G0 holds a single-byte set.
 * While G0 holds a two-byte set (JIS X 0208/0212), bytes 0x21-0x7E pair up into characters, so a
 * 0x5C, 0x5E or 0x3D byte there is half of a kanji, not a delimiter: decode the whole element
 * first and split the resulting string afterwards.
 *
 * The decoder is lenient: unknown or empty terms mean the default repertoire with bytes >= 0x80
 * read as Latin-1; any escape sequence we recognise is honoured even when its set was not
 * declared; bad bytes become U+FFFD. It never throws.
 *
 * Character tables come from the platform TextDecoder (WHATWG encodings; Node's full ICU and
 * browsers agree). Single-byte sets are read through a 256-entry table built once from the
 * decoder, which also sidesteps WHATWG's aliasing of iso-8859-1/-9 and TIS-620 to the Windows
 * code pages (those differ in 0x80-0x9F, which ISO 8859 keeps as C1 controls).
 */

const ESC = 0x1b;
const CHUNK = 8192;
const REPLACEMENT = 0xfffd;

// ---------------------------------------------------------------------------------------------
// Platform decoders and small string helpers
// ---------------------------------------------------------------------------------------------

const decoders = new Map<string, TextDecoder | null>();

function getDecoder(label: string): TextDecoder | null {
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label, { fatal: false, ignoreBOM: true });
    } catch {
      decoder = null; // label unsupported in this runtime (e.g. a small-ICU build)
    }
    decoders.set(label, decoder);
  }
  return decoder;
}

/** Decodes with a platform decoder; Latin-1 when the label is unavailable. Never throws. */
function platformDecode(label: string, bytes: Uint8Array): string {
  const decoder = getDecoder(label);
  if (decoder) {
    try {
      return decoder.decode(bytes);
    } catch {
      // Browsers refuse views of a SharedArrayBuffer: retry on a private copy.
      try {
        return decoder.decode(bytes.slice());
      } catch {
        /* fall through */
      }
    }
  }
  return codesToString(bytes);
}

/** String from UTF-16 code units (or bytes taken as code points), in chunks to spare the stack. */
function codesToString(codes: Uint8Array | Uint16Array): string {
  const n = codes.length;
  if (n === 0) return '';
  if (n <= CHUNK) return String.fromCharCode.apply(null, codes as unknown as number[]);
  let out = '';
  for (let k = 0; k < n; k += CHUNK) {
    out += String.fromCharCode.apply(null, codes.subarray(k, k + CHUNK) as unknown as number[]);
  }
  return out;
}

/** Bytes taken as code points (ASCII, or Latin-1 for bytes >= 0x80). */
function bytesToString(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 32) {
    let out = '';
    for (let k = start; k < end; k++) out += String.fromCharCode(bytes[k]!);
    return out;
  }
  return codesToString(bytes.subarray(start, end));
}

function tableDecode(table: Uint16Array, bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 0) return '';
  if (n <= 32) {
    let out = '';
    for (let k = start; k < end; k++) out += String.fromCharCode(table[bytes[k]!]!);
    return out;
  }
  const codes = new Uint16Array(n);
  for (let k = 0; k < n; k++) codes[k] = table[bytes[start + k]!]!;
  return codesToString(codes);
}

// ---------------------------------------------------------------------------------------------
// Graphic character sets
// ---------------------------------------------------------------------------------------------

/** A single-byte set, looked up through a 256-entry table of UTF-16 code units. */
interface TableSet {
  readonly kind: 'table';
  readonly name: string;
  table(): Uint16Array;
}

/** A two-byte set (94x94), decoded run by run. */
interface DoubleSet {
  readonly kind: 'double';
  readonly name: string;
  decode(bytes: Uint8Array, start: number, end: number): string;
}

type G1Set = TableSet | DoubleSet;
/** G0 holds either ASCII (JIS X 0201 Roman is read as ASCII too) or a two-byte set. */
type G0Set = 'ascii' | DoubleSet;

function lazyTable(name: string, build: () => Uint16Array): TableSet {
  let table: Uint16Array | undefined;
  return {
    kind: 'table',
    name,
    table: () => (table ??= build()),
  };
}

/** ISO 8859-style table: 0x00-0x9F map to themselves (C0, ASCII, C1); 0xA0-0xFF via the decoder. */
function iso8859Table(label: string): Uint16Array {
  const table = new Uint16Array(256);
  for (let b = 0; b < 0xa0; b++) table[b] = b;
  const decoder = getDecoder(label);
  const one = new Uint8Array(1);
  for (let b = 0xa0; b < 0x100; b++) {
    let code = b; // Latin-1 if the runtime cannot decode this set
    if (decoder) {
      one[0] = b;
      const s = decoder.decode(one);
      code = s.length === 1 ? s.charCodeAt(0) : REPLACEMENT;
    }
    table[b] = code;
  }
  return table;
}

const LATIN1: TableSet = lazyTable('ISO 8859-1', () => {
  const table = new Uint16Array(256);
  for (let b = 0; b < 256; b++) table[b] = b;
  return table;
});

const iso8859 = (name: string, label: string): TableSet => lazyTable(name, () => iso8859Table(label));

const LATIN2 = iso8859('ISO 8859-2', 'iso-8859-2');
const LATIN3 = iso8859('ISO 8859-3', 'iso-8859-3');
const LATIN4 = iso8859('ISO 8859-4', 'iso-8859-4');
const CYRILLIC = iso8859('ISO 8859-5', 'iso-8859-5');
const ARABIC = iso8859('ISO 8859-6', 'iso-8859-6');
const GREEK = iso8859('ISO 8859-7', 'iso-8859-7');
const HEBREW = iso8859('ISO 8859-8', 'iso-8859-8');
const LATIN5 = iso8859('ISO 8859-9', 'iso-8859-9'); // WHATWG: windows-1254, same in 0xA0-0xFF
const LATIN9 = iso8859('ISO 8859-15', 'iso-8859-15');
const THAI = iso8859('TIS 620-2533', 'windows-874'); // same as TIS-620 in 0xA0-0xFF

/** JIS X 0201 Katakana in G1: 0xA1-0xDF are the half-width katakana U+FF61-U+FF9F. */
const KATAKANA: TableSet = lazyTable('JIS X 0201 Katakana', () => {
  const table = new Uint16Array(256);
  for (let b = 0; b < 0x80; b++) table[b] = b;
  for (let b = 0x80; b < 0x100; b++) table[b] = b >= 0xa1 && b <= 0xdf ? 0xff61 + (b - 0xa1) : REPLACEMENT;
  return table;
});

/** JIS X 0208 in G0: each GL byte pair (0x21-0x7E) is the same pair with the high bit set in EUC-JP. */
const JIS_X_0208: DoubleSet = {
  kind: 'double',
  name: 'JIS X 0208',
  decode(bytes, start, end) {
    const euc = new Uint8Array(end - start);
    for (let k = start; k < end; k++) euc[k - start] = bytes[k]! | 0x80;
    return platformDecode('euc-jp', euc);
  },
};

/** JIS X 0212 in G0: EUC-JP code set 3, i.e. 0x8F followed by the GL pair with the high bit set. */
const JIS_X_0212: DoubleSet = {
  kind: 'double',
  name: 'JIS X 0212',
  decode(bytes, start, end) {
    const n = end - start;
    const euc = new Uint8Array(n + (n >> 1));
    let o = 0;
    let k = start;
    for (; k + 1 < end; k += 2) {
      euc[o++] = 0x8f;
      euc[o++] = bytes[k]! | 0x80;
      euc[o++] = bytes[k + 1]! | 0x80;
    }
    if (k < end) euc[o++] = bytes[k]! | 0x80; // dangling half character: decodes to U+FFFD
    return platformDecode('euc-jp', euc.subarray(0, o));
  },
};

/** KS X 1001 in G1: GR byte pairs are exactly EUC-KR. */
const KS_X_1001: DoubleSet = {
  kind: 'double',
  name: 'KS X 1001',
  decode: (bytes, start, end) => platformDecode('euc-kr', bytes.subarray(start, end)),
};

/** GB 2312 in G1: GR byte pairs are EUC-CN, a subset of GBK. */
const GB_2312: DoubleSet = {
  kind: 'double',
  name: 'GB 2312',
  decode: (bytes, start, end) => platformDecode('gbk', bytes.subarray(start, end)),
};

// ---------------------------------------------------------------------------------------------
// Escape sequences (PS3.3 Tables C.12-3 and C.12-4), keyed by the bytes after ESC
// ---------------------------------------------------------------------------------------------

type Designation = { readonly g: 0; readonly set: G0Set } | { readonly g: 1; readonly set: G1Set };

const ESCAPES = new Map<string, Designation>([
  ['(B', { g: 0, set: 'ascii' }], // ISO 646 IRV (ASCII)
  ['(J', { g: 0, set: 'ascii' }], // JIS X 0201 Roman, read as ASCII (keeps 0x5C a backslash)
  ['$B', { g: 0, set: JIS_X_0208 }],
  ['$@', { g: 0, set: JIS_X_0208 }], // JIS C 6226-1978: close enough, not a DICOM term
  ['$(B', { g: 0, set: JIS_X_0208 }],
  ['$(D', { g: 0, set: JIS_X_0212 }],
  [')I', { g: 1, set: KATAKANA }],
  ['$)C', { g: 1, set: KS_X_1001 }],
  ['$)A', { g: 1, set: GB_2312 }],
  ['-A', { g: 1, set: LATIN1 }],
  ['-B', { g: 1, set: LATIN2 }],
  ['-C', { g: 1, set: LATIN3 }],
  ['-D', { g: 1, set: LATIN4 }],
  ['-L', { g: 1, set: CYRILLIC }],
  ['-G', { g: 1, set: ARABIC }],
  ['-F', { g: 1, set: GREEK }],
  ['-H', { g: 1, set: HEBREW }],
  ['-M', { g: 1, set: LATIN5 }],
  ['-b', { g: 1, set: LATIN9 }],
  ['-T', { g: 1, set: THAI }],
]);

/**
 * Reads the escape sequence at bytes[at] (which is ESC): intermediate bytes 0x20-0x2F then one
 * final byte 0x30-0x7E. Returns its length and designation, or null when unknown or malformed.
 */
function readEscape(bytes: Uint8Array, at: number): { length: number; designation: Designation } | null {
  let key = '';
  for (let k = at + 1; k < bytes.length && k < at + 5; k++) {
    const b = bytes[k]!;
    if (b >= 0x20 && b <= 0x2f) {
      key += String.fromCharCode(b);
      continue;
    }
    if (b >= 0x30 && b <= 0x7e && key.length > 0) {
      const designation = ESCAPES.get(key + String.fromCharCode(b));
      return designation ? { length: k - at + 1, designation } : null;
    }
    return null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Defined terms
// ---------------------------------------------------------------------------------------------

interface TermInfo {
  /** Non-extensible encodings decoded as a whole by a platform decoder (UTF-8, GB18030, GBK). */
  readonly whole?: string;
  /** The set the term puts in G0. Informational: every value starts with ASCII (or JIS X 0201
   * Roman, read alike) in G0, as the two-byte G0 sets may not be value 1. */
  readonly g0?: G0Set;
  /** The set the term puts in G1; value 1's is in force at the start of each value. */
  readonly g1?: G1Set;
}

const DEFAULT_TERM: TermInfo = { g0: 'ascii' };

/** Keys are the defined term upper-cased with everything but letters and digits removed, and
 * 'ISO 2022 IR n' folded onto 'ISO_IR n' (the state machine honours escapes either way). */
const TERMS = new Map<string, TermInfo>([
  ['', DEFAULT_TERM],
  ['ISOIR6', DEFAULT_TERM],
  ['ISOIR100', { g0: 'ascii', g1: LATIN1 }],
  ['ISOIR101', { g0: 'ascii', g1: LATIN2 }],
  ['ISOIR109', { g0: 'ascii', g1: LATIN3 }],
  ['ISOIR110', { g0: 'ascii', g1: LATIN4 }],
  ['ISOIR144', { g0: 'ascii', g1: CYRILLIC }],
  ['ISOIR127', { g0: 'ascii', g1: ARABIC }],
  ['ISOIR126', { g0: 'ascii', g1: GREEK }],
  ['ISOIR138', { g0: 'ascii', g1: HEBREW }],
  ['ISOIR148', { g0: 'ascii', g1: LATIN5 }],
  ['ISOIR203', { g0: 'ascii', g1: LATIN9 }],
  ['ISOIR166', { g0: 'ascii', g1: THAI }],
  ['ISOIR13', { g0: 'ascii', g1: KATAKANA }],
  ['ISOIR87', { g0: JIS_X_0208 }],
  ['ISOIR159', { g0: JIS_X_0212 }],
  ['ISOIR149', { g1: KS_X_1001 }],
  ['ISOIR58', { g1: GB_2312 }],
  ['ISOIR192', { whole: 'utf-8' }],
  ['UTF8', { whole: 'utf-8' }],
  ['GB18030', { whole: 'gb18030' }],
  ['GBK', { whole: 'gbk' }],
]);

function termKey(term: string): string {
  const key = term.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return key.startsWith('ISO2022IR') ? 'ISOIR' + key.slice(9) : key;
}

function lookupTerm(term: string): TermInfo | undefined {
  return TERMS.get(termKey(term));
}

/**
 * Splits a Specific Character Set value into its terms: backslash-separated, padding (spaces and
 * NULs) trimmed, empty values kept (an empty value 1 means the default repertoire).
 */
export function charsetTerms(value: string): string[] {
  const trimmed = value.replace(/[\0 ]+$/, '');
  return trimmed === '' ? [] : trimmed.split('\\').map((t) => t.replace(/^[\0 ]+|[\0 ]+$/g, ''));
}

/** True for a defined term this module decodes (lenient about case, '_', '-' and spaces). */
export function isKnownCharset(term: string): boolean {
  return lookupTerm(term) !== undefined;
}

function flattenTerms(charsets: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of charsets) {
    if (value.includes('\\')) out.push(...value.split('\\'));
    else out.push(value);
  }
  return out.map((t) => t.replace(/^[\0 ]+|[\0 ]+$/g, ''));
}

interface Plan {
  readonly whole?: string;
  /** G0 and G1 at the start of a value and after each delimiter. */
  readonly g0: G0Set;
  readonly g1: G1Set;
}

const plans = new Map<string, Plan>();

function planFor(charsets: readonly string[]): Plan {
  const cacheKey = charsets.join('\\');
  let plan = plans.get(cacheKey);
  if (plan) return plan;
  const terms = flattenTerms(charsets);
  const first = (terms.length > 0 ? lookupTerm(terms[0]!) : undefined) ?? DEFAULT_TERM;
  plan = {
    whole: first.whole,
    // A two-byte G0 set cannot be the initial one: the value starts in ASCII and escapes into it.
    g0: 'ascii',
    // Without a declared G1, bytes >= 0x80 are read as Latin-1 (lenient default repertoire).
    g1: first.g1 ?? LATIN1,
  };
  if (plans.size > 256) plans.clear();
  plans.set(cacheKey, plan);
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

const CR = 0x0d;
const LF = 0x0a;
const FF = 0x0c;
const TAB = 0x09;
const BACKSLASH = 0x5c;
const CARET = 0x5e;
const EQUALS = 0x3d;

function delimiterTable(backslash: boolean, pn: boolean): Uint8Array {
  const table = new Uint8Array(128);
  table[CR] = table[LF] = table[FF] = table[TAB] = 1;
  if (backslash) table[BACKSLASH] = 1;
  if (pn) table[CARET] = table[EQUALS] = 1;
  return table;
}

/** Which bytes reset the code elements, by VR: LT/ST/UT are single-valued (no backslash). */
const DELIMS_DEFAULT = delimiterTable(true, false);
const DELIMS_SINGLE_VALUED = delimiterTable(false, false);
const DELIMS_PN = delimiterTable(true, true);

function delimitersFor(vr: string | undefined): Uint8Array {
  if (vr === 'PN') return DELIMS_PN;
  if (vr === 'LT' || vr === 'ST' || vr === 'UT') return DELIMS_SINGLE_VALUED;
  return DELIMS_DEFAULT;
}

function decodeG1(set: G1Set, bytes: Uint8Array, start: number, end: number): string {
  return set.kind === 'table' ? tableDecode(set.table(), bytes, start, end) : set.decode(bytes, start, end);
}

/** The ISO 2022 state machine of PS3.5 6.1.2.5 over one element's bytes (all its values). */
function decodeIso2022(bytes: Uint8Array, plan: Plan, delims: Uint8Array): string {
  const parts: string[] = [];
  const n = bytes.length;
  let g0: G0Set = plan.g0;
  let g1: G1Set = plan.g1;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b === ESC) {
      const escape = readEscape(bytes, i);
      if (escape) {
        const d = escape.designation;
        if (d.g === 0) g0 = d.set;
        else g1 = d.set;
        i += escape.length;
      } else {
        parts.push('\u001b'); // unknown escape: keep it visible, read what follows as usual
        i++;
      }
      continue;
    }
    if (b >= 0x80) {
      // A run of GR (and C1) bytes, all in the G1 set.
      let j = i + 1;
      while (j < n && bytes[j]! >= 0x80) j++;
      parts.push(decodeG1(g1, bytes, i, j));
      i = j;
      continue;
    }
    if (g0 === 'ascii') {
      // Up to and including the next delimiter, which sends G0 and G1 back to their initial sets.
      let j = i;
      let reset = false;
      while (j < n) {
        const c = bytes[j]!;
        if (c >= 0x80 || c === ESC) break;
        j++;
        if (delims[c] === 1) {
          reset = true;
          break;
        }
      }
      parts.push(bytesToString(bytes, i, j));
      i = j;
      if (reset) {
        g0 = plan.g0;
        g1 = plan.g1;
      }
      continue;
    }
    if (b > 0x20 && b < 0x7f) {
      // A run of GL bytes in a two-byte G0 set; '\', '^' and '=' bytes here are halves of characters.
      let j = i + 1;
      while (j < n && bytes[j]! > 0x20 && bytes[j]! < 0x7f) j++;
      parts.push(g0.decode(bytes, i, j));
      i = j;
      continue;
    }
    // SPACE, DEL or a control character inside a two-byte G0 run.
    parts.push(String.fromCharCode(b));
    if (delims[b] === 1) {
      g0 = plan.g0;
      g1 = plan.g1;
    }
    i++;
  }
  return parts.join('');
}

const PLAIN = 0; // every byte 7-bit, no ESC: reads the same in every DICOM character set
const HIGH = 1; // some bytes >= 0x80, no ESC: no code extension to follow
const ESCAPED = 2; // contains ESC

function scan(bytes: Uint8Array): number {
  let result = PLAIN;
  for (let k = 0; k < bytes.length; k++) {
    const b = bytes[k]!;
    if (b === ESC) return ESCAPED;
    if (b >= 0x80) result = HIGH;
  }
  return result;
}

/**
 * Decodes a text value's raw bytes using the Specific Character Set (0008,0005) values in force
 * (array of the defined terms, e.g. ['ISO 2022 IR 6','ISO 2022 IR 87'] or ['ISO_IR 100'] or []
 * for the default repertoire).
 *
 * Pass the whole element (all its values): splitting on backslash must happen after decoding.
 * `vr`, when given, refines where ISO 2022 designations reset (PN also at '^' and '=', LT/ST/UT
 * not at backslash); without it backslash resets and '^'/'=' do not.
 */
export function decodeText(bytes: Uint8Array, charsets: readonly string[], vr?: string): string {
  if (bytes.length === 0) return '';
  const kind = scan(bytes);
  if (kind === PLAIN) return bytesToString(bytes, 0, bytes.length);
  const plan = planFor(charsets);
  if (plan.whole !== undefined) return platformDecode(plan.whole, bytes);
  // Without escapes the designations never leave their initial sets: one table pass will do.
  if (kind === HIGH && plan.g1.kind === 'table') return tableDecode(plan.g1.table(), bytes, 0, bytes.length);
  return decodeIso2022(bytes, plan, delimitersFor(vr));
}

/**
 * True when the charsets are the default repertoire or UTF-8 (ISO_IR 192), i.e. text can be
 * written as UTF-8 without changing the declared set. (For the default repertoire that holds only
 * while the text stays ASCII; anything else needs ISO_IR 192 declared.) Unknown terms give false.
 */
export function isUtf8Compatible(charsets: readonly string[]): boolean {
  // Asked for every dataset and item of every file, of the few distinct sets a batch holds.
  const key = charsets.join('\u0001');
  let answer = utf8Compatible.get(key);
  if (answer === undefined) {
    answer = utf8CompatibleUncached(charsets);
    if (utf8Compatible.size >= 1000) utf8Compatible.clear();
    utf8Compatible.set(key, answer);
  }
  return answer;
}
const utf8Compatible = new Map<string, boolean>();

function utf8CompatibleUncached(charsets: readonly string[]): boolean {
  for (const term of flattenTerms(charsets)) {
    const info = lookupTerm(term);
    if (info === undefined) return false;
    if (info !== DEFAULT_TERM && info.whole !== 'utf-8') return false;
  }
  return true;
}
