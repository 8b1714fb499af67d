/**
 * Issue 8, item 5: the residual check knows every identifier and looks everywhere — and
 * (item 6) what it finds of the patient's own identifiers does not reach the output. Each test
 * hides the patient's name, ID, birth date or an original UID in a place the profile keeps,
 * and asserts that no planted value is in any byte Veil wrote, under every profile variant.
 */
import { describe, expect, it } from 'vitest';
import { encodeLegacy, iso2022jp, leaksUnderEveryProfile, type PlantedValue } from './harness.ts';
import { privateBlock, type Element } from '../synthetic/encoder.ts';
import { ASCII_PATIENT, STUDY_UID, image, latin1, onlyLeaky, patientPlanted, raw, samplesWith, utf16le, type Patient } from './residual-inputs.ts';

const planted = patientPlanted();

async function leaks(extra: Element[], opts: { patient?: Patient; planted?: PlantedValue[]; overrides?: Record<string, { action: 'keep' }> } = {}) {
  const result = await leaksUnderEveryProfile([{ name: 'in/one.dcm', bytes: image(extra, opts.patient) }], opts.planted ?? planted, { overrides: opts.overrides });
  return onlyLeaky(result);
}

describe('the patient identifiers are searched for, and removed, in every kept value', () => {
  it('CS values: Body Part Examined, Image Type, Content Label', async () => {
    expect(await leaks([
      { tag: 0x00180015, vr: 'CS', value: 'KARLSSON' },
      { tag: 0x00080008, vr: 'CS', value: 'DERIVED\\PRIMARY\\INGRID' },
      { tag: 0x00700080, vr: 'CS', value: 'KARLSSON_19471213' },
    ])).toEqual({});
  });

  it('text after a NUL inside a kept LO value', async () => {
    expect(await leaks([
      { tag: 0x00080070, vr: 'LO', value: 'ACME\0Karlsson Ingrid' },
      { tag: 0x00700081, vr: 'LO', value: 'Scan\0\0PID583920 19471213' },
    ])).toEqual({});
  });

  it('Waveform Data holding the name as text', async () => {
    expect(await leaks([
      { tag: 0x54000100, vr: 'SQ', value: [[
        { tag: 0x003a0005, vr: 'US', value: [1] },
        { tag: 0x003a0010, vr: 'UL', value: [256] },
        { tag: 0x54001004, vr: 'US', value: [16] },
        { tag: 0x54001006, vr: 'CS', value: 'SS' },
        { tag: 0x54001010, vr: 'OW', value: samplesWith(latin1('KARLSSON INGRID')) },
      ]] },
    ])).toEqual({});
  });

  it('LUT Data holding the name as UTF-16 text', async () => {
    expect(await leaks([
      { tag: 0x00283010, vr: 'SQ', value: [[
        { tag: 0x00283002, vr: 'US', value: [256, 0, 16] },
        { tag: 0x00283006, vr: 'OW', value: samplesWith(utf16le('Karlsson')) },
      ]] },
    ])).toEqual({});
  });

  it('an OB blob the profile keeps by an override, and a public OB blob', async () => {
    const blob = samplesWith(latin1('<pat>Karlsson^Ingrid</pat><id>PID583920</id><dob>19471213</dob>'), 1024);
    expect(await leaks([
      ...privateBlock(0x0029, 'ACME BLOB', [{ offset: 0x10, vr: 'OB', value: blob }]),
      { tag: 0x00282000, vr: 'OB', value: samplesWith(latin1('profile of Karlsson')) },
    ], { overrides: { '(0029,1010)': { action: 'keep' } } })).toEqual({});
  });

  it('an original UID written inside a kept comment', async () => {
    expect(await leaks([
      { tag: 0x00700081, vr: 'LO', value: `prior study ${STUDY_UID}` },
    ])).toEqual({});
  });

  it('a Japanese name without spaces in a kept description (ISO 2022 JP)', async () => {
    const patient: Patient = {
      ...ASCII_PATIENT,
      charset: '\\ISO 2022 IR 87',
      name: `YAMADA^TAROU=${raw(iso2022jp('山田'))}^${raw(iso2022jp('太郎'))}`,
    };
    const jp: PlantedValue[] = [
      { value: '山田', kind: 'name', bytes: [iso2022jp('山田')], inMapping: true },
      { value: '太郎', kind: 'name', bytes: [iso2022jp('太郎')], inMapping: true },
    ];
    expect(await leaks([
      { tag: 0x00700081, vr: 'LO', value: raw(iso2022jp('山田太郎様の検査')) },
    ], { patient, planted: jp })).toEqual({});
  });

  it('a one-character Chinese surname in a kept description (GB18030)', async () => {
    const gb = (s: string): string => raw(encodeLegacy('gb18030', s));
    const patient: Patient = { ...ASCII_PATIENT, charset: 'GB18030', name: `Wang^XiaoDong=${gb('王')}^${gb('小东')}` };
    const cn: PlantedValue[] = [
      { value: '王', kind: 'name', bytes: [encodeLegacy('gb18030', '王')], inMapping: true },
      { value: '小东', kind: 'name', bytes: [encodeLegacy('gb18030', '小东')], inMapping: true },
    ];
    expect(await leaks([
      { tag: 0x00700081, vr: 'LO', value: gb('王先生胸部检查') },
    ], { patient, planted: cn })).toEqual({});
  });

  it('CJK names in legacy encodings (GB18030, Big5, Shift-JIS, EUC-KR, ISO 2022 JP) inside a kept blob', async () => {
    const gb = (s: string): string => raw(encodeLegacy('gb18030', s));
    const patient: Patient = { ...ASCII_PATIENT, charset: 'GB18030', name: `Wang^XiaoDong=${gb('王')}^${gb('小东')}` };
    const jpPatient: Patient = { ...ASCII_PATIENT, charset: '\\ISO 2022 IR 87', name: `YAMADA^TAROU=${raw(iso2022jp('山田'))}^${raw(iso2022jp('太郎'))}` };
    const krPatient: Patient = { ...ASCII_PATIENT, charset: 'ISO_IR 192', name: 'Kim^Minjun=김^민준' };
    const twPatient: Patient = { ...ASCII_PATIENT, charset: 'ISO_IR 192', name: 'Chen^DaWei=陳^大偉' };
    const blob = (...parts: Uint8Array[]): Uint8Array => samplesWith(Uint8Array.from(parts.flatMap((p) => [...p, 0x20])), 1024);
    const keep = { '(0029,1010)': { action: 'keep' as const } };
    const inBlob = (bytes: Uint8Array, p: Patient) => image(privateBlock(0x0029, 'ACME BLOB', [{ offset: 0x10, vr: 'OB', value: bytes }]), p);
    const inputs = [
      { name: 'in/cn.dcm', bytes: inBlob(blob(encodeLegacy('gb18030', '小东先生')), patient) },
      { name: 'in/tw.dcm', bytes: inBlob(blob(encodeLegacy('big5', '大偉先生')), twPatient) },
      { name: 'in/jp.dcm', bytes: inBlob(blob(encodeLegacy('shift_jis', '山田様'), iso2022jp('太郎')), jpPatient) },
      { name: 'in/kr.dcm', bytes: inBlob(blob(encodeLegacy('euc-kr', '민준씨')), krPatient) },
    ];
    const legacy: PlantedValue[] = [
      { value: '小东', kind: 'name', bytes: [encodeLegacy('gb18030', '小东')], inMapping: true },
      { value: '大偉', kind: 'name', bytes: [encodeLegacy('big5', '大偉')], inMapping: true },
      { value: '山田', kind: 'name', bytes: [encodeLegacy('shift_jis', '山田')], inMapping: true },
      { value: '太郎', kind: 'name', bytes: [iso2022jp('太郎')], inMapping: true },
      { value: '민준', kind: 'name', bytes: [encodeLegacy('euc-kr', '민준')], inMapping: true },
    ];
    expect(onlyLeaky(await leaksUnderEveryProfile(inputs, legacy, { overrides: keep }))).toEqual({});
  });
});
