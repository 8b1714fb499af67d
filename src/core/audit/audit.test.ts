import { describe, expect, it } from 'vitest';
import { Dataset } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { KIND, collectIdentifiers, dateSpellings, originalUidIdentifiers, replaceIdentifiers, REPLACEMENT, type Identifier } from './identifiers.ts';
import { scanResidual } from './residual.ts';

const enc = new TextEncoder();

function text(ds: Dataset, tag: number, vr: string, value: string): Dataset {
  ds.set({ tag, vr, value: enc.encode(value) });
  return ds;
}
function bytes(ds: Dataset, tag: number, vr: string, value: Uint8Array): Dataset {
  ds.set({ tag, vr, value });
  return ds;
}
function seq(ds: Dataset, tag: number, items: Dataset[]): Dataset {
  ds.set({ tag, vr: 'SQ', value: new Uint8Array(0), items });
  return ds;
}

function original(): Dataset {
  const ds = new Dataset(['ISO_IR 192']);
  text(ds, T.PatientName, 'PN', 'SMITH-JONES^ANN MARIE^^DR^JR');
  text(ds, T.PatientID, 'LO', '00471123');
  text(ds, T.IssuerOfPatientID, 'LO', 'ST MARYS MRN');
  text(ds, T.PatientBirthDate, 'DA', '19500107');
  text(ds, T.OtherPatientIDs, 'LO', 'X99812\\AB');
  text(ds, T.PatientBirthName, 'PN', 'Karlsson^Ann');
  text(ds, T.PatientMotherBirthName, 'PN', 'Lindqvist^Greta');
  text(ds, 0x00101040, 'LO', '221 Baker Street, Marylebone, NW16XE');
  text(ds, 0x00102154, 'SH', '(555) 123-4567');
  text(ds, T.AccessionNumber, 'SH', 'ACC7781');
  text(ds, T.InstitutionName, 'LO', 'Springfield General Hospital');
  text(ds, T.InstitutionAddress, 'ST', '1 Hospital Road\r\nSpringfield');
  text(ds, T.ReferringPhysicianName, 'PN', 'Dr^Hibbert^Julius');
  text(ds, 0x00081050, 'PN', 'Riviera^Nick');
  text(ds, 0x00081070, 'PN', 'Li^Wu');
  text(ds, T.StudyID, 'SH', 'S2024A');
  text(ds, T.StudyDescription, 'LO', 'CT HEAD');
  const other = new Dataset(['ISO_IR 192']);
  text(other, T.PatientID, 'LO', 'OTHER-555');
  text(other, T.IssuerOfPatientID, 'LO', 'COUNTY');
  seq(ds, 0x00101002, [other]);
  return ds;
}

const valuesOf = (ids: Identifier[], kind?: string): string[] =>
  ids.filter((i) => kind === undefined || i.kind === kind).map((i) => i.value);

