/**
 * Issue 8, item 8: cleaning keeps characters intact. A value cleaned in a Latin-1, ISO 2022
 * Japanese or GB18030 file comes out as the same characters in UTF-8 (with Specific Character Set
 * ISO_IR 192), not as mojibake, and the identifier itself is gone from every byte.
 */
import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../../src/core/profile/profile.ts';
import { encodeLegacy, findPlanted, iso2022jp, runVeil, type PlantedValue } from './harness.ts';
import { ASCII_PATIENT, image, latin1, raw, utf8, type Patient } from './residual-inputs.ts';

const cleanDescriptors = (() => {
  const p = defaultProfile();
  p.options.cleanDescriptors = true;
  return p;
})();

const contains = (hay: Uint8Array, needle: Uint8Array): boolean =>
  Buffer.from(hay).indexOf(Buffer.from(needle)) >= 0;

async function cleanedFile(patient: Patient, studyDescription: string, planted: PlantedValue[]): Promise<Uint8Array> {
  const r = await runVeil([{ name: 'in/one.dcm', bytes: image([{ tag: 0x00081030, vr: 'LO', value: studyDescription }], patient) }], { profile: cleanDescriptors });
  const entry = r.report.files[0]!;
  expect(entry.status).toBe('written');
  expect(findPlanted(r, planted, cleanDescriptors)).toEqual([]);
  return r.outputs.get(entry.output!)!;
}

describe('cleaned values keep their characters', () => {
  it('Latin-1: "Hüfte links ***"', async () => {
    const patient: Patient = { ...ASCII_PATIENT, charset: 'ISO_IR 100', name: raw(latin1('KARLSSON^BJÖRN')) };
    const out = await cleanedFile(patient, raw(latin1('Hüfte links Björn')), [{ value: 'Björn', kind: 'name', inMapping: true }]);
    expect(contains(out, utf8('Hüfte links ***'))).toBe(true);
    expect(contains(out, utf8('HÃ¼fte'))).toBe(false);
    expect(contains(out, latin1('ISO_IR 192'))).toBe(true);
  });

  it('ISO 2022 Japanese: "胸部 ***様"', async () => {
    const patient: Patient = { ...ASCII_PATIENT, charset: '\\ISO 2022 IR 87', name: `YAMADA^HANAKO=${raw(iso2022jp('山田'))}^${raw(iso2022jp('花子'))}` };
    const out = await cleanedFile(patient, `${raw(iso2022jp('胸部'))} ${raw(iso2022jp('山田様'))}`, [
      { value: '山田', kind: 'name', bytes: [iso2022jp('山田')], inMapping: true },
    ]);
    expect(contains(out, utf8('胸部 ***様'))).toBe(true);
  });

  it('GB18030: "***先生 胸部"', async () => {
    const gb = (s: string): string => raw(encodeLegacy('gb18030', s));
    const patient: Patient = { ...ASCII_PATIENT, charset: 'GB18030', name: `Li^XiaoMing=${gb('李')}^${gb('小明')}` };
    const out = await cleanedFile(patient, gb('李先生 胸部'), [
      { value: '李', kind: 'name', bytes: [encodeLegacy('gb18030', '李')], inMapping: true },
    ]);
    expect(contains(out, utf8('***先生 胸部'))).toBe(true);
  });
});
