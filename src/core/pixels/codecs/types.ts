/**
 * Shapes shared by the frame layer and the codecs. Kept free of imports so that both
 * `frames.ts` and every codec can use them without import cycles.
 */

/** What the image attributes say about the pixel data (Image Pixel module, PS3.3 C.7.6.3). */
export interface ImageInfo {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  /** 1, 8, 16, 32 or 64. */
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: 0 | 1;
  /** 0 colour-by-pixel (interleaved), 1 colour-by-plane. Always 0 for one sample per pixel. */
  planarConfiguration: 0 | 1;
  /** Photometric Interpretation as stored, e.g. MONOCHROME2, RGB, YBR_FULL_422, PALETTE COLOR. */
  photometric: string;
  numberOfFrames: number;
  pixelPaddingValue?: number;
  /** Which element holds the pixels: Pixel Data, Float Pixel Data (32-bit) or Double Float Pixel Data (64-bit). */
  pixelDataTag: number;
  /** True for Float / Double Float Pixel Data (IEEE samples, Pixel Representation does not apply). */
  floatPixels: boolean;
  /** Things about the attributes a user should hear (e.g. an unreadable Number of Frames). */
  warnings: string[];
}

export type PixelArray =
  | Uint8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

/**
 * One decoded frame: native little-endian samples in memory, ready to paint.
 *
 * - `pixels` holds rows × columns × samplesPerPixel samples. Its type follows Bits Allocated and
 *   Pixel Representation: Uint8Array for 8 (and for 1: one byte per pixel, 0 or 1), Uint16Array /
 *   Int16Array for 16, Uint32Array / Int32Array for 32, Float32Array / Float64Array for Float /
 *   Double Float Pixel Data.
 * - Colour is interleaved (R G B R G B …, planarConfiguration 0) unless `planar` was asked for.
 * - `photometric` is what the decoded samples ARE, which can differ from the dataset's: a JPEG
 *   baseline YBR_FULL_422 frame decodes to RGB, a YBR_RCT/YBR_ICT JPEG 2000 frame to RGB, native
 *   YBR_FULL_422 to YBR_FULL (chroma repeated for both pixels of a pair). Whoever writes the frame
 *   back uncompressed must write these attributes, not the source's.
 * - Signed samples out of a codec are sign-extended from Bits Stored, so an Int16Array holds the
 *   real values. Native (uncompressed) frames are returned exactly as stored, bits above High Bit
 *   included (old files keep overlays there).
 */
export interface DecodedFrame {
  pixels: PixelArray;
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  planarConfiguration: 0 | 1;
  photometric: string;
  /** The source was lossy (a lossy transfer syntax, or a lossy codestream): never re-encode it lossily again. */
  lossy: boolean;
  floatPixels: boolean;
  /** Decoded, but with something a report should mention (e.g. a JPEG 2000 codestream without its EOC marker). */
  warnings?: string[];
}

export interface DecodeOptions {
  /** Return colour as colour-by-plane (RRR…GGG…BBB…) instead of interleaved. */
  planar?: boolean;
}

/** A frame encoded for a compressed transfer syntax, and what the dataset must then say about it. */
export interface EncodedFrame {
  /** The frame's codestream: one fragment's worth, not yet padded to even length. */
  data: Uint8Array;
  /** Photometric Interpretation the dataset must carry for this codestream (JPEG 2000 colour becomes YBR_RCT). */
  photometric: string;
  /** Planar Configuration the dataset must carry (0 for every codec here except native colour-by-plane input). */
  planarConfiguration: 0 | 1;
}

/** A decode or encode failure that a report can show as is: says what was wrong, never a stack trace. */
export class PixelDataError extends Error {
  override name = 'PixelDataError';
}
