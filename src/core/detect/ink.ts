/**
 * What of a picture prepared for reading (dark text on white, render.ts) is worth the recogniser's
 * time. Tesseract's cost grows with the picture's area and with the number of marks its own
 * threshold turns into ink, so before the first pass:
 *
 * - `dropFaintMarks`: marks with no dark core are whitened. After the contrast normalisation every
 *   letter has pixels near black (its strongest stroke is brought to the tile's target), while the
 *   grain of anatomy and speckle comes out as a haze of light grey dots that Tesseract's global
 *   threshold (Otsu, over a mostly white picture) still turns into thousands of specks — one CR's
 *   lower half cost 0.6 s of layout analysis for nothing. A mark is a connected run of non-white
 *   pixels; it is kept whole (antialiased edges included) when any of its pixels is darker than
 *   `core`. This is hysteresis thresholding, as edge detectors use it.
 * - `inkBands`: the rows that hold ink, in bands split at blank gaps, each cut to its own columns:
 *   white margins are not read at all (a blank 1304×552 picture alone costs Tesseract ~30 ms).
 */
import type { Gray8 } from './render.ts';

/** Pixels at or above this are white ground: a mark runs through every pixel below it. */
const WHITE = 250;
/**
 * Pixels below this are ink for cutting bands. The contrast step leaves a flat ground a few
 * levels under white (249 at gain 1.5), and a global threshold over a picture holding any text
 * takes nothing this light for ink.
 */
const INK = 232;

/** A rectangle of the picture, in its pixels (x1, y1 exclusive). */
export interface Band {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Whitens every mark (8-connected pixels under WHITE) none of whose pixels is darker than `core`,
 * and near-white ground (WHITE…254) outside kept marks. A grey ground that touches text joins its
 * mark and stays: the step only ever keeps more than it needs to. In place; returns its argument.
 */
export function dropFaintMarks(g: Gray8, core = 160): Gray8 {
  const { width, height, data } = g;
  const n = width * height;
  // 1: part of a kept mark; flooded from every dark pixel through non-white neighbours.
  const kept = new Uint8Array(n);
  const stack = new Int32Array(n);
  for (let seed = 0; seed < n; seed++) {
    if (kept[seed] || data[seed] >= core) continue;
    let top = 0;
    stack[top++] = seed;
    kept[seed] = 1;
    while (top > 0) {
      const p = stack[--top];
      const x = p % width;
      const y = (p - x) / width;
      const xFrom = x > 0 ? x - 1 : x;
      const xTo = x + 1 < width ? x + 1 : x;
      const yFrom = y > 0 ? y - 1 : y;
      const yTo = y + 1 < height ? y + 1 : y;
      for (let yy = yFrom; yy <= yTo; yy++) {
        for (let xx = xFrom, q = yy * width + xFrom; xx <= xTo; xx++, q++) {
          if (kept[q] || data[q] >= WHITE) continue;
          kept[q] = 1;
          stack[top++] = q;
        }
      }
    }
  }
  for (let i = 0; i < n; i++) if (!kept[i] && data[i] < 255) data[i] = 255;
  return g;
}

/**
 * Bands of rows holding ink (pixels under INK), split where `minGap` or more blank rows
 * separate them, each grown by `margin` and cut to the columns its ink spans (± `margin`).
 * A picture with no ink has no bands.
 */
export function inkBands(g: Gray8, minGap: number, margin: number): Band[] {
  const { width, height, data } = g;
  // Per row: the first and last column with ink (-1 when none).
  const first = new Int32Array(height).fill(-1);
  const last = new Int32Array(height).fill(-1);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let x = 0;
    while (x < width && data[row + x] >= INK) x++;
    if (x === width) continue;
    first[y] = x;
    let e = width - 1;
    while (data[row + e] >= INK) e--;
    last[y] = e;
  }
  const bands: Band[] = [];
  let current: Band | undefined;
  let lastInkRow = -Infinity;
  for (let y = 0; y < height; y++) {
    if (first[y] < 0) continue;
    if (current && y - lastInkRow - 1 < minGap) {
      current.x0 = Math.min(current.x0, first[y]);
      current.x1 = Math.max(current.x1, last[y] + 1);
      current.y1 = y + 1;
    } else {
      current = { x0: first[y], y0: y, x1: last[y] + 1, y1: y + 1 };
      bands.push(current);
    }
    lastInkRow = y;
  }
  return bands.map((b) => ({
    x0: Math.max(0, b.x0 - margin),
    y0: Math.max(0, b.y0 - margin),
    x1: Math.min(width, b.x1 + margin),
    y1: Math.min(height, b.y1 + margin),
  }));
}

/** The pixels of a band, as a picture of their own. */
export function cropBand(g: Gray8, b: Band): Gray8 {
  const width = b.x1 - b.x0;
  const height = b.y1 - b.y0;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) data.set(g.data.subarray((b.y0 + y) * g.width + b.x0, (b.y0 + y) * g.width + b.x1), y * width);
  return { width, height, data };
}
