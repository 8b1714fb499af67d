import { describe, expect, it } from 'vitest';
import { T, keywordOf, lookupDictionary } from './tags.ts';

describe('T, the tag of every dictionary keyword', () => {
  it('names the tags the engine uses by keyword', () => {
    expect(T.PatientName).toBe(0x00100010);
    expect(T.PixelData).toBe(0x7fe00010);
    expect(T.Item).toBe(0xfffee000);
    expect(T.PresentationLUTShape).toBe(0x20500020);
  });

  it('gives repeating groups and masked elements their first tag', () => {
    expect(T.OverlayData).toBe(0x60003000);
    expect(lookupDictionary(T.OverlayData + 0x20000)?.[1]).toBe('OverlayData'); // (6002,3000)
  });

  it('has every keyword of the dictionary, each mapping back to itself', () => {
    const keywords = Object.keys(T);
    expect(keywords.length).toBe(5349);
    // lookupDictionary does not read the masks (gggg,eexe) and (gggg,xxxx) — ten retired
    // attributes such as Rows For Nth Order Coefficients (0028,04x0) and Zonal Map (1010,xxxx),
    // which the profile therefore removes as unknown public tags. Listed so a change shows.
    const unread = keywords.filter((k) => lookupDictionary(T[k as keyof typeof T])?.[1] !== k);
    expect(unread.sort()).toEqual([
      'BitsForCodeWord', 'CodeLabel', 'CodeTableLocation', 'CoefficientCoding', 'CoefficientCodingPointers',
      'ColumnsForNthOrderCoefficients', 'ImageDataLocation', 'NumberOfTables', 'RowsForNthOrderCoefficients', 'ZonalMap',
    ]);
    expect(T.RowsForNthOrderCoefficients).toBe(0x00280410); // (0028,0400) is Transform Label
    expect(keywordOf(T.StudyInstanceUID)).toBe('StudyInstanceUID');
  });
});
