/**
 * A line's box from the text's own pixels, not only from the words the recogniser returned.
 *
 * Where text runs from a dark border into bright anatomy (a radiograph's name and date), the
 * recogniser often reads the first words and gives up on the rest: its box then stops short and
 * the last letters stay readable once painted. Here the row of the line is looked at again, as each
 * pixel's distance from its neighbourhood's most common grey (so light text on bright anatomy and
 * dark text on light ground both show), grain averaged away, and the box is grown left and right
 * over every column whose line rows stand out from the rows above and below it, across gaps
 * narrower than a word space and a half.
 */
import { normalizePolarity } from './contrast.ts';
import type { Gray8 } from './render.ts';

export interface Span {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Smallest distance from the background (grey levels, after a 3×3 mean) that may be ink. */
const MIN_INK = 8;
/** Ink on the line's rows must stand this many times above the quieter side of its surroundings. */
const ABOVE_SURROUNDINGS = 1.6;
/** A gap wider than this many text heights ends the line. */
const MAX_GAP = 0.8;
/** Farthest the box may grow on each side, in text heights. */
const MAX_GROWTH = 14;

/**
 * The span grown to the ink on its row (image pixel coordinates, x1/y1 exclusive). Never smaller
 * than the span given.
 */
export function growToInk(gray: Gray8, span: Span): Span {
  const h = Math.max(1, span.y1 - span.y0);
  const reach = Math.ceil(MAX_GROWTH * h);
  const cx0 = Math.max(0, span.x0 - reach);
  const cx1 = Math.min(gray.width, span.x1 + reach);
  // Rows round the line too, so that the background estimate is not the text itself.
  const cy0 = Math.max(0, span.y0 - h);
  const cy1 = Math.min(gray.height, span.y1 + h);
  const w = cx1 - cx0;
  const ch = cy1 - cy0;
  if (w <= 0 || ch <= 0) return span;
  const crop = new Uint8Array(w * ch);
  for (let y = 0; y < ch; y++) crop.set(gray.data.subarray((cy0 + y) * gray.width + cx0, (cy0 + y) * gray.width + cx1), y * w);
  // Distance of each pixel from its neighbourhood's background (gain 1), grain averaged away.
  const dist = inkDistance(normalizePolarity({ width: w, height: ch, data: crop }, 8, 1).data, w, ch);
  // The middle of the line's rows (rows just above and below may hold the neighbouring lines'
  // descenders and accents), and a strip above and below it.
  const top = span.y0 - cy0 + Math.floor(0.15 * h);
  const bottom = Math.max(top + 1, span.y1 - cy0 - Math.floor(0.15 * h));
  const on = columnPeaks(dist, w, ch, top, bottom);
  const above = columnPeaks(dist, w, ch, span.y0 - cy0 - Math.ceil(0.6 * h), span.y0 - cy0 - Math.ceil(0.25 * h));
  const below = columnPeaks(dist, w, ch, span.y1 - cy0 + Math.ceil(0.25 * h), span.y1 - cy0 + Math.ceil(0.6 * h));
  // A column holds text when its line rows stand out from the quieter of the two strips: texture
  // (speckle, trabeculae, an edge of the anatomy) is as strong above and below the line as on it,
  // while a neighbouring line of text darkens one side only.
  const inked = (x: number): boolean => {
    if (on[x] < MIN_INK) return false;
    const around = above[x] < below[x] ? above[x] : below[x];
    return on[x] >= ABOVE_SURROUNDINGS * around + 4;
  };
  const maxGap = Math.max(2, Math.ceil(MAX_GAP * h));
  let x1 = span.x1 - cx0;
  for (let x = x1, gap = 0; x < w && gap <= maxGap; x++) {
    if (inked(x)) {
      x1 = x + 1;
      gap = 0;
    } else gap++;
  }
  let x0 = span.x0 - cx0;
  for (let x = x0 - 1, gap = 0; x >= 0 && gap <= maxGap; x--) {
    if (inked(x)) {
      x0 = x;
      gap = 0;
    } else gap++;
  }
  return { x0: Math.min(span.x0, x0 + cx0), y0: span.y0, x1: Math.max(span.x1, x1 + cx0), y1: span.y1 };
}

/**
 * Ink strength per pixel: 255 minus the normalised picture, as a 3×3 mean over the pixels there
 * are (fewer at the edges), rounded down. Separable, in typed arrays: this runs on every line of
 * every frame read.
 */
function inkDistance(norm: Uint8Array, w: number, h: number): Uint8Array {
  // Row sums of three (or two at the edges) inverted pixels, and how many pixels each holds.
  const rows = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) {
    const r = y * w;
    for (let x = 0; x < w; x++) {
      let s = 255 - norm[r + x];
      if (x > 0) s += 255 - norm[r + x - 1];
      if (x + 1 < w) s += 255 - norm[r + x + 1];
      rows[r + x] = s;
    }
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const r = y * w;
    const up = y > 0;
    const down = y + 1 < h;
    const ny = 1 + (up ? 1 : 0) + (down ? 1 : 0);
    for (let x = 0; x < w; x++) {
      let s = rows[r + x];
      if (up) s += rows[r - w + x];
      if (down) s += rows[r + w + x];
      const nx = 1 + (x > 0 ? 1 : 0) + (x + 1 < w ? 1 : 0);
      out[r + x] = (s / (nx * ny)) | 0;
    }
  }
  return out;
}

/** The strongest ink of each column over rows y0 … y1 (clipped to the picture; 0 where none). */
function columnPeaks(dist: Uint8Array, w: number, h: number, y0: number, y1: number): Uint8Array {
  const peaks = new Uint8Array(w);
  for (let y = Math.max(0, y0); y < Math.min(h, y1); y++) {
    const r = y * w;
    for (let x = 0; x < w; x++) if (dist[r + x] > peaks[x]) peaks[x] = dist[r + x];
  }
  return peaks;
}
