/**
 * Contrast steps that only serve the recogniser, on an 8-bit picture (render.ts): text of either
 * polarity brought out dark on white (`normalizePolarity`, with local contrast for faint text),
 * and long dark runs — bar edges, outlines, trace lines — whitened (`removeLongRuns`).
 * Tesseract reads dark text on a light ground; burned-in text is light on dark far more often,
 * but not always (highlighted labels, MONOCHROME1 radiographs, screen captures).
 */
import type { Gray8 } from './render.ts';

/**
 * Dark text on a white ground whatever the local polarity and the local background level: each
 * pixel becomes its distance from the local background, amplified by `gain` and inverted.
 * Light-on-dark and dark-on-light text both come out black, and any flat background — black,
 * white, or the grey and coloured bars devices put their header text on — comes out white, which
 * keeps the recogniser's global threshold from swallowing a whole bar.
 *
 * The background is the most common grey level round each pixel, not the mean, so that text does
 * not pull it towards itself (a mean leaves a grey halo round every line, and dense text would
 * flip a median): histograms of `block`×`block` tiles in bins of 8 grey levels, the fullest bin
 * of each tile's neighbourhood of (2·reach+1)² tiles, interpolated between tile centres.
 */
/**
 * Local contrast normalisation for `normalizePolarity`: where the strongest deviation from the
 * background round a tile, times the gain, stays under `target` (light text on bright anatomy,
 * 20–40 grey levels apart), the tile's gain is raised towards `target / deviation`, up to
 * `maxGain`, after taking off the neighbourhood's typical deviation (grain), so that faint text
 * comes out as dark as strong text does and grain stays white. Tiles with strong contrast keep
 * the plain gain.
 */
export interface LocalContrast {
  target: number;
  maxGain: number;
}

