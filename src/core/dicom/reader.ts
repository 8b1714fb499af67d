/**
 * Part 10 reader. Parses a whole file into a Dataset whose element values are views into the
 * input (no copies, except byte-swapped big-endian words and inflated deflate input).
 *
 * Real-world files are messy, so the reader recovers where it can do so without guessing at
 * content — a missing preamble or file meta, a stray byte before the dataset, elements labelled
 * UN by broken converters, sequences hidden in UN — and says what it recovered from in
 * `warnings`. Where it cannot read a file completely (truncation, nonsense lengths) it throws a
 * DicomReadError whose message names the element and the byte offset, never a bare stack trace.
 */
import { Dataset, EMPTY, type DataElement } from './dataset.ts';
import { InflateLimitError, describeBytes, inflateCapped } from './inflate.ts';
import { T, dictionaryVR, formatTag, keywordOf } from './tags.ts';
import { TS, encodingOf } from './transfer-syntax.ts';
import { LONG_LENGTH_VRS, isValidVR, wordSize } from './vr.ts';

export class DicomReadError extends Error {
  override name = 'DicomReadError';
}

export interface ParsedFile {
  /** File meta information (group 0002); empty when the file had none. */
  meta: Dataset;
  dataset: Dataset;
  /** The transfer syntax the dataset was encoded in (declared, or inferred when the meta lacks one). */
  transferSyntaxUID: string;
  /** Recoveries the reader applied, in words a user can act on. */
  warnings: string[];
  /**
   * With `headerOnly`: the byte offset of the top-level Pixel Data element it stopped at, unread
   * (in the file; in the inflated dataset for a deflated one); undefined when it read to the end.
   */
  stoppedAt?: number;
}

export interface ReadOptions {
  /**
   * Stop at the top-level Pixel Data element (7FE0,0010), leaving it and what follows unread: for
   * callers that need only the header (identity, geometry) and may hold only the file's first
   * bytes. The elements before the stop are read exactly as a whole-file read reads them.
   */
  headerOnly?: boolean;
}

const UNDEFINED_LENGTH = 0xffffffff;
/**
 * Largest inflated Deflated Explicit VR Little Endian dataset read. That transfer syntax carries
 * reports and small objects; a dataset that inflates past this is refused rather than allowed to
 * claim memory the rest of the run needs (a deflate bomb inflates a thousandfold).
 */
export const MAX_INFLATED_DATASET_BYTES = 256 * 1024 * 1024;
/** Deeper nesting than this is not a real dataset but a parser being led astray. */
const MAX_DEPTH = 64;

interface Ctx {
  bytes: Uint8Array;
  view: DataView;
  explicitVR: boolean;
  littleEndian: boolean;
  warnings: Set<string>;
  /** Second readings of UN content left for the whole file (shared by every nested Ctx). */
  retries: { left: number };
  /** headerOnly: where the top level stopped (the offset of Pixel Data, once reached). */
  stop?: { at?: number };
}

/**
 * Every UN sequence that fails one encoding is read again in the other; nested undefined-length
 * UNs that all fail would otherwise cost 2^depth readings. Past this many, one reading each.
 */
const UN_RETRY_BUDGET = 256;

