/**
 * A tiny, deliberately independent DICOM Part 10 encoder for tests.
 *
 * It shares no code with src/core/dicom: the point is to produce input files that the engine's
 * readers have to parse without the help of their own writer. It supports what the synthetic PHI
 * study needs: explicit VR little endian, implicit VR little endian and explicit VR big endian;
 * sequences and items with defined or undefined lengths; private blocks; and the broken-converter
 * case of a sequence written as VR UN whose value is an implicit VR little endian encoded sequence.
 *
 * Values are given as:
 *  - string VRs (AE AS CS DA DS DT IS LO LT PN SH ST TM UC UI UR UT): a string, multiple values
 *    joined with backslash (or a string[]);
 *  - binary numeric VRs (US SS UL SL FL FD AT SV UV): number[] (AT as 0xggggeeee numbers);
 *  - bulk VRs (OB OW OF OD OL OV UN): a Uint8Array of little-endian bytes (OW may also be number[]);
 *  - SQ: an array of items, each item an array of elements.
 */

export type TransferSyntaxName = 'explicit-le' | 'implicit-le' | 'explicit-be';

export const TRANSFER_SYNTAX_UID: Record<TransferSyntaxName, string> = {
  'explicit-le': '1.2.840.10008.1.2.1',
  'implicit-le': '1.2.840.10008.1.2',
  'explicit-be': '1.2.840.10008.1.2.2',
};

/** One item of a sequence: a list of elements (the encoder sorts them by tag). */
export type Item = Element[];

export interface Element {
  /** 0xggggeeee */
  tag: number;
  vr: string;
  value: string | string[] | number[] | Uint8Array | Item[];
  /** SQ (or UN written by `unSequence`): write the sequence with undefined length. */
  undefinedLength?: boolean;
  /** SQ: write the items with undefined length. Defaults to `undefinedLength`. */
  itemUndefinedLength?: boolean;
  /**
   * Encapsulated Pixel Data (PS3.5 A.4): written as OB with undefined length, one Item per entry
   * ([Basic Offset Table, ...fragments]), odd fragments padded with 00; `value` is ignored.
   */
  fragments?: Uint8Array[];
}

const STRING_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
/** VRs whose explicit-VR header has 2 reserved bytes and a 4-byte length. */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
/** Size of one numeric value, for VRs whose bytes are swapped in big endian. */
const WORD_SIZE: Record<string, number> = {
  US: 2, SS: 2, OW: 2, UL: 4, SL: 4, FL: 4, OF: 4, OL: 4, AT: 2, FD: 8, OD: 8, SV: 8, UV: 8, OV: 8,
};

const ITEM = 0xfffee000;
const ITEM_DELIMITER = 0xfffee00d;
const SEQUENCE_DELIMITER = 0xfffee0dd;
const UNDEFINED = 0xffffffff;

/** A growable byte sink. */
class Sink {
  private buf = new Uint8Array(1024);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  u16(v: number, little: boolean): void {
    this.ensure(2);
    new DataView(this.buf.buffer).setUint16(this.length, v, little);
    this.length += 2;
  }

  u32(v: number, little: boolean): void {
    this.ensure(4);
    new DataView(this.buf.buffer).setUint32(this.length, v >>> 0, little);
    this.length += 4;
  }

  ascii(s: string): void {
    this.bytes(latin1(s));
  }

  /** Overwrite a 32-bit value already written at `at`. */
  patch32(at: number, v: number, little: boolean): void {
    new DataView(this.buf.buffer).setUint32(at, v >>> 0, little);
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function latin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new Error(`latin1: character U+${c.toString(16)} in ${JSON.stringify(s)}`);
    out[i] = c;
  }
  return out;
}

const utf8 = new TextEncoder();

/** How the dataset is laid out on the wire. */
interface Syntax {
  explicit: boolean;
  little: boolean;
  /** Encode string values as UTF-8 (SpecificCharacterSet ISO_IR 192) instead of Latin-1. */
  utf8: boolean;
}

