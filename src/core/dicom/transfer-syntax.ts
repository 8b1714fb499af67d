/** Transfer syntax UIDs and what they mean for reading and writing. */

export const TS = {
  ImplicitVRLittleEndian: '1.2.840.10008.1.2',
  ExplicitVRLittleEndian: '1.2.840.10008.1.2.1',
  DeflatedExplicitVRLittleEndian: '1.2.840.10008.1.2.1.99',
  ExplicitVRBigEndian: '1.2.840.10008.1.2.2',
} as const;

export interface Encoding {
  explicitVR: boolean;
  littleEndian: boolean;
  deflated: boolean;
  /** Pixel Data is a sequence of fragments (every compressed transfer syntax). */
  encapsulated: boolean;
}

const NATIVE = new Set<string>([TS.ImplicitVRLittleEndian, TS.ExplicitVRLittleEndian, TS.DeflatedExplicitVRLittleEndian, TS.ExplicitVRBigEndian]);

export function encodingOf(uid: string): Encoding {
  return {
    explicitVR: uid !== TS.ImplicitVRLittleEndian,
    littleEndian: uid !== TS.ExplicitVRBigEndian,
    deflated: uid === TS.DeflatedExplicitVRLittleEndian,
    // Unknown UIDs are assumed to be compressed: PS3.5 A.4 requires encapsulation for every
    // transfer syntax that is not one of the native ones.
    encapsulated: !NATIVE.has(uid),
  };
}

/**
 * The transfer syntax a de-identified copy is written in: big-endian and deflated input become
 * explicit VR little endian (PS3.5 retired big endian; deflate would hide nothing but costs time);
 * everything else is kept, so encapsulated pixel data is copied byte for byte.
 */
export function outputTransferSyntax(inputUid: string): string {
  if (inputUid === TS.ExplicitVRBigEndian || inputUid === TS.DeflatedExplicitVRLittleEndian) return TS.ExplicitVRLittleEndian;
  return inputUid;
}

const NAMES: Record<string, string> = {
  [TS.ImplicitVRLittleEndian]: 'Implicit VR Little Endian',
  [TS.ExplicitVRLittleEndian]: 'Explicit VR Little Endian',
  [TS.DeflatedExplicitVRLittleEndian]: 'Deflated Explicit VR Little Endian',
  [TS.ExplicitVRBigEndian]: 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'HTJ2K Lossless',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};
export const transferSyntaxName = (uid: string): string => NAMES[uid] ?? uid;
