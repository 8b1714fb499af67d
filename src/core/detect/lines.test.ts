import { describe, expect, it } from 'vitest';
import { boxWithMargin, groupLines, wordsToLines } from './lines.ts';
import type { Word } from './ocr-engine.ts';

const w = (text: string, x0: number, y0: number, x1: number, y1: number, confidence = 90): Word => ({ text, x0, y0, x1, y1, confidence });

describe('lines', () => {
  it('groups words of a row and cuts the row at wide gaps', () => {
    const lines = groupLines([w('DOE,', 10, 5, 50, 20), w('JOHN', 56, 5, 100, 20), w('17', 400, 6, 420, 20), w('Oct', 426, 5, 460, 20), w('Gain', 10, 40, 50, 55)]);
    expect(lines.map((l) => l.text)).toEqual(['DOE, JOHN', '17 Oct', 'Gain']);
    expect(lines[0].row).toBe(lines[1].row);
    expect(lines[2].row).not.toBe(lines[0].row);
  });

  it('keeps monospaced fields together (spaces wider than the text is tall)', () => {
    const lines = groupLines([w('30', 0, 0, 16, 10), w('JAN', 29, 0, 53, 10), w('94', 66, 0, 82, 10)]);
    expect(lines.map((l) => l.text)).toEqual(['30 JAN 94']);
  });

  it('maps boxes back from an enlarged picture, rounding outwards', () => {
    const [line] = wordsToLines([w('ID', 21, 9, 41, 31)], { scale: 2, width: 100, height: 100 });
    expect([line.x0, line.y0, line.x1, line.y1]).toEqual([10, 4, 21, 16]);
  });

  it('adds a margin and clamps to the image', () => {
    expect(boxWithMargin({ x0: 1, y0: 1, x1: 50, y1: 13 }, 52, 100)).toEqual({ x: 0, y: 0, width: 52, height: 17 });
  });
});