function syntaxOf(ts: TransferSyntaxName, isUtf8: boolean): Syntax {
  return { explicit: ts !== 'implicit-le', little: ts !== 'explicit-be', utf8: isUtf8 };
}

function isItems(v: Element['value']): v is Item[] {
  return Array.isArray(v) && (v.length === 0 || Array.isArray(v[0]));
}

/** The value bytes of a non-sequence element, already padded to even length and byte-ordered. */
function valueBytes(el: Element, syn: Syntax): Uint8Array {
  const { vr, value } = el;
  if (STRING_VRS.has(vr)) {
    if (typeof value !== 'string' && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
      throw new Error(`tag ${hex(el.tag)}: VR ${vr} needs a string value`);
    }
    const s = Array.isArray(value) ? (value as string[]).join('\\') : value;
    // Only the text VRs that can carry a Specific Character Set are encoded as UTF-8.
    const textual = ['LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT'].includes(vr);
    let b = textual && syn.utf8 ? utf8.encode(s) : latin1(s);
    if (b.length % 2 === 1) {
      const padded = new Uint8Array(b.length + 1);
      padded.set(b);
      padded[b.length] = vr === 'UI' ? 0x00 : 0x20;
      b = padded;
    }
    return b;
  }
  if (WORD_SIZE[vr] !== undefined && Array.isArray(value)) {
    const nums = value as number[];
    if (nums.some((n) => typeof n !== 'number')) throw new Error(`tag ${hex(el.tag)}: VR ${vr} needs numbers`);
    const size = vr === 'AT' ? 4 : WORD_SIZE[vr]!;
    const out = new Uint8Array(nums.length * size);
    const dv = new DataView(out.buffer);
    nums.forEach((n, i) => {
      const at = i * size;
      switch (vr) {
        case 'US': case 'OW': dv.setUint16(at, n, syn.little); break;
        case 'SS': dv.setInt16(at, n, syn.little); break;
        case 'UL': case 'OL': dv.setUint32(at, n, syn.little); break;
        case 'SL': dv.setInt32(at, n, syn.little); break;
        case 'FL': case 'OF': dv.setFloat32(at, n, syn.little); break;
        case 'FD': case 'OD': dv.setFloat64(at, n, syn.little); break;
        case 'SV': dv.setBigInt64(at, BigInt(n), syn.little); break;
        case 'UV': case 'OV': dv.setBigUint64(at, BigInt(n), syn.little); break;
        case 'AT':
          dv.setUint16(at, n >>> 16, syn.little);
          dv.setUint16(at + 2, n & 0xffff, syn.little);
          break;
        default: throw new Error(`unhandled VR ${vr}`);
      }
    });
    return out;
  }
  if (value instanceof Uint8Array) {
    let b: Uint8Array = value;
    // Bulk data is given little endian; swap the words for big endian (OB and UN are byte streams).
    const word = WORD_SIZE[vr];
    if (!syn.little && word !== undefined && word > 1) {
      if (b.length % word !== 0) throw new Error(`tag ${hex(el.tag)}: ${b.length} bytes is not a whole number of ${vr} words`);
      b = b.slice();
      for (let i = 0; i < b.length; i += word) b.subarray(i, i + word).reverse();
    }
    if (b.length % 2 === 1) {
      const padded = new Uint8Array(b.length + 1);
      padded.set(b);
      b = padded;
    }
    return b;
  }
  throw new Error(`tag ${hex(el.tag)}: cannot encode VR ${vr} from ${typeof value}`);
}

function writeTag(sink: Sink, tag: number, little: boolean): void {
  sink.u16(tag >>> 16, little);
  sink.u16(tag & 0xffff, little);
}

function writeHeader(sink: Sink, tag: number, vr: string, length: number, syn: Syntax): void {
  writeTag(sink, tag, syn.little);
  if (!syn.explicit) {
    sink.u32(length, syn.little);
    return;
  }
  sink.ascii(vr);
  if (LONG_VRS.has(vr)) {
    sink.u16(0, syn.little);
    sink.u32(length, syn.little);
  } else {
    if (length > 0xffff) throw new Error(`tag ${hex(tag)}: ${length} bytes do not fit a 16-bit length`);
    sink.u16(length, syn.little);
  }
}

