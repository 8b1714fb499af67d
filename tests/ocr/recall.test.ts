/**
 * The recall harness over the synthetic burned-in sets (tests/ocr/burned-in-sets.ts): every
 * planted PHI text must be fully inside an accepted box on every frame it is drawn on, and native
 * Tesseract must read none of its identifying parts in the redacted output. Precision is printed
 * (and measured, with time, in `npm run bench`); it is not held to a floor here, except that the
 * clinical overlays of the "free-text lines" set must all stay unpainted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeOcrEngine } from '../../src/cli/ocr-node.ts';
import type { OcrEngine } from '../../src/core/detect/ocr-engine.ts';
import { nativeTesseractAvailable } from '../helpers/tesseract-native.ts';
import { syntheticSets } from './burned-in-sets.ts';
import { formatSet, measureSynthetic, summarizeSet } from './measure.ts';
import { imageMagickAvailable, makeSynthetic } from './synthetic-images.ts';

let engine: OcrEngine;
beforeAll(() => {
  engine = createNodeOcrEngine({ workers: 2 });
});
afterAll(async () => {
  await engine.terminate();
});

describe('recall harness: synthetic burned-in sets', () => {
  it('has ImageMagick and native Tesseract to build and check the sets', () => {
    expect(imageMagickAvailable()).toBe(true);
    expect(nativeTesseractAvailable()).toBe(true);
  });

  syntheticSets().forEach((set, s) => {
    it(`${set.name}: ${set.what} — every planted PHI painted, nothing readable after`, async () => {
      const images = set.specs.map((spec, i) => makeSynthetic(spec, 1000 + 100 * s + i));
      const scores = [];
      for (const img of images) scores.push(await measureSynthetic(engine, img, { readBefore: process.env.VEIL_READ_BEFORE === '1' }));
      const summary = summarizeSet(set.name, scores);
      console.log(formatSet(summary, scores));
      expect(scores.flatMap((x) => x.missed.map((m) => `${x.name}: ${m}`)), 'planted PHI not fully painted').toEqual([]);
      expect(scores.flatMap((x) => x.readableAfter.map((m) => `${x.name}: ${m}`)), 'identifiers native Tesseract reads after redaction').toEqual([]);
      // The free-text detector must leave the overlays a clinician reads ("5.0 MHz", "Kidney L 10.2 cm").
      if (set.name === 'free-text lines') expect(scores.flatMap((x) => (x.otherPainted ?? []).map((m) => `${x.name}: ${m}`)), 'clinical overlays painted').toEqual([]);
    });
  });
});
