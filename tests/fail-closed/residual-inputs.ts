/**
 * Small input images for the residual-coverage, kept-value-hit and charset-cleaning tests: a
 * valid 2×2 secondary capture whose patient is known, to which a test adds the hiding place it
 * is about. Built with the independent test encoder, never with the engine's writer.
 */
import { encodePart10, type Element } from '../synthetic/encoder.ts';
import type { PlantedValue } from './harness.ts';
import { monochromeImagePixel } from '../synthetic/image-pixel.ts';

export const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
export const STUDY_UID = '1.2.826.0.1.3680043.8.498.47110815';
export const SERIES_UID = '1.2.826.0.1.3680043.8.498.47110816';
export const INSTANCE_UID = '1.2.826.0.1.3680043.8.498.47110817';

/** Raw bytes as the encoder's string input (it writes string values as Latin-1, byte for byte). */
export const raw = (bytes: Uint8Array): string => String.fromCharCode(...bytes);
export const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export interface Patient {
  /** Specific Character Set, or undefined for the default repertoire. */
  charset?: string;
  /** Patient's Name as the encoder should write it (already in the file's bytes, via `raw`, when not Latin-1). */
  name: string;
  id: string;
  birthDate: string;
}

export const ASCII_PATIENT: Patient = { name: 'KARLSSON^INGRID', id: 'PID583920', birthDate: '19471213' };

/** The planted values every test shares: the patient's name parts, ID, birth date and the original UIDs. */
export function patientPlanted(p: Patient = ASCII_PATIENT, nameParts = ['Karlsson', 'Ingrid']): PlantedValue[] {
  return [
    ...nameParts.map((value): PlantedValue => ({ value, kind: 'name', inMapping: true })),
    { value: p.id, kind: 'id', inMapping: true },
    { value: p.birthDate, kind: 'birthdate' },
    { value: STUDY_UID, kind: 'uid', inMapping: true },
    { value: SERIES_UID, kind: 'uid', inMapping: true },
    { value: INSTANCE_UID, kind: 'uid' },
  ];
}

export function image(extra: Element[], p: Patient = ASCII_PATIENT): Uint8Array {
  const dataset: Element[] = [
    { tag: 0x00080016, vr: 'UI', value: SECONDARY_CAPTURE },
    { tag: 0x00080018, vr: 'UI', value: INSTANCE_UID },
    { tag: 0x00080020, vr: 'DA', value: '20240102' },
    { tag: 0x00080060, vr: 'CS', value: 'OT' },
    { tag: 0x00080064, vr: 'CS', value: 'WSD' },
    { tag: 0x00100010, vr: 'PN', value: p.name },
    { tag: 0x00100020, vr: 'LO', value: p.id },
    { tag: 0x00100030, vr: 'DA', value: p.birthDate },
    { tag: 0x00100040, vr: 'CS', value: 'F' },
    { tag: 0x0020000d, vr: 'UI', value: STUDY_UID },
    { tag: 0x0020000e, vr: 'UI', value: SERIES_UID },
    { tag: 0x00200013, vr: 'IS', value: '1' },
    ...monochromeImagePixel(2, 2),
    { tag: 0x7fe00010, vr: 'OB', value: new Uint8Array([0, 64, 128, 255]) },
    ...extra,
  ];
  if (p.charset) dataset.push({ tag: 0x00080005, vr: 'CS', value: p.charset });
  return encodePart10({ sopClassUID: SECONDARY_CAPTURE, sopInstanceUID: INSTANCE_UID, transferSyntax: 'explicit-le', dataset });
}

/** Bytes of a sample buffer (waveform, LUT) with `text` planted at `at`, otherwise a smooth ramp. */
export function samplesWith(text: Uint8Array, length = 512, at = 100): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 2) {
    out[i] = (i / 2) & 0xff;
    out[i + 1] = (i / 2) >> 8;
  }
  out.set(text, at);
  return out;
}

/** Leaks per profile variant, with the variants that leaked nothing left out (for readable failures). */
export function onlyLeaky<T>(byVariant: Record<string, T[]>): Record<string, T[]> {
  return Object.fromEntries(Object.entries(byVariant).filter(([, leaks]) => leaks.length > 0));
}

export function utf16le(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    out[2 * i] = s.charCodeAt(i) & 0xff;
    out[2 * i + 1] = s.charCodeAt(i) >> 8;
  }
  return out;
}
