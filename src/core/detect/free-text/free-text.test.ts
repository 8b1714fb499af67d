import { beforeAll, describe, expect, it } from 'vitest';
import { CLINICAL_SENTENCES, FREE_TEXT_KINDS, makeFreeTextSet } from '../../../../tests/synthetic/free-text.ts';
import { scoreFreeText } from '../../../../tests/synthetic/free-text-score.ts';
import { cleanFreeText, detectFreeTextPhi } from './detect.ts';
import type { NameTagger } from './kinds.ts';
import { loadNameTagger } from './loader.ts';

let tagger: NameTagger;
beforeAll(async () => {
  tagger = await loadNameTagger();
});

describe('free-text PHI detector on the synthetic set', () => {
  it('finds at least 95 % of the planted values of every kind, and overall', () => {
    const set = makeFreeTextSet();
    const score = scoreFreeText(set, (text) => detectFreeTextPhi(text, tagger));
    const table = FREE_TEXT_KINDS.map((k) => `${k}: recall ${score.byKind[k].recall.toFixed(3)} precision ${score.byKind[k].precision.toFixed(3)}`);
    console.info(`free text, ${set.length} samples\n${table.join('\n')}\noverall: recall ${score.overall.recall.toFixed(3)} precision ${score.overall.precision.toFixed(3)}`);
    for (const kind of FREE_TEXT_KINDS) {
      expect(score.byKind[kind].planted, kind).toBeGreaterThan(20);
      expect(score.byKind[kind].recall, `${kind} missed: ${score.missed.filter((m) => m.kind === kind).map((m) => m.value).join(', ')}`).toBeGreaterThanOrEqual(0.95);
    }
    expect(score.overall.recall).toBeGreaterThanOrEqual(0.95);
    // Precision is reported above; a floor catches a detector that takes everything.
    expect(score.overall.precision, score.falsePositives.map((f) => f.span).join(', ')).toBeGreaterThanOrEqual(0.9);
  });

  it('leaves clinical sentences unchanged: anatomy, measurements, sequences, drugs, eponyms', () => {
    const more = [
      'Known Parkinson disease; Hodgkin lymphoma in remission; Crohn disease; Down syndrome.',
      'T2 FLAIR and DWI: 3.2 cm lesion of the left frontal lobe, no restricted diffusion.',
      'Circle of Willis and pouch of Douglas unremarkable. Glasgow Coma Scale 14.',
      'Wolff-Parkinson-White syndrome. Arnold-Chiari malformation type I. Non-Hodgkin lymphoma.',
      'Contrast: 100 ml Omnipaque 350 at 3 ml/s. DLP 512.3 mGy*cm. Series 3, image 42.',
      'Ann Arbor stage II. Gleason score 3+4=7. Fleischner Society guidelines apply.',
      'AP and lateral views of the right knee. C5/C6 disc osteophyte complex.',
    ];
    for (const sentence of [...CLINICAL_SENTENCES, ...more]) {
      expect(cleanFreeText(sentence, tagger).text).toBe(sentence);
    }
  });

  it('replaces each span with *** and counts it by kind', () => {
    const text = 'Employer: Harlow Fenwick Ltd. Wife Margaret Okonkwo, tel +44 20 7946 0958, m.okonkwo@gmail.com. Crohn disease, 3.2 cm.';
    const { text: cleaned, counts } = cleanFreeText(text, tagger);
    expect(cleaned).toBe('Employer: *** Wife ***, tel ***, ***. Crohn disease, 3.2 cm.');
    expect(counts).toEqual({ organisation: 1, person: 1, phone: 1, email: 1 });
  });

  it('keeps dates when asked to (a profile that keeps full dates), and takes them otherwise', () => {
    const text = 'Prior 09.06.2019 and 9 June 2019, stable.';
    expect(cleanFreeText(text, tagger, { dates: false }).text).toBe(text);
    expect(cleanFreeText(text, tagger, { dates: true }).text).toBe('Prior *** and ***, stable.');
  });

  it('keeps a surname that is also an eponym when it names a person', () => {
    expect(cleanFreeText('Discussed with Mrs Parkinson by phone.', tagger).text).toBe('Discussed with *** by phone.');
    expect(cleanFreeText('Parkinson disease, seen by Dr Hodgkin.', tagger).text).toBe('Parkinson disease, seen by ***.');
  });
});
