/**
 * Issue 8, item 1: overlay groups. The profile removes Overlay Data (60xx,3000); the rest of the
 * group (Overlay Description, Label, Rows, Columns, Type, Origin…) must go with it — it can carry
 * the patient's name, and a group without its Type 1 Overlay Data makes the object invalid. Bits
 * above High Bit of native Pixel Data are always cleared, whether or not a 60xx group declares an
 * overlay there.
 */
import { describe, expect, it } from 'vitest';
import { readPart10 } from '../../src/core/dicom/reader.ts';
import { encodePart10, type Element } from '../synthetic/encoder.ts';
import { dciodvfyBytes, newErrors } from '../helpers/dciodvfy.ts';
import { leaksUnderEveryProfile, runVeil, type InputSpec, type PlantedValue, type VeilRun } from './harness.ts';

const MR = '1.2.840.10008.5.1.4.1.1.4';
const ROWS = 8;
const COLUMNS = 8;

/** An 8×8 16-bit MR image (12 bits stored) with the given extra elements; a fairly complete MR IOD. */
function mrImage(n: number, name: string, extra: Element[], opts: { charset?: string; pixels?: number[]; bitsStored?: number; signed?: boolean } = {}): Uint8Array {
  const pixels = opts.pixels ?? Array.from({ length: ROWS * COLUMNS }, (_, i) => (i * 37) & 0x0fff);
  const bitsStored = opts.bitsStored ?? 12;
  const ds: Element[] = [
    ...(opts.charset ? [{ tag: 0x00080005, vr: 'CS', value: opts.charset }] : []),
    { tag: 0x00080008, vr: 'CS', value: 'ORIGINAL\\PRIMARY' },
    { tag: 0x00080016, vr: 'UI', value: MR },
    { tag: 0x00080018, vr: 'UI', value: `1.2.826.0.1.3680043.99998.8.1.${n}` },
    { tag: 0x00080020, vr: 'DA', value: '20240102' },
    { tag: 0x00080030, vr: 'TM', value: '101500' },
    { tag: 0x00080050, vr: 'SH', value: 'ACC8001' },
    { tag: 0x00080060, vr: 'CS', value: 'MR' },
    { tag: 0x00080070, vr: 'LO', value: 'ACME' },
    { tag: 0x00080090, vr: 'PN', value: '' },
    { tag: 0x00100010, vr: 'PN', value: name },
    { tag: 0x00100020, vr: 'LO', value: 'PID80017' },
    { tag: 0x00100030, vr: 'DA', value: '19610203' },
    { tag: 0x00100040, vr: 'CS', value: 'F' },
    { tag: 0x00180020, vr: 'CS', value: 'SE' },
    { tag: 0x00180021, vr: 'CS', value: 'NONE' },
    { tag: 0x00180022, vr: 'CS', value: '' },
    { tag: 0x00180023, vr: 'CS', value: '2D' },
    { tag: 0x00180050, vr: 'DS', value: '5' },
    { tag: 0x00180080, vr: 'DS', value: '500' },
    { tag: 0x00180081, vr: 'DS', value: '20' },
    { tag: 0x00180091, vr: 'IS', value: '1' },
    { tag: 0x0020000d, vr: 'UI', value: '1.2.826.0.1.3680043.99998.8.2' },
    { tag: 0x0020000e, vr: 'UI', value: '1.2.826.0.1.3680043.99998.8.3' },
    { tag: 0x00200010, vr: 'SH', value: 'S1' },
    { tag: 0x00200011, vr: 'IS', value: '1' },
    { tag: 0x00200013, vr: 'IS', value: String(n) },
    { tag: 0x00200020, vr: 'CS', value: 'L\\P' },
    { tag: 0x00200032, vr: 'DS', value: '0\\0\\0' },
    { tag: 0x00200037, vr: 'DS', value: '1\\0\\0\\0\\1\\0' },
    { tag: 0x00200052, vr: 'UI', value: '1.2.826.0.1.3680043.99998.8.4' },
    { tag: 0x00201040, vr: 'LO', value: '' },
    { tag: 0x00280002, vr: 'US', value: [1] },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: [ROWS] },
    { tag: 0x00280011, vr: 'US', value: [COLUMNS] },
    { tag: 0x00280030, vr: 'DS', value: '1\\1' },
    { tag: 0x00280100, vr: 'US', value: [16] },
    { tag: 0x00280101, vr: 'US', value: [bitsStored] },
    { tag: 0x00280102, vr: 'US', value: [bitsStored - 1] },
    { tag: 0x00280103, vr: 'US', value: [opts.signed ? 1 : 0] },
    { tag: 0x7fe00010, vr: 'OW', value: pixels },
    ...extra,
  ];
  return encodePart10({ sopClassUID: MR, sopInstanceUID: `1.2.826.0.1.3680043.99998.8.1.${n}`, transferSyntax: 'explicit-le', dataset: ds });
}