function writeItems(sink: Sink, items: Item[], itemUndefined: boolean, syn: Syntax): void {
  for (const item of items) {
    writeTag(sink, ITEM, syn.little);
    const lengthAt = sink.length;
    sink.u32(itemUndefined ? UNDEFINED : 0, syn.little);
    const start = sink.length;
    writeDataset(sink, item, syn);
    if (itemUndefined) {
      writeTag(sink, ITEM_DELIMITER, syn.little);
      sink.u32(0, syn.little);
    } else {
      sink.patch32(lengthAt, sink.length - start, syn.little);
    }
  }
}

function writeElement(sink: Sink, el: Element, syn: Syntax): void {
  if (el.vr === 'SQ') {
    if (!isItems(el.value)) throw new Error(`tag ${hex(el.tag)}: SQ needs items`);
    const undef = el.undefinedLength ?? false;
    const itemUndef = el.itemUndefinedLength ?? undef;
    writeTag(sink, el.tag, syn.little);
    if (syn.explicit) {
      sink.ascii('SQ');
      sink.u16(0, syn.little);
    }
    const lengthAt = sink.length;
    sink.u32(undef ? UNDEFINED : 0, syn.little);
    const start = sink.length;
    writeItems(sink, el.value, itemUndef, syn);
    if (undef) {
      writeTag(sink, SEQUENCE_DELIMITER, syn.little);
      sink.u32(0, syn.little);
    } else {
      sink.patch32(lengthAt, sink.length - start, syn.little);
    }
    return;
  }
  if (el.fragments) {
    writeHeader(sink, el.tag, 'OB', UNDEFINED, syn);
    for (const f of el.fragments) {
      writeTag(sink, ITEM, syn.little);
      sink.u32(f.length + (f.length & 1), syn.little);
      sink.bytes(f);
      if (f.length & 1) sink.bytes(new Uint8Array(1));
    }
    writeTag(sink, SEQUENCE_DELIMITER, syn.little);
    sink.u32(0, syn.little);
    return;
  }
  if (el.vr === 'UN' && el.undefinedLength) {
    // A sequence written as UN with undefined length: the value is an implicit VR little endian
    // encoded sequence (items and a sequence delimiter), whatever the file's transfer syntax.
    if (!(el.value instanceof Uint8Array)) throw new Error(`tag ${hex(el.tag)}: UN needs bytes`);
    writeHeader(sink, el.tag, syn.explicit ? 'UN' : 'UN', UNDEFINED, syn);
    sink.bytes(el.value);
    return;
  }
  const bytes = valueBytes(el, syn);
  writeHeader(sink, el.tag, el.vr, bytes.length, syn);
  sink.bytes(bytes);
}

function writeDataset(sink: Sink, elements: Element[], syn: Syntax): void {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.tag === sorted[i - 1]!.tag) throw new Error(`duplicate tag ${hex(sorted[i]!.tag)}`);
  }
  for (const el of sorted) writeElement(sink, el, syn);
}

/** Encode a bare dataset (no preamble, no meta) in the given transfer syntax. */
export function encodeDataset(elements: Element[], ts: TransferSyntaxName, opts: { utf8?: boolean } = {}): Uint8Array {
  const sink = new Sink();
  writeDataset(sink, elements, syntaxOf(ts, opts.utf8 ?? false));
  return sink.result();
}

/**
 * A sequence as a VR UN element, the way some converters write a sequence whose VR they do not
 * know: the value bytes are the sequence encoded in implicit VR little endian. With
 * `undefinedLength` the element has length 0xFFFFFFFF and ends with a sequence delimiter (the
 * form PS3.5 6.2.2 describes); otherwise it has a defined length and items of defined length.
 * With `explicit` the items are explicit VR little endian (the broken-converter case).
 */
