/**
 * Transfer syntax UIDs and what they mean for reading and writing: the one table of them. The
 * reader and writer use the encoding (VR, byte order, deflate, encapsulation), the codec layer the
 * family and lossiness (pixels/codecs/index.ts adds which library decodes and encodes each).
 */

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

/** How Pixel Data is coded: native, or which compression (the codec that decodes it). */
export type TransferSyntaxFamily = 'native' | 'encapsulated-native' | 'deflate' | 'rle' | 'jpeg' | 'jpeg-ls' | 'j2k' | 'htj2k' | 'jxl';

export interface TransferSyntaxInfo {
  name: string;
  family: TransferSyntaxFamily;
  lossy: boolean;
}

/** Every transfer syntax Veil knows (PS3.6 Annex A), by UID. Others are treated as unknown compression. */
export const TRANSFER_SYNTAXES: Readonly<Record<string, TransferSyntaxInfo>> = {
  [TS.ImplicitVRLittleEndian]: { name: 'Implicit VR Little Endian', family: 'native', lossy: false },
  [TS.ExplicitVRLittleEndian]: { name: 'Explicit VR Little Endian', family: 'native', lossy: false },
  [TS.DeflatedExplicitVRLittleEndian]: { name: 'Deflated Explicit VR Little Endian', family: 'native', lossy: false },
  [TS.ExplicitVRBigEndian]: { name: 'Explicit VR Big Endian', family: 'native', lossy: false },
  '1.2.840.10008.1.2.1.98': { name: 'Encapsulated Uncompressed Explicit VR Little Endian', family: 'encapsulated-native', lossy: false },
  '1.2.840.10008.1.2.8.1': { name: 'Deflated Image Frame Compression', family: 'deflate', lossy: false },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', family: 'rle', lossy: false },
  '1.2.840.10008.1.2.4.50': { name: 'JPEG Baseline (Process 1)', family: 'jpeg', lossy: true },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG Extended (Process 2 & 4)', family: 'jpeg', lossy: true },
  '1.2.840.10008.1.2.4.52': { name: 'JPEG Extended (Process 3 & 5) (retired)', family: 'jpeg', lossy: true },
  '1.2.840.10008.1.2.4.53': { name: 'JPEG Spectral Selection (Process 6 & 8) (retired)', family: 'jpeg', lossy: true },
  '1.2.840.10008.1.2.4.54': { name: 'JPEG Spectral Selection (Process 7 & 9) (retired)', family: 'jpeg', lossy: true },
  '1.2.840.10008.1.2.4.55': { name: 'JPEG Full Progression (Process 10 & 12) (retired)', family: 'jpeg', lossy: true },
  '1.2.840.10008.1.2.4.56': { name: 'JPEG Full Progression (Process 11 & 13) (retired)', family: 'jpeg', lossy: true },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG Lossless (Process 14)', family: 'jpeg', lossy: false },
  '1.2.840.10008.1.2.4.58': { name: 'JPEG Lossless (Process 15) (retired)', family: 'jpeg', lossy: false },
  '1.2.840.10008.1.2.4.70': { name: 'JPEG Lossless SV1 (Process 14)', family: 'jpeg', lossy: false },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS Lossless', family: 'jpeg-ls', lossy: false },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS Near-Lossless', family: 'jpeg-ls', lossy: true },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 Lossless', family: 'j2k', lossy: false },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000', family: 'j2k', lossy: true },
  '1.2.840.10008.1.2.4.92': { name: 'JPEG 2000 Part 2 Multi-component Lossless', family: 'j2k', lossy: false },
  '1.2.840.10008.1.2.4.93': { name: 'JPEG 2000 Part 2 Multi-component', family: 'j2k', lossy: true },
  '1.2.840.10008.1.2.4.201': { name: 'HTJ2K Lossless', family: 'htj2k', lossy: false },
  '1.2.840.10008.1.2.4.202': { name: 'HTJ2K Lossless RPCL', family: 'htj2k', lossy: false },
  '1.2.840.10008.1.2.4.203': { name: 'HTJ2K', family: 'htj2k', lossy: true },
  '3.2.840.10008.1.2.4.96': { name: 'HTJ2K (pre-standard UID)', family: 'htj2k', lossy: true },
  '1.2.840.10008.1.2.4.110': { name: 'JPEG XL Lossless', family: 'jxl', lossy: false },
  '1.2.840.10008.1.2.4.111': { name: 'JPEG XL JPEG Recompression', family: 'jxl', lossy: true },
  '1.2.840.10008.1.2.4.112': { name: 'JPEG XL', family: 'jxl', lossy: true },
};

export const transferSyntaxInfo = (uid: string): TransferSyntaxInfo | undefined => TRANSFER_SYNTAXES[uid];

export function encodingOf(uid: string): Encoding {
  return {
    explicitVR: uid !== TS.ImplicitVRLittleEndian,
    littleEndian: uid !== TS.ExplicitVRBigEndian,
    deflated: uid === TS.DeflatedExplicitVRLittleEndian,
    // Unknown UIDs are assumed to be compressed: PS3.5 A.4 requires encapsulation for every
    // transfer syntax that is not one of the native ones.
    encapsulated: TRANSFER_SYNTAXES[uid]?.family !== 'native',
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

export const transferSyntaxName = (uid: string): string => TRANSFER_SYNTAXES[uid]?.name ?? uid;