export function readPart10(input: Uint8Array, options: ReadOptions = {}): ParsedFile {
  const warnings = new Set<string>();
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const retries = { left: UN_RETRY_BUDGET };

  let metaStart = -1;
  if (input.length >= 132 && isDICM(input, 128) && looksLikeMetaElement(input, 132)) metaStart = 132;
  else if (looksLikeMetaElement(input, 0)) {
    metaStart = 0;
    warnings.add('no 128-byte preamble and DICM prefix; file meta read from the start of the file');
  } else if (input.length >= 132 && isDICM(input, 128)) {
    // Bytes "DICM" at offset 128 that are not followed by file meta are data, not a prefix.
    warnings.add('"DICM" at offset 128 is part of the data, not a Part 10 prefix; read as a bare dataset');
  }

  let meta = new Dataset();
  let dataStart: number;
  let tsUID: string | undefined;
  if (metaStart >= 0) {
    const metaCtx: Ctx = { bytes: input, view, explicitVR: true, littleEndian: true, warnings, retries };
    dataStart = parseMeta(metaCtx, metaStart, meta);
    tsUID = textOf(meta.get(T.TransferSyntaxUID));
    if (!meta.has(T.FileMetaInformationGroupLength)) warnings.add('file meta has no group length (0002,0000)');
  } else {
    dataStart = 0;
    if (!warnings.size) warnings.add('no preamble and no file meta: a bare dataset');
  }

  let body = input;
  let bodyStart = dataStart;
  if (!tsUID) {
    const sniffed = sniffEncoding(input, dataStart);
    if (!sniffed) {
      throw new DicomReadError(
        metaStart >= 0
          ? 'file meta has no Transfer Syntax UID and the data after it is not a recognisable dataset'
          : 'not a DICOM file: no DICM prefix, no file meta, and the first bytes are not a DICOM dataset',
      );
    }
    if (sniffed.skipped) warnings.add(`skipped ${sniffed.skipped} unexpected byte(s) before the dataset`);
    bodyStart = dataStart + sniffed.skipped;
    tsUID = sniffed.uid;
    if (metaStart >= 0) warnings.add(`file meta has no Transfer Syntax UID; dataset read as ${describe(tsUID)}`);
    else warnings.add(`transfer syntax inferred as ${describe(tsUID)}`);
  }

  const enc = encodingOf(tsUID);
  if (enc.deflated) {
    try {
      body = inflateCapped(input.subarray(dataStart), MAX_INFLATED_DATASET_BYTES);
    } catch (e) {
      if (e instanceof InflateLimitError) {
        throw new DicomReadError(
          `deflated dataset inflates to more than ${describeBytes(e.limit)} (the most Veil reads; ${describeBytes(input.length)} compressed): refused as a likely deflate bomb`,
        );
      }
      throw new DicomReadError(`deflated dataset could not be inflated: ${(e as Error).message}`);
    }
    bodyStart = 0;
  }

  const ctx: Ctx = {
    bytes: body,
    view: new DataView(body.buffer, body.byteOffset, body.byteLength),
    explicitVR: enc.explicitVR,
    littleEndian: enc.littleEndian,
    warnings,
    retries,
    ...(options.headerOnly ? { stop: {} } : {}),
  };
  if (enc.explicitVR && bodyStart + 6 <= body.length && !isVRAt(body, bodyStart + 4) && looksImplicit(ctx, bodyStart)) {
    // Declared explicit, written implicit: some old writers do this. Reading on as declared
    // would misinterpret every length.
    ctx.explicitVR = false;
    warnings.add(`declared ${describe(tsUID)} but the dataset is implicit VR; read as implicit VR`);
    if (tsUID === TS.ExplicitVRLittleEndian) tsUID = TS.ImplicitVRLittleEndian;
  }
  const dataset = new Dataset();
  parseDataset(ctx, bodyStart, body.length, dataset, [], 0, false);
  if (metaStart >= 0) checkMetaAgainstDataset(meta, dataset, warnings);
  const stoppedAt = ctx.stop?.at;
  return { meta, dataset, transferSyntaxUID: tsUID, warnings: [...warnings], ...(stoppedAt !== undefined ? { stoppedAt } : {}) };
}

/** File meta must name the instance it wraps (PS3.10 7.1); say when it does not, or disagrees. */
function checkMetaAgainstDataset(meta: Dataset, ds: Dataset, warnings: Set<string>): void {
  const pairs: [number, number, string][] = [
    [T.MediaStorageSOPClassUID, T.SOPClassUID, 'SOP Class UID'],
    [T.MediaStorageSOPInstanceUID, T.SOPInstanceUID, 'SOP Instance UID'],
  ];
  for (const [metaTag, dataTag, what] of pairs) {
    const inMeta = textOf(meta.get(metaTag));
    const inData = textOf(ds.get(dataTag));
    if (!inMeta) warnings.add(`file meta has no Media Storage ${what}; a new file meta is written`);
    else if (inData && inMeta !== inData) warnings.add(`file meta's Media Storage ${what} differs from the dataset's; the dataset's is used`);
  }
}

const describe = (uid: string): string =>
  uid === TS.ImplicitVRLittleEndian ? 'implicit VR little endian'
  : uid === TS.ExplicitVRBigEndian ? 'explicit VR big endian'
  : uid === TS.ExplicitVRLittleEndian ? 'explicit VR little endian'
  : uid;

function isDICM(b: Uint8Array, at: number): boolean {
  return b[at] === 0x44 && b[at + 1] === 0x49 && b[at + 2] === 0x43 && b[at + 3] === 0x4d;
}

