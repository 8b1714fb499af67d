/**
 * Marker segments of one JPEG 2000 / HTJ2K frame (ITU-T T.800 Annex A, T.801, T.814), and the
 * boxes of a JP2 file when an encoder wrapped the codestream in one (not conformant in DICOM,
 * but it happens). Comment segments (COM, FF64) in the main and tile-part headers can carry any
 * text and no decoder needs them; they are taken out, and every tile-part that shrinks gets its
 * Psot — and the TLM table, when there is one — rewritten. Unknown marker segments go too. The
 * packet data after SOD is copied byte for byte. Of a JP2 file only the boxes a decoder reads
 * stay (signature, file type, reader requirements, the JP2 header's image boxes, the codestream);
 * XML, UUID, UUID-info, IPR and every other box go.
 */
import { CodestreamError, concat, copyOf, trailingBytes, u16be, u32be, type StrippedFrame } from './codestream-parts.ts';

const SOC = 0xff4f;
const SIZ = 0xff51;
const TLM = 0xff55;
const COM = 0xff64;
const SOT = 0xff90;
const SOD = 0xff93;
const EOC = 0xffd9;

/** Marker segments with a length that a Part 1, Part 2 or HTJ2K decoder reads (COM excluded). */
const CODING_SEGMENTS = new Set([
  0xff50, SIZ, 0xff52, 0xff53, TLM, 0xff56, 0xff57, 0xff58, 0xff59, 0xff5c, 0xff5d, 0xff5e, 0xff5f, 0xff60, 0xff61, 0xff63,
  // Part 2: DCO VMS DFS ADS MCT MCC NLT MCO CBD ATK
  0xff70, 0xff71, 0xff72, 0xff73, 0xff74, 0xff75, 0xff76, 0xff77, 0xff78, 0xff79,
]);

const hex4 = (m: number): string => m.toString(16).toUpperCase().padStart(4, '0');

interface Segments {
  kept: Uint8Array[];
  /** Where the header stopped: the SOT, SOD or EOC marker that ended it. */
  end: number;
  changed: boolean;
}

/** Reads marker segments from `at` until one of `stops`, keeping the ones a decoder needs. */
function readHeader(b: Uint8Array, at: number, limit: number, stops: readonly number[], removed: string[], where: string): Segments {
  const kept: Uint8Array[] = [];
  let changed = false;
  for (;;) {
    if (at + 2 > limit) throw new CodestreamError(`the JPEG 2000 ${where} header ends without its closing marker`);
    const m = u16be(b, at);
    if (stops.includes(m)) return { kept, end: at, changed };
    if (b[at] !== 0xff || at + 4 > limit) throw new CodestreamError(`the JPEG 2000 ${where} header has bytes that are not a marker segment at offset ${at}`);
    const length = u16be(b, at + 2);
    if (length < 2 || at + 2 + length > limit) throw new CodestreamError(`the JPEG 2000 marker segment ${hex4(m)} at offset ${at} runs past its header`);
    const seg = b.subarray(at, at + 2 + length);
    if (CODING_SEGMENTS.has(m)) kept.push(seg);
    else {
      removed.push(m === COM ? `COM in ${where} header` : `unknown marker segment ${hex4(m)}`);
      changed = true;
    }
    at += 2 + length;
  }
}

/** Rewrites the tile-part lengths of the TLM segments (copies) in codestream order. */
function patchTlm(main: Uint8Array[], lengths: readonly number[]): void {
  let next = 0;
  main.forEach((seg, i) => {
    if (u16be(seg, 0) !== TLM) return;
    const copy = copyOf(seg);
    const st = (copy[5] >> 4) & 3;
    const sp = (copy[5] >> 6) & 1;
    const entry = (st === 3 ? 0 : st) + (sp ? 4 : 2);
    if (st === 3) throw new CodestreamError('the JPEG 2000 TLM segment has an invalid size field');
    for (let at = 6 + st; at + (sp ? 4 : 2) <= copy.length; at += entry) {
      const len = lengths[next++];
      if (len === undefined) throw new CodestreamError('the JPEG 2000 TLM segment lists more tile-parts than the codestream has');
      if (sp) new DataView(copy.buffer).setUint32(at, len);
      else new DataView(copy.buffer).setUint16(at, len);
    }
    main[i] = copy;
  });
  if (next > 0 && next !== lengths.length) throw new CodestreamError('the JPEG 2000 TLM segments do not list every tile-part');
}

