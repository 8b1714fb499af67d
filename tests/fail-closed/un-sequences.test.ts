/**
 * Issue 8, item 4: sequences that arrive as VR UN.
 *
 * A converter that does not know a sequence's VR writes it as UN. PS3.5 says the content is then
 * implicit VR little endian, but real files also carry explicit VR items inside a UN. Either way
 * the items must be read and cleaned like any other sequence; a UN that looks like a sequence but
 * reads neither way is removed (and a warning says so), never copied raw — unless the user's
 * profile explicitly keeps that attribute.
 */
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { encodeDataset, encodePart10, privateBlock, unSequence, type Element, type Item } from '../synthetic/encoder.ts';
import { defaultProfile } from '../../src/core/profile/profile.ts';
import { findPlanted, leaksUnderEveryProfile, runVeil, type PlantedValue, type VeilRun } from './harness.ts';
import { joinParts } from '../../src/core/dicom/writer.ts';

const SOP_CLASS_MR = '1.2.840.10008.5.1.4.1.1.4';
const STUDY = '1.2.826.0.1.3680043.8.498.42.7001';
const SERIES = '1.2.826.0.1.3680043.8.498.42.7002';
const INSTANCE = '1.2.826.0.1.3680043.8.498.42.7003';
const OTHER_STUDY = '1.2.826.0.1.3680043.8.498.42.7101';
const OTHER_SERIES = '1.2.826.0.1.3680043.8.498.42.7102';
const REFERENCED = '1.2.826.0.1.3680043.8.498.42.7103';
const MASK_IMAGE = '1.2.826.0.1.3680043.8.498.42.7104';
const NURSE = 'KOWALSKA^MARTA';
const SURGEON_LATIN1 = 'MÜLLER^JÖRG';
const HIDDEN_IN_GARBAGE = 'WINTERBOTTOM^ISOLDE';
const PLAIN_IN_SAFE_SEQUENCE = 'FAIRWEATHER^OSWIN';

const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;

function u32le(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const v = new DataView(out.buffer);
  values.forEach((n, i) => v.setUint32(i * 4, n >>> 0, true));
  return out;
}
const tagBytes = (tag: number): Uint8Array => {
  const out = new Uint8Array(4);
  const v = new DataView(out.buffer);
  v.setUint16(0, tag >>> 16, true);
  v.setUint16(2, tag & 0xffff, true);
  return out;
};
const concat = (...parts: Uint8Array[]): Uint8Array => joinParts(parts);

const unSequenceExplicit = (tag: number, items: Item[], undefinedLength = false): Element =>
  unSequence(tag, items, { undefinedLength, explicit: true });

/** Starts like a sequence (an item tag) but its lengths lead nowhere in either VR encoding. */
function brokenUnSequence(tag: number): Element {
  const text = new TextEncoder().encode(HIDDEN_IN_GARBAGE);
  // Item of defined length 40, whose content claims an element far longer than the item.
  const content = concat(tagBytes(0x00100010), new Uint8Array([0x50, 0x4e]), new Uint8Array([0xf0, 0x7f]), text, new Uint8Array(40 - 8 - text.length));
  return { tag, vr: 'UN', value: concat(tagBytes(ITEM), u32le(40), content) };
}

const referencedSeriesItem: Item = [
  { tag: 0x0020000d, vr: 'UI', value: OTHER_STUDY },
  { tag: 0x0020000e, vr: 'UI', value: OTHER_SERIES },
  { tag: 0x00081199, vr: 'SQ', value: [[ // Referenced SOP Sequence
    { tag: 0x00081150, vr: 'UI', value: SOP_CLASS_MR },
    { tag: 0x00081155, vr: 'UI', value: REFERENCED },
  ]] },
];

function base(extra: Element[], charset?: string): Element[] {
  return [
    ...(charset ? [{ tag: 0x00080005, vr: 'CS', value: charset }] : []),
    { tag: 0x00080016, vr: 'UI', value: SOP_CLASS_MR },
    { tag: 0x00080018, vr: 'UI', value: INSTANCE },
    { tag: 0x00080060, vr: 'CS', value: 'MR' },
    { tag: 0x00100010, vr: 'PN', value: 'ANON^UNSEQ' },
    { tag: 0x00100020, vr: 'LO', value: 'UNS001' },
    { tag: 0x0020000d, vr: 'UI', value: STUDY },
    { tag: 0x0020000e, vr: 'UI', value: SERIES },
    ...extra,
  ];
}

const part10 = (dataset: Element[], transferSyntax: 'explicit-le' | 'implicit-le' = 'explicit-le'): Uint8Array =>
  encodePart10({ sopClassUID: SOP_CLASS_MR, sopInstanceUID: INSTANCE, transferSyntax, dataset });

