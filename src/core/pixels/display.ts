/**
 * How stored pixel values are shown: the one display pipeline of PS3.3 C.11 — Modality LUT
 * (rescale) → VOI (window) → palette → polarity — used by the study browser's thumbnails
 * (summary/thumbnail.ts), the picture OCR reads (detect/render.ts) and the darkest fill that
 * redaction paints with (paint.ts). Keeping one copy means the three agree on what a person sees:
 * a box painted "black" is black in the preview, and text OCR reads is text a person would read.
 */
import type { Dataset } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { getNumber, getString, getStrings } from '../dicom/values.ts';
import { readImagePixel } from './image-pixel.ts';

/** A Palette Color lookup table (PS3.3 C.7.9), entries scaled to 16 bits. */
export interface PaletteLut {
  firstMapped: number;
  red: ArrayLike<number>;
  green: ArrayLike<number>;
  blue: ArrayLike<number>;
}

/** The header attributes that decide how stored values are shown. */
export interface DisplayParams {
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter?: number;
  windowWidth?: number;
  /** MONOCHROME1, or Presentation LUT Shape INVERSE: high values are shown dark. */
  inverted: boolean;
  palette?: PaletteLut;
  /** For sign and range when the VOI comes from the data. */
  bitsStored: number;
  signed: boolean;
}

/**
 * Polarity: are high values shown dark? MONOCHROME1 says so, and so does an INVERSE Presentation
 * LUT Shape. They are one inversion, not two: the DX and MG IODs require INVERSE exactly when the
 * image is MONOCHROME1 (PS3.3 C.8.11.6.1.2), so an image with both is shown as MONOCHROME1 alone.
 */
export function isShownInverted(photometric: string, inversePresentationLut: boolean): boolean {
  return photometric.trim().toUpperCase() === 'MONOCHROME1' || inversePresentationLut;
}

/** Presentation LUT Shape (2050,0020) is INVERSE. */
export const hasInversePresentationLut = (ds: Dataset): boolean => (getString(ds, T.PresentationLUTShape) ?? '').trim().toUpperCase() === 'INVERSE';

export function displayParams(ds: Dataset): DisplayParams {
  const image = readImagePixel(ds);
  const photometric = image.photometric ?? 'MONOCHROME2';
  const centers = getStrings(ds, T.WindowCenter).map(Number).filter(Number.isFinite);
  const widths = getStrings(ds, T.WindowWidth).map(Number).filter(Number.isFinite);
  const slope = getNumber(ds, T.RescaleSlope);
  const params: DisplayParams = {
    rescaleSlope: slope !== undefined && slope !== 0 ? slope : 1,
    rescaleIntercept: getNumber(ds, T.RescaleIntercept) ?? 0,
    inverted: isShownInverted(photometric, hasInversePresentationLut(ds)),
    bitsStored: image.bitsStored ?? image.bitsAllocated ?? 16,
    signed: image.pixelRepresentation === 1,
  };
  if (centers.length && widths.length && widths[0] > 0) {
    params.windowCenter = centers[0];
    params.windowWidth = widths[0];
  }
  if (photometric === 'PALETTE COLOR') params.palette = readPalette(ds, params.signed);
  return params;
}

// ------------------------------------------------------------------------------------- modality LUT and VOI

/** Modality LUT: a stored value in modality units (Hounsfield for CT). */
export const modalityValue = (stored: number, p: DisplayParams): number => stored * p.rescaleSlope + p.rescaleIntercept;

/** A VOI window as the range of modality values that maps onto black … white. */
export interface VoiRange {
  lo: number;
  hi: number;
}

/**
 * The VOI range: the header's window (PS3.3 C.11.2.1.2.1, linear) when it has one and `from` is
 * 'header'; otherwise one taken from the stored samples — their full range ('minmax', what OCR
 * reads best) or their 1st–99th percentile ('percentile', what a preview looks best with).
 */
export function voiRange(samples: ArrayLike<number>, p: DisplayParams, from: 'header' | 'minmax' | 'percentile' = 'header', fallback: 'minmax' | 'percentile' = 'minmax'): VoiRange {
  if (from === 'header' && p.windowWidth !== undefined && p.windowCenter !== undefined) {
    const c = p.windowCenter - 0.5;
    const w = Math.max(1, p.windowWidth - 1);
    return { lo: c - w / 2, hi: c + w / 2 };
  }
  const mode = from === 'header' ? fallback : from;
  let lo: number;
  let hi: number;
  if (mode === 'percentile') {
    const sorted = Float64Array.from(samples).sort();
    lo = modalityValue(sorted[Math.floor(sorted.length * 0.01)], p);
    hi = modalityValue(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))], p);
  } else {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < samples.length; i++) {
      const v = samples[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    lo = modalityValue(min, p);
    hi = modalityValue(max, p);
  }
  if (lo > hi) [lo, hi] = [hi, lo]; // a negative slope
  if (hi <= lo) hi = lo + 1;
  return { lo, hi };
}

/**
 * Grayscale stored samples → 8-bit display levels: modality LUT, VOI, polarity. `out` may be a
 * Uint8Array or a Uint8ClampedArray of samples.length.
 */
