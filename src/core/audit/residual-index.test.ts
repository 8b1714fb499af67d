import { describe, expect, it } from 'vitest';
import { KIND, type Identifier } from './identifiers.ts';
import { textMatchesBothWays } from './residual.ts';

/** A small deterministic generator (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const IDS: Identifier[] = [
  { kind: KIND.patientName, value: 'Ann' },
  { kind: KIND.patientName, value: 'Anna' },
  { kind: KIND.patientName, value: '王' },
  { kind: KIND.patientName, value: 'Lindqvist' },
  { kind: KIND.patientId, value: '00471123' },
  { kind: KIND.patientId, value: '471123' },
  { kind: KIND.birthDate, value: '19500107' },
  { kind: KIND.birthDate, value: '07.01.1950' },
  { kind: KIND.physicianName, value: 'Li' },
  { kind: KIND.institutionName, value: 'Springfield General Hospital' },
  { kind: KIND.originalUid, value: '1.2.826.0.1.3680043.2.1125.1' },
  { kind: KIND.accession, value: 'A' },
];

/** Pieces of the identifiers, their neighbours (letters, digits, dots, spaces) and other scripts. */
const PIECES = ['ann', 'anna', 'a', 'n', '王', '王小', 'lindqvist', '004', '71123', '471123', '1950', '0107', '07.01.', 'li', 'lin',
  'springfield general hospital', 'springfield  general', '1.2.826.0.1.3680043.2.1125.1', '.', '1', '9', ' ', '^', '\\', 'x', 'é', '\u0000', '😀'];

describe('residual text scan, indexed by the needles\' first two characters', () => {
  it('finds exactly what looking for each identifier on its own finds, in the same order', () => {
    const next = random(20261205);
    let agreed = 0;
    let found = 0;
    for (let i = 0; i < 20_000; i++) {
      const parts = 1 + Math.floor(next() * 6);
      let hay = '';
      for (let k = 0; k < parts; k++) hay += PIECES[Math.floor(next() * PIECES.length)];
      for (const coded of [false, true]) {
        const { indexed, oneByOne } = textMatchesBothWays(hay, IDS, coded);
        expect(indexed, JSON.stringify(hay)).toEqual(oneByOne);
        agreed++;
        if (indexed.length) found++;
      }
    }
    // The cases exercise both outcomes, not only "nothing found".
    expect(found).toBeGreaterThan(agreed / 10);
    expect(found).toBeLessThan(agreed);
  });

  it('respects word, digit and UID boundaries at every position it looks', () => {
    // Without the one-letter accession number, which has no boundary rule and so is found in any 'a'.
    const ids = IDS.filter((i) => i.kind !== KIND.accession);
    const hits = (hay: string) => textMatchesBothWays(hay, ids, false).indexed.map((i) => i.value);
    expect(hits('dr ann smith')).toEqual(['Ann']);
    expect(hits('annabel')).toEqual([]);
    expect(hits('id 004711234')).toEqual([]);
    expect(hits('id 00471123.')).toEqual(['00471123']);
    expect(hits('1.2.826.0.1.3680043.2.1125.17')).toEqual([]);
    expect(hits('ref 1.2.826.0.1.3680043.2.1125.1 end')).toEqual(['1.2.826.0.1.3680043.2.1125.1']);
    expect(hits('王小明')).toEqual(['王']);
  });
});
