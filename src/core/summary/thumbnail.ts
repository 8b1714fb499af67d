/**
 * A small preview of the first frame of a NATIVE (uncompressed) image, as RGBA bytes, for the
 * study browser. Grayscale images go through the display pipeline (pixels/display.ts: Modality
 * rescale, the file's Window Center/Width or else the 1st–99th percentile of the samples,
 * MONOCHROME1 / Presentation LUT INVERSE polarity); RGB and YBR_FULL are shown as they are. Compressed images, palette colour and anything unusual give undefined: the UI shows
 * a placeholder (decoding codecs is the viewer's job). DOM-free.
 */
import type { Dataset } from '../dicom/dataset.ts';
import { encodingOf } from '../dicom/transfer-syntax.ts';
import { displayParams, grayLevels, voiRange } from '../pixels/display.ts';
import { readImagePixel } from '../pixels/image-pixel.ts';

export interface Thumbnail {
  width: number;
  height: number;
  /** width × height × 4 bytes, row by row. */
  rgba: Uint8ClampedArray<ArrayBuffer>;
}

/** Reads sample `i` of a grayscale frame as a raw stored value. */
type SampleReader = (i: number) => number;

function sampleReader(bytes: Uint8Array, bitsAllocated: number, bitsStored: number, signed: boolean): SampleReader | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bitsAllocated === 8) return signed ? (i) => view.getInt8(i) : (i) => bytes[i];
  if (bitsAllocated === 16) {
    const bits = Math.min(Math.max(bitsStored, 1), 16);
    const mask = bits === 16 ? 0xffff : (1 << bits) - 1;
    const sign = 1 << (bits - 1);
    // Only the stored bits are the value: higher bits may hold overlays or garbage.
    return signed
      ? (i) => {
          const v = view.getUint16(i * 2, true) & mask;
          return v & sign ? v - (mask + 1) : v;
        }
      : (i) => view.getUint16(i * 2, true) & mask;
  }
  if (bitsAllocated === 32) return signed ? (i) => view.getInt32(i * 4, true) : (i) => view.getUint32(i * 4, true);
  return undefined;
}

/** Target size keeping the aspect ratio, the longer side `maxSize` (never upscaled). */
export function thumbnailSize(rows: number, columns: number, maxSize: number): { width: number; height: number } {
  const scale = Math.min(1, maxSize / Math.max(rows, columns));
  return { width: Math.max(1, Math.round(columns * scale)), height: Math.max(1, Math.round(rows * scale)) };
}

export function makeThumbnail(ds: Dataset, transferSyntaxUID: string, maxSize = 128): Thumbnail | undefined {
  if (encodingOf(transferSyntaxUID).encapsulated) return undefined;
  const image = readImagePixel(ds);
  const pixels = image.pixels;
  // Float and Double Float Pixel Data (parametric maps) get the placeholder.
  if (!pixels || image.float || pixels.fragments || pixels.value.length === 0) return undefined;
  const rows = image.rows ?? 0;
  const columns = image.columns ?? 0;
  const spp = image.samplesPerPixel ?? 1;
  const bitsAllocated = image.bitsAllocated ?? 0;
  const bitsStored = image.bitsStored ?? bitsAllocated;
  const signed = image.pixelRepresentation === 1;
  const photometric = image.photometric ?? '';
  if (rows < 1 || columns < 1 || rows > 65535 || columns > 65535) return undefined;
  const bytesPerSample = bitsAllocated / 8;
  if (!Number.isInteger(bytesPerSample) || bytesPerSample < 1) return undefined;
  const frameBytes = rows * columns * spp * bytesPerSample;
  if (pixels.value.length < frameBytes) return undefined;
  const frame = pixels.value.subarray(0, frameBytes);
  const { width, height } = thumbnailSize(rows, columns, maxSize);

  if (spp === 1 && (photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2' || photometric === '')) {
    const read = sampleReader(frame, bitsAllocated, bitsStored, signed);
    if (!read) return undefined;
    return grayscale(ds, read, rows, columns, width, height);
  }
  if (spp === 3 && bitsAllocated === 8 && (photometric === 'RGB' || photometric === 'YBR_FULL')) {
    const planar = image.planarConfiguration === 1;
    return color(frame, rows, columns, width, height, planar, photometric === 'YBR_FULL');
  }
  return undefined;
}

/** Source pixel index for each target pixel (nearest, at the centre of the target cell). */
function sourceIndex(x: number, y: number, rows: number, columns: number, width: number, height: number): number {
  const sx = Math.min(columns - 1, Math.floor(((x + 0.5) * columns) / width));
  const sy = Math.min(rows - 1, Math.floor(((y + 0.5) * rows) / height));
  return sy * columns + sx;
}

function grayscale(ds: Dataset, read: SampleReader, rows: number, columns: number, width: number, height: number): Thumbnail {
  const stored = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) stored[y * width + x] = read(sourceIndex(x, y, rows, columns, width, height));
  }
  const params = displayParams(ds);
  const levels = grayLevels(stored, params, voiRange(stored, params, 'header', 'percentile'));
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < levels.length; i++) {
    const o = i * 4;
    rgba[o] = rgba[o + 1] = rgba[o + 2] = levels[i];
    rgba[o + 3] = 255;
  }
  return { width, height, rgba };
}

function color(frame: Uint8Array, rows: number, columns: number, width: number, height: number, planar: boolean, ybr: boolean): Thumbnail {
  const plane = rows * columns;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = sourceIndex(x, y, rows, columns, width, height);
      let a: number, b: number, c: number;
      if (planar) [a, b, c] = [frame[s], frame[plane + s], frame[2 * plane + s]];
      else [a, b, c] = [frame[s * 3], frame[s * 3 + 1], frame[s * 3 + 2]];
      const o = (y * width + x) * 4;
      if (ybr) {
        // PS3.3 C.7.6.3.1.2: YBR_FULL to RGB.
        rgba[o] = a + 1.402 * (c - 128);
        rgba[o + 1] = a - 0.344136 * (b - 128) - 0.714136 * (c - 128);
        rgba[o + 2] = a + 1.772 * (b - 128);
      } else {
        rgba[o] = a;
        rgba[o + 1] = b;
        rgba[o + 2] = c;
      }
      rgba[o + 3] = 255;
    }
  }
  return { width, height, rgba };
}
