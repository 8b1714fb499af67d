import { describe, expect, it } from 'vitest';
import { readGray } from './read-frame.ts';
import { cropBand, dropFaintMarks, inkBands } from './ink.ts';
import type { OcrEngine, Word } from './ocr-engine.ts';
import type { Gray8 } from './render.ts';

const white = (width: number, height: number, value = 255): Gray8 => ({ width, height, data: new Uint8Array(width * height).fill(value) });
const fill = (g: Gray8, x0: number, y0: number, x1: number, y1: number, v: number): void => {
  for (let y = y0; y < y1; y++) g.data.fill(v, y * g.width + x0, y * g.width + x1);
};

describe('dropFaintMarks: grain goes, letters stay whole', () => {
  it('whitens light grey dots and keeps a dark stroke with its grey edges', () => {
    const g = white(40, 20);
    fill(g, 10, 4, 13, 16, 0); // a stroke
    fill(g, 9, 4, 10, 16, 200); // its antialiased edge
    fill(g, 25, 5, 27, 7, 220); // grain
    fill(g, 30, 12, 31, 13, 180);
    dropFaintMarks(g);
    expect(g.data[8 * 40 + 11]).toBe(0);
    expect(g.data[8 * 40 + 9]).toBe(200);
    expect(g.data[5 * 40 + 25]).toBe(255);
    expect(g.data[12 * 40 + 30]).toBe(255);
  });
});

describe('inkBands: only the rows and columns that hold ink are read', () => {
  it('splits ink at wide blank gaps, keeps close rows together, and cuts each band to its columns', () => {
    const g = white(300, 200);
    fill(g, 10, 10, 60, 30, 0); // a line at the top left
    fill(g, 10, 36, 80, 56, 0); // the next line, 6 rows below
    fill(g, 200, 150, 280, 170, 0); // a line far below, on the right
    expect(inkBands(g, 24, 4)).toEqual([
      { x0: 6, y0: 6, x1: 84, y1: 60 },
      { x0: 196, y0: 146, x1: 284, y1: 174 },
    ]);
    expect(inkBands(white(50, 50), 24, 4)).toEqual([]);
    const crop = cropBand(g, { x0: 196, y0: 146, x1: 284, y1: 174 });
    expect([crop.width, crop.height, crop.data[10 * 88 + 10]]).toEqual([88, 28, 0]);
  });
});

describe('readGray: the recogniser sees the text, not the empty frame', () => {
  it('reads a 640×480 frame with one line in a corner from a picture a fraction of the enlarged frame, words in frame coordinates', async () => {
    const frame = white(640, 480, 0);
    // A white "word" of three letters at (20..80, 20..34) on black.
    for (const x of [20, 42, 64]) fill(frame, x, 20, x + 14, 34, 255);
    const seen: { width: number; height: number }[] = [];
    const engine: OcrEngine = {
      recognize(gray: Uint8Array, width: number, height: number): Promise<Word[]> {
        seen.push({ width, height });
        // The darkest pixels' bounding box, read as one word.
        let x0 = width;
        let y0 = height;
        let x1 = 0;
        let y1 = 0;
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            if (gray[y * width + x] > 100) continue;
            x0 = Math.min(x0, x);
            y0 = Math.min(y0, y);
            x1 = Math.max(x1, x + 1);
            y1 = Math.max(y1, y + 1);
          }
        }
        return Promise.resolve(x1 > x0 ? [{ text: 'ABC', confidence: 95, x0, y0, x1, y1 }] : []);
      },
      terminate: () => Promise.resolve(),
    };
    const lines = await readGray(engine, frame);
    const area = seen.reduce((n, s) => n + s.width * s.height, 0);
    // The enlarged frame is 1280×960; the old reading handed the recogniser all of it and more.
    expect(area).toBeLessThan(0.1 * 1280 * 960);
    expect(lines.map((l) => l.text)).toContain('ABC');
    const abc = lines.find((l) => l.text === 'ABC')!;
    expect(abc.x0).toBeGreaterThanOrEqual(17);
    expect(abc.x0).toBeLessThanOrEqual(21);
    expect(abc.y0).toBeGreaterThanOrEqual(17);
    expect(abc.y0).toBeLessThanOrEqual(21);
  });
});