function isVRAt(b: Uint8Array, at: number): boolean {
  const c0 = b[at], c1 = b[at + 1];
  if (c0 < 0x41 || c0 > 0x5a || c1 < 0x41 || c1 > 0x5a) return false;
  return isValidVR(String.fromCharCode(c0, c1));
}

/** A group-0002 element in explicit VR little endian, as PS3.10 requires of file meta. */
function looksLikeMetaElement(b: Uint8Array, at: number): boolean {
  return at + 8 <= b.length && b[at] === 0x02 && b[at + 1] === 0x00 && isVRAt(b, at + 4);
}

function textOf(el: DataElement | undefined): string | undefined {
  if (!el) return undefined;
  const s = String.fromCharCode(...el.value).replace(/[\0 ]+$/, '').trim();
  return s || undefined;
}

/** Reads group 0002 element by element (the group length is optional in the wild). */
function parseMeta(ctx: Ctx, start: number, meta: Dataset): number {
  let off = start;
  const b = ctx.bytes;
  while (off + 8 <= b.length && b[off] === 0x02 && b[off + 1] === 0x00) {
    const next = readElement(ctx, off, b.length, meta, [], 0);
    if (next < 0) break;
    off = next;
  }
  return off;
}

/**
 * Infers the encoding of a dataset that has no declared transfer syntax, trying a few offsets
 * for files with stray bytes in front. The first element of a real dataset is in a low even
 * group (0008 typically); whether a valid VR follows the tag tells explicit from implicit.
 */
function sniffEncoding(b: Uint8Array, start: number): { uid: string; skipped: number } | undefined {
  for (let skip = 0; skip <= 8; skip++) {
    const at = start + skip;
    if (at + 8 > b.length) return undefined;
    const gLE = b[at] | (b[at + 1] << 8);
    const gBE = (b[at] << 8) | b[at + 1];
    // Group 0001 is illegal but seen in test files right after the meta; only accept it unshifted.
    const plausible = (g: number): boolean => g <= 0x0010 && (g >= 0x0002 ? (g & 1) === 0 : g === 1 && skip === 0);
    const explicit = isVRAt(b, at + 4);
    if (plausible(gLE)) {
      if (explicit) return { uid: TS.ExplicitVRLittleEndian, skipped: skip };
      // Implicit: a 32-bit length that fits in the file.
      const len = (b[at + 4] | (b[at + 5] << 8) | (b[at + 6] << 16) | (b[at + 7] << 24)) >>> 0;
      if (len === UNDEFINED_LENGTH || at + 8 + len <= b.length) return { uid: TS.ImplicitVRLittleEndian, skipped: skip };
    }
    if (plausible(gBE) && explicit) return { uid: TS.ExplicitVRBigEndian, skipped: skip };
  }
  return undefined;
}

/** True when the bytes at `at` read sensibly as an implicit VR element. */
function looksImplicit(ctx: Ctx, at: number): boolean {
  if (at + 8 > ctx.bytes.length) return false;
  const len = ctx.view.getUint32(at + 4, ctx.littleEndian);
  return len === UNDEFINED_LENGTH || at + 8 + len <= ctx.bytes.length;
}

function u16(ctx: Ctx, at: number): number {
  return ctx.view.getUint16(at, ctx.littleEndian);
}
function u32(ctx: Ctx, at: number): number {
  return ctx.view.getUint32(at, ctx.littleEndian);
}

/**
 * Parses elements from `off` to `end` into `ds`. In an undefined-length item the item
 * delimiter ends it: returns the offset after that delimiter.
 */
function parseDataset(ctx: Ctx, off: number, end: number, ds: Dataset, path: number[], depth: number, inItem: boolean): number {
  if (depth > MAX_DEPTH) throw new DicomReadError(`sequences nested more than ${MAX_DEPTH} deep at byte ${off}: not a valid dataset`);
  while (off < end) {
    if (off + 8 > end) {
      // Trailing padding of fewer than 8 bytes is harmless; report it and stop.
      ctx.warnings.add(`${end - off} trailing byte(s) after the last element ignored`);
      return end;
    }
    const tag = u16(ctx, off) * 0x10000 + u16(ctx, off + 2);
    if (tag === T.ItemDelimitationItem) {
      if (inItem) return off + 8;
      ctx.warnings.add(`stray item delimiter at byte ${off} ignored`);
      off += 8;
      continue;
    }
    if (tag === T.SequenceDelimitationItem) {
      // A sequence delimiter where an element should be: some writers end an item with it.
      if (inItem) return off;
      ctx.warnings.add(`stray sequence delimiter at byte ${off} ignored`);
      off += 8;
      continue;
    }
    if (tag === T.Item) {
      off = skipStrayItem(ctx, off, end, path, depth);
      continue;
    }
    if (ctx.stop && depth === 0 && tag === T.PixelData) {
      ctx.stop.at = off;
      return off;
    }
    off = readElement(ctx, off, end, ds, path, depth);
  }
  if (inItem) return off;
  return off;
}