describe('collectIdentifiers', () => {
  const ids = collectIdentifiers(original());

  it('splits names into parts and drops honorifics, suffixes and 1-letter parts', () => {
    expect(valuesOf(ids, KIND.patientName)).toEqual(expect.arrayContaining(['SMITH-JONES', 'SMITH', 'JONES', 'ANN', 'MARIE']));
    const all = valuesOf(ids).map((v) => v.toLowerCase());
    expect(all).not.toContain('dr');
    expect(all).not.toContain('jr');
    expect(valuesOf(ids, KIND.physicianName)).toEqual(expect.arrayContaining(['Hibbert', 'Julius', 'Riviera', 'Nick', 'Li', 'Wu']));
    expect(valuesOf(ids, KIND.birthName)).toEqual(['Karlsson']); // "Ann" already known as a patient name part
    expect(valuesOf(ids, KIND.motherBirthName)).toEqual(['Lindqvist', 'Greta']);
  });

  it('collects IDs, including nested Other Patient IDs Sequence, and skips too-short values', () => {
    expect(valuesOf(ids, KIND.patientId)).toEqual(expect.arrayContaining(['00471123', '471123', 'OTHER-555']));
    expect(valuesOf(ids, KIND.otherPatientId)).toEqual(['X99812']);
    expect(valuesOf(ids, KIND.issuer)).toEqual(expect.arrayContaining(['ST MARYS MRN', 'COUNTY']));
    expect(valuesOf(ids, KIND.accession)).toEqual(['ACC7781']);
    expect(valuesOf(ids, KIND.studyId)).toEqual(['S2024A']);
    expect(valuesOf(ids)).not.toContain('AB');
  });

  it('collects address, telephone, institution and birth date spellings', () => {
    expect(valuesOf(ids, KIND.address)).toEqual(expect.arrayContaining(['Baker', 'Marylebone', 'NW16XE']));
    expect(valuesOf(ids, KIND.address)).not.toContain('Street');
    expect(valuesOf(ids, KIND.address)).not.toContain('221');
    expect(valuesOf(ids, KIND.telephone)).toEqual(expect.arrayContaining(['(555) 123-4567', '5551234567', '1234567']));
    expect(valuesOf(ids, KIND.institutionName)).toEqual(['Springfield General Hospital']);
    expect(valuesOf(ids, KIND.institutionAddress)).toEqual(expect.arrayContaining(['1 Hospital Road Springfield', 'Springfield']));
    expect(valuesOf(ids, KIND.birthDate)).toEqual(expect.arrayContaining(['19500107', '1950-01-07', '07/01/1950', '01/07/1950', '07.01.1950', '07 Jan 1950', 'Jan 07 1950']));
    expect(valuesOf(ids)).not.toContain('CT HEAD');
  });

  it('deduplicates case-insensitively', () => {
    const keys = valuesOf(ids).map((v) => v.toLowerCase());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('ignores placeholders and modality codes that stand in for names and IDs', () => {
    const ds = new Dataset();
    text(ds, T.PatientName, 'PN', 'ANONYMIZED^CT^Test');
    text(ds, T.PatientID, 'LO', '0000000');
    text(ds, T.AccessionNumber, 'SH', 'N/A');
    text(ds, T.InstitutionName, 'LO', '***');
    text(ds, T.ReferringPhysicianName, 'PN', 'UNKNOWN');
    expect(collectIdentifiers(ds)).toEqual([]);
  });

  it('ignores a Study ID that is too short to be an identifier', () => {
    const ds = text(new Dataset(), T.StudyID, 'SH', '1');
    expect(collectIdentifiers(ds)).toEqual([]);
  });
});

describe('dateSpellings', () => {
  it('gives numeric and month-name spellings of a valid date only', () => {
    const s = dateSpellings('20011231');
    for (const v of ['20011231', '2001-12-31', '2001/12/31', '2001.12.31', '31/12/2001', '12/31/2001', '31.12.2001', '31-12-2001', '31 Dec 2001', 'Dec 31 2001', 'December 31, 2001']) {
      expect(s).toContain(v);
    }
    expect(dateSpellings('1950')).toEqual([]);
    expect(dateSpellings('19501399')).toEqual(['19501399']);
  });
});

describe('replaceIdentifiers', () => {
  const ids: Identifier[] = [
    { kind: KIND.patientName, value: 'ANN' },
    { kind: KIND.patientName, value: 'SMITH' },
    { kind: KIND.patientName, value: 'SMITH-JONES' },
    { kind: KIND.patientId, value: '4711' },
    ...dateSpellings('19500107').map((value) => ({ kind: KIND.birthDate, value })),
  ];

  it('replaces name parts case-insensitively, only as whole words', () => {
    const r = replaceIdentifiers('Ann smith: ANNOTATION by Smithers, ann.', ids);
    expect(r.text).toBe(`${REPLACEMENT} ${REPLACEMENT}: ANNOTATION by Smithers, ${REPLACEMENT}.`);
    expect(r.replaced).toBe(3);
  });

  it('replaces adjacent occurrences and keeps the delimiters around them', () => {
    expect(replaceIdentifiers('ANN ANN,ann(Ann)', ids)).toEqual({ text: '*** ***,***(***)', replaced: 4 });
    expect(replaceIdentifiers('4711 4711', ids)).toEqual({ text: '*** ***', replaced: 2 });
  });

  it('prefers the longest identifier', () => {
    expect(replaceIdentifiers('pt smith-jones', ids)).toEqual({ text: `pt ${REPLACEMENT}`, replaced: 1 });
  });

  it('replaces IDs next to letters but not inside longer numbers', () => {
    expect(replaceIdentifiers('MRN4711 / 14711 / 47112 / id=4711', ids).text).toBe(`MRN${REPLACEMENT} / 14711 / 47112 / id=${REPLACEMENT}`);
  });

  it('replaces birth dates in several spellings', () => {
    const r = replaceIdentifiers('born 07/01/1950, dob 1950-01-07, DOB 7 january 1950, 19500107120000, JAN 07 1950', ids);
    expect(r.text).toBe(`born ${REPLACEMENT}, dob ${REPLACEMENT}, DOB ${REPLACEMENT}, ${REPLACEMENT}120000, ${REPLACEMENT}`);
    expect(r.replaced).toBe(5);
  });

  it('leaves text without identifiers alone, and the replacement never re-matches', () => {
    expect(replaceIdentifiers('CT HEAD W/O CONTRAST', ids)).toEqual({ text: 'CT HEAD W/O CONTRAST', replaced: 0 });
    expect(replaceIdentifiers(REPLACEMENT, ids).replaced).toBe(0);
    expect(replaceIdentifiers('anything', []).replaced).toBe(0);
  });

  it('escapes regular-expression characters in identifiers', () => {
    const r = replaceIdentifiers('call (555) 123-4567 now', [{ kind: KIND.telephone, value: '(555) 123-4567' }]);
    expect(r.text).toBe(`call ${REPLACEMENT} now`);
  });
});

describe('scanResidual', () => {
  const ids = collectIdentifiers(original());

  function clean(): Dataset {
    const ds = new Dataset(['ISO_IR 192']);
    text(ds, T.PatientName, 'PN', 'VEIL-3F9A2C1B');
    text(ds, T.PatientID, 'LO', 'VEIL-3F9A2C1B');
    text(ds, T.StudyDescription, 'LO', 'CT HEAD ANNOTATION');
    text(ds, T.StudyInstanceUID, 'UI', '2.25.94711230019500107004711231950010755512345670');
    text(ds, T.StudyDate, 'DA', '20100304');
    bytes(ds, T.Rows, 'US', new Uint8Array([0x53, 0x4d]));
    // Pixel data that happens to contain a name is not scanned.
    bytes(ds, T.PixelData, 'OW', enc.encode('xxSMITHxx'));
    const item = new Dataset(['ISO_IR 192']);
    text(item, T.TextValue, 'UT', 'No acute findings. Smithers sign absent.');
    seq(ds, T.ContentSequence, [item]);
    const blob = new Uint8Array(4096);
    for (let i = 0; i < blob.length; i++) blob[i] = (i * 7919) & 0xff;
    bytes(ds, 0x00291010, 'OB', blob);
    return ds;
  }

  it('finds nothing in clean data', () => {
    expect(scanResidual(clean(), ids)).toEqual([]);
  });

  it('finds an identifier at top level', () => {
    const ds = clean();
    text(ds, T.StudyDescription, 'LO', 'CT head for smith-jones');
    const f = scanResidual(ds, ids);
    expect(f.map((x) => x.value)).toEqual(expect.arrayContaining(['SMITH-JONES', 'SMITH', 'JONES']));
    expect(f.every((x) => x.where === '(0008,1030) StudyDescription')).toBe(true);
    expect(f.find((x) => x.value === 'SMITH')?.kind).toBe(KIND.patientName);
  });

  it('finds an identifier nested three deep and reports a readable path', () => {
    const ds = clean();
    const l3 = text(new Dataset(['ISO_IR 192']), T.TextValue, 'UT', 'Patient born 07.01.1950, MRN 00471123.');
    const l2 = seq(new Dataset(['ISO_IR 192']), T.ContentSequence, [new Dataset(), l3]);
    const l1 = seq(new Dataset(['ISO_IR 192']), T.ContentSequence, [new Dataset(), new Dataset(), l2]);
    seq(ds, T.ContentSequence, [l1]);
    const f = scanResidual(ds, ids);
    // "471123" (the ID without leading zeros) is not reported inside "00471123": digits may not touch digits.
    expect(f.map((x) => x.value).sort()).toEqual(['00471123', '07.01.1950']);
    expect(f[0].where).toBe('(0040,A730)[0] > (0040,A730)[2] > (0040,A730)[1] > (0040,A160) TextValue');
  });

  it('finds identifiers inside private OB and UN blobs, in ASCII, UTF-8 and UTF-16', () => {
    const ds = clean();
    const blob = new Uint8Array(2048);
    blob.set(enc.encode('\u0001\u0002PatientsName=Karlsson\u0000'), 100);
    const utf16 = 'acc7781'.split('').flatMap((c) => [c.charCodeAt(0), 0]);
    blob.set(utf16, 900);
    bytes(ds, 0x00291020, 'OB', blob);
    const un = enc.encode('<name>Lindqvist</name><city>Marylebone</city>');
    bytes(ds, 0x00431001, 'UN', un);
    const f = scanResidual(ds, ids);
    expect(f).toEqual(expect.arrayContaining([
      { kind: KIND.birthName, value: 'Karlsson', where: '(0029,1020) Private' },
      { kind: KIND.accession, value: 'ACC7781', where: '(0029,1020) Private' },
      { kind: KIND.motherBirthName, value: 'Lindqvist', where: '(0043,1001) Private' },
      { kind: KIND.address, value: 'Marylebone', where: '(0043,1001) Private' },
    ]));
    expect(f).toHaveLength(4);
  });

  it('finds non-ASCII names by their UTF-8 bytes in binary values', () => {
    const ds = new Dataset(['ISO_IR 192']);
    text(ds, T.PatientName, 'PN', 'Müller^Jürgen');
    const found = collectIdentifiers(ds);
    const out = new Dataset(['ISO_IR 192']);
    bytes(out, 0x00091010, 'UN', enc.encode('xx MÜLLER xx'));
    bytes(out, 0x00091011, 'OB', enc.encode('\u0000jürgen\u0000'));
    const f = scanResidual(out, found);
    expect(f.map((x) => `${x.value}@${x.where}`).sort()).toEqual(['Jürgen@(0009,1011) Private', 'Müller@(0009,1010) Private']);
  });

  it('takes only real original UIDs as identifiers, not "0" or a short root', () => {
    expect(originalUidIdentifiers(['0', '1.2.3', '12345678', '1.2.276.0.7230010.3.1.4.1']).map((i) => i.value)).toEqual(['1.2.276.0.7230010.3.1.4.1']);
  });

  it('finds a name in a blob next to a character of another script, in UTF-8 and UTF-16', () => {
    const out = new Dataset();
    bytes(out, 0x00091010, 'OB', enc.encode('\u0000Karlsson様\u0000'));
    const u16 = (s: string) => Uint8Array.from([...s].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]));
    bytes(out, 0x00091011, 'OB', u16('患者Lindqvist様'));
    // Still not inside a longer ASCII word.
    bytes(out, 0x00091012, 'OB', enc.encode('\u0000Karlssonx\u0000'));
    const f = scanResidual(out, ids);
    expect(f.map((x) => `${x.value}@${x.where}`).sort()).toEqual(['Karlsson@(0009,1010) Private', 'Lindqvist@(0009,1011) Private']);
  });

  it('does not look for 2-letter name parts in binary blobs, only in text', () => {
    const out = new Dataset();
    bytes(out, 0x00091010, 'OB', enc.encode('\u0000li\u0000'));
    text(out, T.StudyDescription, 'LO', 'Li protocol');
    const f = scanResidual(out, ids);
    expect(f.map((x) => x.where)).toEqual(['(0008,1030) StudyDescription']);
  });

  it('looks for IDs, dates and names of 3+ letters, but not 2-letter name parts, in coded, UID and date values', () => {
    const out = new Dataset();
    text(out, T.Modality, 'CS', 'KARLSSON');
    text(out, T.ImageType, 'CS', 'ORIGINAL\\X99812\\LI');
    text(out, T.SeriesNumber, 'IS', '471123');
    text(out, T.StudyDate, 'DA', '19500107');
    const f = scanResidual(out, ids);
    expect(f.map((x) => `${x.value}@${x.where}`).sort()).toEqual([
      '19500107@(0008,0020) StudyDate', 'Karlsson@(0008,0060) Modality', 'X99812@(0008,0008) ImageType',
    ]);
  });

  it('finds spaceless-script names inside words, a one-character Han surname in text, and original UIDs', () => {
    const ds = new Dataset(['ISO_IR 192']);
    text(ds, T.PatientName, 'PN', 'Wang^XiaoDong=王^小东');
    const found = [...collectIdentifiers(ds), { kind: KIND.originalUid, value: '1.2.826.0.1.3680043.8.498.1' }];
    expect(valuesOf(found, KIND.patientName)).toEqual(expect.arrayContaining(['王', '小东']));
    const out = new Dataset(['ISO_IR 192']);
    text(out, T.StudyDescription, 'LO', '王先生胸部检查');
    text(out, 0x00700081, 'LO', 'prior 1.2.826.0.1.3680043.8.498.1.');
    text(out, 0x00700080, 'CS', 'XIAODONG_CT');
    text(out, 0x00204000, 'LT', 'see 1.2.826.0.1.3680043.8.498.12 and 1.2.826.0.1.3680043.8.498.1.5');
    bytes(out, 0x00091010, 'OB', enc.encode('\u0000小东\u0000'));
    bytes(out, 0x00091011, 'OB', enc.encode('\u0000王\u0000'));
    const f = scanResidual(out, found);
    expect(f.map((x) => `${x.value}@${x.where}`).sort()).toEqual([
      '1.2.826.0.1.3680043.8.498.1@(0070,0081) ContentDescription',
      'XiaoDong@(0070,0080) ContentLabel',
      '小东@(0009,1010) Private',
      '王@(0008,1030) StudyDescription',
    ]);
    expect(replaceIdentifiers('王先生 / 小东的 / Xiaodong様', found).text).toBe('***先生 / ***的 / ***様');
  });
});
