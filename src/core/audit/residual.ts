/**
 * Residual-PHI scan: after de-identification, look for every identifier of the original file in
 * every element value of the output, at every depth.
 *
 * - Text VRs are decoded with the dataset's character set and searched as text, including what
 *   follows a NUL inside the value.
 * - OB/OW/UN values, private elements of any VR, public text that holds NUL bytes inside it, and
 *   anything else that is not plainly numeric are searched as bytes: a single-byte (latin1) view,
 *   lower-cased, against the identifier's ASCII/latin1 bytes, its UTF-8 bytes (upper and lower
 *   case) and its UTF-16 LE/BE bytes (Windows-based devices store such strings in private blobs);
 *   names in Han, kana or Hangul also as GB18030, Big5, Shift-JIS, EUC-JP, EUC-KR and ISO 2022 JP
 *   bytes (legacy-bytes.ts).
 * - Sample buffers that a device could still have written text into — Waveform Data and LUT
 *   Data — are searched as bytes too, but only for identifiers whose bytes are long enough
 *   (SAMPLE_MIN) not to turn up among the samples by chance.
 * - Pixel Data (and its float variants) and Overlay Data are not searched here; numeric arrays
 *   (OF OD OL OV FL FD SS US SL UL SV UV AT) of public elements and public IS/DS/TM/AS values
 *   are skipped.
 * - CS/UI/DA/DT values are searched for IDs, dates and UIDs, and for names of 3 characters or
 *   more (or in a non-ASCII script): a 2-letter name part would find the coded values
 *   themselves ("AP", "OD", "HF").
 *
 * Identifiers shorter than 3 characters (2-letter name parts, one-character ideographic
 * surnames) are only looked for in text values, never in binary blobs, where they would match
 * by chance; two ideographic characters (6 UTF-8 bytes) are.
 *
 * It runs on every output file, so per element it builds one lower-cased haystack and uses
 * indexOf per identifier; identifier needles are prepared once per identifier array.
 */
import { walk, type Dataset, type DataElement, type PathStep } from '../dicom/dataset.ts';
import { formatTag, isPrivateTag, keywordOf } from '../dicom/tags.ts';
import { elementText } from '../dicom/values.ts';
import { STRING_VRS } from '../dicom/vr.ts';
import type { ResidualFinding } from '../outcome.ts';
import { boundaryRule, isSpaceless, isWordLetter, type BoundaryRule, type Identifier } from './identifiers.ts';
import { legacyForms } from './legacy-bytes.ts';
import { codestreamHeaderBytes } from '../pixels/codestream-strip.ts';

const BINARY_MIN = 3;
/** Bytes a needle must have to be looked for among samples (UTF-16 forms: twice as many). */
const SAMPLE_MIN = 5;

/** Public elements whose values are numbers, never text worth searching. */
const NUMERIC_VRS = new Set(['OF', 'OD', 'OL', 'OV', 'FL', 'FD', 'SS', 'US', 'SL', 'UL', 'SV', 'UV', 'AT']);

/** Image samples: searched elsewhere (codestreams) or by the overlay step, not here. */
function isImageData(tag: number): boolean {
  if (tag === 0x7fe00010 || tag === 0x7fe00008 || tag === 0x7fe00009) return true;
  return tag >= 0x60000000 && tag < 0x60ff0000 && (tag & 0xffff) === 0x3000; // Overlay Data (60xx,3000)
}

/** Waveform Data, LUT Data, palette colour LUT data: samples, but searched for long identifiers. */
const SAMPLE_TAGS = new Set([
  0x54001010, // Waveform Data
  0x00283006, // LUT Data
  0x00281201, 0x00281202, 0x00281203, 0x00281204, // Red/Green/Blue/Alpha Palette Color LUT Data
  0x00281221, 0x00281222, 0x00281223, // Segmented Red/Green/Blue Palette Color LUT Data
]);
/** Is this one of the sample buffers (waveform, LUT) that the residual scan searches with SAMPLE_MIN? */
export const isSampleBuffer = (tag: number): boolean => SAMPLE_TAGS.has(tag);

/**
 * Text VRs of coded values, UIDs and dates: short names looked for there only find false
 * alarms ("CT" in Modality), so only IDs, dates, UIDs and names of 3+ characters are sought.
 */
const NO_WORD_VRS = new Set(['CS', 'UI', 'DA', 'DT']);
/** Text VRs of numbers and times: nothing of interest, unless private (then scanned as bytes). */
const SKIP_TEXT_VRS = new Set(['IS', 'DS', 'TM', 'AS']);

