/**
 * Residual-PHI scan: after de-identification, look for every identifier of the original file in
 * every element value of the output, at every depth.
 *
 * - Text VRs are decoded with the dataset's character set and searched as text.
 * - OB/OW/UN values, private elements of any VR, and anything else that is not plainly numeric
 *   are searched as bytes: a single-byte (latin1/windows-1252) view, lower-cased, against the
 *   identifier's ASCII/latin1 bytes, its UTF-8 bytes (upper and lower case) and its UTF-16LE
 *   bytes (Windows-based devices store such strings in private blobs).
 * - Pixel-like bulk data is skipped: Pixel Data (and its float variants), Overlay Data, Waveform
 *   Data, and numeric arrays (OF OD OL OV FL FD SS US SL UL SV UV AT) of public elements.
 * - Public IS/DS/TM/AS values are skipped, and CS/UI/DA/DT values are searched for IDs and dates
 *   only, never names or addresses (no name fits there; "CT" in Modality is a false alarm).
 *
 * Identifiers shorter than 3 characters (2-letter name parts) are only looked for in text values,
 * never in binary blobs, where they would match by chance.
 *
 * It runs on every output file, so per element it builds one lower-cased haystack and uses
 * indexOf per identifier; identifier needles are prepared once per identifier array.
 */
import { walk, type Dataset, type DataElement, type PathStep } from '../dicom/dataset.ts';
import { formatTag, isPrivateTag, keywordOf } from '../dicom/tags.ts';
import { elementText } from '../dicom/values.ts';
import { STRING_VRS } from '../dicom/vr.ts';
import type { ResidualFinding } from '../outcome.ts';
import { boundaryRule, type BoundaryRule, type Identifier } from './identifiers.ts';
import { codestreamHeaderBytes } from '../pixels/codestream-strip.ts';

const BINARY_MIN = 3;

/** Public elements whose values are numbers, never text worth searching. */
const NUMERIC_VRS = new Set(['OF', 'OD', 'OL', 'OV', 'FL', 'FD', 'SS', 'US', 'SL', 'UL', 'SV', 'UV', 'AT']);

/** Bulk sample data: pixels, overlays, waveforms. */
function isBulkSampleData(tag: number): boolean {
  if (tag === 0x7fe00010 || tag === 0x7fe00008 || tag === 0x7fe00009) return true;
  if (tag >= 0x60000000 && tag < 0x60ff0000 && (tag & 0xffff) === 0x3000) return true; // Overlay Data (60xx,3000)
  return tag === 0x54001010; // Waveform Data
}

/**
 * Text VRs that cannot hold a name or address: coded values, UIDs, dates, times, numbers. Names
 * looked for there only find false alarms ("CT" in Modality), so only IDs and dates are sought.
 */
const NO_WORD_VRS = new Set(['CS', 'UI', 'DA', 'DT']);
/** Text VRs of numbers and times: nothing of interest, unless private (then scanned as bytes). */
const SKIP_TEXT_VRS = new Set(['IS', 'DS', 'TM', 'AS']);

interface Needle {
  id: Identifier;
  rule: BoundaryRule;
  /** Lower-cased identifier, for text haystacks. */
  text: string;
  /** Lower-cased single-byte renderings of its encodings, for binary haystacks; step 2 = UTF-16LE. */
  binary: { s: string; step: 1 | 2 }[];
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextEncoder();
/**
 * Compiled needles by identifier (kind + value). A study's files share their identifiers, so
 * compiling once per distinct identifier instead of once per file is most of the scan's cost
 * saved. Bounded: cleared when it grows past what a large batch could reuse.
 */
const needleCache = new Map<string, Needle>();
const NEEDLE_CACHE_LIMIT = 20_000;

function compileNeedle(id: Identifier, value: string, lower: string): Needle {
  const binary: { s: string; step: 1 | 2 }[] = [];
  if (value.length >= BINARY_MIN) {
    const forms = new Set<string>();
    // eslint-disable-next-line no-control-regex
    if (/^[\x00-\xff]*$/.test(value)) forms.add(lower); // ASCII / ISO 8859-1 bytes, as the latin1 view shows them
    forms.add(latin1.decode(utf8.encode(lower)).toLowerCase());
    forms.add(latin1.decode(utf8.encode(value.toUpperCase())).toLowerCase());
    for (const s of forms) binary.push({ s, step: 1 });
    // eslint-disable-next-line no-control-regex
    if (/^[\x00-\x7f]*$/.test(value)) binary.push({ s: lower.replace(/[\s\S]/g, '$&\u0000'), step: 2 });
  }
  return { id, rule: boundaryRule(id.kind), text: lower, binary };
}

function needlesFor(ids: readonly Identifier[]): Needle[] {
  const needles: Needle[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    const value = id.value.trim();
    if (value.length === 0) continue;
    const lower = value.toLowerCase();
    if (seen.has(lower)) continue;
    seen.add(lower);
    const key = `${id.kind}\u0000${value}`;
    let needle = needleCache.get(key);
    if (!needle) {
      if (needleCache.size >= NEEDLE_CACHE_LIMIT) needleCache.clear();
      needle = compileNeedle(id, value, lower);
      needleCache.set(key, needle);
    }
    needles.push(needle);
  }
  return needles;
}

const LETTER = /\p{L}/u;
function isLetter(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 0x80) return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
  return LETTER.test(c);
}
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/** Does `needle` occur in `hay` (both lower-cased) with the boundaries its kind requires? */
function occurs(hay: string, needle: string, rule: BoundaryRule, step: 1 | 2): boolean {
  const first = needle[0];
  const last = needle[needle.length - step];
  const firstDigit = isDigit(first);
  const lastDigit = isDigit(last);
  const firstWord = rule.word && !firstDigit && isLetter(first);
  const lastWord = rule.word && !lastDigit && isLetter(last);
  const checkLeft = firstDigit || firstWord;
  const checkRight = (lastDigit && !rule.digitsMayFollow) || lastWord;
  let from = 0;
  for (;;) {
    const at = hay.indexOf(needle, from);
    if (at < 0) return false;
    from = at + 1;
    if (checkLeft && at - step >= 0) {
      const p = hay[at - step];
      if (firstDigit ? isDigit(p) : isLetter(p)) continue;
    }
    const end = at + needle.length;
    if (checkRight && end < hay.length) {
      const n = hay[end];
      if (lastDigit ? isDigit(n) : isLetter(n)) continue;
    }
    return true;
  }
}

