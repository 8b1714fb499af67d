import { describe, expect, it } from 'vitest';
import { alwaysReadReason, planReads, sampleFrames, type InstanceSummary } from './sampling.ts';

const summary = (i: number, over: Partial<InstanceSummary> = {}): InstanceSummary => ({
  sopInstanceUID: `1.2.${i}`, seriesInstanceUID: '1.2.99', sopClassUID: '1.2.840.10008.5.1.4.1.1.2', modality: 'CT', burnedInAnnotation: '',
  imageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'], rows: 512, columns: 512, frames: 1, instanceNumber: i + 1, geometry: '512x512|0.7|1,0,0,0,1,0|MONOCHROME2', ...over,
});

describe('sampling', () => {
  it('always reads images that usually carry text', () => {
    expect(alwaysReadReason(summary(0, { modality: 'US' }))).toMatch(/US/);
    expect(alwaysReadReason(summary(0, { burnedInAnnotation: 'YES' }))).toMatch(/YES/);
    expect(alwaysReadReason(summary(0, { sopClassUID: '1.2.840.10008.5.1.4.1.1.7' }))).toMatch(/capture/);
    expect(alwaysReadReason(summary(0))).toBeUndefined();
  });

  it('samples a large series (first, middle, last, and each different geometry) and propagates to the rest', () => {
    const series = Array.from({ length: 300 }, (_, i) => summary(i));
    series[150] = summary(150, { geometry: 'scout', rows: 256, columns: 256 });
    const plan = planReads(series);
    // first, middle (index 150, which is also the one scout of another geometry), last
    expect(plan.read).toEqual([0, 150, 299]);
    expect(plan.propagate.get(10)).toEqual(expect.arrayContaining([0, 299]));
    expect(plan.propagate.has(150)).toBe(false);
    expect(planReads(series, { readEverything: true }).read).toHaveLength(300);
  });

  it('reads a few frames of a cine, every frame on request', () => {
    expect(sampleFrames(100)).toEqual([0, 50, 99]);
    expect(sampleFrames(2)).toEqual([0, 1]);
    expect(sampleFrames(5, true)).toEqual([0, 1, 2, 3, 4]);
  });
});