export function grayLevels(samples: ArrayLike<number>, p: DisplayParams, voi: VoiRange, out = new Uint8Array(samples.length)): Uint8Array {
  const slope = p.rescaleSlope;
  const intercept = p.rescaleIntercept;
  const offset = voi.lo;
  const scale = 255 / (voi.hi - voi.lo);
  for (let i = 0; i < samples.length; i++) {
    const v = (samples[i] * slope + intercept - offset) * scale;
    const g = Math.round(v <= 0 ? 0 : v >= 255 ? 255 : v);
    out[i] = p.inverted ? 255 - g : g;
  }
  return out;
}

// ------------------------------------------------------------------------------------- palette

/** The 8-bit colour of a palette index (indices outside the table take the nearest entry). */
export function paletteRgb(p: PaletteLut, index: number): [number, number, number] {
  const last = Math.min(p.red.length, p.green.length, p.blue.length) - 1;
  let i = index - p.firstMapped;
  i = i < 0 ? 0 : i > last ? last : i;
  return [p.red[i] >> 8, p.green[i] >> 8, p.blue[i] >> 8];
}

/** Relative luminance of a palette entry (any scale): to find the darkest colour. */
export const paletteLuminance = (p: PaletteLut, i: number): number => 0.299 * p.red[i] + 0.587 * p.green[i] + 0.114 * p.blue[i];

/**
 * Palette Color LUTs, plain or segmented (PS3.3 C.7.9), entries scaled to 16 bits; undefined when
 * absent or broken. Tables with 8-bit entries (every entry ≤ 255, whether the descriptor says 8
 * or 16 bits, or one byte per entry) are scaled up.
 */
export function readPalette(ds: Dataset, signed = false): PaletteLut | undefined {
  const u16 = (b: Uint8Array, i: number): number => b[2 * i] | (b[2 * i + 1] << 8);
  const segmentedTables = !ds.has(T.RedPaletteColorLookupTableData) && ds.has(T.SegmentedRedPaletteColorLookupTableData);
  const channel = (descriptorTag: number, plainTag: number, segmentedTag: number): { first: number; entries: Uint16Array } | undefined => {
    const d = ds.get(descriptorTag);
    if (!d || d.value.length < 6) return undefined;
    const count = u16(d.value, 0) || 65536;
    let first = u16(d.value, 1);
    // US or SS by Pixel Representation; implicit VR files read it as US, so decide by the image.
    if (signed && first >= 0x8000) first -= 0x10000;
    let words: number[];
    if (segmentedTables) {
      const data = ds.get(segmentedTag);
      if (!data || data.value.length < 2) return undefined;
      const all: number[] = [];
      for (let i = 0; 2 * i + 1 < data.value.length; i++) all.push(u16(data.value, i));
      words = expandSegmentedLut(all).slice(0, count);
      if (words.length === 0) return undefined;
    } else {
      const data = ds.get(plainTag);
      if (!data || data.value.length === 0) return undefined;
      words = [];
      if (data.value.length >= 2 * count) for (let i = 0; i < count; i++) words.push(u16(data.value, i));
      else if (data.value.length >= count) for (let i = 0; i < count; i++) words.push(data.value[i]);
      else return undefined;
    }
    let max = 0;
    for (const w of words) if (w > max) max = w;
    const shift = max <= 255 ? 8 : 0;
    const entries = new Uint16Array(words.length);
    for (let i = 0; i < words.length; i++) entries[i] = Math.min(0xffff, words[i] * 2 ** shift);
    return { first, entries };
  };
  const r = channel(T.RedPaletteColorLookupTableDescriptor, T.RedPaletteColorLookupTableData, T.SegmentedRedPaletteColorLookupTableData);
  const g = channel(T.GreenPaletteColorLookupTableDescriptor, T.GreenPaletteColorLookupTableData, T.SegmentedGreenPaletteColorLookupTableData);
  const b = channel(T.BluePaletteColorLookupTableDescriptor, T.BluePaletteColorLookupTableData, T.SegmentedBluePaletteColorLookupTableData);
  if (!r || !g || !b) return undefined;
  return { firstMapped: r.first, red: r.entries, green: g.entries, blue: b.entries };
}

/**
 * Expands Segmented Palette Color LUT Data (PS3.3 C.7.9.2): discrete (0), linear (1) and
 * indirect (2, offset in bytes from the start of the data) segments.
 */
export function expandSegmentedLut(words: readonly number[], start = 0, maxSegments = Infinity, depth = 0): number[] {
  const out: number[] = [];
  let i = start;
  let segments = 0;
  while (i < words.length && segments < maxSegments && out.length <= 65536) {
    const op = words[i];
    const n = words[i + 1] ?? 0;
    if (op === 0) {
      for (let k = 0; k < n; k++) out.push(words[i + 2 + k] ?? 0);
      i += 2 + n;
    } else if (op === 1) {
      const y0 = out.length ? out[out.length - 1] : 0;
      const y1 = words[i + 2] ?? 0;
      for (let k = 1; k <= n; k++) out.push(Math.round(y0 + ((y1 - y0) * k) / n));
      i += 3;
    } else if (op === 2) {
      if (depth > 2) break;
      const offset = ((words[i + 2] ?? 0) | ((words[i + 3] ?? 0) << 16)) >>> 0;
      out.push(...expandSegmentedLut(words, offset / 2, n, depth + 1));
      i += 4;
    } else break;
    segments++;
  }
  return out;
}