/** Strips one raw JPEG 2000 codestream (SOC … EOC). */
export function stripJ2kCodestream(b: Uint8Array): StrippedFrame {
  if (b.length < 6 || u16be(b, 0) !== SOC || u16be(b, 2) !== SIZ) throw new CodestreamError('the JPEG 2000 frame does not start with SOC and SIZ markers');
  const removed: string[] = [];
  const main = readHeader(b, 2, b.length, [SOT, EOC], removed, 'main');
  let changed = main.changed;
  const tileParts: { sot: Uint8Array; kept: Uint8Array[]; data: Uint8Array; psotZero: boolean }[] = [];
  let at = main.end;
  while (u16be(b, at) === SOT) {
    if (at + 12 > b.length || u16be(b, at + 2) !== 10) throw new CodestreamError(`the JPEG 2000 SOT segment at offset ${at} is malformed`);
    const psot = u32be(b, at + 6);
    let end: number;
    if (psot === 0) {
      // Last tile-part, running to the EOC marker at the end of the codestream (padding after it is allowed).
      end = b.length - 2;
      while (end > at && !(b[end] === 0xff && b[end + 1] === 0xd9 && b.subarray(end + 2).every((x) => x === 0))) end--;
      if (end <= at) throw new CodestreamError('the JPEG 2000 codestream has no EOC marker after its last tile-part');
    } else {
      end = at + psot;
      if (psot < 14 || end > b.length) throw new CodestreamError(`the JPEG 2000 tile-part at offset ${at} runs past the end of the frame`);
    }
    const header = readHeader(b, at + 12, end, [SOD], removed, 'tile-part');
    if (header.changed) changed = true;
    tileParts.push({ sot: b.subarray(at, at + 12), kept: header.kept, data: b.subarray(header.end, end), psotZero: psot === 0 });
    at = end;
  }
  if (at + 2 > b.length || u16be(b, at) !== EOC) throw new CodestreamError('the JPEG 2000 codestream does not end with an EOC marker');
  const tail = trailingBytes(b.subarray(at + 2));
  if (tail.removed) {
    removed.push(tail.removed);
    changed = true;
  }
  const headers = [...main.kept, ...tileParts.flatMap((t) => [t.sot, ...t.kept])];
  if (!changed) return { bytes: b, removed, headers };

  const parts: Uint8Array[] = [b.subarray(0, 2)];
  const tileLengths: number[] = [];
  const tileBytes: Uint8Array[] = [];
  for (const t of tileParts) {
    const sot = copyOf(t.sot);
    let length = sot.length + t.data.length;
    for (const k of t.kept) length += k.length;
    if (!t.psotZero) new DataView(sot.buffer).setUint32(6, length);
    tileLengths.push(length);
    tileBytes.push(sot, ...t.kept, t.data);
  }
  const mainKept = [...main.kept];
  patchTlm(mainKept, tileLengths);
  parts.push(...mainKept, ...tileBytes, b.subarray(at, at + 2), tail.keep);
  return { bytes: concat(parts), removed, headers: [...mainKept, ...tileParts.flatMap((t) => t.kept)] };
}

// ---------------------------------------------------------------------------------------------
// JP2 file format (T.800 Annex I)

export interface Box {
  type: string;
  /** Offset of the box, of its contents, and of its end. */
  start: number;
  body: number;
  end: number;
}

