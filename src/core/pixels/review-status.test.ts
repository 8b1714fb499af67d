import { describe, expect, it } from 'vitest';
import { assessPixels, reviewReasons, type PixelFacts } from './review-status.ts';

const facts = (p: Partial<PixelFacts>): PixelFacts => ({ hasPixels: true, modality: 'CT', screenCapture: false, templateMatch: false, ...p });
const none = { painted: false, reviewed: false, textFound: false, phiFound: false };

describe('pixel status', () => {
  it('needs review: BIA YES, text-carrying kinds with BIA absent or NO, screen captures, templates, OCR PHI', () => {
    expect(assessPixels(facts({ burnedInAnnotation: 'YES' }), none).status).toBe('needs-review');
    for (const modality of ['US', 'SC', 'XA', 'RF', 'ES', 'OT']) {
      expect(assessPixels(facts({ modality }), none).status, modality).toBe('needs-review');
      expect(assessPixels(facts({ modality, burnedInAnnotation: 'NO' }), none).status, modality).toBe('needs-review');
    }
    expect(assessPixels(facts({ screenCapture: true }), none).reasons).toEqual(['screen capture (Burned In Annotation absent)']);
    expect(assessPixels(facts({ templateMatch: true, burnedInAnnotation: 'NO' }), none).reasons).toEqual(['a device template matches']);
    expect(assessPixels(facts({}), { ...none, textFound: true, phiFound: true }).reasons).toEqual(['OCR found PHI']);
  });

  it('CR and DX need review only when text was found on them', () => {
    expect(assessPixels(facts({ modality: 'CR' }), none).status).toBe('clean-by-source');
    expect(assessPixels(facts({ modality: 'DX' }), { ...none, textFound: true }).reasons).toEqual(['DX with text found (Burned In Annotation absent)']);
  });

  it('painted wins over reviewed, both over needs review; no pixels, no status to worry about', () => {
    const us = facts({ modality: 'US', burnedInAnnotation: 'YES' });
    expect(assessPixels(us, { ...none, painted: true, reviewed: true }).status).toBe('painted');
    expect(assessPixels(us, { ...none, reviewed: true }).status).toBe('reviewed');
    expect(assessPixels(facts({ modality: 'CT', burnedInAnnotation: 'NO' }), none).status).toBe('clean-by-source');
    expect(reviewReasons(facts({ hasPixels: false, modality: 'US' }))).toEqual([]);
  });
});
