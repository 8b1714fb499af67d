/**
 * Decoded frame samples → an 8-bit grayscale picture for text recognition.
 *
 * What a person would see is what we read: the display pipeline of pixels/display.ts (modality
 * rescale, the header's VOI window or the frame's own min/max when there is none, palette,
 * MONOCHROME1 and Presentation LUT INVERSE shown inverted), colour reduced to one channel. Colour is reduced
 * to a blend of luma and the brightest channel rather than luma alone: overlay text is often
 * drawn in saturated colours (pure blue on black has a luma of 29 and would all but vanish).
 *
 * Then the picture's geometry for the recogniser: `resample` (text engines read best at a cap
 * height of ~20–30 px; ultrasound fonts are 8–14 px), `pad`, `invert`, `encodePgm`. Its contrast
 * steps (text of either polarity dark on white, lines removed) are contrast.ts.
 */
import { grayLevels, paletteRgb, voiRange, type DisplayParams } from '../pixels/display.ts';

/** One frame's samples as decoded, before any display transform. */
export interface DecodedFrame {
  width: number;
  height: number;
  /** 1 (grayscale or palette indices) or 3 (colour). */
  samplesPerPixel: number;
  /** Samples, pixel-interleaved when samplesPerPixel is 3 (R,G,B,R,G,B… or Y,Cb,Cr…). */
  data: ArrayLike<number>;
  /** Photometric interpretation of `data` (decoders may already have converted YBR to RGB). */
  photometric: string;
}

