/**
 * Reading and writing element values as JavaScript strings and numbers. Text is decoded with
 * the dataset's Specific Character Set; anything this module writes is UTF-8 (the engine sets
 * ISO_IR 192 on any dataset whose text it re-encodes).
 */
import { Dataset, type DataElement } from './dataset.ts';
import { decodeText } from './charset.ts';
import { CHARSET_VRS } from './vr.ts';
import { dictionaryVR, formatTag, keywordOf } from './tags.ts';

const utf8 = new TextEncoder();
const ascii = new TextDecoder('latin1');

/** The whole value as text, padding (trailing spaces and NULs, leading spaces for most VRs) trimmed. */
export function elementText(el: DataElement, charset: readonly string[]): string {
  if (el.value.length === 0) return '';
  const raw = CHARSET_VRS.has(el.vr) ? decodeText(el.value, charset, el.vr) : ascii.decode(el.value);
  // Trailing NULs and spaces (padding) off; a loop, not a regular expression: this runs for
  // nearly every element of every file, several times.
  let end = raw.length;
  while (end > 0 && (raw.charCodeAt(end - 1) === 0 || raw.charCodeAt(end - 1) === 0x20)) end--;
  return end === raw.length ? raw : raw.slice(0, end);
}

export function getString(ds: Dataset, tag: number): string | undefined {
  const el = ds.get(tag);
  return el ? elementText(el, ds.charset) : undefined;
}

/** Multi-valued text split on the backslash delimiter, each value trimmed. */
export function getStrings(ds: Dataset, tag: number): string[] {
  const text = getString(ds, tag);
  return text ? text.split('\\').map((v) => v.trim()) : [];
}

/**
 * A value whose length its VR makes impossible (a 1-byte US). The message names the element, so
 * a file failed for it says where, not what the JavaScript runtime thought of it.
 */
export class DicomValueError extends Error {
  override name = 'DicomValueError';
}

const BINARY_SIZE: Readonly<Record<string, number>> = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8 };

/**
 * First value of a numeric element (US, SS, UL, SL, FL, FD, or IS/DS text). Throws
 * DicomValueError when a binary value is shorter than one value of its VR: such an element
 * cannot be read, and guessing (zero, undefined) would let the image be misread.
 */
export function getNumber(ds: Dataset, tag: number): number | undefined {
  const el = ds.get(tag);
  if (!el || el.value.length === 0) return undefined;
  const size = BINARY_SIZE[el.vr];
  if (size !== undefined && el.value.length < size) {
    throw new DicomValueError(`${formatTag(tag)} ${keywordOf(tag)} is ${el.vr} but ${el.value.length} byte(s) long (one ${el.vr} value takes ${size}): the element cannot be read`);
  }
  const v = new DataView(el.value.buffer, el.value.byteOffset, el.value.byteLength);
  switch (el.vr) {
    case 'US': return v.getUint16(0, true);
    case 'SS': return v.getInt16(0, true);
    case 'UL': return v.getUint32(0, true);
    case 'SL': return v.getInt32(0, true);
    case 'FL': return v.getFloat32(0, true);
    case 'FD': return v.getFloat64(0, true);
    default: {
      const n = Number(elementText(el, ds.charset).split('\\')[0]);
      return Number.isFinite(n) ? n : undefined;
    }
  }
}

/** Encodes text for a value; UI values are padded with NUL, others with a space, to even length. */
export function encodeText(text: string, vr: string): Uint8Array {
  const bytes = utf8.encode(text);
  if (bytes.length % 2 === 0) return bytes;
  const padded = new Uint8Array(bytes.length + 1);
  padded.set(bytes);
  padded[bytes.length] = vr === 'UI' ? 0 : 0x20;
  return padded;
}

/** Sets a text value; the VR defaults to the dictionary's. */
export function setString(ds: Dataset, tag: number, text: string, vr = ds.get(tag)?.vr ?? dictionaryVR(tag) ?? 'LO'): void {
  ds.set({ tag, vr, value: encodeText(text, vr) });
}

export function setUint16(ds: Dataset, tag: number, n: number): void {
  const value = new Uint8Array(2);
  new DataView(value.buffer).setUint16(0, n, true);
  ds.set({ tag, vr: 'US', value });
}
