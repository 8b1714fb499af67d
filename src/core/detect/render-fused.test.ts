/**
 * The contrast normalisation's loops were fused (the 3×3 mean gathers the tiles' statistics, one
 * loop writes the output): on every burned-in fixture's first and last frame, with the settings
 * read-frame.ts and extent.ts use, it must give the same bytes as the frozen unfused version.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../../../tests/helpers/fixtures.ts';
import { normalizePolarityUnfused } from '../../../tests/ocr/normalize-unfused.ts';
import { readPart10 } from '../dicom/reader.ts';
import { displayParams } from '../pixels/display.ts';
import { frameSource } from './frames.ts';
import { normalizePolarity, type LocalContrast } from './contrast.ts';
import { resample, textScale, toGray8, type Gray8 } from './render.ts';

const dir = path.join(fixturesDir, 'burned-in');
const LOCAL_CONTRAST: LocalContrast = { target: 200, maxGain: 16 };
// (block, gain, reach, flatMin, contrast) as the first pass, the header pass, a reread and extent.ts call it.
const SETTINGS: [string, number, number, number, number, LocalContrast | undefined][] = [
  ['first pass', 8, 2.5, 2, 0.25, LOCAL_CONTRAST],
  ['header pass', 8, 1.5, 2, 0, undefined],
  ['reread', 8, 2.5, 2, 0, LOCAL_CONTRAST],
  ['extent', 8, 1, 2, 0, undefined],
];

async function framesOf(file: string): Promise<Gray8[]> {
  const parsed = readPart10(new Uint8Array(readFileSync(path.join(dir, file))));
  const source = frameSource(parsed.dataset, parsed.transferSyntaxUID);
  const params = displayParams(parsed.dataset);
  const frames = [...new Set([0, source.frameCount - 1])];
  return Promise.all(frames.map(async (f) => toGray8(await source.frame(f), params)));
}

describe('normalizePolarity, loops fused', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.dcm')).sort();
  it('has the burned-in fixtures', () => expect(files.length).toBeGreaterThanOrEqual(10));
  for (const file of files) {
    it(`gives the unfused version's bytes on ${file}`, async () => {
      for (const gray of await framesOf(file)) {
        const scaled = resample(gray, textScale(gray.width, gray.height));
        for (const [what, block, gain, reach, flatMin, contrast] of SETTINGS) {
          const fused = normalizePolarity(scaled, block, gain, reach, flatMin, contrast).data;
          const unfused = normalizePolarityUnfused(scaled, block, gain, reach, flatMin, contrast).data;
          const differing = fused.reduce((n, v, i) => n + Number(v !== unfused[i]), 0);
          expect(differing, `${what}: pixels that differ`).toBe(0);
        }
      }
    });
  }
});
