import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateProfileSources } from '../../../scripts/generate-profile.ts';
import { repoRoot, standardDir } from '../../../scripts/standard-source.ts';
import { defaultProfile, OPTION_KEYS, type OptionKey, type Profile } from './profile.ts';
import {
  compileProfile,
  OPTION_LABELS,
  resolveAction,
  resolvePrivate,
  resolvePrivateElement,
  resolveRow,
  validateProfile,
  type Resolution,
} from './resolve.ts';
import { TABLE_E1_1_ROWS } from './table.generated.ts';

// Expectations come from the standard's JSON files, not from the generated modules.
type JsonRow = Record<OptionKey | 'tag' | 'name' | 'keyword' | 'basic', string> & {
  retired: boolean;
  inStdCompIOD: boolean;
  note?: string;
};
interface SafeJsonRow { tag: string; group: string; elementOffset: string; privateCreator: string; vr: string; vm: string; meaning: string }
const readJson = <T,>(file: string): T => JSON.parse(readFileSync(resolvePath(standardDir, file), 'utf8')) as T;
const TABLE = readJson<JsonRow[]>('ps3.15-table-e1-1.json');
const SAFE = readJson<SafeJsonRow[]>('ps3.15-table-e3.10-1-safe-private.json');
const CID7050 = readJson<Array<{ codeMeaning: string; tableE11Column: string }>>('cid7050-deidentification-methods.json');

/** The collapse of each Table E.1-1a code, as the brief specifies. */
const EXPECTED_COLLAPSE: Record<string, string> = {
  D: 'D', Z: 'Z', X: 'X', K: 'K', C: 'C', U: 'U',
  'Z/D': 'D', 'X/Z': 'Z', 'X/D': 'D', 'X/Z/D': 'D', 'X/Z/U*': 'U',
};
const LABEL = Object.fromEntries(CID7050.map((c) => [c.tableE11Column, c.codeMeaning.replace(/ Option$/, ' option')]));

const PRIVATE_TAG_TEXT = '(gggg,eeee) where gggg is odd';
/** Tags that a row stands for: its own tag, or samples of what its pattern matches. */
function tagsFor(row: JsonRow): number[] {
  switch (row.tag) {
    case '(50xx,xxxx)':
      return [0x50000000, 0x50100020, 0x50023000, 0x501e0010];
    case '(60xx,3000)':
      return [0x60003000, 0x60023000, 0x601e3000];
    case '(60xx,4000)':
      return [0x60004000, 0x60104000, 0x601e4000];
    case PRIVATE_TAG_TEXT:
      return [0x00091001, 0x00290010, 0x20011001, 0x7fe10010, 0x00430000];
    default: {
      const m = /^\(([0-9A-F]{4}),([0-9A-F]{4})\)$/.exec(row.tag);
      if (!m) throw new Error(`unexpected tag ${row.tag}`);
      return [parseInt(m[1], 16) * 0x10000 + parseInt(m[2], 16)];
    }
  }
}

function profileWith(options: Partial<Record<OptionKey, boolean>> = {}, overrides: Profile['overrides'] = {}): Profile {
  const p = defaultProfile();
  Object.assign(p.options, options);
  p.overrides = overrides;
  return p;
}

const CASES: Array<[string, OptionKey | undefined]> = [
  ['basic profile', undefined],
  ...OPTION_KEYS.map((k): [string, OptionKey] => [k, k]),
];