export function normalizePolarity(g: Gray8, block = 8, gain = 2.5, reach = 2, flatMin = 0, contrast?: LocalContrast): Gray8 {
  const { width, height, data } = g;
  const bw = Math.ceil(width / block);
  const bh = Math.ceil(height / block);
  const BINS = 32;
  // Tile histograms; a tile's fullest bin stands for the bin's middle grey (±4 levels).
  // The tile column of each pixel column, once: no division per pixel in the loops below.
  const tileOfX = new Int32Array(width);
  for (let x = 0; x < width; x++) tileOfX[x] = (x / block) | 0;
  const counts = new Uint16Array(bw * bh * BINS);
  for (let y = 0; y < height; y++) {
    const rowTile = ((y / block) | 0) * bw;
    const row = y * width;
    for (let x = 0; x < width; x++) counts[(rowTile + tileOfX[x]) * BINS + (data[row + x] >> 3)]++;
  }
  // Neighbourhood histograms, separably and as sliding sums: along rows, then along columns (a
  // tile's window is the previous one plus the tile that enters, minus the tile that leaves).
  const rowCounts = new Uint16Array(counts.length);
  const c = new Int32Array(BINS);
  for (let by = 0; by < bh; by++) {
    c.fill(0);
    for (let x = 0; x <= Math.min(bw - 1, reach); x++) for (let b = 0, from = (by * bw + x) * BINS; b < BINS; b++) c[b] += counts[from + b];
    for (let bx = 0; bx < bw; bx++) {
      if (bx > 0) {
        const enters = bx + reach;
        const leaves = bx - reach - 1;
        if (enters < bw) for (let b = 0, from = (by * bw + enters) * BINS; b < BINS; b++) c[b] += counts[from + b];
        if (leaves >= 0) for (let b = 0, from = (by * bw + leaves) * BINS; b < BINS; b++) c[b] -= counts[from + b];
      }
      rowCounts.set(c, (by * bw + bx) * BINS);
    }
  }
  const bg = new Float32Array(bw * bh);
  // Tiles whose neighbourhood has no dominant grey (speckle, anatomy) hold no overlay text worth
  // the recogniser's time: they are blanked when `flatMin` (the dominant share required) is set.
  const textured = new Uint8Array(bw * bh);
  for (let bx = 0; bx < bw; bx++) {
    c.fill(0);
    for (let y = 0; y <= Math.min(bh - 1, reach); y++) for (let b = 0, from = (y * bw + bx) * BINS; b < BINS; b++) c[b] += rowCounts[from + b];
    for (let by = 0; by < bh; by++) {
      if (by > 0) {
        const enters = by + reach;
        const leaves = by - reach - 1;
        if (enters < bh) for (let b = 0, from = (enters * bw + bx) * BINS; b < BINS; b++) c[b] += rowCounts[from + b];
        if (leaves >= 0) for (let b = 0, from = (leaves * bw + bx) * BINS; b < BINS; b++) c[b] -= rowCounts[from + b];
      }
      // The fullest run of three bins, not the fullest bin: a background spread over a gradient
      // and grain must win over saturated text, all of whose pixels fall into one bin.
      let best = 0;
      let bestScore = -1;
      let total = 0;
      for (let b = 0; b < BINS; b++) {
        total += c[b];
        const score = c[b] + (b > 0 ? c[b - 1] : 0) + (b + 1 < BINS ? c[b + 1] : 0);
        if (score > bestScore || (score === bestScore && c[b] > c[best])) {
          best = b;
          bestScore = score;
        }
      }
      const lo = best > 0 ? c[best - 1] : 0;
      const hi = best + 1 < BINS ? c[best + 1] : 0;
      bg[by * bw + bx] = best * 8 + 4 + (bestScore > 0 ? (8 * (hi - lo)) / bestScore : 0);
      if (flatMin > 0 && c[best] < flatMin * total) textured[by * bw + bx] = 1;
    }
  }
  // Interpolation weights per column, computed once.
  const tx0 = new Int32Array(width);
  const tx1 = new Int32Array(width);
  const wx = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const fx = Math.max(0, (x + 0.5) / block - 0.5);
    tx0[x] = Math.min(bw - 1, Math.floor(fx));
    tx1[x] = Math.min(bw - 1, tx0[x] + 1);
    wx[x] = Math.min(1, fx - tx0[x]);
  }
  // Each pixel's distance from its background, then (local contrast) a gain and a noise floor per tile.
  // The background interpolated along the two tile rows round each pixel row, per column: the
  // same for all rows between two tile centres, so computed again only when the tile row changes.
  const dist = new Uint8Array(data.length);
  const topRow = new Float64Array(width);
  const bottomRow = new Float64Array(width);
  let cachedTileRow = -1;
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, (y + 0.5) / block - 0.5);
    const ty0 = Math.min(bh - 1, Math.floor(fy));
    const wy = Math.min(1, fy - ty0);
    if (ty0 !== cachedTileRow) {
      cachedTileRow = ty0;
      const r0 = ty0 * bw;
      const r1 = Math.min(bh - 1, ty0 + 1) * bw;
      for (let x = 0; x < width; x++) {
        const a = tx0[x];
        const b = tx1[x];
        const w = wx[x];
        topRow[x] = bg[r0 + a] + (bg[r0 + b] - bg[r0 + a]) * w;
        bottomRow[x] = bg[r1 + a] + (bg[r1 + b] - bg[r1 + a]) * w;
      }
    }
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const top = topRow[x];
      const back = top + (bottomRow[x] - top) * wy;
      const d = data[row + x] - back;
      dist[row + x] = d < 0 ? (d <= -255 ? 255 : (0.5 - d) | 0) : d >= 255 ? 255 : (d + 0.5) | 0;
    }
  }
  const tileGain = new Float32Array(bw * bh).fill(gain);
  const tileFloor = new Float32Array(bw * bh);
  // Faint text is looked at through a 3×3 mean (grain is a pixel wide, strokes are wider, so
  // averaging takes two thirds of the grain and little of the text); the tiles' strongest and
  // mean distances are gathered in the same loop that writes the mean.
  const smooth = contrast ? blurWithTileStats(dist, width, height, block, bw, tileOfX, contrast, gain, bh, tileGain, tileFloor) : dist;
  // One loop writes the output: a tile whose gain was raised reads the smoothed distance.
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const tileRow = ((y / block) | 0) * bw;
    for (let x = 0; x < width; x++) {
      const t = tileRow + tileOfX[x];
      const g = tileGain[t];
      let d = (g > gain ? smooth[row + x] : dist[row + x]) - tileFloor[t];
      if (d < 0) d = 0;
      d *= g;
      out[row + x] = d >= 255 ? 0 : 255 - ((d + 0.5) | 0);
    }
  }
  if (flatMin > 0) {
    for (let ty = 0; ty < bh; ty++) {
      for (let tx = 0; tx < bw; tx++) {
        if (!textured[ty * bw + tx]) continue;
        const x0 = tx * block;
        const x1 = Math.min(width, x0 + block);
        const y0 = ty * block;
        const y1 = Math.min(height, y0 + block);
        // A tile with plenty of ink keeps it: text written over the image.
        let ink = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (out[y * width + x] < 64) ink++;
        if (ink >= 0.12 * (x1 - x0) * (y1 - y0)) continue;
        for (let y = y0; y < y1; y++) out.fill(255, y * width + x0, y * width + x1);
      }
    }
  }
  return { width, height, data: out };
}