/** One byte rendering of a needle. step 2: UTF-16; lead: where the character byte sits in a unit (0 LE, 1 BE). */
interface Form {
  s: string;
  step: 1 | 2;
  lead: 0 | 1;
  /** A byte view (latin1) rather than decoded text. */
  bytes: boolean;
}

interface Needle {
  id: Identifier;
  rule: BoundaryRule;
  /** Lower-cased identifier, for text haystacks. */
  text: Form;
  /** Lower-cased single-byte renderings of its encodings, for binary haystacks. */
  binary: Form[];
  /** The binary forms long enough to be looked for among samples. */
  sample: Form[];
  /** Looked for in coded values (CS/UI/DA/DT)? */
  coded: boolean;
  /** Which neighbours must be checked: see boundaryRule. */
  left: 'digit' | 'letter' | 'uid' | null;
  right: 'digit' | 'letter' | 'uid' | null;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextEncoder();
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

function utf16(s: string, little: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const lo = String.fromCharCode(c & 0xff);
    const hi = String.fromCharCode(c >> 8);
    out += little ? lo + hi : hi + lo;
  }
  return out;
}

/**
 * Compiled needles by identifier (kind + value). A study's files share their identifiers, so
 * compiling once per distinct identifier instead of once per file is most of the scan's cost
 * saved. Bounded: cleared when it grows past what a large batch could reuse.
 */
const needleCache = new Map<string, Needle>();
const NEEDLE_CACHE_LIMIT = 20_000;

function compileNeedle(id: Identifier, value: string, lower: string): Needle {
  const rule = boundaryRule(id.kind);
  const binary: Form[] = [];
  const nonAscii = NON_ASCII.test(value);
  if (value.length >= BINARY_MIN || (nonAscii && value.length >= 2)) {
    const forms = new Set<string>();
    // eslint-disable-next-line no-control-regex
    if (/^[\x00-\xff]*$/.test(value)) forms.add(lower); // ASCII / ISO 8859-1 bytes, as the latin1 view shows them
    forms.add(latin1.decode(utf8.encode(lower)).toLowerCase());
    forms.add(latin1.decode(utf8.encode(value.toUpperCase())).toLowerCase());
    for (const s of forms) binary.push({ s, step: 1, lead: 0, bytes: true });
    binary.push({ s: utf16(lower, true).toLowerCase(), step: 2, lead: 0, bytes: true });
    binary.push({ s: utf16(lower, false).toLowerCase(), step: 2, lead: 1, bytes: true });
    if (isSpaceless(value[0]) || isSpaceless(value[value.length - 1])) {
      for (const bytes of legacyForms(value)) binary.push({ s: latin1.decode(bytes).toLowerCase(), step: 1, lead: 0, bytes: true });
    }
  }
  const edge = (c: string): Needle['left'] => (rule.uid ? 'uid' : isDigit(c) ? 'digit' : rule.word && isWordLetter(c) ? 'letter' : null);
  const last = value[value.length - 1];
  return {
    id,
    rule,
    text: { s: lower, step: 1, lead: 0, bytes: false },
    binary,
    sample: binary.filter((f) => f.s.length >= SAMPLE_MIN * f.step),
    coded: !rule.word || value.length >= BINARY_MIN || nonAscii,
    left: edge(value[0]),
    right: isDigit(last) && rule.digitsMayFollow ? null : edge(last),
  };
}

/**
 * The needle of each identifier object (null: nothing to look for). Identifiers are never changed
 * once made, and the files of a series share theirs (collectIdentifiers and
 * originalUidIdentifiers hand out the same objects for the same values), so most files find all
 * but their own SOP Instance UID here.
 */
const needleOf = new WeakMap<Identifier, { needle: Needle; lower: string } | null>();

function needleFor(id: Identifier): { needle: Needle; lower: string } | null {
  let entry = needleOf.get(id);
  if (entry !== undefined) return entry;
  const value = id.value.trim();
  if (value.length === 0) entry = null;
  else {
    const lower = value.toLowerCase();
    const key = `${id.kind}\u0000${value}`;
    let needle = needleCache.get(key);
    if (!needle) {
      if (needleCache.size >= NEEDLE_CACHE_LIMIT) needleCache.clear();
      needle = compileNeedle(id, value, lower);
      needleCache.set(key, needle);
    }
    entry = { needle, lower };
  }
  needleOf.set(id, entry);
  return entry;
}

