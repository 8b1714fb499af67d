/**
 * Words → text lines, in image pixel coordinates.
 *
 * Tesseract's sparse-text mode returns words with its own, unreliable grouping (one block per
 * word is common), so lines are rebuilt from geometry: words that overlap vertically form a row,
 * and a row is cut where the gap between two words is wider than the text is tall — burned-in
 * overlays put unrelated fields on one row ("DOE, JOHN      17 Oct 16"), and each field should be
 * its own box so that keeping one does not mean keeping the other.
 */
import type { Word } from './ocr-engine.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A run of words on one row, close enough together to be one field. */
export interface TextLine {
  text: string;
  words: Word[];
  /** Tight bounds of the words, in image pixels (x1/y1 exclusive). */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Mean word confidence, 0..100. */
  confidence: number;
  /** Index of the row this line lies on (lines of one row share it), top to bottom. */
  row: number;
}

export interface LineOptions {
  /** The picture that was read was the image scaled by this factor. */
  scale: number;
  /** Image size, to clamp boxes. */
  width: number;
  height: number;
  /** A gap wider than this many text heights starts a new line (default 1.2). */
  gapFactor?: number;
}

/** Maps words from the scaled picture back to image pixels (outward rounding: never smaller). */
export function toImageWords(words: readonly Word[], scale: number, width: number, height: number): Word[] {
  return words.map((w) => ({
    ...w,
    x0: Math.max(0, Math.floor(w.x0 / scale)),
    y0: Math.max(0, Math.floor(w.y0 / scale)),
    x1: Math.min(width, Math.ceil(w.x1 / scale)),
    y1: Math.min(height, Math.ceil(w.y1 / scale)),
  }));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : 0;
};

/** Groups words (already in image pixels) into lines. */
export function groupLines(words: readonly Word[], gapFactor = 1.2): TextLine[] {
  const sorted = [...words].sort((a, b) => (a.y0 + a.y1) / 2 - (b.y0 + b.y1) / 2);
  const rows: { words: Word[]; y0: number; y1: number }[] = [];
  for (const w of sorted) {
    const h = w.y1 - w.y0;
    let best: (typeof rows)[number] | undefined;
    let bestOverlap = 0;
    for (const r of rows) {
      const overlap = Math.min(r.y1, w.y1) - Math.max(r.y0, w.y0);
      const need = 0.5 * Math.min(h, r.y1 - r.y0);
      if (overlap >= need && overlap > bestOverlap) {
        best = r;
        bestOverlap = overlap;
      }
    }
    if (best) {
      best.words.push(w);
      // The row band follows its words' median extent, so one tall glyph does not swallow the next row.
      best.y0 = median(best.words.map((x) => x.y0));
      best.y1 = median(best.words.map((x) => x.y1));
    } else rows.push({ words: [w], y0: w.y0, y1: w.y1 });
  }
  rows.sort((a, b) => a.y0 - b.y0);

  const lines: TextLine[] = [];
  rows.forEach((r, rowIndex) => {
    const ws = [...r.words].sort((a, b) => a.x0 - b.x0);
    const textHeight = Math.max(1, median(ws.map((w) => w.y1 - w.y0)));
    // Monospaced device fonts have spaces wider than the text is tall: allow two character cells.
    const charWidth = median(ws.map((w) => (w.x1 - w.x0) / Math.max(1, [...w.text].length)));
    const maxGap = Math.max(gapFactor * textHeight, 2.2 * charWidth);
    let current: Word[] = [];
    const flush = (): void => {
      if (current.length === 0) return;
      lines.push(makeLine(current, rowIndex));
      current = [];
    };
    for (const w of ws) {
      const prev = current[current.length - 1];
      if (prev && w.x0 - prev.x1 > maxGap) flush();
      current.push(w);
    }
    flush();
  });
  return lines;
}

function makeLine(words: Word[], row: number): TextLine {
  return {
    text: words.map((w) => w.text).join(' '),
    words,
    x0: Math.min(...words.map((w) => w.x0)),
    y0: Math.min(...words.map((w) => w.y0)),
    x1: Math.max(...words.map((w) => w.x1)),
    y1: Math.max(...words.map((w) => w.y1)),
    confidence: words.reduce((s, w) => s + w.confidence, 0) / words.length,
    row,
  };
}

/** Words read from a picture scaled by `scale` → lines in image pixels. */
export function wordsToLines(words: readonly Word[], options: LineOptions): TextLine[] {
  return groupLines(toImageWords(words, options.scale, options.width, options.height), options.gapFactor);
}

/**
 * The line's box grown by a margin (default a third of the text height, at least 2 px) on every
 * side and clamped to the image: recognisers draw boxes tight to the ink, and anti-aliased edges
 * and descenders reach past them.
 */
export function boxWithMargin(line: Pick<TextLine, 'x0' | 'y0' | 'x1' | 'y1'>, width: number, height: number, margin?: number): Rect {
  const m = margin ?? Math.max(2, Math.ceil((line.y1 - line.y0) / 3));
  const x0 = Math.max(0, line.x0 - m);
  const y0 = Math.max(0, line.y0 - m);
  const x1 = Math.min(width, line.x1 + m);
  const y1 = Math.min(height, line.y1 + m);
  return { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
}

/** Intersection over the smaller area: 1 when one rectangle lies inside the other. */
export function overlapRatio(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / Math.min(a.width * a.height, b.width * b.height);
}

/** Share of the width and height, from each edge, outside which the middle of an image is anatomy. */
const ANATOMY_INSET = 0.25;

/** Whether a span's centre lies in the middle of the image (inside ANATOMY_INSET of every edge), where the anatomy is. */
export function overAnatomy(span: { x0: number; y0: number; x1: number; y1: number }, width: number, height: number): boolean {
  const cx = (span.x0 + span.x1) / 2;
  const cy = (span.y0 + span.y1) / 2;
  return cx > ANATOMY_INSET * width && cx < (1 - ANATOMY_INSET) * width && cy > ANATOMY_INSET * height && cy < (1 - ANATOMY_INSET) * height;
}
