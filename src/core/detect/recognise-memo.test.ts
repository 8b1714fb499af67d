import { describe, expect, it } from 'vitest';
import type { OcrEngine, RecognizeOptions, Word } from './ocr-engine.ts';
import { memoizeRecognition } from './recognise-memo.ts';

/** A recogniser that reads the first byte as a word and counts how often it is asked. */
function countingEngine(failFirst = false): OcrEngine & { calls: number } {
  const engine = {
    calls: 0,
    recognize(gray: Uint8Array, width: number, _height: number, options: RecognizeOptions = {}): Promise<Word[]> {
      engine.calls++;
      if (failFirst && engine.calls === 1) return Promise.reject(new Error('recogniser crashed'));
      return Promise.resolve([{ text: `${options.singleLine ? 'L' : 'S'}${gray[0]}`, confidence: 90, x0: 0, y0: 0, x1: width, y1: 10 }]);
    },
    terminate: () => Promise.resolve(),
  };
  return engine;
}

const picture = (first: number, n = 64): Uint8Array => {
  const p = new Uint8Array(n).fill(255);
  p[0] = first;
  return p;
};

describe('memoizeRecognition: the same picture read once', () => {
  it('reads an unchanged crop once however many frames show it', async () => {
    const engine = countingEngine();
    const memo = memoizeRecognition(engine);
    const reads = await Promise.all([1, 2, 3].map(() => memo.recognize(picture(7), 8, 8, { singleLine: true })));
    expect(engine.calls).toBe(1);
    expect(reads.map((ws) => ws[0].text)).toEqual(['L7', 'L7', 'L7']);
  });

  it('reads again when one byte, the size or the layout differs', async () => {
    const engine = countingEngine();
    const memo = memoizeRecognition(engine);
    await memo.recognize(picture(7), 8, 8, { singleLine: true });
    expect((await memo.recognize(picture(8), 8, 8, { singleLine: true }))[0].text).toBe('L8');
    await memo.recognize(picture(7), 16, 4, { singleLine: true });
    expect((await memo.recognize(picture(7), 8, 8))[0].text).toBe('S7');
    expect(engine.calls).toBe(4);
  });

  it('hands each caller its own words (callers move them to image coordinates)', async () => {
    const memo = memoizeRecognition(countingEngine());
    const a = await memo.recognize(picture(1), 8, 8);
    a[0].x0 = 500;
    const b = await memo.recognize(picture(1), 8, 8);
    expect(b[0].x0).toBe(0);
  });

  it('does not remember a failed reading', async () => {
    const engine = countingEngine(true);
    const memo = memoizeRecognition(engine);
    await expect(memo.recognize(picture(3), 8, 8)).rejects.toThrow(/crashed/);
    expect((await memo.recognize(picture(3), 8, 8))[0].text).toBe('S3');
    expect(engine.calls).toBe(2);
  });

  it('keeps a bounded number of pictures', async () => {
    const engine = countingEngine();
    const memo = memoizeRecognition(engine, 2);
    for (const v of [1, 2, 3]) await memo.recognize(picture(v), 8, 8);
    await memo.recognize(picture(1), 8, 8);
    expect(engine.calls).toBe(4);
  });
});
