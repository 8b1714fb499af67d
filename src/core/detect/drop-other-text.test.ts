import { describe, expect, it } from 'vitest';
import { dropOtherText, OTHER_TEXT_MIN_CONFIDENCE } from './boxes.ts';

describe('other text that is not proposed', () => {
  it('drops other text read with little confidence', () => {
    expect(dropOtherText({ x: 10, y: 10, width: 80, height: 14 }, OTHER_TEXT_MIN_CONFIDENCE - 1, 640, 480)).toBe(true);
    expect(dropOtherText({ x: 10, y: 10, width: 80, height: 14 }, 90, 640, 480)).toBe(false);
  });
  it('drops other text over the middle of the image (a chest CR\'s heart read as a 319×155 line)', () => {
    expect(dropOtherText({ x: 900, y: 800, width: 319, height: 155 }, 75, 2140, 1760)).toBe(true);
    // Labels along the edges stay proposed.
    expect(dropOtherText({ x: 1800, y: 40, width: 300, height: 40 }, 75, 2140, 1760)).toBe(false);
    expect(dropOtherText({ x: 20, y: 1650, width: 400, height: 40 }, 75, 2140, 1760)).toBe(false);
  });
});
