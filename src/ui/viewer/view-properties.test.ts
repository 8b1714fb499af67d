import { describe, expect, it } from 'vitest';
import { carriedProperties } from './view-properties.ts';

describe('display properties carried over a stack swap', () => {
  it('keeps a window and the inversion a person set', () => {
    expect(carriedProperties({ voiRange: { lower: -160, upper: 240 }, invert: true })).toEqual({ voiRange: { lower: -160, upper: 240 }, invert: true });
  });

  it('drops the null range of an image still loading (cornerstone would read `lower` of it and throw)', () => {
    expect(carriedProperties({ voiRange: null, invert: false })).toEqual({ invert: false });
    expect(carriedProperties({ voiRange: { lower: Number.NaN, upper: 1 } })).toEqual({});
    expect(carriedProperties({})).toEqual({});
  });
});