/**
 * The 3×3 mean of the distances (edges use the pixels there are) and, from it, each tile's gain
 * and noise floor for LocalContrast: the per-tile strongest and summed distances are gathered
 * while the mean is written, instead of in a loop of their own.
 */
function blurWithTileStats(src: Uint8Array, width: number, height: number, block: number, bw: number, tileOfX: Int32Array, contrast: LocalContrast, gain: number, bh: number, tileGain: Float32Array, tileFloor: Float32Array): Uint8Array {
  const rows = new Uint16Array(src.length);
  for (let y = 0; y < height; y++) {
    const r = y * width;
    for (let x = 0; x < width; x++) rows[r + x] = src[r + x] + (x > 0 ? src[r + x - 1] : src[r + x]) + (x + 1 < width ? src[r + x + 1] : src[r + x]);
  }
  const out = new Uint8Array(src.length);
  const max = new Uint8Array(bw * bh);
  const sum = new Float64Array(bw * bh);
  for (let y = 0; y < height; y++) {
    const r = y * width;
    const up = y > 0 ? r - width : r;
    const down = y + 1 < height ? r + width : r;
    const tileRow = ((y / block) | 0) * bw;
    for (let x = 0; x < width; x++) {
      const d = ((rows[up + x] + rows[r + x] + rows[down + x]) / 9 + 0.5) | 0;
      out[r + x] = d;
      const t = tileRow + tileOfX[x];
      if (d > max[t]) max[t] = d;
      sum[t] += d;
    }
  }
  for (let ty = 0; ty < bh; ty++) {
    for (let tx = 0; tx < bw; tx++) {
      let m = 0;
      let s = 0;
      let n = 0;
      for (let y = Math.max(0, ty - 1); y <= Math.min(bh - 1, ty + 1); y++) {
        for (let x = Math.max(0, tx - 1); x <= Math.min(bw - 1, tx + 1); x++) {
          if (max[y * bw + x] > m) m = max[y * bw + x];
          s += sum[y * bw + x];
          n += Math.min(block, width - x * block) * Math.min(block, height - y * block);
        }
      }
      if (m * gain >= contrast.target) continue;
      const t = ty * bw + tx;
      const floor = 1.5 * (s / Math.max(1, n));
      tileFloor[t] = floor;
      tileGain[t] = Math.max(gain, Math.min(contrast.maxGain, contrast.target / Math.max(1, m - floor)));
    }
  }
  return out;
}

/**
 * Whitens dark runs longer than `minRun` pixels, horizontal and vertical: the edges of header
 * bars, box outlines, scale and trace lines. Text strokes are far shorter, and text that touches
 * such a line is read much better once the line is gone. In place; returns its argument.
 */
export function removeLongRuns(g: Gray8, minRun: number, dark = 160): Gray8 {
  const { width, height, data } = g;
  const mask = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    let start = -1;
    for (let x = 0; x <= width; x++) {
      const isDark = x < width && data[y * width + x] < dark;
      if (isDark && start < 0) start = x;
      else if (!isDark && start >= 0) {
        if (x - start >= minRun) mask.fill(1, y * width + start, y * width + x);
        start = -1;
      }
    }
  }
  // Vertical runs row by row (the picture is stored in rows): where each column's dark run began.
  const runStart = new Int32Array(width).fill(-1);
  for (let y = 0; y <= height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const isDark = y < height && data[row + x] < dark;
      const start = runStart[x];
      if (isDark) {
        if (start < 0) runStart[x] = y;
      } else if (start >= 0) {
        if (y - start >= minRun) for (let k = start; k < y; k++) mask[k * width + x] = 1;
        runStart[x] = -1;
      }
    }
  }
  for (let i = 0; i < data.length; i++) if (mask[i]) data[i] = 255;
  return g;
}