/**
 * An item tag where an element should be is structure without a sequence: nothing in it belongs to
 * the dataset, and written back it would be an invalid top-level (FFFE,E000) element carrying
 * whatever it held. It is read (to find its end) and dropped, with a warning.
 */
function skipStrayItem(ctx: Ctx, off: number, end: number, path: number[], depth: number): number {
  const length = u32(ctx, off + 4);
  let next: number;
  if (length === UNDEFINED_LENGTH) {
    next = parseDataset(ctx, off + 8, end, new Dataset(), path, depth + 1, true);
    const delimited = next >= off + 16 && u16(ctx, next - 8) === 0xfffe && u16(ctx, next - 6) === 0xe00d;
    if (!delimited) throw new DicomReadError(`stray item (FFFE,E000) of undefined length at byte ${off} never ends: the rest of the dataset cannot be told apart from it`);
  } else {
    if (off + 8 + length > end) throw truncated(path, T.Item, off, length, end - off - 8);
    next = off + 8 + length;
  }
  ctx.warnings.add(`stray item (FFFE,E000) at byte ${off}, outside any sequence: dropped with its ${next - off - 8} byte(s) of content`);
  return next;
}

function where(path: readonly number[], tag: number): string {
  return [...path, tag].map((t) => `${formatTag(t)} ${keywordOf(t)}`).join(' > ');
}

