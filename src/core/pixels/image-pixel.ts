/**
 * The one reader of the Image Pixel module (PS3.3 C.7.6.3): rows, columns, samples, bits,
 * pixel representation, planar configuration, photometric interpretation, number of frames and
 * the pixel element itself. It reads what the header says and nothing more — absent or
 * unreadable values are undefined, never guessed — so each user decides how lenient to be:
 * frames.ts (imageInfo) validates for decoding and throws; redaction, thumbnails, OCR display
 * and the pixel-length check take the values as they are.
 */
import type { DataElement, Dataset } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { getNumber, getString } from '../dicom/values.ts';

export interface ImagePixelAttributes {
  rows?: number;
  columns?: number;
  samplesPerPixel?: number;
  bitsAllocated?: number;
  bitsStored?: number;
  highBit?: number;
  pixelRepresentation?: number;
  planarConfiguration?: number;
  /** Photometric Interpretation, trimmed and upper case; undefined when absent or empty. */
  photometric?: string;
  /** Number of Frames as written, trimmed; undefined when absent or empty. */
  numberOfFramesText?: string;
  /** The element holding the pixels: Pixel Data, else Float / Double Float Pixel Data. */
  pixels?: DataElement;
  /** The pixels are Float (32-bit) or Double Float (64-bit) Pixel Data. */
  float: boolean;
}

/** The element holding the image's pixels (Pixel Data, else Float / Double Float Pixel Data). */
export function pixelElement(ds: Dataset): DataElement | undefined {
  return ds.get(T.PixelData) ?? ds.get(T.FloatPixelData) ?? ds.get(T.DoubleFloatPixelData);
}

export function readImagePixel(ds: Dataset): ImagePixelAttributes {
  const num = (tag: number): number | undefined => {
    const v = getNumber(ds, tag);
    return v === undefined || !Number.isFinite(v) ? undefined : v;
  };
  const pixels = pixelElement(ds);
  return {
    rows: num(T.Rows),
    columns: num(T.Columns),
    samplesPerPixel: num(T.SamplesPerPixel),
    bitsAllocated: num(T.BitsAllocated),
    bitsStored: num(T.BitsStored),
    highBit: num(T.HighBit),
    pixelRepresentation: num(T.PixelRepresentation),
    planarConfiguration: num(T.PlanarConfiguration),
    photometric: getString(ds, T.PhotometricInterpretation)?.trim().toUpperCase() || undefined,
    numberOfFramesText: getString(ds, T.NumberOfFrames)?.trim() || undefined,
    pixels,
    float: pixels !== undefined && pixels.tag !== T.PixelData,
  };
}
