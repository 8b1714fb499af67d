/**
 * Checks native (uncompressed) Pixel Data against what the image attributes say it must hold:
 * Rows × Columns × Samples per Pixel × Bits Allocated / 8 × Number of Frames. A short value
 * means lost pixels; extra bytes are padding (one byte for odd-length data) or leftovers.
 */
import type { Dataset } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { getNumber } from '../dicom/values.ts';
import { readImagePixel } from './image-pixel.ts';

export function expectedPixelBytes(ds: Dataset): number | undefined {
  const { rows, columns, bitsAllocated: bits, photometric, samplesPerPixel } = readImagePixel(ds);
  if (!rows || !columns || !bits) return undefined;
  // YBR_FULL_422 stored natively shares one Cb/Cr pair between two pixels: 2 samples' worth per pixel.
  const samples = photometric === 'YBR_FULL_422' ? 2 : samplesPerPixel ?? 1;
  const frames = Math.max(1, Math.trunc(getNumber(ds, T.NumberOfFrames) ?? 1));
  return Math.ceil((rows * columns * samples * frames * bits) / 8);
}

/** A note for the report when native Pixel Data does not have the length it should, else undefined. */
export function checkNativePixelLength(ds: Dataset): string | undefined {
  const pixels = ds.get(T.PixelData);
  if (!pixels || pixels.fragments) return undefined;
  const expected = expectedPixelBytes(ds);
  if (expected === undefined) return undefined;
  const actual = pixels.value.length;
  if (actual === expected || (expected % 2 === 1 && actual === expected + 1 && expected > 0)) {
    return expected % 2 === 1 ? `Pixel Data holds ${expected} bytes of pixels (odd) plus one padding byte` : undefined;
  }
  if (actual < expected) return `Pixel Data is ${actual} bytes but the image attributes need ${expected}: some pixels are missing`;
  return `Pixel Data is ${actual} bytes, ${actual - expected} more than the image attributes need (${expected}); the extra bytes are kept`;
}