/** The boxes between `from` and `to` (ISO base media box syntax, shared by JP2 and JPEG XL). */
export function readBoxes(b: Uint8Array, from: number, to: number, what: string): Box[] {
  const boxes: Box[] = [];
  let at = from;
  while (at < to) {
    if (at + 8 > to) {
      if (b.subarray(at, to).every((x) => x === 0)) break; // fragment padding
      throw new CodestreamError(`the ${what} file has bytes that are not a box at offset ${at}`);
    }
    let length = u32be(b, at);
    let body = at + 8;
    if (length === 1) {
      if (at + 16 > to) throw new CodestreamError(`the ${what} box at offset ${at} is truncated`);
      length = u32be(b, at + 8) * 2 ** 32 + u32be(b, at + 12);
      body = at + 16;
    } else if (length === 0) length = to - at;
    const type = String.fromCharCode(b[at + 4], b[at + 5], b[at + 6], b[at + 7]);
    if (length < body - at || at + length > to) throw new CodestreamError(`the ${what} box ${boxName(type)} at offset ${at} runs past the end of the frame`);
    boxes.push({ type, start: at, body, end: at + length });
    at += length;
  }
  return boxes;
}

const NAMED_BOXES = new Set(['xml ', 'uuid', 'uinf', 'ulst', 'url ', 'jp2i', 'asoc', 'lbl ', 'nlst', 'Exif', 'jumb', 'brob', 'jbrd', 'jp2c', 'free', 'skip']);
/** A box type for the report: only names we know, since four bytes of a crafted box type could spell anything. */
export function boxName(type: string): string {
  return NAMED_BOXES.has(type) ? `'${type}'` : 'of an unknown type';
}

/** A box with a new body, with a plain 32-bit length. */
export function box(type: string, body: readonly Uint8Array[]): Uint8Array[] {
  let n = 8;
  for (const p of body) n += p.length;
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, n);
  for (let i = 0; i < 4; i++) head[4 + i] = type.charCodeAt(i);
  return [head, ...body];
}

const JP2_TOP_KEEP = new Set(['jP  ', 'ftyp', 'rreq']);
/** JP2 header children a decoder reads: image header, bit depths, colour, palette, mapping, channels, resolution. */
const JP2H_KEEP = new Set(['ihdr', 'bpcc', 'colr', 'pclr', 'cmap', 'cdef', 'res ']);

export function isJp2(b: Uint8Array): boolean {
  return b.length >= 12 && u32be(b, 0) === 12 && b[4] === 0x6a && b[5] === 0x50 && b[6] === 0x20 && b[7] === 0x20;
}

/** Strips a JP2 file: the boxes a decoder does not read, and the codestream's comments. */
export function stripJp2(b: Uint8Array): StrippedFrame {
  const removed: string[] = [];
  const headers: Uint8Array[] = [];
  const parts: Uint8Array[] = [];
  let changed = false;
  let codestreams = 0;
  const boxes = readBoxes(b, 0, b.length, 'JP2');
  for (const x of boxes) {
    const whole = b.subarray(x.start, x.end);
    if (JP2_TOP_KEEP.has(x.type)) {
      parts.push(whole);
      headers.push(whole);
    } else if (x.type === 'jp2h') {
      const kids = readBoxes(b, x.body, x.end, 'JP2 header');
      const keep = kids.filter((k) => JP2H_KEEP.has(k.type)).map((k) => b.subarray(k.start, k.end));
      for (const k of kids) if (!JP2H_KEEP.has(k.type)) removed.push(`JP2 header box ${boxName(k.type)}`);
      if (keep.length === kids.length) parts.push(whole);
      else {
        parts.push(...box('jp2h', keep));
        changed = true;
      }
      headers.push(...keep);
    } else if (x.type === 'jp2c' && codestreams === 0) {
      codestreams++;
      const inner = stripJ2kCodestream(b.subarray(x.body, x.end));
      removed.push(...inner.removed);
      headers.push(...inner.headers);
      if (inner.removed.length === 0) parts.push(whole);
      else {
        parts.push(...box('jp2c', [inner.bytes]));
        changed = true;
      }
    } else {
      removed.push(`JP2 box ${boxName(x.type)}`);
      changed = true;
    }
  }
  if (codestreams === 0) throw new CodestreamError('the JP2 file holds no codestream box');
  const last = boxes[boxes.length - 1];
  if (last && last.end < b.length) parts.push(b.subarray(last.end)); // zero padding (readBoxes refused anything else)
  return { bytes: changed ? concat(parts) : b, removed, headers };
}