/** Reads one element at `off` into `ds`; returns the offset after it. */
function readElement(ctx: Ctx, off: number, end: number, ds: Dataset, path: number[], depth: number): number {
  const b = ctx.bytes;
  const tag = u16(ctx, off) * 0x10000 + u16(ctx, off + 2);
  let vr: string;
  let length: number;
  let header: number;
  // False when the VR is the dictionary's guess (implicit VR), not something the writer declared.
  let declaredVR = true;
  if (ctx.explicitVR && isVRAt(b, off + 4)) {
    vr = String.fromCharCode(b[off + 4], b[off + 5]);
    if (LONG_LENGTH_VRS.has(vr)) {
      if (off + 12 > end) throw truncated(path, tag, off, 12, end - off);
      length = u32(ctx, off + 8);
      header = 12;
    } else {
      length = u16(ctx, off + 6);
      header = 8;
    }
  } else {
    if (ctx.explicitVR) {
      // An element with no VR inside an explicit-VR dataset: read it as implicit, as dcmtk does.
      ctx.warnings.add(`element ${formatTag(tag)} has no valid VR; read as implicit VR`);
    }
    vr = dictionaryVR(tag) ?? 'UN';
    declaredVR = false;
    length = u32(ctx, off + 4);
    header = 8;
  }
  const valueStart = off + header;

  if (length === UNDEFINED_LENGTH) {
    if (tag === T.PixelData) {
      const { fragments, next } = readFragments(ctx, valueStart, end, path, tag);
      ds.set({ tag, vr: vr === 'UN' ? 'OB' : vr, value: EMPTY, fragments });
      return next;
    }
    if (vr === 'UN' || (vr === 'SQ' && !declaredVR)) {
      // PS3.5 6.2.2: an undefined-length UN holds an implicit VR little endian sequence, whatever
      // the transfer syntax of the rest of the file; some converters write explicit VR items there.
      // Its end is only known by reading it, so content that reads neither way fails the file.
      const read = readUnSequence(ctx, valueStart, end, undefined, ds, [...path, tag], depth);
      if (!read) throw new DicomReadError(`${where(path, tag)} is an undefined-length ${vr} whose content reads neither as implicit nor as explicit VR items (byte ${off})`);
      if (vr === 'UN' && (ctx.explicitVR || !ctx.littleEndian)) ctx.warnings.add(`${where(path, tag)} is an undefined-length UN; its content read as an ${read.explicitVR ? 'explicit' : 'implicit'} VR little endian sequence`);
      ds.set({ tag, vr: 'SQ', value: EMPTY, items: read.items });
      return read.next;
    }
    if (vr === 'SQ' || !ctx.explicitVR) {
      const { items, next } = readItems(ctx, valueStart, end, undefined, ds, [...path, tag], depth);
      ds.set({ tag, vr: 'SQ', value: EMPTY, items });
      return next;
    }
    throw new DicomReadError(`${where(path, tag)} (${vr}) has an undefined length, which only sequences and pixel data may have (byte ${off})`);
  }

  if (valueStart + length > end) throw truncated(path, tag, off, length, end - valueStart);

  const valueEnd = valueStart + length;
  if (vr === 'SQ' && declaredVR && length > 0 && !startsWithItem(ctx, valueStart)) {
    // A declared sequence that holds a plain value (seen with (0040,A170)): not read, not trusted.
    ctx.warnings.add(`${where(path, tag)} should be a sequence but holds a plain value`);
    ds.set({ tag, vr: 'UN', value: wordsLE(ctx, b.subarray(valueStart, valueEnd), 'UN'), unreadSequence: true });
    return valueEnd;
  }
  if (vr === 'SQ' && (declaredVR || length === 0)) {
    const { items } = readItems(ctx, valueStart, valueEnd, valueEnd, ds, [...path, tag], depth);
    ds.set({ tag, vr: 'SQ', value: EMPTY, items });
    return valueEnd;
  }

  if ((vr === 'UN' || vr === 'SQ') && length > 0) {
    // No declared VR to trust: a UN, or an implicit VR element the dictionary calls a sequence.
    const known = vr === 'SQ' ? 'SQ' : dictionaryVR(tag);
    if (known === 'SQ' || (known === undefined && startsWithItemLE(b, valueStart))) {
      // A sequence that a converter flattened to UN (implicit VR items, as PS3.5 says, or
      // explicit VR items, as some write).
      const read = readUnSequence(ctx, valueStart, valueEnd, valueEnd, ds, [...path, tag], depth);
      if (read) {
        if (vr === 'UN') ctx.warnings.add(`${where(path, tag)} was encoded as UN; read as a sequence`);
        ds.set({ tag, vr: 'SQ', value: EMPTY, items: read.items });
        return valueEnd;
      }
      // Unread bytes that may hold anything: kept here only so a profile override can decide;
      // de-identification removes them otherwise (header/apply.ts).
      ds.set({ tag, vr: 'UN', value: b.subarray(valueStart, valueEnd), unreadSequence: true });
      return valueEnd;
    } else if (known && known !== 'UN' && (ctx.littleEndian || wordSize(known) === 0)) {
      // Big endian UN bytes are only safe to relabel where byte order does not matter (text).
      ctx.warnings.add('elements labelled UN were read with their dictionary VR');
      ds.set({ tag, vr: known, value: b.subarray(valueStart, valueEnd) });
      return valueEnd;
    }
  }

  if (length % 2 === 1) ctx.warnings.add(`${where(path, tag)} has an odd length (${length}); padded to even on output`);
  ds.set({ tag, vr, value: wordsLE(ctx, b.subarray(valueStart, valueEnd), vr) });
  if (tag === T.SpecificCharacterSet) {
    ds.charset = String.fromCharCode(...b.subarray(valueStart, valueEnd)).split('\\').map((s) => s.trim());
  }
  return valueEnd;
}

function truncated(path: readonly number[], tag: number, off: number, declared: number, available: number): DicomReadError {
  const what = tag === T.PixelData ? 'Pixel Data' : where(path, tag);
  return new DicomReadError(
    `file is truncated: ${what} at byte ${off} declares ${declared} bytes but only ${Math.max(0, available)} remain`,
  );
}

/**
 * Reads the content of a UN (or of an element whose VR is only the dictionary's guess) as a
 * sequence: implicit VR little endian, as PS3.5 6.2.2 says, then explicit VR little endian, which
 * converters also write. When the first element of the first item carries a VR, explicit is tried
 * first: an implicit reading of explicit bytes can succeed by accident on a large item, where
 * the other way round each element without a VR is read as implicit anyway. Undefined when
 * neither reading gets through.
 */
