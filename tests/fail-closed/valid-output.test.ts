/**
 * Issue 8, item 11: valid in, valid out. Where the profile's removal would break the IOD (a Type 1
 * or 2 attribute), a dummy or an empty value is written instead and the report says so; a stray
 * item at the top level is dropped with a warning (it must not carry its content into the output);
 * a transfer syntax that does not match the pixel encoding is corrected or the file fails.
 * dciodvfy judges validity: the output may not have an error its input did not have.
 */
import { describe, expect, it } from 'vitest';
import { readPart10 } from '../../src/core/dicom/reader.ts';
import { encodePart10, type Element } from '../synthetic/encoder.ts';
import { dciodvfyBytes, newErrors } from '../helpers/dciodvfy.ts';
import { leaksUnderEveryProfile, runVeil, type PlantedValue, type VeilRun } from './harness.ts';
import { monochromeImagePixel } from '../synthetic/image-pixel.ts';

const GSPS = '1.2.840.10008.5.1.4.1.1.11.1';
const HANGING_PROTOCOL = '1.2.840.10008.5.1.4.38.1';
const SC = '1.2.840.10008.5.1.4.1.1.7';
const MR = '1.2.840.10008.5.1.4.1.1.4';
const ROOT = '1.2.826.0.1.3680043.99998.11';

const NAME = 'Vandersloot^Imelda';
const CREATOR = 'Okonkwo-Brandt^Wilhelmina';
const CREATION_DATE = '20190315';
const REFERENCED_STUDY = `${ROOT}.77.1`;

function patientAndStudy(n: number, modality: string): Element[] {
  return [
    { tag: 0x00080020, vr: 'DA', value: '20190301' },
    { tag: 0x00080030, vr: 'TM', value: '090000' },
    { tag: 0x00080050, vr: 'SH', value: 'ACC1101' },
    { tag: 0x00080060, vr: 'CS', value: modality },
    { tag: 0x00080070, vr: 'LO', value: 'ACME' },
    { tag: 0x00080090, vr: 'PN', value: '' },
    { tag: 0x00100010, vr: 'PN', value: NAME },
    { tag: 0x00100020, vr: 'LO', value: 'PID11001' },
    { tag: 0x00100030, vr: 'DA', value: '19700101' },
    { tag: 0x00100040, vr: 'CS', value: 'O' },
    { tag: 0x0020000d, vr: 'UI', value: `${ROOT}.1` },
    { tag: 0x0020000e, vr: 'UI', value: `${ROOT}.2.${n}` },
    { tag: 0x00200010, vr: 'SH', value: 'S1' },
    { tag: 0x00200011, vr: 'IS', value: String(n) },
    { tag: 0x00200013, vr: 'IS', value: '1' },
  ];
}

