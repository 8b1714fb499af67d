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

export function writePart10(input: WriteInput): Uint8Array {
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

  const w = new Writer(total);
  w.pos = 128;
  w.bytes(ascii('DICM'));
  w.header(T.FileMetaInformationGroupLength, 'UL', 4, true);
  w.u32(metaLength);
  for (const el of metaElements) w.element(el, true);
  for (const el of dataElements) w.element(el, explicit);
  if (w.pos !== total) throw new Error(`writer size mismatch: ${w.pos} != ${total}`);
  return w.out;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

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
  readonly out: Uint8Array;
  private readonly view: DataView;
  pos = 0;
  constructor(size: number) {
    this.out = new Uint8Array(size);
    this.view = new DataView(this.out.buffer);
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