function readUnSequence(
  ctx: Ctx, start: number, end: number, defined: number | undefined, parent: Dataset, path: number[], depth: number,
): { items: Dataset[]; next: number; explicitVR: boolean } | undefined {
  const order = startsWithItemLE(ctx.bytes, start) && isVRAt(ctx.bytes, start + 12) ? [true, false] : [false, true];
  for (const explicitVR of order) {
    // A failed reading leaves no warnings behind; a successful one adds its own.
    const warnings = new Set<string>();
    const inner: Ctx = { ...ctx, explicitVR, littleEndian: true, warnings };
    try {
      const { items, next } = readItems(inner, start, end, defined, parent, path, depth);
      for (const w of warnings) ctx.warnings.add(w);
      return { items, next, explicitVR };
    } catch {
      // Bytes that are not this encoding end in a DicomReadError or a read past the end.
      if (ctx.retries.left-- <= 0) return undefined;
    }
  }
  return undefined;
}

function startsWithItem(ctx: Ctx, at: number): boolean {
  return at + 4 <= ctx.bytes.length && u16(ctx, at) === 0xfffe && u16(ctx, at + 2) === 0xe000;
}
function startsWithItemLE(b: Uint8Array, at: number): boolean {
  return at + 4 <= b.length && b[at] === 0xfe && b[at + 1] === 0xff && b[at + 2] === 0x00 && b[at + 3] === 0xe0;
}

/** Big-endian input is swapped to little endian on read, so every later layer sees one byte order. */
function wordsLE(ctx: Ctx, value: Uint8Array, vr: string): Uint8Array {
  const w = ctx.littleEndian ? 0 : wordSize(vr);
  if (w === 0) return value;
  const out = new Uint8Array(value.length);
  const whole = value.length - (value.length % w);
  for (let i = 0; i < whole; i += w) for (let j = 0; j < w; j++) out[i + j] = value[i + w - 1 - j];
  out.set(value.subarray(whole), whole);
  return out;
}

/**
 * Reads sequence items. With `defined` set, items fill [off, defined); otherwise they run to the
 * sequence delimiter.
 */
function readItems(
  ctx: Ctx, off: number, end: number, defined: number | undefined, parent: Dataset, path: number[], depth: number,
): { items: Dataset[]; next: number } {
  const items: Dataset[] = [];
  const limit = defined ?? end;
  while (off < limit) {
    if (off + 8 > limit) throw new DicomReadError(`file is truncated inside ${where(path.slice(0, -1), path[path.length - 1])} at byte ${off}`);
    const tag = u16(ctx, off) * 0x10000 + u16(ctx, off + 2);
    const len = u32(ctx, off + 4);
    if (tag === T.SequenceDelimitationItem) return { items, next: off + 8 };
    if (tag !== T.Item) {
      throw new DicomReadError(`${where(path.slice(0, -1), path[path.length - 1])}: expected an item at byte ${off}, found ${formatTag(tag)}`);
    }
    const item = new Dataset(parent.charset);
    if (len === UNDEFINED_LENGTH) {
      off = parseDataset(ctx, off + 8, limit, item, path, depth + 1, true);
    } else {
      if (off + 8 + len > limit) throw new DicomReadError(`file is truncated: an item of ${where(path.slice(0, -1), path[path.length - 1])} at byte ${off} declares ${len} bytes but only ${limit - off - 8} remain`);
      parseDataset(ctx, off + 8, off + 8 + len, item, path, depth + 1, false);
      off += 8 + len;
    }
    items.push(item);
  }
  if (defined === undefined) throw new DicomReadError(`file is truncated: ${where(path.slice(0, -1), path[path.length - 1])} has no sequence delimiter`);
  return { items, next: off };
}

/** Encapsulated pixel data: an offset table item, then one item per fragment, then a delimiter. */
function readFragments(ctx: Ctx, off: number, end: number, path: number[], tag: number): { fragments: Uint8Array[]; next: number } {
  const fragments: Uint8Array[] = [];
  while (off + 8 <= end) {
    const itemTag = u16(ctx, off) * 0x10000 + u16(ctx, off + 2);
    const len = u32(ctx, off + 4);
    if (itemTag === T.SequenceDelimitationItem) return { fragments, next: off + 8 };
    if (itemTag !== T.Item) throw new DicomReadError(`encapsulated Pixel Data: expected a fragment item at byte ${off}, found ${formatTag(itemTag)}`);
    if (off + 8 + len > end) throw truncated(path, tag, off, len, end - off - 8);
    fragments.push(ctx.bytes.subarray(off + 8, off + 8 + len));
    off += 8 + len;
  }
  throw new DicomReadError('file is truncated: encapsulated Pixel Data has no sequence delimiter');
}