/** A grayscale softcopy presentation state whose creation date and creator name the profile removes. */
function gsps(): Uint8Array {
  const uid = `${ROOT}.3.1`;
  return encodePart10({
    sopClassUID: GSPS, sopInstanceUID: uid, transferSyntax: 'explicit-le',
    dataset: [
      { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 100' },
      { tag: 0x00080016, vr: 'UI', value: GSPS },
      { tag: 0x00080018, vr: 'UI', value: uid },
      ...patientAndStudy(1, 'PR'),
      { tag: 0x00081110, vr: 'SQ', value: [[
        { tag: 0x00081150, vr: 'UI', value: '1.2.840.10008.3.1.2.3.1' },
        { tag: 0x00081155, vr: 'UI', value: REFERENCED_STUDY },
      ]] },
      { tag: 0x00081115, vr: 'SQ', value: [[
        { tag: 0x00081140, vr: 'SQ', value: [[
          { tag: 0x00081150, vr: 'UI', value: MR },
          { tag: 0x00081155, vr: 'UI', value: `${ROOT}.4.1` },
        ]] },
        { tag: 0x0020000e, vr: 'UI', value: `${ROOT}.4` },
      ]] },
      { tag: 0x0070005a, vr: 'SQ', value: [[
        { tag: 0x00700052, vr: 'SL', value: [1, 1] },
        { tag: 0x00700053, vr: 'SL', value: [8, 8] },
        { tag: 0x00700100, vr: 'CS', value: 'SCALE TO FIT' },
      ]] },
      { tag: 0x00700080, vr: 'CS', value: 'ANNOTATION' },
      { tag: 0x00700081, vr: 'LO', value: '' },
      { tag: 0x00700082, vr: 'DA', value: CREATION_DATE },
      { tag: 0x00700083, vr: 'TM', value: '143015' },
      { tag: 0x00700084, vr: 'PN', value: CREATOR },
      { tag: 0x20500020, vr: 'CS', value: 'IDENTITY' },
    ],
  });
}

/** A hanging protocol whose definition items hold the (Type 2) Reason for Requested Procedure Code Sequence. */
function hangingProtocol(): Uint8Array {
  const uid = `${ROOT}.5.1`;
  const code = (value: string, meaning: string): Element[] => [
    { tag: 0x00080100, vr: 'SH', value },
    { tag: 0x00080102, vr: 'SH', value: 'DCM' },
    { tag: 0x00080104, vr: 'LO', value: meaning },
  ];
  const definition = (modality: string): Element[] => [
    { tag: 0x00080060, vr: 'CS', value: modality },
    { tag: 0x00181030, vr: 'LO', value: 'BRAIN' },
    { tag: 0x00081032, vr: 'SQ', value: [] },
    { tag: 0x00400100, vr: 'SQ', value: [] },
    { tag: 0x0040100a, vr: 'SQ', value: [code('121001', 'Quotation')] },
    { tag: 0x00180015, vr: 'CS', value: 'HEAD' },
  ];
  return encodePart10({
    sopClassUID: HANGING_PROTOCOL, sopInstanceUID: uid, transferSyntax: 'explicit-le',
    dataset: [
      { tag: 0x00080016, vr: 'UI', value: HANGING_PROTOCOL },
      { tag: 0x00080018, vr: 'UI', value: uid },
      { tag: 0x00720002, vr: 'SH', value: 'NEURO' },
      { tag: 0x00720004, vr: 'LO', value: 'Neuro layout' },
      { tag: 0x00720006, vr: 'CS', value: 'SITE' },
      { tag: 0x00720008, vr: 'LO', value: 'RADIOLOGY' },
      { tag: 0x0072000a, vr: 'DT', value: '20200101120000' },
      { tag: 0x0072000c, vr: 'SQ', value: [definition('MR'), definition('CT')] },
      { tag: 0x0072000e, vr: 'SQ', value: [] },
      { tag: 0x00720014, vr: 'US', value: [0] },
      { tag: 0x00720100, vr: 'US', value: [1] },
    ],
  });
}

/** A 4×4 8-bit secondary capture image. */
function scImage(n: number, extra: Element[] = [], pixels?: Element): Element[] {
  const uid = `${ROOT}.6.${n}`;
  return [
    { tag: 0x00080016, vr: 'UI', value: SC },
    { tag: 0x00080018, vr: 'UI', value: uid },
    ...patientAndStudy(10 + n, 'OT'),
    { tag: 0x00080064, vr: 'CS', value: 'WSD' },
    { tag: 0x00200020, vr: 'CS', value: '' },
    ...monochromeImagePixel(4, 4),
    pixels ?? { tag: 0x7fe00010, vr: 'OB', value: Uint8Array.from({ length: 16 }, (_, i) => i * 16) },
    ...extra,
  ];
}

const scFile = (n: number, dataset: Element[], declared?: string): Uint8Array =>
  encodePart10({ sopClassUID: SC, sopInstanceUID: `${ROOT}.6.${n}`, transferSyntax: 'explicit-le', dataset, declaredTransferSyntaxUID: declared });

/** Inserts raw bytes just before the first element with this tag (explicit VR little endian). */
function insertBefore(file: Uint8Array, tag: number, raw: Uint8Array): Uint8Array {
  const needle = Buffer.from([(tag >>> 16) & 0xff, tag >>> 24, tag & 0xff, (tag >>> 8) & 0xff]);
  const at = Buffer.from(file).indexOf(needle, 132);
  if (at < 0) throw new Error('tag not found');
  return Uint8Array.from([...file.subarray(0, at), ...raw, ...file.subarray(at)]);
}

const u32le = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
/** An explicit VR LE PN element (0010,1060) Patient's Mother's Birth Name holding `name`. */
function pnElement(name: string): number[] {
  const v = ascii(name.length % 2 ? `${name} ` : name);
  return [0x10, 0x00, 0x60, 0x10, ...ascii('PN'), v.length & 0xff, v.length >> 8, ...v];
}
const ITEM = [0xfe, 0xff, 0x00, 0xe0];
const ITEM_END = [0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0];

const onlyDcm = (run: VeilRun): [string, Uint8Array][] => [...run.outputs].filter(([p]) => p.endsWith('.dcm'));

describe('Type 1 and 2 attributes the profile removes (issue 8, item 11)', () => {
  it('writes a dummy Presentation Creation Date/Time in a presentation state, leaks neither it nor the creator, and says so', async () => {
    const input = { name: 'p/1.dcm', bytes: gsps() };
    const planted: PlantedValue[] = [
      { value: CREATION_DATE, kind: 'date' },
      { value: 'Okonkwo-Brandt', kind: 'name' },
      { value: 'Vandersloot', kind: 'name', inMapping: true },
      { value: REFERENCED_STUDY, kind: 'uid' },
    ];
    const leaks = await leaksUnderEveryProfile([input], planted, {}, (run, variant) => {
      const dcm = onlyDcm(run);
      expect(dcm, variant.name).toHaveLength(1);
      const ds = readPart10(dcm[0]![1]).dataset;
      for (const tag of [0x00700082, 0x00700083]) expect(ds.get(tag)?.value.length ?? 0, `${variant.name} ${tag.toString(16)}`).toBeGreaterThan(0);
      // Type 3 Referenced Study Sequence: kept with its item (Retain UIDs) or removed, never left empty.
      const refStudy = ds.get(0x00081110);
      if (refStudy) expect(refStudy.items?.length ?? 0, variant.name).toBeGreaterThan(0);
    });
    for (const [variant, found] of Object.entries(leaks)) expect(found, variant).toEqual([]);

    const run = await runVeil([input]);
    const warnings = run.report.files[0]!.warnings.join('\n');
    expect(warnings).toMatch(/\(0070,0082\).*dummy/);
    expect(warnings).not.toContain(CREATION_DATE);
    expect(newErrors(dciodvfyBytes(input.bytes), dciodvfyBytes(onlyDcm(run)[0]![1]))).toEqual([]);
  }, 120_000);

  it('keeps the Type 2 Reason for Requested Procedure Code Sequence (empty) in each hanging protocol definition', async () => {
    const input = { name: 'h/1.dcm', bytes: hangingProtocol() };
    const run = await runVeil([input]);
    const dcm = onlyDcm(run);
    expect(dcm).toHaveLength(1);
    const ds = readPart10(dcm[0]![1]).dataset;
    const items = ds.get(0x0072000c)?.items ?? [];
    expect(items).toHaveLength(2);
    for (const item of items) expect(item.has(0x0040100a)).toBe(true);
    expect(run.report.files[0]!.warnings.join('\n')).toMatch(/\(0040,100A\).*empty value.*2 places/);
    expect(newErrors(dciodvfyBytes(input.bytes), dciodvfyBytes(dcm[0]![1]))).toEqual([]);
  });

  it('writes the SOP Class and Instance UIDs it puts in the file meta into the dataset too', async () => {
    const dataset = scImage(1).filter((e) => e.tag !== 0x00080018 && e.tag !== 0x00080016);
    const run = await runVeil([{ name: 's/1.dcm', bytes: scFile(1, dataset) }]);
    const parsed = readPart10(onlyDcm(run)[0]![1]);
    const text = (ds: typeof parsed.dataset, tag: number): string => new TextDecoder().decode(ds.get(tag)?.value).replace(/\0+$/, '');
    expect(text(parsed.dataset, 0x00080018)).not.toBe('');
    expect(text(parsed.dataset, 0x00080018)).toBe(text(parsed.meta, 0x00020003));
    expect(text(parsed.dataset, 0x00080016)).toBe(text(parsed.meta, 0x00020002));
  });
});

describe('stray items and delimiters at the top level (issue 8, item 11)', () => {
  const STRAY = 'Pellegrino-Waddell^Casimir';
  const clean = scFile(2, scImage(2));
  const definedItem = (): number[] => { const body = pnElement(STRAY); return [...ITEM, ...u32le(body.length), ...body]; };
  const undefinedItem = (): number[] => [...ITEM, 0xff, 0xff, 0xff, 0xff, ...pnElement(STRAY), ...ITEM_END];
  // Each case also has a stray item delimiter and sequence delimiter after the item.
  const delimiters = [...ITEM_END, 0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0];
  const cases: [string, number[]][] = [
    ['an item of defined length', [...definedItem(), ...delimiters]],
    ['an item of undefined length', [...undefinedItem(), ...delimiters]],
  ];
  for (const [what, raw] of cases) {
    it(`drops ${what} (and stray delimiters) between two elements, with a warning, and leaks nothing it held`, async () => {
      const bytes = insertBefore(clean, 0x0020000d, Uint8Array.from(raw));
      const leaks = await leaksUnderEveryProfile([{ name: 'x/1.dcm', bytes }], [{ value: 'Pellegrino-Waddell', kind: 'name' }, { value: 'Vandersloot', kind: 'name', inMapping: true }], {}, (run, variant) => {
        expect(run.report.files[0]!.status, variant.name).toBe('written');
        expect(run.report.files[0]!.warnings.join('\n'), variant.name).toMatch(/stray item \(FFFE,E000\)/);
        const ds = readPart10(onlyDcm(run)[0]![1]).dataset;
        expect([...ds.elements.keys()].filter((t) => t >>> 16 === 0xfffe), variant.name).toEqual([]);
      });
      for (const [variant, found] of Object.entries(leaks)) expect(found, variant).toEqual([]);
      const run = await runVeil([{ name: 'x/1.dcm', bytes }]);
      expect(newErrors(dciodvfyBytes(clean), dciodvfyBytes(onlyDcm(run)[0]![1]))).toEqual([]);
    }, 120_000);
  }
});

describe('transfer syntax that does not match the pixel encoding (issue 8, item 11)', () => {
  it('writes native pixel data declared as JPEG Baseline as Explicit VR Little Endian, pixels unchanged, and says so', async () => {
    const bytes = scFile(3, scImage(3), '1.2.840.10008.1.2.4.50');
    const run = await runVeil([{ name: 't/1.dcm', bytes }]);
    const entry = run.report.files[0]!;
    expect(entry.status, entry.reason).toBe('written');
    expect(entry.transferSyntaxUID).toBe('1.2.840.10008.1.2.1');
    expect(entry.warnings.join('\n')).toMatch(/JPEG Baseline/);
    const out = readPart10(onlyDcm(run)[0]![1]);
    expect(new TextDecoder().decode(out.meta.get(0x00020010)!.value).replace(/\0+$/, '')).toBe('1.2.840.10008.1.2.1');
    expect([...out.dataset.get(0x7fe00010)!.value]).toEqual(Array.from({ length: 16 }, (_, i) => i * 16));
    expect(newErrors(dciodvfyBytes(scFile(3, scImage(3))), dciodvfyBytes(onlyDcm(run)[0]![1]))).toEqual([]);
  });

  it('fails, with a reason, a file whose Pixel Data is encapsulated under an uncompressed transfer syntax', async () => {
    // Encapsulated Pixel Data (empty offset table, one JPEG-looking fragment) appended as the last element.
    const fragment = [0xff, 0xd8, 0xff, 0xd9];
    const pixels = [0xe0, 0x7f, 0x10, 0x00, ...ascii('OB'), 0, 0, 0xff, 0xff, 0xff, 0xff, ...ITEM, 0, 0, 0, 0, ...ITEM, ...u32le(fragment.length), ...fragment, 0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0];
    const withoutPixels = scFile(4, scImage(4).filter((e) => e.tag !== 0x7fe00010));
    const bytes = Uint8Array.from([...withoutPixels, ...pixels]);
    const run = await runVeil([{ name: 't/2.dcm', bytes }]);
    const entry = run.report.files[0]!;
    expect(entry.status).toBe('failed');
    expect(entry.reason).toMatch(/encapsulated/i);
    expect(onlyDcm(run)).toEqual([]);
  });
});