/** A complete 1-bit overlay group whose bit plane spells `secret` in its bytes. */
function overlayGroup(group: number, description: string, label: string, secret: string): Element[] {
  const g = group << 16;
  const bits = new Uint8Array((ROWS * COLUMNS) / 8);
  for (let i = 0; i < bits.length; i++) bits[i] = secret.charCodeAt(i % secret.length);
  return [
    { tag: g | 0x0010, vr: 'US', value: [ROWS] },
    { tag: g | 0x0011, vr: 'US', value: [COLUMNS] },
    { tag: g | 0x0022, vr: 'LO', value: description },
    { tag: g | 0x0040, vr: 'CS', value: 'G' },
    { tag: g | 0x0045, vr: 'LO', value: 'USER' },
    { tag: g | 0x0050, vr: 'SS', value: [1, 1] },
    { tag: g | 0x0100, vr: 'US', value: [1] },
    { tag: g | 0x0102, vr: 'US', value: [0] },
    { tag: g | 0x1500, vr: 'LO', value: label },
    { tag: g | 0x3000, vr: 'OW', value: bits },
  ];
}

/** A retired-style overlay kept in bit 15 of Pixel Data: no Overlay Data element of its own. */
function highBitOverlayGroup(group: number, description: string): Element[] {
  const g = group << 16;
  return [
    { tag: g | 0x0010, vr: 'US', value: [ROWS] },
    { tag: g | 0x0011, vr: 'US', value: [COLUMNS] },
    { tag: g | 0x0022, vr: 'LO', value: description },
    { tag: g | 0x0040, vr: 'CS', value: 'G' },
    { tag: g | 0x0050, vr: 'SS', value: [1, 1] },
    { tag: g | 0x0100, vr: 'US', value: [16] },
    { tag: g | 0x0102, vr: 'US', value: [15] },
  ];
}

const ASCII_NAME = 'Quernfeld^Odalys';
const LATIN1_NAME = 'Ångström^Søren';
const UTF8_NAME = 'Łukasiewicz^Żaneta';
const OTHER_PERSON = 'Dr Tamsin Vellacourt';
const BITPLANE_TEXT = 'ZYXOVERLAYBITS';

const INPUTS: InputSpec[] = [
  { name: 'a/1.dcm', bytes: mrImage(1, ASCII_NAME, [...overlayGroup(0x6000, `${ASCII_NAME} knee`, ASCII_NAME, BITPLANE_TEXT), ...overlayGroup(0x6002, 'measurement', OTHER_PERSON, BITPLANE_TEXT)]) },
  { name: 'a/2.dcm', bytes: mrImage(2, LATIN1_NAME, overlayGroup(0x6000, `for ${LATIN1_NAME}`, LATIN1_NAME, BITPLANE_TEXT), { charset: 'ISO_IR 100' }) },
  { name: 'a/3.dcm', bytes: mrImage(3, UTF8_NAME, overlayGroup(0x6004, `for ${UTF8_NAME}`, UTF8_NAME, BITPLANE_TEXT), { charset: 'ISO_IR 192' }) },
  { name: 'a/4.dcm', bytes: mrImage(4, ASCII_NAME, highBitOverlayGroup(0x6006, `${ASCII_NAME} graphics`)) },
];

const PLANTED: PlantedValue[] = [
  // Family names on their own: a name split or re-ordered must not slip through either.
  { value: 'Quernfeld', kind: 'name', inMapping: true },
  { value: 'Ångström', kind: 'name', inMapping: true },
  { value: 'Łukasiewicz', kind: 'name', inMapping: true },
  { value: 'Vellacourt', kind: 'name' },
  { value: BITPLANE_TEXT, kind: 'text' },
];

const OVERLAY_GROUPS = Array.from({ length: 16 }, (_, i) => 0x6000 + 2 * i);

/** For each written file: overlay groups present without their Overlay Data (a half group). */
function halfGroups(run: VeilRun): string[] {
  const out: string[] = [];
  for (const [path, bytes] of run.outputs) {
    if (!path.endsWith('.dcm')) continue;
    const ds = readPart10(bytes).dataset;
    for (const g of OVERLAY_GROUPS) {
      const inGroup = [...ds.elements.keys()].filter((t) => t >>> 16 === g);
      if (inGroup.length > 0 && !ds.has(((g << 16) | 0x3000) >>> 0)) out.push(`${path}: group ${g.toString(16)} has ${inGroup.length} element(s) but no Overlay Data`);
    }
  }
  return out;
}