/** An 8-bit single-channel picture, row by row. */
export interface Gray8 {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Gray value for a colour: half luma, half the brightest channel (see the file comment). */
function colourGray(r: number, g: number, b: number): number {
  const luma = 0.299 * r + 0.587 * g + 0.114 * b;
  const max = r > g ? (r > b ? r : b) : g > b ? g : b;
  return (luma + max) * 0.5;
}

function clamp8(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/**
 * The frame as a person would see it, 8-bit. `voi` picks the window: the header's when present
 * ('header', the default) or the frame's own min/max ('minmax').
 */
export function toGray8(frame: DecodedFrame, params: DisplayParams, voi: 'header' | 'minmax' = 'header'): Gray8 {
  const { width, height, data } = frame;
  const n = width * height;
  const out = new Uint8Array(n);
  const photometric = frame.photometric.trim().toUpperCase();

  if (frame.samplesPerPixel >= 3) {
    const ybr = photometric.startsWith('YBR');
    // Colour data is 8-bit in practice; scale wider samples down by their maximum.
    let max = 255;
    for (let i = 0; i < Math.min(data.length, 3 * n); i += 97) if (data[i] > max) max = data[i];
    const k = max > 255 ? 255 / (max > 4095 ? 65535 : 4095) : 1;
    for (let p = 0, i = 0; p < n; p++, i += 3) {
      let r = data[i] * k;
      let g = data[i + 1] * k;
      let b = data[i + 2] * k;
      if (ybr) {
        const y = r;
        const cb = g - 128;
        const cr = b - 128;
        r = y + 1.402 * cr;
        g = y - 0.344136 * cb - 0.714136 * cr;
        b = y + 1.772 * cb;
      }
      out[p] = clamp8(colourGray(r < 0 ? 0 : r, g < 0 ? 0 : g, b < 0 ? 0 : b));
    }
    return { width, height, data: out };
  }

  if (params.palette) {
    for (let p = 0; p < n; p++) {
      const [r, g, b] = paletteRgb(params.palette, data[p]);
      out[p] = clamp8(colourGray(r, g, b));
    }
    return { width, height, data: out };
  }

  // Grayscale: modality rescale, VOI window (PS3.3 C.11.2.1.2 linear), polarity.
  const samples = data.length === n ? data : Array.prototype.slice.call(data, 0, n);
  return { width, height, data: grayLevels(samples, params, voiRange(samples, params, voi === 'header' ? 'header' : 'minmax'), out) };
}

// ------------------------------------------------------------------------------------- helpers for the recogniser

export function invert(g: Gray8): Gray8 {
  const data = new Uint8Array(g.data.length);
  for (let i = 0; i < data.length; i++) data[i] = 255 - g.data[i];
  return { width: g.width, height: g.height, data };
}

/**
 * Scale factor that suits text recognition for an image of this size: small ultrasound frames
 * (fonts of 8–12 px) are enlarged, film-sized radiographs (fonts of 30+ px) reduced.
 */
export function textScale(width: number, height: number): number {
  const longest = Math.max(width, height);
  if (longest <= 720) return 2;
  if (longest <= 900) return 1.5;
  if (longest <= 1600) return 1;
  return Math.max(0.5, 1280 / longest);
}

/** Bilinear resampling (area-averaging when shrinking by 2 or more). */
export function resample(g: Gray8, scale: number): Gray8 {
  if (scale === 1) return g;
  const width = Math.max(1, Math.round(g.width * scale));
  const height = Math.max(1, Math.round(g.height * scale));
  const out = new Uint8Array(width * height);
  const src = g.data;
  const sw = g.width;
  const sh = g.height;
  if (scale <= 0.5) {
    // Box filter over the source pixels that fall into each output pixel.
    const fx = sw / width;
    const fy = sh / height;
    for (let y = 0; y < height; y++) {
      const y0 = Math.floor(y * fy);
      const y1 = Math.min(sh, Math.max(y0 + 1, Math.floor((y + 1) * fy)));
      for (let x = 0; x < width; x++) {
        const x0 = Math.floor(x * fx);
        const x1 = Math.min(sw, Math.max(x0 + 1, Math.floor((x + 1) * fx)));
        let sum = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += src[yy * sw + xx];
        out[y * width + x] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
      }
    }
    return { width, height, data: out };
  }
  const fx = sw / width;
  const fy = sh / height;
  // Source columns and weights per output column, once (the same for every row).
  const cx0 = new Int32Array(width);
  const cx1 = new Int32Array(width);
  const cwx = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    let sx = (x + 0.5) * fx - 0.5;
    if (sx < 0) sx = 0;
    cx0[x] = Math.min(sw - 1, Math.floor(sx));
    cx1[x] = Math.min(sw - 1, cx0[x] + 1);
    cwx[x] = sx - cx0[x];
  }
  for (let y = 0; y < height; y++) {
    let sy = (y + 0.5) * fy - 0.5;
    if (sy < 0) sy = 0;
    const y0 = Math.min(sh - 1, Math.floor(sy));
    const y1 = Math.min(sh - 1, y0 + 1);
    const wy = sy - y0;
    const r0 = y0 * sw;
    const r1 = y1 * sw;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const x0 = cx0[x];
      const x1 = cx1[x];
      const wx = cwx[x];
      const top = src[r0 + x0] * (1 - wx) + src[r0 + x1] * wx;
      const bottom = src[r1 + x0] * (1 - wx) + src[r1 + x1] * wx;
      out[row + x] = Math.round(top * (1 - wy) + bottom * wy);
    }
  }
  return { width, height, data: out };
}


/** The picture inside a white border: recognisers miss text that touches the edge. */
export function pad(g: Gray8, border: number, value = 255): Gray8 {
  const width = g.width + 2 * border;
  const height = g.height + 2 * border;
  const data = new Uint8Array(width * height).fill(value);
  for (let y = 0; y < g.height; y++) data.set(g.data.subarray(y * g.width, (y + 1) * g.width), (y + border) * width + border);
  return { width, height, data };
}

/** Binary PGM (P5), the simplest format the recogniser's image reader takes. */
export function encodePgm(g: Gray8): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${g.width} ${g.height}\n255\n`);
  const out = new Uint8Array(header.length + g.data.length);
  out.set(header);
  out.set(g.data, header.length);
  return out;
}