export function unSequence(tag: number, items: Item[], opts: { undefinedLength?: boolean; utf8?: boolean; explicit?: boolean } = {}): Element {
  // `explicit`: items in explicit VR little endian, which PS3.5 does not allow inside UN but
  // converters write anyway.
  const syn: Syntax = { explicit: opts.explicit ?? false, little: true, utf8: opts.utf8 ?? false };
  const sink = new Sink();
  const undef = opts.undefinedLength ?? false;
  writeItems(sink, items, undef, syn);
  if (undef) {
    writeTag(sink, SEQUENCE_DELIMITER, true);
    sink.u32(0, true);
  }
  return { tag, vr: 'UN', value: sink.result(), undefinedLength: undef };
}

/**
 * A private block: the creator element (gggg,00bb) and elements (gggg,bbxx) for the given
 * offsets xx. `block` is the block number 0x10..0xFF.
 */
export function privateBlock(
  group: number,
  creator: string,
  elements: { offset: number; vr: string; value: Element['value']; undefinedLength?: boolean }[],
  block = 0x10,
): Element[] {
  if (group % 2 === 0) throw new Error(`private group must be odd, got ${group.toString(16)}`);
  const out: Element[] = [{ tag: (group << 16) | block, vr: 'LO', value: creator }];
  for (const e of elements) {
    const el: Element = { tag: (group << 16) | (block << 8) | e.offset, vr: e.vr, value: e.value };
    if (e.undefinedLength !== undefined) el.undefinedLength = e.undefinedLength;
    out.push(el);
  }
  return out;
}

export interface Part10Input {
  sopClassUID: string;
  sopInstanceUID: string;
  transferSyntax: TransferSyntaxName;
  dataset: Element[];
  implementationClassUID?: string;
  implementationVersionName?: string;
  /**
   * The Transfer Syntax UID the file meta declares, when it should differ from the encoding of
   * the dataset (`transferSyntax`): for files whose declared syntax does not match their bytes, or a
   * compressed one (the dataset is then explicit VR little endian with Pixel Data as `fragments`).
   */
  declaredTransferSyntaxUID?: string;
}

/** Encode a complete Part 10 file: 128-byte preamble, "DICM", file meta (explicit VR LE), dataset. */
export function encodePart10(input: Part10Input): Uint8Array {
  const metaSyntax: Syntax = { explicit: true, little: true, utf8: false };
  const meta: Element[] = [
    { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0x00, 0x01]) },
    { tag: 0x00020002, vr: 'UI', value: input.sopClassUID },
    { tag: 0x00020003, vr: 'UI', value: input.sopInstanceUID },
    { tag: 0x00020010, vr: 'UI', value: input.declaredTransferSyntaxUID ?? TRANSFER_SYNTAX_UID[input.transferSyntax] },
    { tag: 0x00020012, vr: 'UI', value: input.implementationClassUID ?? '1.2.826.0.1.3680043.99998.1' },
    { tag: 0x00020013, vr: 'SH', value: input.implementationVersionName ?? 'VEILTEST_ENC' },
  ];
  const metaSink = new Sink();
  writeDataset(metaSink, meta, metaSyntax);
  const metaBody = metaSink.result();

  const isUtf8 = input.dataset.some(
    (e) => e.tag === 0x00080005 && (Array.isArray(e.value) ? e.value.join('\\') : String(e.value)).includes('ISO_IR 192'),
  );
  const body = new Sink();
  writeDataset(body, input.dataset, syntaxOf(input.transferSyntax, isUtf8));

  const out = new Sink();
  out.bytes(new Uint8Array(128));
  out.ascii('DICM');
  writeHeader(out, 0x00020000, 'UL', 4, metaSyntax);
  out.u32(metaBody.length, true);
  out.bytes(metaBody);
  out.bytes(body.result());
  return out.result();
}

export function hex(tag: number): string {
  const g = (tag >>> 16).toString(16).toUpperCase().padStart(4, '0');
  const e = (tag & 0xffff).toString(16).toUpperCase().padStart(4, '0');
  return `(${g},${e})`;
}