function needlesFor(ids: readonly Identifier[]): Needle[] {
  const needles: Needle[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    const entry = needleFor(id);
    if (!entry || seen.has(entry.lower)) continue;
    seen.add(entry.lower);
    needles.push(entry.needle);
  }
  return needles;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * Does the character at `i` break the boundary a needle edge asks for? In a byte view only an
 * ASCII letter counts as a letter: a byte >= 0x80 may be part of a multi-byte character of any
 * script (a name followed by 様 in UTF-8), and a UTF-16 unit with a high byte is not ASCII.
 */
function touches(hay: string, i: number, edge: Needle['left'], form: Form, side: -1 | 1): boolean {
  const c = hay[i];
  if (c === undefined) return false;
  if (form.bytes && form.step === 2 && hay[form.lead === 0 ? i + 1 : i - 1] !== '\u0000') return false;
  if (edge === 'digit') return isDigit(c);
  if (edge === 'letter') return form.bytes ? c < '\u0080' && isWordLetter(c) : isWordLetter(c);
  // A UID continues through a digit, or through a '.' with a digit beyond it.
  return isDigit(c) || (c === '.' && isDigit(hay[i + side * form.step]));
}

/** Does `form`, found in `hay` at `at`, have the boundaries the needle's kind requires there? */
function boundedAt(hay: string, at: number, needle: Needle, form: Form): boolean {
  const { s, step, lead } = form;
  if (needle.left && at - step >= 0 && touches(hay, at - step + lead, needle.left, form, -1)) return false;
  if (needle.right && touches(hay, at + s.length + lead, needle.right, form, 1)) return false;
  return true;
}

/** Does `form` occur in `hay` (both lower-cased) with the boundaries the needle's kind requires? */
function occurs(hay: string, needle: Needle, form: Form): boolean {
  const { s } = form;
  if (s.length > hay.length) return false;
  let from = 0;
  for (;;) {
    const at = hay.indexOf(s, from);
    if (at < 0) return false;
    from = at + 1;
    if (boundedAt(hay, at, needle, form)) return true;
  }
}

/**
 * The needles of one file, with their text forms indexed by their first two characters. A text
 * value is then read once, each position looked up in the index, instead of once per needle
 * (about 60 per file: name parts, IDs, 25 spellings of the birth date, the original UIDs):
 * the same answer as `occurs` for every needle, a fraction of the work. Needles of one
 * character are looked for one by one.
 */
interface NeedleSet {
  needles: Needle[];
  byPair: Map<number, Needle[]>;
  single: Needle[];
}

const pairAt = (s: string, i: number): number => s.charCodeAt(i) * 0x10000 + s.charCodeAt(i + 1);

function indexNeedles(needles: Needle[]): NeedleSet {
  const byPair = new Map<number, Needle[]>();
  const single: Needle[] = [];
  for (const n of needles) {
    const s = n.text.s;
    if (s.length < 2) {
      single.push(n);
      continue;
    }
    const key = pairAt(s, 0);
    const list = byPair.get(key);
    if (list) list.push(n);
    else byPair.set(key, [n]);
  }
  return { needles, byPair, single };
}

/** The needles whose text form occurs in `hay` (lower-cased text), in needle order. */
function textMatches(hay: string, set: NeedleSet, coded: boolean): Needle[] {
  let found: Set<Needle> | undefined;
  for (let i = 0; i + 1 < hay.length; i++) {
    const list = set.byPair.get(pairAt(hay, i));
    if (!list) continue;
    for (const n of list) {
      if ((coded && !n.coded) || found?.has(n)) continue;
      if (hay.startsWith(n.text.s, i) && boundedAt(hay, i, n, n.text)) (found ??= new Set()).add(n);
    }
  }
  for (const n of set.single) {
    if (coded && !n.coded) continue;
    if (occurs(hay, n, n.text)) (found ??= new Set()).add(n);
  }
  return found ? set.needles.filter((n) => found.has(n)) : [];
}

/** "(0040,A730)[2] > (0040,A160) TextValue" */
export function describePath(path: readonly PathStep[], tag: number): string {
  let s = '';
  for (const step of path) s += `${formatTag(step.tag)}[${step.index}] > `;
  return `${s}${formatTag(tag)} ${keywordOf(tag)}`;
}

/** One element of the output in which identifiers were found. */
export interface ResidualHit {
  element: DataElement;
  /** The dataset (top level or sequence item) that holds the element. */
  owner: Dataset;
  where: string;
  /** The element's path as the header trace names it: "(0040,A730)[0] > (0040,A160)". */
  path: string;
  identifiers: Identifier[];
  /** Found only in the value's bytes (UTF-16, a blob), not in its decoded text. */
  bytesOnly: boolean;
  /** Found in the marker segments kept in a compressed frame: cannot be cleaned, only refused. */
  codestream?: true;
}

/**
 * Every element of the output that still holds an identifier of the original file, with the
 * identifiers found there. Filter `ids` first for anything the profile keeps on purpose.
 */
export function findResidual(output: Dataset, ids: readonly Identifier[]): ResidualHit[] {
  const needles = needlesFor(ids);
  if (needles.length === 0) return [];
  const indexed = indexNeedles(needles);
  const hits: ResidualHit[] = [];
  walk(output, (el: DataElement, owner: Dataset, path: readonly PathStep[]) => {
    if (el.value.length === 0 || isImageData(el.tag)) return;
    const isPrivate = isPrivateTag(el.tag);
    const sample = SAMPLE_TAGS.has(el.tag);
    if (!isPrivate && !sample && NUMERIC_VRS.has(el.vr)) return;
    let found: Set<Needle> | undefined;
    let inText = false;
    let byteScan = true;
    if (!sample && STRING_VRS.has(el.vr) && !SKIP_TEXT_VRS.has(el.vr)) {
      const inValue = textMatches(elementText(el, owner.charset).toLowerCase(), indexed, NO_WORD_VRS.has(el.vr));
      if (inValue.length > 0) found = new Set(inValue);
      inText = found !== undefined;
      // Public text is done, unless NULs inside it suggest bytes of another encoding (UTF-16);
      // private text may hide anything, so it gets the byte scan too.
      byteScan = isPrivate || hasInnerNul(el.value);
    } else if (!sample && SKIP_TEXT_VRS.has(el.vr) && !isPrivate) {
      byteScan = false;
    }
    if (byteScan) {
      const hay = latin1.decode(el.value).toLowerCase();
      for (const n of needles) {
        if (found?.has(n)) continue;
        if ((sample ? n.sample : n.binary).some((f) => occurs(hay, n, f))) (found ??= new Set()).add(n);
      }
    }
    if (found === undefined) return;
    hits.push({
      element: el,
      owner,
      where: describePath(path, el.tag),
      path: `${path.map((step) => `${formatTag(step.tag)}[${step.index}] > `).join('')}${formatTag(el.tag)}`,
      identifiers: [...found].map((n) => n.id),
      bytesOnly: !inText,
    });
  });
  hits.push(...codestreamHits(output, needles));
  return hits;
}

function hasInnerNul(value: Uint8Array): boolean {
  let end = value.length;
  while (end > 0 && (value[end - 1] === 0 || value[end - 1] === 0x20)) end--;
  return value.subarray(0, end).includes(0);
}

/**
 * Every identifier of the original file that is still present in the de-identified output:
 * one finding per identifier per element. Filter `ids` first for anything the profile keeps on
 * purpose (e.g. institution kinds under Retain Institution Identity).
 */
export function scanResidual(output: Dataset, ids: readonly Identifier[]): ResidualFinding[] {
  return findingsOf(findResidual(output, ids));
}

/** The findings of some hits: one per identifier per element. */
export function findingsOf(hits: readonly ResidualHit[]): ResidualFinding[] {
  return hits.flatMap((h) => h.identifiers.map((id) => ({ kind: id.kind, value: id.value, where: h.where })));
}

/**
 * Pixel Data is skipped above as image data, but the marker segments and boxes that stay in
 * compressed frames (JFIF, ICC profile, frame and scan headers, JP2/JPEG XL boxes) are bytes
 * outside the image: an identifier there is a hit on the Pixel Data element, marked `codestream`.
 */
function codestreamHits(output: Dataset, needles: readonly Needle[]): ResidualHit[] {
  const hits: ResidualHit[] = [];
  const element = output.get(0x7fe00010);
  if (!element) return hits;
  for (const { frame, bytes } of codestreamHeaderBytes(output)) {
    const hay = bytes.map((b) => latin1.decode(b).toLowerCase()).join('\u0000');
    const found = needles.filter((n) => n.binary.some((f) => occurs(hay, n, f)));
    if (found.length === 0) continue;
    hits.push({
      element, owner: output, where: `(7FE0,0010) PixelData frame ${frame + 1} codestream marker segments`, path: '(7FE0,0010)',
      identifiers: found.map((n) => n.id), bytesOnly: true, codestream: true,
    });
  }
  return hits;
}

/**
 * For tests: the identifiers found in one lower-cased text value, by the indexed scan the
 * residual check uses and by looking for each needle on its own (what the index replaced).
 */
export function textMatchesBothWays(hay: string, ids: readonly Identifier[], coded: boolean): { indexed: Identifier[]; oneByOne: Identifier[] } {
  const needles = needlesFor(ids);
  return {
    indexed: textMatches(hay, indexNeedles(needles), coded).map((n) => n.id),
    oneByOne: needles.filter((n) => !(coded && !n.coded) && occurs(hay, n, n.text)).map((n) => n.id),
  };
}