describe('overlay groups (issue 8, item 1)', () => {
  it('leaves no overlay description, label or bit plane in any output byte, under every profile variant, and no half group', async () => {
    const half: string[] = [];
    const leaks = await leaksUnderEveryProfile(INPUTS, PLANTED, {}, (run, variant) => {
      expect(run.report.files.filter((f) => f.status === 'written'), variant.name).toHaveLength(INPUTS.length);
      half.push(...halfGroups(run).map((h) => `${variant.name}: ${h}`));
    });
    for (const [variant, found] of Object.entries(leaks)) expect(found, variant).toEqual([]);
    expect(half).toEqual([]);
  }, 120_000);

  it('says in the report which overlay groups were removed whole, without the values', async () => {
    const run = await runVeil(INPUTS.slice(0, 1));
    const warnings = run.report.files[0]!.warnings.join('\n');
    expect(warnings).toMatch(/overlay group.*6000/i);
    expect(warnings).toMatch(/6002/);
    expect(warnings).not.toMatch(/Quernfeld|Vellacourt/);
  });

  it('adds no dciodvfy error to the image (the half-removed group lacked its Type 1 Overlay Data)', async () => {
    for (const input of INPUTS) {
      const run = await runVeil([input]);
      const [out] = [...run.outputs].filter(([p]) => p.endsWith('.dcm'));
      expect(out, input.name).toBeDefined();
      expect(newErrors(dciodvfyBytes(input.bytes), dciodvfyBytes(out![1])), input.name).toEqual([]);
    }
  });
});

/** Pixel Data of the single written image, as 16-bit words. */
function outputWords(run: VeilRun): { words: number[]; warnings: string[] } {
  const [, bytes] = [...run.outputs].find(([p]) => p.endsWith('.dcm'))!;
  const px = readPart10(bytes).dataset.get(0x7fe00010)!.value;
  const dv = new DataView(px.buffer, px.byteOffset, px.byteLength);
  const words: number[] = [];
  for (let i = 0; i + 1 < px.length; i += 2) words.push(dv.getUint16(i, true));
  return { words, warnings: run.report.files[0]!.warnings };
}

describe('bits above High Bit of native Pixel Data (issue 8, item 1)', () => {
  it('clears bits 12–15 of a 12-bit unsigned image that has no 60xx group, keeps the 12 image bits, and says so; a clean image stays as it was', async () => {
    // Bits 12–15 spell a pattern a viewer showing "overlays in unused bits" would draw.
    const stored = Array.from({ length: ROWS * COLUMNS }, (_, i) => (i * 53) & 0x0fff);
    const hidden = stored.map((v, i) => v | (((i % 3) + 1) << 12) | (i % 2 ? 0x8000 : 0));
    const run = await runVeil([{ name: 'hb/1.dcm', bytes: mrImage(5, ASCII_NAME, [], { pixels: hidden }) }]);
    const { words, warnings } = outputWords(run);
    expect(words).toHaveLength(ROWS * COLUMNS);
    expect(words.filter((w) => (w & 0xf000) !== 0)).toEqual([]);
    expect(words).toEqual(stored);
    expect(warnings.join('\n')).toMatch(/High Bit/);
    // The same image with its unused bits already clear: byte for byte as it was, and no note.
    const clean = outputWords(await runVeil([{ name: 'hb/3.dcm', bytes: mrImage(7, ASCII_NAME, [], { pixels: stored }) }]));
    expect(clean.words).toEqual(stored);
    expect(clean.warnings.join('\n')).not.toMatch(/High Bit/);
  });

  it('leaves nothing but the 12-bit value in a signed image: junk above High Bit goes, one convention for the sign bits', async () => {
    const values = Array.from({ length: ROWS * COLUMNS }, (_, i) => (i % 2 ? -1 : 1) * ((i * 61) % 2048));
    const junk = values.map((v, i) => (v & 0x0fff) | ((i % 5) << 12));
    const run = await runVeil([{ name: 'hb/2.dcm', bytes: mrImage(6, ASCII_NAME, [], { pixels: junk, signed: true }) }]);
    const { words, warnings } = outputWords(run);
    // Bits 12–15 either all zero or all a copy of the sign (bit 11): both keep the value.
    const zeroed = values.map((v) => v & 0x0fff);
    const extended = values.map((v) => v & 0xffff);
    expect([zeroed, extended]).toContainEqual(words);
    expect(warnings.join('\n')).toMatch(/High Bit/);
    // An image that already follows one convention keeps its bytes (both are common in real files).
    for (const [n, clean] of [[8, zeroed], [9, extended]] as const) {
      const out = outputWords(await runVeil([{ name: `hb/${n}.dcm`, bytes: mrImage(n, ASCII_NAME, [], { pixels: [...clean], signed: true }) }]));
      expect(out.words).toEqual(clean);
      expect(out.warnings.join('\n')).not.toMatch(/High Bit/);
    }
  });
});