describe('Table E.1-1: every row, basic profile and each option alone', () => {
  it('has 657 rows in the JSON and in the generated table', () => {
    expect(TABLE).toHaveLength(657);
    expect(TABLE_E1_1_ROWS).toHaveLength(657);
  });

  it.each(CASES)('%s', (_name, option) => {
    const profile = profileWith(option ? { [option]: true } : {});
    const compiled = compileProfile(profile);
    let checked = 0;
    for (const row of TABLE) {
      const cell = option ? row[option] : '';
      const code = cell || row.basic;
      for (const tag of tagsFor(row)) {
        const r = resolveAction(tag, profile);
        const where = `${row.tag} ${row.name} as ${tag.toString(16)}`;
        expect(compiled.resolve(tag), where).toEqual(r);
        expect(r.row?.tag, where).toBe(row.tag);
        expect(r.row?.name, where).toBe(row.name);
        if (row.tag === PRIVATE_TAG_TEXT) {
          // Without the Private Creator nothing private is known to be safe: always removed.
          expect(r.action, where).toBe('X');
          expect(r.code, where).toBe(code);
        } else {
          expect(r.action, where).toBe(EXPECTED_COLLAPSE[code]);
          expect(r.code, where).toBe(code);
          expect(r.source, where).toBe(cell ? LABEL[option!] : 'basic profile');
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(657);
  });

  it('generated rows carry the JSON cells exactly', () => {
    const byTag = new Map(TABLE_E1_1_ROWS.map((r) => [r.tag, r]));
    for (const row of TABLE) {
      const g = byTag.get(row.tag);
      expect(g, row.tag).toBeDefined();
      expect({ name: g!.name, keyword: g!.keyword, retired: g!.retired, inStdCompIOD: g!.inStdCompIOD, basic: g!.basic, note: g!.note }).toEqual({
        name: row.name, keyword: row.keyword, retired: row.retired, inStdCompIOD: row.inStdCompIOD, basic: row.basic, note: row.note,
      });
      for (const k of OPTION_KEYS) expect(g!.options[k] ?? '', `${row.tag} ${k}`).toBe(row[k]);
    }
  });

  it('counts match the README', () => {
    const count = (values: string[]) => values.reduce<Record<string, number>>((a, v) => ((a[v] = (a[v] ?? 0) + 1), a), {});
    const basic = { X: 417, D: 93, U: 55, Z: 42, 'X/D': 23, 'X/Z': 11, 'X/Z/D': 8, 'Z/D': 6, 'X/Z/U*': 2 };
    expect(count(TABLE.map((r) => r.basic))).toEqual(basic);
    expect(count(TABLE_E1_1_ROWS.map((r) => r.basic))).toEqual(basic);
    const options: Record<OptionKey, Record<string, number>> = {
      retainSafePrivate: { C: 1 },
      retainUIDs: { K: 60 },
      retainDeviceIdentity: { K: 48, C: 11 },
      retainInstitutionIdentity: { K: 10 },
      retainPatientCharacteristics: { K: 14, C: 5 },
      retainLongFullDates: { K: 169 },
      retainLongModifiedDates: { C: 169 },
      cleanDescriptors: { C: 141 },
      cleanStructuredContent: { C: 4 },
      cleanGraphics: { C: 4 },
    };
    for (const k of OPTION_KEYS) {
      expect(count(TABLE.map((r) => r[k]).filter(Boolean)), k).toEqual(options[k]);
      expect(count(TABLE_E1_1_ROWS.map((r) => r.options[k] ?? '').filter(Boolean)), k).toEqual(options[k]);
    }
    expect(TABLE.filter((r) => r.retired)).toHaveLength(102);
    expect(TABLE.filter((r) => r.inStdCompIOD)).toHaveLength(473);
    // After collapsing, under the basic profile.
    const profile = defaultProfile();
    const actions = count(TABLE.map((r) => resolveAction(tagsFor(r)[0], profile).action));
    expect(actions).toEqual({ X: 417, D: 93 + 23 + 8 + 6, Z: 42 + 11, U: 55 + 2 });
  });
});

describe('options together', () => {
  it('K beats C when two enabled options have cells for a row', () => {
    const rows = TABLE.filter((r) => r.retainDeviceIdentity === 'K' && r.retainLongModifiedDates === 'C');
    expect(rows).toHaveLength(11);
    const profile = profileWith({ retainDeviceIdentity: true, retainLongModifiedDates: true });
    const compiled = compileProfile(profile);
    for (const row of rows) {
      const r = resolveAction(tagsFor(row)[0], profile);
      expect(r.action, row.name).toBe('K');
      expect(r.source).toMatch(/^Retain Device Identity option \(over Retain Longitudinal Temporal Information Modified Dates option: C\)$/);
      expect(compiled.resolve(tagsFor(row)[0])).toEqual(r);
    }
    // The other way round too (option order must not matter).
    const p2 = profileWith({ retainLongModifiedDates: true, retainDeviceIdentity: true });
    for (const row of rows) expect(resolveAction(tagsFor(row)[0], p2).action).toBe('K');
  });

  it('K beats C whichever column comes first (synthetic row)', () => {
    const row = { tag: '(0009,0000)', name: 'test', keyword: '', retired: false, inStdCompIOD: false, basic: 'X' as const };
    const kSecond = { ...row, options: { retainUIDs: 'C' as const, cleanGraphics: 'K' as const } };
    const kFirst = { ...row, options: { retainUIDs: 'K' as const, cleanGraphics: 'C' as const } };
    const opts = { ...defaultProfile().options, retainUIDs: true, cleanGraphics: true };
    expect(resolveRow(kSecond, opts)).toMatchObject({ action: 'K', source: 'Clean Graphics option (over Retain UIDs option: C)' });
    expect(resolveRow(kFirst, opts)).toMatchObject({ action: 'K', source: 'Retain UIDs option (over Clean Graphics option: C)' });
    expect(resolveRow(kSecond, { ...opts, cleanGraphics: false })).toMatchObject({ action: 'C', source: 'Retain UIDs option' });
    expect(resolveRow(kSecond, defaultProfile().options)).toMatchObject({ action: 'X', source: 'basic profile' });
  });

  it('two C cells give C; full dates with device identity give K', () => {
    const both = TABLE.filter((r) => r.retainPatientCharacteristics === 'C' && r.cleanDescriptors === 'C');
    expect(both.length).toBeGreaterThan(0);
    const p = profileWith({ retainPatientCharacteristics: true, cleanDescriptors: true });
    for (const row of both) expect(resolveAction(tagsFor(row)[0], p).action).toBe('C');
    const p2 = profileWith({ retainDeviceIdentity: true, retainLongFullDates: true });
    for (const row of TABLE.filter((r) => r.retainDeviceIdentity === 'K' && r.retainLongFullDates === 'K')) {
      expect(resolveAction(tagsFor(row)[0], p2).action).toBe('K');
    }
  });

  it('the two longitudinal options exclude each other', () => {
    const p = profileWith({ retainLongFullDates: true, retainLongModifiedDates: true });
    expect(() => resolveAction(0x00080020, p)).toThrow(/exclude each other/);
    expect(() => compileProfile(p)).toThrow(/exclude each other/);
    expect(() => validateProfile({ options: { retainLongFullDates: true, retainLongModifiedDates: true } })).toThrow(
      /retainLongFullDates and retainLongModifiedDates exclude each other/,
    );
  });

  it('everything switched on except Full Dates', () => {
    const p = profileWith(Object.fromEntries(OPTION_KEYS.filter((k) => k !== 'retainLongFullDates').map((k) => [k, true])));
    const c = compileProfile(p);
    for (const row of TABLE) for (const tag of tagsFor(row)) expect(c.resolve(tag)).toEqual(resolveAction(tag, p));
    expect(resolveAction(0x00100010, p).action).toBe('Z'); // Patient's Name: no option touches it
    expect(resolveAction(0x00100040, p).action).toBe('K'); // Patient's Sex: patient characteristics
  });
});

describe('patterns and tags outside the table', () => {
  const basic = defaultProfile();
  const graphics = profileWith({ cleanGraphics: true });
  const cases: Array<[string, number, Profile, string, string]> = [
    ['overlay data in an even repeating group', 0x60023000, basic, 'X', 'basic profile'],
    ['overlay data under Clean Graphics', 0x60023000, graphics, 'C', 'Clean Graphics option'],
    ['overlay comments', 0x601e4000, basic, 'X', 'basic profile'],
    ['curve data', 0x50100020, basic, 'X', 'basic profile'],
    ['curve data under Clean Graphics', 0x50100020, graphics, 'C', 'Clean Graphics option'],
    ['a private attribute', 0x00091001, basic, 'X', 'private attribute'],
    ['an odd "overlay" group is private', 0x60013000, basic, 'X', 'private attribute'],
    ['overlay group beyond 601E is not a repeating group', 0x60203000, basic, 'K', 'not in Table E.1-1: standard attribute kept'],
    ['curve group beyond 501E', 0x50200000, basic, 'K', 'not in Table E.1-1: standard attribute kept'],
    ['Overlay Rows is not in the table', 0x60000010, basic, 'K', 'not in Table E.1-1: standard attribute kept'],
    ['SOP Class UID is not in the table', 0x00080016, basic, 'K', 'not in Table E.1-1: standard attribute kept'],
    ['file meta is not in the table', 0x00020010, basic, 'K', 'not in Table E.1-1: standard attribute kept'],
    ['Pixel Data is not in the table', 0x7fe00010, basic, 'K', 'not in Table E.1-1: standard attribute kept'],
    ['a public tag the dictionary does not know', 0x00100090, basic, 'X', 'public attribute not in the data dictionary: removed'],
    ['an unknown public tag under every option', 0x00081011, profileWith(Object.fromEntries(OPTION_KEYS.filter((k) => k !== 'retainLongFullDates').map((k) => [k, true]))), 'X', 'public attribute not in the data dictionary: removed'],
  ];
  it.each(cases)('%s', (_name, tag, profile, action, source) => {
    const r = resolveAction(tag, profile);
    expect(r.action).toBe(action);
    expect(r.source).toBe(source);
    expect(compileProfile(profile).resolve(tag)).toEqual(r);
  });

  it('spot checks of well-known rows', () => {
    const p = defaultProfile();
    expect(resolveAction(0x00100010, p)).toMatchObject({ action: 'Z', code: 'Z' }); // Patient's Name
    expect(resolveAction(0x00080018, p)).toMatchObject({ action: 'U', code: 'U' }); // SOP Instance UID
    expect(resolveAction(0x00081140, p)).toMatchObject({ action: 'U', code: 'X/Z/U*' }); // Referenced Image Sequence
    expect(resolveAction(0x00080020, p)).toMatchObject({ action: 'Z', code: 'Z' }); // Study Date
    expect(resolveAction(0x00180010, p)).toMatchObject({ action: 'D', code: 'Z/D' }); // Contrast/Bolus Agent
    expect(resolveAction(0x00181000, p)).toMatchObject({ action: 'D', code: 'X/Z/D' }); // Device Serial Number
    expect(resolveAction(0x00181000, profileWith({ retainDeviceIdentity: true }))).toMatchObject({
      action: 'K', code: 'K', source: 'Retain Device Identity option',
    });
    expect(resolveAction(0x00080018, profileWith({ retainUIDs: true }))).toMatchObject({ action: 'K', source: 'Retain UIDs option' });
  });
});

describe('overrides', () => {
  it('win over the table, options and patterns', () => {
    const p = validateProfile({
      options: { retainUIDs: true },
      overrides: {
        '(0010,0010)': { action: 'keep' },
        '(0008,0018)': { action: 'remove' },
        '00081030': { action: 'empty' },
        '(0010,0020)': { action: 'replace', value: 'TEACHING-01' },
        '(6000,3000)': { action: 'keep' },
        '(0009,10aa)': { action: 'keep' },
        '(0008,0016)': { action: 'remove' },
        '(0010,0090)': { action: 'keep' },
      },
    });
    expect(Object.keys(p.overrides)).toContain('(0009,10AA)');
    expect(Object.keys(p.overrides)).toContain('(0008,1030)');
    const c = compileProfile(p);
    const check = (tag: number, expected: Partial<Resolution> & { value?: string }) => {
      expect(resolveAction(tag, p)).toMatchObject(expected);
      expect(c.resolve(tag)).toEqual(resolveAction(tag, p));
    };
    check(0x00100010, { action: 'K', code: 'K', source: 'override: keep' });
    check(0x00080018, { action: 'X', source: 'override: remove' });
    check(0x00081030, { action: 'Z', source: 'override: empty' });
    check(0x00100020, { action: 'R', value: 'TEACHING-01', source: 'override: replace' });
    check(0x60003000, { action: 'K', source: 'override: keep' });
    check(0x00080016, { action: 'X', source: 'override: remove' });
    check(0x000910aa, { action: 'K', source: 'override: keep' });
    check(0x00100090, { action: 'K', source: 'override: keep' }); // a public tag PS3.6 does not define
    expect(resolveAction(0x00100010, p).row?.name).toBe("Patient's Name");
    // Private overrides apply when the element is resolved with its creator, too.
    expect(resolvePrivateElement(0x000910aa, 'ANY', p)).toMatchObject({ action: 'K', source: 'override: keep' });
    expect(c.resolvePrivateElement(0x000910aa, 'ANY')).toMatchObject({ action: 'K', source: 'override: keep' });
    // Not overridden: the table as usual.
    check(0x00100030, { action: 'Z', source: 'basic profile' });
  });

  it('rejects override keys that are not canonical when given a profile object directly', () => {
    const p = profileWith({}, { '(0010,001a)': { action: 'keep' } });
    expect(() => compileProfile(p)).toThrow(/validateProfile/);
    expect(() => resolveAction(0x00100010, p)).toThrow(/validateProfile/);
  });
});

describe('Retain Safe Private (Table E.3.10-1)', () => {
  const philips = SAFE.find((r) => r.privateCreator === 'Philips Imaging DD 001')!;
  const group = parseInt(philips.group, 16);
  const offset = parseInt(philips.elementOffset, 16);
  const on = profileWith({ retainSafePrivate: true });
  const off = defaultProfile();

  it('keeps a listed Philips attribute only with the option on', () => {
    expect(resolvePrivate(group, 'Philips Imaging DD 001', offset, on)).toMatchObject({
      action: 'K',
      code: 'C',
      source: `Retain Safe Private option (Table E.3.10-1: ${philips.meaning})`,
      safePrivate: { vr: philips.vr, meaning: philips.meaning },
    });
    expect(resolvePrivate(group, 'Philips Imaging DD 001', offset, off)).toMatchObject({ action: 'X', source: 'private attribute' });
    // Padded creator values match after trimming.
    expect(resolvePrivate(group, ' Philips Imaging DD 001 \0', offset, on).action).toBe('K');
    // Another creator, another group or an unlisted element: removed.
    expect(resolvePrivate(group, 'Philips Imaging DD 002x', offset, on).action).toBe('X');
    expect(resolvePrivate(group + 2, 'Philips Imaging DD 001', offset, on).action).toBe('X');
    const unlisted = [...Array(256).keys()].find(
      (o) => !SAFE.some((r) => r.group === philips.group && r.privateCreator === philips.privateCreator && parseInt(r.elementOffset, 16) === o),
    )!;
    expect(resolvePrivate(group, 'Philips Imaging DD 001', unlisted, on)).toMatchObject({
      action: 'X', source: 'private attribute: not in Table E.3.10-1, removed',
    });
  });

  it('every row of the table is kept with the option on, and removed without it', () => {
    expect(SAFE).toHaveLength(479);
    const cOn = compileProfile(on);
    const cOff = compileProfile(off);
    for (const row of SAFE) {
      const g = parseInt(row.group, 16);
      const o = parseInt(row.elementOffset, 16);
      const r = resolvePrivate(g, row.privateCreator, o, on);
      expect(r.action, row.tag).toBe('K');
      expect(r.safePrivate?.vr, row.tag).toBe(row.vr);
      expect(cOn.resolvePrivate(g, row.privateCreator, o)).toEqual(r);
      // Whichever block the creator reserved: (gggg,10ee) and (gggg,43ee) alike.
      for (const block of [0x10, 0x43]) {
        const tag = g * 0x10000 + block * 0x100 + o;
        expect(resolvePrivateElement(tag, row.privateCreator, on)).toEqual(r);
        expect(cOn.resolvePrivateElement(tag, row.privateCreator)).toEqual(r);
        expect(cOff.resolvePrivateElement(tag, row.privateCreator).action).toBe('X');
      }
      expect(resolvePrivate(g, row.privateCreator, o, off).action).toBe('X');
      expect(cOff.resolvePrivate(g, row.privateCreator, o).action).toBe('X');
    }
  });

  it('names the attribute when the standard gives no meaning', () => {
    const blank = SAFE.find((r) => r.meaning === '')!;
    const r = resolvePrivate(parseInt(blank.group, 16), blank.privateCreator, parseInt(blank.elementOffset, 16), on);
    expect(r.action).toBe('K');
    expect(r.source).toBe(`Retain Safe Private option (Table E.3.10-1: (${blank.group},xx${blank.elementOffset}) ${blank.privateCreator})`);
  });

  it('keeps the Private Creator of a safe block, and nothing without a creator', () => {
    const creatorTag = group * 0x10000 + 0x0010;
    const cOn = compileProfile(on);
    for (const [res, c] of [[(t: number, cr?: string) => resolvePrivateElement(t, cr, on), 'direct'], [cOn.resolvePrivateElement, 'compiled']] as const) {
      expect(res(creatorTag, 'Philips Imaging DD 001').action, c).toBe('K');
      expect(res(creatorTag, 'SOMEONE ELSE').action, c).toBe('X');
      expect(res(creatorTag, undefined).action, c).toBe('X');
      expect(res(group * 0x10000 + 0x1000 + offset, undefined).action, c).toBe('X');
      expect(res(group * 0x10000 + 0x0000, 'Philips Imaging DD 001').action, c).toBe('X');
      expect(res(0x00100010, undefined).action, c).toBe('Z'); // not private: as resolveAction
    }
    expect(resolvePrivateElement(creatorTag, 'Philips Imaging DD 001', off).action).toBe('X');
    expect(resolveAction(group * 0x10000 + 0x1000 + offset, on)).toMatchObject({ action: 'X', code: 'C' });
  });

  it('rejects impossible arguments', () => {
    expect(() => resolvePrivate(0x2000, 'x', 1, on)).toThrow(/odd/);
    expect(() => resolvePrivate(0x2001, 'x', 256, on)).toThrow(/0-255/);
    expect(() => compileProfile(on).resolvePrivate(0x0010, 'x', 1)).toThrow(/odd/);
  });
});

describe('validateProfile', () => {
  it('fills missing fields from defaultProfile()', () => {
    expect(validateProfile({})).toEqual(defaultProfile());
    expect(validateProfile('{"name": "teaching", "options": {"cleanDescriptors": true}}')).toEqual({
      ...defaultProfile(),
      options: { ...defaultProfile().options, cleanDescriptors: true },
    });
    const p = validateProfile({ pseudonyms: { mode: 'anonymize', dateShiftDays: { max: -30 } } });
    expect(p.pseudonyms).toEqual({ mode: 'anonymize', patientIdPrefix: 'VEIL', dateShiftDays: { min: -3650, max: -30 } });
  });

  it('labels options with their CID 7050 meanings', () => {
    for (const k of OPTION_KEYS) expect(OPTION_LABELS[k]).toBe(LABEL[k]);
  });

  const errors: Array<[string, unknown, RegExp]> = [
    ['not an object', [], /^profile: expected an object/],
    ['bad JSON text', '{', /^profile: not valid JSON/],
    ['unknown top-level field', { option: {} }, /profile: unknown field "option"/],
    ['unknown option', { options: { retainUID: true } }, /profile\.options: unknown option "retainUID"/],
    ['non-boolean option', { options: { retainUIDs: 'yes' } }, /profile\.options\.retainUIDs: expected true or false/],
    ['bad override tag', { overrides: { '(0010,001G)': { action: 'keep' } } }, /profile\.overrides\["\(0010,001G\)"\]: not a tag/],
    ['pattern override tag', { overrides: { '(60xx,3000)': { action: 'keep' } } }, /not a tag/],
    ['file meta override', { overrides: { '(0002,0010)': { action: 'keep' } } }, /group 0002/],
    ['item tag override', { overrides: { '(FFFE,E000)': { action: 'remove' } } }, /group FFFE/],
    ['duplicate override', { overrides: { '(0010,0010)': { action: 'keep' }, '00100010': { action: 'remove' } } }, /overridden twice/],
    ['bad override action', { overrides: { '(0010,0010)': { action: 'delete' } } }, /profile\.overrides\["\(0010,0010\)"\]\.action: expected one of keep, remove, empty, replace/],
    ['override not an object', { overrides: { '(0010,0010)': 'keep' } }, /profile\.overrides\["\(0010,0010\)"\]: expected an object/],
    ['replace without value', { overrides: { '(0010,0010)': { action: 'replace' } } }, /\.value: "replace" needs a string value/],
    ['value on keep', { overrides: { '(0010,0010)': { action: 'keep', value: 'x' } } }, /unknown field "value"/],
    ['bad mode', { pseudonyms: { mode: 'hash' } }, /profile\.pseudonyms\.mode/],
    ['bad prefix', { pseudonyms: { patientIdPrefix: 'A\\B' } }, /profile\.pseudonyms\.patientIdPrefix/],
    ['min above max', { pseudonyms: { dateShiftDays: { min: 10, max: -10 } } }, /profile\.pseudonyms\.dateShiftDays: min \(10\) is greater than max \(-10\)/],
    ['fractional shift', { pseudonyms: { dateShiftDays: { min: -1.5, max: 0 } } }, /profile\.pseudonyms\.dateShiftDays\.min: expected a whole number/],
    ['huge shift', { pseudonyms: { dateShiftDays: { min: -100000, max: 0 } } }, /dateShiftDays\.min/],
    ['string shift', { pseudonyms: { dateShiftDays: { min: '-10', max: 0 } } }, /dateShiftDays\.min/],
    ['zero shift', { pseudonyms: { dateShiftDays: { min: 0, max: 0 } } }, /would not shift dates/],
    ['unknown pseudonym field', { pseudonyms: { prefix: 'X' } }, /profile\.pseudonyms: unknown field "prefix"/],
  ];
  it.each(errors)('%s', (_name, json, message) => {
    expect(() => validateProfile(json)).toThrow(message);
  });
});

describe('generated files', () => {
  it('are up to date with ../shared/standard', () => {
    const sources = generateProfileSources();
    expect(Object.keys(sources).sort()).toEqual([
      'src/core/profile/method-codes.generated.ts',
      'src/core/profile/safe-private.generated.ts',
      'src/core/profile/table.generated.ts',
    ]);
    for (const [path, text] of Object.entries(sources)) {
      const onDisk = readFileSync(resolvePath(repoRoot, path), 'utf8');
      expect(onDisk === text, `${path} is stale: run npm run generate`).toBe(true);
      expect(text.startsWith('// GENERATED — do not edit.')).toBe(true);
    }
    expect(sources['src/core/profile/table.generated.ts']).toContain('DICOM PS3.15 2026d, © NEMA');
    expect(generateProfileSources()).toEqual(sources); // deterministic
  });
});
