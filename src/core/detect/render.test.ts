import { describe, expect, it } from 'vitest';
import type { DisplayParams } from '../pixels/display.ts';
import { normalizePolarity, removeLongRuns } from './contrast.ts';
import { resample, textScale, toGray8 } from './render.ts';

const gray = (over: Partial<DisplayParams> = {}): DisplayParams => ({ rescaleSlope: 1, rescaleIntercept: 0, inverted: false, bitsStored: 16, signed: false, ...over });

describe('render', () => {
  it('applies the header window, and shows MONOCHROME1 inverted', () => {
    const frame = { width: 3, height: 1, samplesPerPixel: 1, data: new Uint16Array([0, 1024, 4095]), photometric: 'MONOCHROME2' };
    expect([...toGray8(frame, gray({ windowCenter: 1024, windowWidth: 2048 })).data]).toEqual([0, 128, 255]);
    expect([...toGray8(frame, gray()).data]).toEqual([0, 64, 255]); // min/max
    expect([...toGray8({ ...frame, photometric: 'MONOCHROME1' }, gray({ inverted: true })).data]).toEqual([255, 191, 0]);
  });

  it('keeps saturated colour visible (pure blue on black is not near-black)', () => {
    const frame = { width: 2, height: 1, samplesPerPixel: 3, data: new Uint8Array([0, 0, 255, 0, 0, 0]), photometric: 'RGB' };
    const g = toGray8(frame, gray());
    expect(g.data[0]).toBeGreaterThan(120);
    expect(g.data[1]).toBe(0);
  });

  it('turns text of either polarity dark on white, and a flat grey bar white', () => {
    const w = 64;
    const h = 32;
    const data = new Uint8Array(w * h).fill(170); // grey bar
    for (let x = 4; x < 8; x++) for (let y = 10; y < 20; y++) data[y * w + x] = 0; // dark stroke
    for (let x = 40; x < 44; x++) for (let y = 10; y < 20; y++) data[y * w + x] = 255; // light stroke
    const out = normalizePolarity({ width: w, height: h, data }).data;
    expect(out[15 * w + 5]).toBeLessThan(60);
    expect(out[15 * w + 41]).toBeLessThan(100);
    expect(out[2 * w + 20]).toBeGreaterThan(240);
  });

  it('removes long lines but not strokes', () => {
    const w = 200;
    const data = new Uint8Array(w * 10).fill(255);
    data.fill(0, 2 * w, 3 * w); // a 200-pixel line
    data.fill(0, 6 * w + 10, 6 * w + 20); // a 10-pixel stroke
    removeLongRuns({ width: w, height: 10, data }, 100);
    expect(data[2 * w + 50]).toBe(255);
    expect(data[6 * w + 15]).toBe(0);
  });

  it('enlarges small frames and shrinks film-sized ones', () => {
    expect(textScale(640, 480)).toBe(2);
    expect(textScale(1024, 768)).toBe(1);
    expect(textScale(2140, 1760)).toBeCloseTo(0.6, 1);
    expect(resample({ width: 4, height: 2, data: new Uint8Array(8) }, 2).width).toBe(8);
  });
});
