import { beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../dicom/dataset.ts';
import { T } from '../../dicom/tags.ts';
import { setString } from '../../dicom/values.ts';
import { classifyLine } from '../classify.ts';
import { ocrIdentifiers } from '../identifier-match.ts';
import type { NameTagger } from './kinds.ts';
import { loadNameTagger } from './loader.ts';
import { ocrLineFreeText, splitLine } from './ocr-line.ts';

let tagger: NameTagger;
beforeAll(async () => {
  tagger = await loadNameTagger();
});

/** The header of the image: none of the planted identifiers is in it. */
function header(): Dataset {
  const ds = new Dataset();
  setString(ds, T.PatientName, 'NORTHCOTT^EVELYN', 'PN');
  setString(ds, T.PatientID, 'MRN7734521', 'LO');
  setString(ds, T.InstitutionName, 'RIVERSIDE GENERAL HOSPITAL', 'LO');
  return ds;
}

/** Lines burned into images with PHI the header never names, each with its kind and identifying part. */
const PLANTED: [string, string, string][] = [
  ['Ref: Dr Harlow Fenwick', 'person', 'Harlow Fenwick'],
  ['REF: DR HARLOW FENWICK', 'person', 'HARLOW FENWICK'],
  ['Referred by Harlow Fenwick', 'person', 'Harlow Fenwick'],
  ['Employer: Harlow Fenwick Ltd', 'organisation', 'Harlow Fenwick Ltd'],
  ['Tel 0161 496 0732', 'phone', '0161 496 0732'],
  ['j.smith@example.org', 'email', 'j.smith@example.org'],
  ['12 Orchard Lane, Leeds LS6 2AB', 'address', 'Orchard Lane, Leeds LS6 2AB'],
  ['MRN 4471 2298', 'id', '4471 2298'],
  ['Mother: Greta Lindqvist', 'person', 'Greta Lindqvist'],
  ['Spouse Anna Marsh', 'person', 'Anna Marsh'],
  ['Greta Lindqvist', 'person', 'Greta Lindqvist'],
  ['Sonographer: JS', 'person', 'JS'],
];

/** Overlays a clinician needs, and speckle read as letters: none of it is PHI. */
const CLINICAL = [
  'L', 'R', '5.0 MHz', 'Gain 50%', 'TGC', 'ABD', 'Liver', 'Kidney L 10.2 cm', 'T1 SE', 'W 400 L 40', 'FR 25Hz', '2D 60% C 50 P Low HGen',
  'DR 60', 'Paracetamol', 'Sag Right Kidney', 'Portal Vein', 'Hepatic Veins', 'Ao Arch', 'Pen Gen', 'HGen Low', 'Res  HD', 'Max Depth',
  'Mid Liver', 'Carotid Bulb', 'Lina . Sn EAA', 'Semi-Upright', 'Portable', 'Report page 1/2', 'Frame 1/3', 'contact lens',
];

describe('free text on OCR lines', () => {
  it('finds the PHI the header never names, and says which detector found it', () => {
    for (const [line, kind, part] of PLANTED) {
      const spans = ocrLineFreeText(line, tagger);
      const found = spans.map((s) => line.slice(s.start, s.end));
      expect(found.some((f) => f.includes(part)), `${line} → ${found.join(' | ')}`).toBe(true);
      expect(spans.map((s) => s.kind), line).toContain(kind);
    }
  });

  it('leaves clinical overlays and OCR noise alone', () => {
    for (const line of CLINICAL) expect(ocrLineFreeText(line, tagger), line).toEqual([]);
  });

  it('takes a value whose cue stands apart on the row, but not a measurement there', () => {
    expect(ocrLineFreeText('Harlow Fenwick', null, { before: 'Ref:' })).toEqual([{ kind: 'person', start: 0, end: 14 }]);
    expect(ocrLineFreeText('0161 496 0732', null, { before: 'Tel' })).toEqual([{ kind: 'phone', start: 0, end: 13 }]);
    expect(ocrLineFreeText('5.0 MHz', null, { before: 'Ref:' })).toEqual([]);
  });

  it('trusts the name tagger only on lines read with some confidence; cues and patterns always', () => {
    expect(ocrLineFreeText('Ben BANG', tagger, { confidence: 41 })).toEqual([]); // speckle, read at 41 %
    expect(ocrLineFreeText('Greta Lindqvist', tagger, { confidence: 41 })).toEqual([]);
    expect(ocrLineFreeText('Greta Lindqvist', tagger, { confidence: 85 })).toEqual([{ kind: 'person', start: 0, end: 15 }]);
    expect(ocrLineFreeText('Mother: Greta Lindqvist', tagger, { confidence: 41 }).map((s) => s.kind)).toEqual(['person']);
    expect(ocrLineFreeText('Tel 0161 496 0732', tagger, { confidence: 30 }).map((s) => s.kind)).toEqual(['phone']);
  });

  it('makes classifyLine call such lines PHI, where it called them other text before', () => {
    const ids = ocrIdentifiers(header());
    for (const [line] of PLANTED) expect(classifyLine(line, ids, { tagger }), line).toBe('phi');
    expect(classifyLine('Tel 0161 496 0732', ids)).toBe('other'); // without the free-text detector
    for (const line of CLINICAL) expect(classifyLine(line, ids, { tagger }), line).not.toBe('phi');
  });
});

describe('splitLine', () => {
  const word = (text: string, x0: number, x1: number) => ({ text, x0, x1, y0: 10, y1: 20, confidence: 90 });
  const line = (words: ReturnType<typeof word>[], x0 = words[0].x0, x1 = words[words.length - 1].x1) => ({ text: words.map((w) => w.text).join(' '), words, x0, y0: 10, x1, y1: 20 });

  it('paints the words a span overlaps, to halfway across the gaps, and the line\'s inked ends', () => {
    // "Ref:" at 0–30, "Dr" at 40–60, "Harlow" 70–120, "Fenwick" 130–190; the line grown to ink reaches 196.
    const l = line([word('Ref:', 0, 30), word('Dr', 40, 60), word('Harlow', 70, 120), word('Fenwick', 130, 190)], 0, 196);
    const parts = splitLine(l, ocrLineFreeText(l.text, null));
    expect(parts).toEqual([
      { text: 'Ref:', x0: 0, y0: 10, x1: 35, y1: 20, kinds: null },
      { text: 'Dr Harlow Fenwick', x0: 35, y0: 10, x1: 196, y1: 20, kinds: ['person'] },
    ]);
  });

  it('keeps the clinical words between two PHI parts out', () => {
    const l = line([word('Tel', 0, 20), word('0161', 30, 60), word('496', 70, 90), word('0732', 100, 130), word('5.0', 200, 220), word('MHz', 230, 260)]);
    const parts = splitLine(l, [{ kind: 'phone', start: 4, end: 17 }]);
    expect(parts.map((p) => [p.text, p.x0, p.x1, p.kinds])).toEqual([
      ['Tel', 0, 25, null],
      ['0161 496 0732', 25, 165, ['phone']],
      ['5.0 MHz', 165, 260, null],
    ]);
  });

  it('paints the whole line when its text is not its words (two readings merged)', () => {
    const l = { ...line([word('Tel', 0, 20), word('0161', 30, 60)]), text: 'Tel 0161 | Tel 0161 496' };
    expect(splitLine(l, [{ kind: 'phone', start: 4, end: 8 }])).toEqual([{ text: l.text, x0: 0, y0: 10, x1: 60, y1: 20, kinds: ['phone'] }]);
  });
});
