/**
 * End to end: a synthetic DICOM file whose kept free text (descriptions, comments, SR text)
 * names people, organisations, addresses, phones, e-mails, other patients' IDs and dates that
 * its header never lists, through the real de-identify path under Clean Descriptors and Clean
 * Structured Content. The planted values must be gone from the output bytes, the clinical text
 * must stay, and the report must count what went, by kind — without the values.
 */
import { describe, expect, it } from 'vitest';
import { createSession, deidentifyFileAsync } from '../src/core/deidentify.ts';
import { joinParts } from '../src/core/dicom/writer.ts';
import { buildReport, reportMeta, type ReportJson } from '../src/core/export/report.ts';
import { defaultProfile, type Profile } from '../src/core/profile/profile.ts';
import type { WrittenOutcome } from '../src/core/outcome.ts';
import { encodePart10, type Element } from './synthetic/encoder.ts';

const SC = '1.2.840.10008.5.1.4.1.1.7';
const SOP = '1.2.826.0.1.3680043.99995.1.1';

/** Values the header never names, by where they are planted. */
const PLANTED = {
  studyDescription: ['Harlow Fenwick Ltd'],
  imageComments: ['Margaret Okonkwo', '+44 20 7946 0958', 'm.okonkwo@gmail.com', '14 Elm Street, Leeds LS6 2AB'],
  textValue: ['Dr Ananya Raghunathan', 'Saint Wendell Clinic', '64981350', '09.06.2019'],
};
const CLINICAL = ['Parkinson disease', 'T2 FLAIR', '3.2 cm', 'Hodgkin lymphoma'];

function file(): Uint8Array {
  const dataset: Element[] = [
    { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 192' },
    { tag: 0x00080016, vr: 'UI', value: SC },
    { tag: 0x00080018, vr: 'UI', value: SOP },
    { tag: 0x00080020, vr: 'DA', value: '20240115' },
    { tag: 0x00080060, vr: 'CS', value: 'OT' },
    { tag: 0x00081030, vr: 'LO', value: 'MRI brain, known Parkinson disease. Employer: Harlow Fenwick Ltd' },
    { tag: 0x0008103e, vr: 'LO', value: 'Axial T2 FLAIR' },
    { tag: 0x00100010, vr: 'PN', value: 'Quennell^Ida' },
    { tag: 0x00100020, vr: 'LO', value: 'Q-55102' },
    { tag: 0x0020000d, vr: 'UI', value: '1.2.826.0.1.3680043.99995.2' },
    { tag: 0x0020000e, vr: 'UI', value: '1.2.826.0.1.3680043.99995.3' },
    {
      tag: 0x00204000, vr: 'LT',
      value: 'Wife Margaret Okonkwo present, call +44 20 7946 0958 or m.okonkwo@gmail.com; lives at 14 Elm Street, Leeds LS6 2AB. Lesion 3.2 cm.',
    },
    {
      tag: 0x0040a730, vr: 'SQ', value: [[
        { tag: 0x0040a010, vr: 'CS', value: 'CONTAINS' },
        { tag: 0x0040a040, vr: 'CS', value: 'TEXT' },
        { tag: 0x0040a043, vr: 'SQ', value: [[
          { tag: 0x00080100, vr: 'SH', value: '121071' },
          { tag: 0x00080102, vr: 'SH', value: 'DCM' },
          { tag: 0x00080104, vr: 'LO', value: 'Finding' },
        ]] },
        {
          tag: 0x0040a160, vr: 'UT',
          value: 'Referred by Dr Ananya Raghunathan, Saint Wendell Clinic. Prior under MRN 64981350 on 09.06.2019: Hodgkin lymphoma, stable.',
        },
      ]],
    },
  ];
  return encodePart10({ sopClassUID: SC, sopInstanceUID: SOP, transferSyntax: 'explicit-le', dataset });
}

function profile(options: Partial<Profile['options']>): Profile {
  const p = defaultProfile();
  p.options = { ...p.options, ...options };
  return p;
}

async function run(options: Partial<Profile['options']>): Promise<{ outcome: WrittenOutcome; text: string }> {
  const session = createSession({ profile: profile(options), passphrase: 'free-text' });
  const outcome = await deidentifyFileAsync({ path: 'in/ft.dcm', bytes: file() }, session);
  if (outcome.status !== 'written') throw new Error(`not written: ${outcome.reason}`);
  return { outcome, text: new TextDecoder().decode(joinParts(outcome.parts)) };
}

describe('free text the header does not name, through the de-identify path', () => {
  it('removes every planted value under Clean Descriptors + Clean Structured Content, keeps the clinical text', async () => {
    const { outcome, text } = await run({ cleanDescriptors: true, cleanStructuredContent: true });
    for (const value of Object.values(PLANTED).flat()) expect(text, value).not.toContain(value);
    // Parts of names and numbers too: nothing of them is left readable.
    for (const part of ['Okonkwo', 'Raghunathan', 'Fenwick', 'Wendell', '7946', 'Elm Street', 'LS6']) expect(text, part).not.toContain(part);
    for (const keep of CLINICAL) expect(text, keep).toContain(keep);
    expect(text).toContain('Employer: ***');

    expect(outcome.freeText).toEqual({ organisation: 2, person: 2, phone: 1, email: 1, address: 1, id: 1, date: 1 });
    const meta = { ...reportMeta(profile({ cleanDescriptors: true, cleanStructuredContent: true })), finishedAt: '' };
    const { json, csv } = buildReport([outcome], meta);
    const report = JSON.parse(json) as ReportJson;
    expect(report.totals.freeTextRemoved).toEqual(outcome.freeText);
    expect(report.files[0].freeTextRemoved).toEqual(outcome.freeText);
    const [header, row] = csv.trim().split('\r\n');
    const cell = row.split(',')[header.split(',').indexOf('free_text_removed')];
    expect(cell).toBe('person 2; organisation 2; address 1; phone 1; email 1; id 1; date 1');
    // Counts, never the values.
    for (const value of Object.values(PLANTED).flat()) expect(json + csv).not.toContain(value);
  });

  it('keeps dates in free text when the profile keeps full dates, and still takes the rest', async () => {
    const { outcome, text } = await run({ cleanDescriptors: true, cleanStructuredContent: true, retainLongFullDates: true });
    expect(text).toContain('09.06.2019');
    expect(text).not.toContain('Raghunathan');
    expect(outcome.freeText?.date).toBeUndefined();
  });

  it('leaves no free-text count when no option keeps free text (the basic profile removes it)', async () => {
    const { outcome, text } = await run({});
    for (const value of Object.values(PLANTED).flat()) expect(text, value).not.toContain(value);
    expect(outcome.freeText).toBeUndefined();
  });
});
