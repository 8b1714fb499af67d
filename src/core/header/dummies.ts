/**
 * Dummy values for action D: non-empty, valid for the VR, and carrying no information.
 */
import { encodeText } from '../dicom/values.ts';

const TEXT_DUMMIES: Readonly<Record<string, string>> = {
  AE: 'ANONYMIZED',
  AS: '000Y',
  CS: 'ANONYMIZED',
  DA: '19000101',
  DS: '0',
  DT: '19000101000000',
  IS: '0',
  LO: 'ANONYMIZED',
  LT: 'ANONYMIZED',
  PN: 'ANONYMIZED',
  SH: 'ANONYMIZED',
  ST: 'ANONYMIZED',
  TM: '000000',
  UC: 'ANONYMIZED',
  UR: 'urn:x-veil:anonymized',
  UT: 'ANONYMIZED',
};

const BINARY_WIDTH: Readonly<Record<string, number>> = {
  AT: 4, FD: 8, FL: 4, SL: 4, SS: 2, SV: 8, UL: 4, US: 2, UV: 8, OB: 2, OD: 8, OF: 4, OL: 4, OV: 8, OW: 2, UN: 2,
};

export function dummyValue(vr: string): Uint8Array {
  const text = TEXT_DUMMIES[vr];
  if (text !== undefined) return encodeText(text, vr);
  return new Uint8Array(BINARY_WIDTH[vr] ?? 2);
}
