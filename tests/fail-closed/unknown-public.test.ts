/**
 * Issue 8, item 7: public attributes the data dictionary does not know are removed.
 *
 * "Standard attribute outside Table E.1-1: kept" is safe only for attributes PS3.6 defines — we
 * know what they hold. A tag in a public group that the dictionary does not know (a byte flip
 * away from Patient's Name, a vendor writing into a public group) could hold anything, so it is
 * removed under every profile, at any depth, unless the profile explicitly keeps it.
 */
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { encodePart10, type Element } from '../synthetic/encoder.ts';
import { defaultProfile } from '../../src/core/profile/profile.ts';
import { leaksUnderEveryProfile, runVeil, type PlantedValue, type VeilRun } from './harness.ts';

const SOP_CLASS_CT = '1.2.840.10008.5.1.4.1.1.2';
const INSTANCE = '1.2.826.0.1.3680043.8.498.43.1';

// (0010,0090): one bit away from Patient's Name (0010,0010); (0008,1011) and (0018,0F01) are not in PS3.6 either.
const FLIPPED_NAME = 0x00100090;
const VENDOR_IN_PUBLIC_GROUP = 0x00081011;
const IN_SEQUENCE = 0x00180f01;
const NAME_ASCII = 'HARGREAVES^PENELOPE';
const NAME_LATIN1 = 'NØRGÅRD^SØREN';
const NAME_UTF8 = 'ŻÓŁKIEWSKA^ŁUCJA';
const VENDOR_TEXT = 'SCANNED BY DR QUIMBY AT NORTHFIELD';
const NESTED_TEXT = 'ROOM 12 BEDSIDE TELFORD';

function file(charset: string | undefined, name: string, transferSyntax: 'explicit-le' | 'implicit-le'): Uint8Array {
  const dataset: Element[] = [
    ...(charset ? [{ tag: 0x00080005, vr: 'CS', value: charset }] : []),
    { tag: 0x00080016, vr: 'UI', value: SOP_CLASS_CT },
    { tag: 0x00080018, vr: 'UI', value: INSTANCE },
    { tag: 0x00080060, vr: 'CS', value: 'CT' },
    { tag: VENDOR_IN_PUBLIC_GROUP, vr: 'LO', value: VENDOR_TEXT },
    { tag: 0x00100010, vr: 'PN', value: 'ANON^UNKNOWN' },
    { tag: 0x00100020, vr: 'LO', value: 'UNK001' },
    { tag: FLIPPED_NAME, vr: 'PN', value: name },
    { tag: 0x00180050, vr: 'DS', value: '2.5' }, // Slice Thickness: known, not in Table E.1-1
    {
      tag: 0x00082218, vr: 'SQ', value: [[ // Anatomic Region Sequence, kept and walked
        { tag: 0x00080100, vr: 'SH', value: '12738006' },
        { tag: 0x00080102, vr: 'SH', value: 'SCT' },
        { tag: 0x00080104, vr: 'LO', value: 'Brain' },
        { tag: IN_SEQUENCE, vr: 'LT', value: NESTED_TEXT },
      ]],
    },
  ];
  return encodePart10({ sopClassUID: SOP_CLASS_CT, sopInstanceUID: INSTANCE, transferSyntax, dataset });
}

const inputs = [
  { name: 'ascii.dcm', bytes: file(undefined, NAME_ASCII, 'explicit-le') },
  { name: 'latin1.dcm', bytes: file('ISO_IR 100', NAME_LATIN1, 'explicit-le') },
  { name: 'utf8.dcm', bytes: file('ISO_IR 192', NAME_UTF8, 'explicit-le') },
  // Implicit VR: the reader cannot know the VR of an unknown tag, so it arrives as UN.
  { name: 'implicit.dcm', bytes: file('ISO_IR 100', NAME_LATIN1, 'implicit-le') },
];

const planted: PlantedValue[] = [
  { value: NAME_ASCII, kind: 'name' },
  { value: NAME_LATIN1, kind: 'name' },
  { value: NAME_UTF8, kind: 'name' },
  { value: 'HARGREAVES', kind: 'name' },
  { value: VENDOR_TEXT, kind: 'text' },
  { value: 'QUIMBY', kind: 'name' },
  { value: NESTED_TEXT, kind: 'text' },
  { value: 'TELFORD', kind: 'text' },
];

const outputs = (run: VeilRun): dicomParser.DataSet[] =>
  [...run.outputs].filter(([n]) => n.endsWith('.dcm')).map(([, b]) => dicomParser.parseDicom(b));

describe('public attributes the dictionary does not know (issue 8, item 7)', () => {
  it('removes them at any depth, under every profile, in every encoding', async () => {
    const leaks = await leaksUnderEveryProfile(inputs, planted, {}, (run, variant) => {
      expect(run.report.totals.written, variant.name).toBe(4);
      for (const ds of outputs(run)) {
        expect(ds.elements.x00100090, variant.name).toBeUndefined();
        expect(ds.elements.x00081011, variant.name).toBeUndefined();
        // Known attributes outside Table E.1-1 are still kept.
        expect(ds.string('x00180050'), variant.name).toBe('2.5');
        expect(ds.elements.x00082218?.items?.[0]?.dataSet?.string('x00080104'), variant.name).toBe('Brain');
      }
    });
    for (const [variant, found] of Object.entries(leaks)) expect(found, variant).toEqual([]);
  }, 300_000);

  it('keeps one when the profile explicitly keeps it', async () => {
    const profile = defaultProfile();
    profile.overrides['(0010,0090)'] = { action: 'keep' };
    const run = await runVeil([inputs[0]], { profile });
    const [ds] = outputs(run);
    expect(ds.string('x00100090')).toBe(NAME_ASCII);
    expect(ds.elements.x00081011).toBeUndefined();
  }, 60_000);
});
