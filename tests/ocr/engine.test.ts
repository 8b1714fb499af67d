/**
 * The recogniser pool: local language data, nothing cached on disk, workers recycled after N
 * jobs without losing any, and a clean stop.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createNodeOcrEngine, nodeLangPath } from '../../src/cli/ocr-node.ts';
import { jobWeight } from '../../src/core/detect/ocr-engine.ts';
import { rasterise } from './synthetic-images.ts';

function picture(text: string): { data: Uint8Array; width: number; height: number } {
  const l = rasterise(text, 'DejaVu-Sans', 20);
  const width = l.width + 40;
  const height = l.height + 40;
  const data = new Uint8Array(width * height).fill(255);
  for (let y = 0; y < l.height; y++) for (let x = 0; x < l.width; x++) data[(y + 20) * width + x + 20] = 255 - l.alpha[y * l.width + x];
  return { data, width, height };
}

describe('tesseract.js engine', () => {
  it('loads English from the installed package folder', () => {
    expect(existsSync(path.join(nodeLangPath(), 'eng.traineddata.gz'))).toBe(true);
  });

  it('counts a small crop as a fraction of a whole picture towards recycling', () => {
    expect(jobWeight(1304 * 552)).toBe(1);
    expect(jobWeight(300 * 80)).toBe(0.25);
    expect(jobWeight(1280 * 250)).toBeCloseTo(0.5, 1);
  });

  it('recycles its recogniser after N jobs, loses no job, and writes no language cache', async () => {
    const cwdBefore = readdirSync(process.cwd()).filter((f) => f.includes('traineddata'));
    const tmpBefore = existsSync(path.join(os.tmpdir(), 'veil-ocr-cache'));
    // The picture is small: each job counts a quarter, so a new recogniser every two jobs.
    const engine = createNodeOcrEngine({ workers: 1, recycleAfter: 0.5 });
    const pic = picture('KAUFMAN 1943');
    const reads = await Promise.all([1, 2, 3, 4, 5].map(() => engine.recognize(pic.data, pic.width, pic.height)));
    for (const words of reads) expect(words.map((w) => w.text).join(' ')).toBe('KAUFMAN 1943');
    // Words carry boxes in the picture's pixels.
    expect(reads[0][0].x0).toBeGreaterThanOrEqual(15);
    expect(reads[0][0].x0).toBeLessThanOrEqual(25);
    await engine.terminate();
    await expect(engine.recognize(pic.data, pic.width, pic.height)).rejects.toThrow(/stopped/);
    expect(readdirSync(process.cwd()).filter((f) => f.includes('traineddata'))).toEqual(cwdBefore);
    expect(existsSync(path.join(os.tmpdir(), 'veil-ocr-cache'))).toBe(tmpBefore);
  });

  it('reads one line on request', async () => {
    const engine = createNodeOcrEngine({ workers: 1 });
    const pic = picture('DOE, JOHN');
    const words = await engine.recognize(pic.data, pic.width, pic.height, { singleLine: true });
    expect(words.map((w) => w.text).join(' ')).toBe('DOE, JOHN');
    await engine.terminate();
  });
});