/** "(0040,A730)[2] > (0040,A160) TextValue" */
export function describePath(path: readonly PathStep[], tag: number): string {
  let s = '';
  for (const step of path) s += `${formatTag(step.tag)}[${step.index}] > `;
  return `${s}${formatTag(tag)} ${keywordOf(tag)}`;
}

/**
 * Every identifier of the original file that is still present in the de-identified output:
 * one finding per identifier per element. Filter `ids` first for anything the profile keeps on
 * purpose (e.g. institution kinds under Retain Institution Identity).
 */
export function scanResidual(output: Dataset, ids: readonly Identifier[]): ResidualFinding[] {
  const needles = needlesFor(ids);
  if (needles.length === 0) return [];
  const findings: ResidualFinding[] = [];
  walk(output, (el: DataElement, owner: Dataset, path: readonly PathStep[]) => {
    if (el.value.length === 0 || isBulkSampleData(el.tag)) return;
    const isPrivate = isPrivateTag(el.tag);
    if (!isPrivate && NUMERIC_VRS.has(el.vr)) return;
    let where: string | undefined;
    let found: Set<Needle> | undefined;
    const report = (n: Needle): void => {
      where ??= describePath(path, el.tag);
      (found ??= new Set()).add(n);
      findings.push({ kind: n.id.kind, value: n.id.value, where });
    };
    if (STRING_VRS.has(el.vr) && !SKIP_TEXT_VRS.has(el.vr)) {
      const hay = elementText(el, owner.charset).toLowerCase();
      const noWords = NO_WORD_VRS.has(el.vr);
      for (const n of needles) {
        if (noWords && n.rule.word) continue;
        if (n.text.length <= hay.length && occurs(hay, n.text, n.rule, 1)) report(n);
      }
      // Public text is done; private text may still hide UTF-16 or other encodings, so it gets the byte scan too.
      if (!isPrivate) return;
    } else if (SKIP_TEXT_VRS.has(el.vr) && !isPrivate) {
      return;
    }
    const hay = latin1.decode(el.value).toLowerCase();
    for (const n of needles) {
      if (found?.has(n)) continue;
      for (const b of n.binary) {
        if (b.s.length <= hay.length && occurs(hay, b.s, n.rule, b.step)) {
          report(n);
          break;
        }
      }
    }
  });
  scanCodestreamHeaders(output, needles, findings);
  return findings;
}

/**
 * Pixel Data is skipped above as sample data, but the marker segments and boxes that stay in
 * compressed frames (JFIF, ICC profile, frame and scan headers, JP2/JPEG XL boxes) are bytes
 * outside the image: an identifier there is a finding.
 */
function scanCodestreamHeaders(output: Dataset, needles: readonly Needle[], findings: ResidualFinding[]): void {
  for (const { frame, bytes } of codestreamHeaderBytes(output)) {
    const hay = bytes.map((b) => latin1.decode(b).toLowerCase()).join('\u0000');
    for (const n of needles) {
      if (n.binary.some((b) => b.s.length <= hay.length && occurs(hay, b.s, n.rule, b.step))) {
        findings.push({ kind: n.id.kind, value: n.id.value, where: `(7FE0,0010) PixelData frame ${frame + 1} codestream marker segments` });
      }
    }
  }
}