const inputs = [
  // Defined-length UN, dictionary VR SQ, explicit VR items inside (the bug of the issue).
  { name: 'explicit-items.dcm', bytes: part10(base([unSequenceExplicit(0x00081115, [referencedSeriesItem])])) },
  // The same in Related Series Sequence, with undefined lengths (PS3.5 says implicit; this is explicit).
  { name: 'explicit-undefined.dcm', bytes: part10(base([unSequenceExplicit(0x00081250, [referencedSeriesItem], true)])) },
  // A sequence the table does not name, as an implicit VR UN of defined length, carrying a name (Latin-1).
  {
    name: 'implicit-items.dcm',
    bytes: part10(base([unSequence(0x00081115, [[...referencedSeriesItem, { tag: 0x00081050, vr: 'PN', value: SURGEON_LATIN1 }]])], 'ISO_IR 100')),
  },
  // A safe private sequence (Philips Stack Sequence family: Referenced Mask Image Sequence) as UN
  // with explicit items: kept by Retain Safe Private, so its items must be cleaned.
  {
    name: 'private-explicit.dcm',
    bytes: part10(base(privateBlock(0x2001, 'Philips Imaging DD 001', [
      { offset: 0x73, vr: 'UN', value: unSequenceExplicit(0, [[
        { tag: 0x00081155, vr: 'UI', value: MASK_IMAGE },
        { tag: 0x0020000d, vr: 'UI', value: OTHER_STUDY },
        { tag: 0x00081070, vr: 'PN', value: NURSE },
      ]]).value as Uint8Array },
    ]))),
  },
  // A safe private attribute that Table E.3.10-1 says is a sequence (Stack Sequence), holding
  // plain text instead of items: not what the standard called safe, so not kept.
  {
    name: 'private-plain.dcm',
    bytes: part10(base(privateBlock(0x2001, 'Philips Imaging DD 001', [
      { offset: 0x5f, vr: 'UN', value: new TextEncoder().encode(`${PLAIN_IN_SAFE_SEQUENCE} `) },
    ]))),
  },
  // Looks like a sequence (dictionary SQ and an item tag) but reads neither way.
  { name: 'broken.dcm', bytes: part10(base([brokenUnSequence(0x00081115)])) },
  // The same in an implicit VR file, where every element is read without a VR.
  { name: 'broken-implicit.dcm', bytes: part10(base([brokenUnSequence(0x00081250)]), 'implicit-le') },
];

const planted: PlantedValue[] = [
  { value: STUDY, kind: 'uid', inMapping: true },
  { value: SERIES, kind: 'uid', inMapping: true },
  { value: INSTANCE, kind: 'uid' },
  { value: OTHER_STUDY, kind: 'uid' },
  { value: OTHER_SERIES, kind: 'uid' },
  { value: REFERENCED, kind: 'uid' },
  { value: MASK_IMAGE, kind: 'uid' },
  { value: NURSE, kind: 'name' },
  { value: SURGEON_LATIN1, kind: 'name' },
  { value: HIDDEN_IN_GARBAGE, kind: 'name' },
  { value: PLAIN_IN_SAFE_SEQUENCE, kind: 'name' },
];

const outputOf = (run: VeilRun, input: string): dicomParser.DataSet => {
  const entry = run.operator.files.find((f) => f.path!.endsWith(input));
  if (!entry?.output) throw new Error(`${input} was not written: ${entry?.status} ${entry?.reason}`);
  return dicomParser.parseDicom(run.outputs.get(entry.output)!);
};

describe('sequences encoded as UN (issue 8, item 4)', () => {
  it('writes every file and leaves no planted UID or name in any output byte, under every profile', async () => {
    const leaks = await leaksUnderEveryProfile(inputs, planted, {}, (run, variant) => {
      const notWritten = run.report.files.filter((f) => f.status !== 'written').map((f) => `${f.input}: ${f.reason}`);
      expect(notWritten, variant.name).toEqual([]);
    });
    for (const [variant, found] of Object.entries(leaks)) expect(found, variant).toEqual([]);
  }, 300_000);

  it('reads explicit VR items inside a UN as a sequence: references stay, with mapped UIDs', async () => {
    const run = await runVeil(inputs);
    for (const [input, tag] of [['explicit-items.dcm', 'x00081115'], ['explicit-undefined.dcm', 'x00081250']] as const) {
      const ds = outputOf(run, input);
      const item = ds.elements[tag]?.items?.[0]?.dataSet;
      expect(item, input).toBeDefined();
      expect(item!.string('x0020000d'), input).toMatch(/^2\.25\./);
      expect(item!.string('x0020000e'), input).toMatch(/^2\.25\./);
      const ref = item!.elements.x00081199?.items?.[0]?.dataSet;
      expect(ref?.string('x00081150'), input).toBe(SOP_CLASS_MR);
      expect(ref?.string('x00081155'), input).toMatch(/^2\.25\./);
    }
  }, 60_000);

  it('removes a UN that looks like a sequence but parses neither way, and says so without the value', async () => {
    const run = await runVeil(inputs);
    for (const [input, tag] of [['broken.dcm', 'x00081115'], ['broken-implicit.dcm', 'x00081250']] as const) {
      expect(outputOf(run, input).elements[tag], input).toBeUndefined();
      const entry = run.operator.files.find((f) => f.path!.endsWith(input))!;
      const warning = entry.warnings.find((w) => /could not be read as a sequence/.test(w));
      expect(warning, input).toBeDefined();
      expect(warning).not.toContain('WINTERBOTTOM');
    }
  }, 60_000);

  it('keeps such a UN when the profile explicitly keeps that attribute', async () => {
    const profile = defaultProfile();
    profile.overrides['(0008,1115)'] = { action: 'keep' };
    const run = await runVeil(inputs.filter((f) => f.name === 'broken.dcm'), { profile });
    expect(outputOf(run, 'broken.dcm').elements.x00081115).toBeDefined();
    expect(findPlanted(run, [{ value: HIDDEN_IN_GARBAGE, kind: 'name' }], profile)).not.toEqual([]);
    // The report still tells the user that what their override kept was never checked.
    const [entry] = run.report.files;
    expect(entry.warnings.some((w) => /\(0008,1115\).*could not be read as a sequence.*override/.test(w))).toBe(true);
  }, 60_000);
});
