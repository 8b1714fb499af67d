/**
 * Part 10 writer: preamble, DICM, a fresh file meta group, then the dataset in little endian
 * (explicit or implicit VR). Sequences and items are written with undefined lengths, which is
 * valid in every transfer syntax and spares a sizing pass. Values are copied once, into one
 * output buffer sized up front.
 */
import { Dataset, type DataElement } from './dataset.ts';
import { T } from './tags.ts';
import { TS, encodingOf } from './transfer-syntax.ts';
import { LONG_LENGTH_VRS, STRING_VRS } from './vr.ts';

/** Veil's implementation class UID (a 2.25 UUID-derived root) and version, written into every file meta. */
export const IMPLEMENTATION_CLASS_UID = '2.25.266734891390451209137870093716651375417';
export const IMPLEMENTATION_VERSION_NAME = 'VEIL_0_1';

export interface WriteInput {
  dataset: Dataset;
  /** Transfer syntax to write; must be little endian and not deflated (see outputTransferSyntax). */
  transferSyntaxUID: string;
  sopClassUID: string;
  sopInstanceUID: string;
}

const UNDEFINED = 0xffffffff;

/** Values at least this large are referenced, not copied, by writePart10Parts. */
const REFERENCE_THRESHOLD = 64 * 1024;

/** One buffer holding all parts (a copy; write the parts directly to avoid one). */
export function joinParts(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The encoded file as one buffer. */
export function writePart10(input: WriteInput): Uint8Array {
  return joinParts(writePart10Parts(input).parts);
}

/**
 * The encoded file as a list of parts whose concatenation is the file. Large values (pixel data
 * above all) are views of the dataset's own bytes rather than copies, so writing a de-identified
 * file costs a few kilobytes of new memory instead of a second copy of the image: it matters for
 * multi-gigabyte studies in a browser tab, and for batch speed.
 */
export function writePart10Parts(input: WriteInput): { parts: Uint8Array[]; size: number } {
  const enc = encodingOf(input.transferSyntaxUID);
  if (!enc.littleEndian || enc.deflated) throw new Error(`writer only writes little endian, not ${input.transferSyntaxUID}`);

  const meta = new Dataset();
  const text = (tag: number, s: string, vr: string) => meta.set({ tag, vr, value: padded(ascii(s), vr) });
  meta.set({ tag: T.FileMetaInformationVersion, vr: 'OB', value: new Uint8Array([0, 1]) });
  text(T.MediaStorageSOPClassUID, input.sopClassUID, 'UI');
  text(T.MediaStorageSOPInstanceUID, input.sopInstanceUID, 'UI');
  text(T.TransferSyntaxUID, input.transferSyntaxUID, 'UI');
  text(T.ImplementationClassUID, IMPLEMENTATION_CLASS_UID, 'UI');
  text(T.ImplementationVersionName, IMPLEMENTATION_VERSION_NAME, 'SH');
  const metaElements = meta.sorted();
  const metaLength = metaElements.reduce((n, el) => n + sizeOf(el, true), 0);

  const explicit = enc.explicitVR;
  const dataElements = input.dataset.sorted().filter((el) => el.tag > 0x0000ffff && (el.tag < 0x00020000 || el.tag > 0x0002ffff));
  const total = 132 + 12 + metaLength + dataElements.reduce((n, el) => n + sizeOf(el, explicit), 0);
  const referenced = dataElements.reduce((n, el) => n + referencedBytes(el), 0);

  const w = new Writer(total - referenced);
  w.pos = 128;
  w.bytes(ascii('DICM'));
  w.header(T.FileMetaInformationGroupLength, 'UL', 4, true);
  w.u32(metaLength);
  for (const el of metaElements) w.element(el, true);
  for (const el of dataElements) w.element(el, explicit);
  const parts = w.finish();
  const size = parts.reduce((n, p) => n + p.length, 0);
  if (size !== total) throw new Error(`writer size mismatch: ${size} != ${total}`);
  return { parts, size };
}

const isReferenced = (b: Uint8Array): boolean => b.length >= REFERENCE_THRESHOLD && (b.length & 1) === 0;

/** Bytes of an element that the writer references instead of copying. */
function referencedBytes(el: DataElement): number {
  if (el.fragments) return el.fragments.reduce((n, f) => n + (isReferenced(f) ? f.length : 0), 0);
  if (el.items) {
    let n = 0;
    for (const item of el.items) for (const child of item.elements.values()) n += referencedBytes(child);
    return n;
  }
  return isReferenced(el.value) ? el.value.length : 0;
}

/** Single-byte text (UIDs, names of the implementation) as bytes: a plain loop, as it runs per file. */
function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function padded(v: Uint8Array, vr: string): Uint8Array {
  if (v.length % 2 === 0) return v;
  const out = new Uint8Array(v.length + 1);
  out.set(v);
  out[v.length] = padByte(vr);
  return out;
}
const padByte = (vr: string): number => (vr === 'UI' ? 0 : STRING_VRS.has(vr) ? 0x20 : 0);

const even = (n: number): number => n + (n & 1);

function headerSize(vr: string, explicit: boolean): number {
  return !explicit || LONG_LENGTH_VRS.has(vr) ? (explicit ? 12 : 8) : 8;
}

/** Encoded size of an element including its header, nested items and delimiters. */
function sizeOf(el: DataElement, explicit: boolean): number {
  if (el.items) {
    let n = (explicit ? 12 : 8) + 8; // header + sequence delimiter
    for (const item of el.items) {
      n += 16; // item header + item delimiter
      for (const child of item.elements.values()) n += sizeOf(child, explicit);
    }
    return n;
  }
  if (el.fragments) {
    let n = (explicit ? 12 : 8) + 8;
    for (const f of el.fragments) n += 8 + even(f.length);
    return n;
  }
  let vr = el.vr;
  // A short-length VR cannot hold more than 65534 bytes; such values are written as UN.
  if (explicit && !LONG_LENGTH_VRS.has(vr) && el.value.length > 0xfffe) vr = 'UN';
  return headerSize(vr, explicit) + even(el.value.length);
}

class Writer {
  private readonly out: Uint8Array;
  private readonly view: DataView;
  private readonly parts: Uint8Array[] = [];
  private segmentStart = 0;
  /** Position in the inline buffer (referenced values take no room there). */
  pos = 0;
  constructor(inlineSize: number) {
    this.out = new Uint8Array(inlineSize);
    this.view = new DataView(this.out.buffer);
  }
  finish(): Uint8Array[] {
    if (this.pos > this.segmentStart || this.parts.length === 0) this.parts.push(this.out.subarray(this.segmentStart, this.pos));
    return this.parts;
  }
  u16(n: number): void {
    this.view.setUint16(this.pos, n, true);
    this.pos += 2;
  }
  u32(n: number): void {
    this.view.setUint32(this.pos, n, true);
    this.pos += 4;
  }
  bytes(b: Uint8Array): void {
    if (isReferenced(b)) {
      if (this.pos > this.segmentStart) this.parts.push(this.out.subarray(this.segmentStart, this.pos));
      this.parts.push(b);
      this.segmentStart = this.pos;
      return;
    }
    this.out.set(b, this.pos);
    this.pos += b.length;
  }
  tag(tag: number): void {
    this.u16(Math.floor(tag / 0x10000));
    this.u16(tag & 0xffff);
  }
  header(tag: number, vr: string, length: number, explicit: boolean): void {
    this.tag(tag);
    if (!explicit) return this.u32(length);
    this.out[this.pos] = vr.charCodeAt(0);
    this.out[this.pos + 1] = vr.charCodeAt(1);
    this.pos += 2;
    if (LONG_LENGTH_VRS.has(vr)) {
      this.u16(0);
      this.u32(length);
    } else {
      this.u16(length);
    }
  }
  element(el: DataElement, explicit: boolean): void {
    if (el.items) {
      this.header(el.tag, 'SQ', UNDEFINED, explicit);
      for (const item of el.items) {
        this.tag(T.Item);
        this.u32(UNDEFINED);
        for (const child of item.sorted()) this.element(child, explicit);
        this.tag(T.ItemDelimitationItem);
        this.u32(0);
      }
      this.tag(T.SequenceDelimitationItem);
      this.u32(0);
      return;
    }
    if (el.fragments) {
      this.header(el.tag, 'OB', UNDEFINED, explicit);
      for (const f of el.fragments) {
        this.tag(T.Item);
        this.u32(even(f.length));
        this.bytes(f);
        if (f.length & 1) this.out[this.pos++] = 0;
      }
      this.tag(T.SequenceDelimitationItem);
      this.u32(0);
      return;
    }
    let vr = el.vr;
    if (explicit && !LONG_LENGTH_VRS.has(vr) && el.value.length > 0xfffe) vr = 'UN';
    const len = even(el.value.length);
    this.header(el.tag, vr, len, explicit);
    this.bytes(el.value);
    if (el.value.length & 1) this.out[this.pos++] = padByte(vr);
  }
}

export { TS };
