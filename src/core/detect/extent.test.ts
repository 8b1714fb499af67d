import { describe, expect, it } from 'vitest';
import { growToInk } from './extent.ts';
import type { Gray8 } from './render.ts';

/** A 400×60 picture: background from dark (left) to bright (right), grain, and "glyphs" (bars) along row 20–34. */
function picture(options: { glyphs: [number, number]; glyph: number; speckleFrom?: number }): Gray8 {
  const width = 400;
  const height = 60;
  const data = new Uint8Array(width * height);
  let seed = 7;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 30 + (200 * x) / width + (rand() - 0.5) * 12;
      if (options.speckleFrom !== undefined && x >= options.speckleFrom) v = 40 + rand() * 180;
      data[y * width + x] = Math.max(0, Math.min(255, v));
    }
  }
  // Letters: 3-pixel strokes every 6 pixels, a word space of 10 pixels every 5 letters.
  for (let x = options.glyphs[0], k = 0; x < options.glyphs[1]; k++) {
    for (let y = 20; y < 34; y++) for (let dx = 0; dx < 3; dx++) data[y * width + x + dx] = options.glyph;
    x += k % 5 === 4 ? 13 : 6;
  }
  return { width, height, data };
}

describe('growToInk: a line box from the text\'s own pixels', () => {
  it('grows a box the recogniser stopped short to the end of text running into bright anatomy', () => {
    // White text: strong on the dark left, 20–40 levels above the bright right.
    const g = picture({ glyphs: [10, 330], glyph: 255 });
    const grown = growToInk(g, { x0: 10, y0: 20, x1: 160, y1: 34 });
    // The last stroke ends at x = 327.
    expect(grown.x1).toBeGreaterThanOrEqual(327);
    expect(grown.x0).toBeLessThanOrEqual(10);
  });

  it('stops at a gap wider than a word space, and does not grow into texture', () => {
    const apart = picture({ glyphs: [10, 120], glyph: 255 });
    // A second field 60 pixels (four text heights) away stays its own.
    for (let y = 20; y < 34; y++) for (let x = 180; x < 220; x += 6) apart.data[y * 400 + x] = 255;
    expect(growToInk(apart, { x0: 10, y0: 20, x1: 90, y1: 34 }).x1).toBeLessThan(180);
    const speckle = picture({ glyphs: [10, 120], glyph: 255, speckleFrom: 140 });
    expect(growToInk(speckle, { x0: 10, y0: 20, x1: 90, y1: 34 }).x1).toBeLessThan(160);
  });

  it('never returns a smaller box', () => {
    const g = picture({ glyphs: [100, 110], glyph: 255 });
    const span = { x0: 50, y0: 20, x1: 200, y1: 34 };
    const grown = growToInk(g, span);
    expect(grown.x0).toBeLessThanOrEqual(span.x0);
    expect(grown.x1).toBeGreaterThanOrEqual(span.x1);
  });
});
