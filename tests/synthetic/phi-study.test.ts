/**
 * The synthetic PHI study is only a good test if its files are real DICOM and the PHI is really in
 * them. Checked here with two independent readers (dicom-parser and dcmjs), never with ours.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { encodeDataset, encodePart10, hex, unSequence, TRANSFER_SYNTAX_UID } from './encoder.ts';
import { OUTSIDE_TABLE_PLACES, makePhiStudy, plantedValues, type SyntheticFile } from './phi-study.ts';

interface DcmjsData {
  DicomMessage: { readFile(buffer: ArrayBuffer): { dict: Record<string, unknown>; meta: Record<string, unknown> } };
  DicomMetaDictionary: { naturalizeDataset(dict: Record<string, unknown>): Record<string, unknown> };
}
const require = createRequire(import.meta.url);
const dcmjs = require('dcmjs') as { data: DcmjsData; log: { setLevel(level: string): void } };
dcmjs.log.setLevel('silent');

const study = makePhiStudy();
const tableRows = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../shared/standard/ps3.15-table-e1-1.json'), 'utf8'),
) as { tag: string; keyword: string; basic: string }[];
const tableTags = new Set(tableRows.map((r) => r.tag));

const ab = (b: Uint8Array): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
const latin1Lower = (b: Uint8Array): string => Buffer.from(b).toString('latin1').toLowerCase();
const needle = (value: string): string => Buffer.from(value, 'utf8').toString('latin1').toLowerCase();

function dcmjsNatural(f: { bytes: Uint8Array }): Record<string, unknown> {
  const msg = dcmjs.data.DicomMessage.readFile(ab(f.bytes));
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(msg.dict);
}

function fileNamed(name: string): SyntheticFile {
  const f = study.files.find((x) => x.name === name);
  if (!f) throw new Error(`no file ${name}`);
  return f;
}

describe('encoder', () => {
  it('writes preamble, DICM and a file meta group whose length is right', () => {
    const bytes = encodePart10({
      sopClassUID: '1.2.840.10008.5.1.4.1.1.7',
      sopInstanceUID: '1.2.3.4.5',
      transferSyntax: 'explicit-le',
      dataset: [{ tag: 0x00100010, vr: 'PN', value: 'DOE^J' }],
    });
    expect([...bytes.subarray(0, 128)].every((b) => b === 0)).toBe(true);
    expect(Buffer.from(bytes.subarray(128, 132)).toString('latin1')).toBe('DICM');
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    expect(dv.getUint16(132, true)).toBe(0x0002);
    expect(dv.getUint16(134, true)).toBe(0x0000);
    expect(Buffer.from(bytes.subarray(136, 138)).toString('latin1')).toBe('UL');
    const groupLength = dv.getUint32(140, true);
    // The first element after the meta group is the dataset's (0010,0010).
    const after = 144 + groupLength;
    expect(dv.getUint16(after, true)).toBe(0x0010);
    expect(dv.getUint16(after + 2, true)).toBe(0x0010);
    const ds = dicomParser.parseDicom(bytes);
    expect(ds.string('x00020010')).toBe('1.2.840.10008.1.2.1');
    expect(ds.string('x00020003')).toBe('1.2.3.4.5');
    expect(ds.string('x00020002')).toBe('1.2.840.10008.5.1.4.1.1.7');
    expect(ds.string('x00020012')).toBeTruthy();
    const version = ds.elements['x00020001']!;
    expect([...bytes.subarray(version.dataOffset, version.dataOffset + version.length)]).toEqual([0, 1]);
  });

  it('pads to even length: UI with NUL, text with space, OB with NUL', () => {
    const b = encodeDataset([
      { tag: 0x00080018, vr: 'UI', value: '1.2.3' },
      { tag: 0x00100010, vr: 'PN', value: 'ABC' },
      { tag: 0x00091010, vr: 'OB', value: new Uint8Array([1, 2, 3]) },
    ], 'explicit-le');
    // Sorted: (0008,0018) UI, (0009,1010) OB, (0010,0010) PN.
    const dv = new DataView(b.buffer);
    expect(dv.getUint16(6, true)).toBe(6);
    expect(b[8 + 5]).toBe(0);
    const ob = 8 + 6;
    expect(Buffer.from(b.subarray(ob + 4, ob + 6)).toString('latin1')).toBe('OB');
    expect(dv.getUint32(ob + 8, true)).toBe(4);
    expect([...b.subarray(ob + 12, ob + 16)]).toEqual([1, 2, 3, 0]);
    const pn = ob + 16;
    expect(dv.getUint16(pn + 6, true)).toBe(4);
    expect(Buffer.from(b.subarray(pn + 8, pn + 12)).toString('latin1')).toBe('ABC ');
    expect(b.length).toBe(pn + 12);
  });

  it('writes numbers and OW words big endian in explicit VR big endian, and tags too', () => {
    const b = encodeDataset([
      { tag: 0x00280010, vr: 'US', value: [0x0102] },
      { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array([0x34, 0x12]) },
    ], 'explicit-be');
    expect([...b.subarray(0, 10)]).toEqual([0x00, 0x28, 0x00, 0x10, 0x55, 0x53, 0x00, 0x02, 0x01, 0x02]);
    expect([...b.subarray(10, 14)]).toEqual([0x7f, 0xe0, 0x00, 0x10]);
    expect([...b.subarray(b.length - 2)]).toEqual([0x12, 0x34]);
  });

  it('encodes defined and undefined length sequences, and UN sequences (explicit VR LE: dicom-parser reads them as items)', () => {
    const item = [{ tag: 0x00100020, vr: 'LO', value: 'X1' }];
    for (const ts of ['explicit-le', 'implicit-le', 'explicit-be'] as const) {
      for (const undefinedLength of [false, true]) {
        const bytes = encodePart10({
          sopClassUID: '1.2.3',
          sopInstanceUID: '1.2.3.4',
          transferSyntax: ts,
          dataset: [
            // dicom-parser reads the first element after the meta group little endian, whatever the
            // transfer syntax, so the sequence must not come first in a big endian file.
            { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 100' },
            { tag: 0x00101002, vr: 'SQ', value: [item, item], undefinedLength },
            ...(ts === 'explicit-be' ? [] : [{ tag: 0x00090010, vr: 'LO', value: 'ACME' }, unSequence(0x00091010, [item], { undefinedLength: true })]),
          ],
        });
        const ds = dicomParser.parseDicom(bytes);
        expect(ds.string('x00020010')).toBe(TRANSFER_SYNTAX_UID[ts]);
        const items = ds.elements['x00101002']!.items!;
        expect(items.length).toBe(2);
        expect(items[1]!.dataSet!.string('x00100020')).toBe('X1');
        if (ts === 'explicit-le') expect(ds.elements['x00091010']!.items![0]!.dataSet!.string('x00100020')).toBe('X1');
      }
    }
  });

  it('refuses duplicate tags and odd private groups', () => {
    expect(() => encodeDataset([{ tag: 0x00100010, vr: 'PN', value: 'A' }, { tag: 0x00100010, vr: 'PN', value: 'B' }], 'explicit-le')).toThrow(/duplicate/);
    expect(hex(0x0040a730)).toBe('(0040,A730)');
  });
});

describe('synthetic PHI study', () => {
  it('is deterministic', () => {
    const again = makePhiStudy();
    expect(again.files.map((f) => f.name)).toEqual(study.files.map((f) => f.name));
    again.files.forEach((f, i) => expect(Buffer.from(f.bytes).equals(Buffer.from(study.files[i]!.bytes))).toBe(true));
    expect(again.planted).toEqual(study.planted);
  });

  it('has the files the tests rely on', () => {
    const roles = study.files.map((f) => `${f.patient}:${f.role}:${f.transferSyntax}`);
    expect(roles).toEqual([
      'A:ct:explicit-le', 'A:ct:implicit-le', 'A:ct:explicit-be', 'A:ct:explicit-le',
      'A:gsps:explicit-le', 'A:sr:implicit-le', 'A:prior-ct:explicit-le', 'B:us:implicit-le',
    ]);
    expect(new Set(study.files.map((f) => f.sopInstanceUID)).size).toBe(study.files.length);
    expect(makePhiStudy({ ctSlices: 6 }).files.filter((f) => f.role === 'ct')).toHaveLength(6);
  });

  it('every file parses with dicom-parser, with the identifiers it claims', () => {
    for (const f of study.files) {
      const ds = dicomParser.parseDicom(f.bytes);
      expect(ds.string('x00020010'), f.name).toBe(TRANSFER_SYNTAX_UID[f.transferSyntax]);
      expect(ds.string('x00020003'), f.name).toBe(f.sopInstanceUID);
      expect(ds.string('x00080018'), f.name).toBe(f.sopInstanceUID);
      expect(ds.string('x00080016'), f.name).toBe(f.sopClassUID);
      expect(ds.string('x0020000d'), f.name).toBe(f.studyInstanceUID);
      expect(ds.string('x0020000e'), f.name).toBe(f.seriesInstanceUID);
      expect(ds.string('x00100020'), f.name).toBe(study.patients[f.patient].id);
    }
  });

  it('every file parses with dcmjs (without the UN blobs dcmjs cannot read), and so do those without UN of undefined length', () => {
    for (const f of makePhiStudy({ unBlobs: false }).files) {
      const n = dcmjsNatural(f);
      expect(n['SOPInstanceUID'], f.name).toBe(f.sopInstanceUID);
      expect(n['PatientID'], f.name).toBe(study.patients[f.patient].id);
    }
    // dcmjs reads implicit VR files with UN blobs too (there the blob is just an undefined-length element).
    for (const f of study.files.filter((x) => x.transferSyntax !== 'explicit-le')) {
      const n = dcmjsNatural(f);
      expect(n['SOPInstanceUID'], f.name).toBe(f.sopInstanceUID);
    }
  });

  it('patient B is UTF-8 and reads back as such', () => {
    const n = dcmjsNatural(fileNamed('B/US/image-1.dcm'));
    const [alphabetic, ideographic] = study.patients.B.name.split('=');
    expect(n['PatientName']).toEqual([{ Alphabetic: alphabetic, Ideographic: ideographic }]);
  });

  it('every planted value is really in the bytes of the file it is recorded for', () => {
    const missing: string[] = [];
    for (const p of study.planted) {
      const f = fileNamed(p.file);
      if (!latin1Lower(f.bytes).includes(needle(p.value))) missing.push(`${p.value} @ ${p.where}`);
    }
    expect(missing).toEqual([]);
  });

  it('plants PHI everywhere the issue asks for', () => {
    const wheres = study.planted.map((p) => p.where);
    const has = (re: RegExp) => wheres.some((w) => re.test(w));
    const paths = study.planted.map((p) => `${p.file} ${p.path.join(' > ')}`);
    const hasPath = (re: RegExp) => paths.some((w) => re.test(w));
    // Top level, three deep in a standard sequence, private LO / OB / private SQ three deep, UN blobs.
    expect(has(/\(0010,0010\) PatientName/)).toBe(true);
    expect(hasPath(/\(0040,0275\)\[0\] > \(0040,0008\)\[0\] > \(0040,0440\)\[0\] > \(0040,A123\)/)).toBe(true);
    expect(has(/\(0009,1010\) private LO/)).toBe(true);
    expect(has(/\(0009,1011\) private OB blob/)).toBe(true);
    expect(hasPath(/\(0009,1012\)\[0\] > \(0009,1012\)\[0\] > \(0009,1012\)\[0\] > \(0009,1010\)/)).toBe(true);
    expect(has(/\(0011,1010\) private UN blob/)).toBe(true);
    expect(has(/\(0008,1072\) OperatorIdentificationSequence UN blob/)).toBe(true);
    expect(has(/\(0010,1040\) PatientAddress UN blob/)).toBe(true);
    // SR content: TEXT, PNAME, DATE, DATETIME, three deep.
    expect(hasPath(/report-1.*\(0040,A730\)\[5\] > \(0040,A730\)\[1\] > \(0040,A730\)\[0\] > \(0040,A160\)/)).toBe(true);
    expect(has(/report-1.*\(0040,A123\) PersonName/)).toBe(true);
    expect(has(/report-1.*\(0040,A121\) Date/)).toBe(true);
    expect(has(/report-1.*\(0040,A120\) DateTime/)).toBe(true);
    // Descriptions, comments, protocol, request attributes, other IDs, device, institution.
    for (const kw of [
      'StudyDescription', 'SeriesDescription', 'ImageComments', 'StudyComments', 'ProtocolName', 'RequestedProcedureID',
      'OtherPatientIDsSequence', 'StationName', 'DeviceSerialNumber', 'InstitutionName', 'InstitutionAddress',
      'ReferringPhysicianName', 'PerformingPhysicianName', 'OperatorsName', 'PatientAddress', 'PatientTelephoneNumbers',
      'AccessionNumber', 'UnformattedTextValue', 'ContentCreatorName', 'VerifyingObserverName', 'OverlayComments', 'CurveLabel',
    ]) {
      expect(has(new RegExp(kw)), kw).toBe(true);
    }
    // Every DA / DT / TM attribute and every UID kind.
    for (const kw of [
      'StudyDate', 'SeriesDate', 'AcquisitionDate', 'ContentDate', 'InstanceCreationDate', 'PatientBirthDate',
      'AcquisitionDateTime', 'StudyTime', 'SeriesTime', 'AcquisitionTime', 'ContentTime', 'PatientBirthTime',
      'StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID', 'FrameOfReferenceUID', 'ReferencedSOPInstanceUID',
      'MediaStorageSOPInstanceUID', 'IrradiationEventUID', 'DeviceUID', 'InstanceCreatorUID',
    ]) {
      expect(has(new RegExp(`\\) ${kw} `)), kw).toBe(true);
    }
  });

  it('plants PHI only where PS3.15 Table E.1-1 (or the private-attribute rule) says something must happen', () => {
    const uncovered = study.planted.filter((p) => !p.path.some((step) => {
      const tag = step.replace(/\[\d+\]$/, '');
      if (OUTSIDE_TABLE_PLACES.has(tag)) return true;
      const group = parseInt(tag.slice(1, 5), 16);
      if (group % 2 === 1) return true;
      if (group >= 0x5000 && group <= 0x501e) return tableTags.has('(50xx,xxxx)');
      if (group >= 0x6000 && group <= 0x601e) return tableTags.has(`(60xx,${tag.slice(6, 10)})`);
      return tableTags.has(tag);
    }));
    expect(uncovered.map((p) => p.where)).toEqual([]);
  });

  it('keeps planted values out of utility attributes and pixel data', () => {
    const values = [...plantedValues(study).keys()].map(needle);
    for (const [name, u] of Object.entries(study.utility)) {
      const px = latin1Lower(u.pixelDataLE);
      for (const v of values) expect(px.includes(v), `${v} in pixels of ${name}`).toBe(false);
      for (const a of u.attributes) {
        if (typeof a.value !== 'string') continue;
        for (const v of values) expect(a.value.toLowerCase().includes(v), `${v} in ${a.keyword}`).toBe(false);
      }
    }
  });

  it('utility attributes and pixel data read back as recorded, in every transfer syntax', () => {
    for (const f of makePhiStudy({ unBlobs: false }).files) {
      const u = study.utility[f.name];
      if (!u) continue;
      const ds = dicomParser.parseDicom(f.bytes);
      const n = dcmjsNatural(f);
      for (const a of u.attributes) {
        const key = `x${a.tag.toString(16).padStart(8, '0')}`;
        if (typeof a.value === 'string') {
          expect(ds.string(key)?.replace(/[\s\0]+$/, ''), `${f.name} ${a.keyword}`).toBe(a.value);
          const nv = n[a.keyword];
          const got = Array.isArray(nv) ? nv.join('\\') : String(nv);
          const want = ['DS', 'IS'].includes(a.vr) ? a.value.split('\\').map(Number).join('\\') : a.value;
          expect(got, `${f.name} ${a.keyword} (dcmjs)`).toBe(want);
        } else {
          expect(ds.uint16(key), `${f.name} ${a.keyword}`).toBe(a.value[0]);
          expect(n[a.keyword], `${f.name} ${a.keyword} (dcmjs)`).toBe(a.value[0]);
        }
      }
      const el = ds.elements['x7fe00010']!;
      let px = f.bytes.slice(el.dataOffset, el.dataOffset + el.length);
      if (f.transferSyntax === 'explicit-be' && u.bitsAllocated === 16) {
        px = px.slice();
        for (let i = 0; i < px.length; i += 2) [px[i], px[i + 1]] = [px[i + 1]!, px[i]!];
      }
      expect(Buffer.from(px).equals(Buffer.from(u.pixelDataLE)), `${f.name} pixels`).toBe(true);
    }
  });

  it('the references between files point at real instances', () => {
    const ct = study.files.filter((f) => f.role === 'ct');
    const sr = dicomParser.parseDicom(fileNamed('A/SR/report-1.dcm').bytes);
    const evidence = sr.elements['x0040a375']!.items![0]!.dataSet!;
    expect(evidence.string('x0020000d')).toBe(ct[0]!.studyInstanceUID);
    const series = evidence.elements['x00081115']!.items![0]!.dataSet!;
    expect(series.string('x0020000e')).toBe(ct[0]!.seriesInstanceUID);
    const refs = series.elements['x00081199']!.items!.map((i) => i.dataSet!.string('x00081155'));
    expect(refs).toEqual(ct.map((f) => f.sopInstanceUID));
    const gsps = dicomParser.parseDicom(fileNamed('A/PR/gsps-1.dcm').bytes);
    const gSeries = gsps.elements['x00081115']!.items![0]!.dataSet!;
    expect(gSeries.string('x0020000e')).toBe(ct[0]!.seriesInstanceUID);
    expect(gSeries.elements['x00081140']!.items!.map((i) => i.dataSet!.string('x00081155'))).toEqual(ct.map((f) => f.sopInstanceUID));
  });

  it('the SR finding and the study description carry the identifiers a clean step must take out', () => {
    const n = dcmjsNatural(fileNamed('A/SR/report-1.dcm'));
    const content = n['ContentSequence'] as Record<string, unknown>[];
    const findings = content[5]!['ContentSequence'] as Record<string, unknown>[];
    expect(findings[0]!['TextValue']).toBe(study.srFinding.text);
    for (const v of [study.patients.A.familyName, study.patients.A.givenName, study.patients.A.id, ...study.patients.A.birthDateInText]) {
      expect(study.srFinding.text).toContain(v);
    }
    expect(study.srFinding.text).toContain(study.srFinding.clinicalPart);
    expect(study.studyDescription.text).toContain(study.patients.A.familyName);
  });

  it('dates: patient A spans two studies 490 days apart, and the SR was written two days after the CT', () => {
    const days = (d: string) => Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8)) / 86_400_000;
    const main = fileNamed('A/CT/slice-1.dcm').dates;
    const prior = fileNamed('A/CT-prior/slice-1.dcm').dates;
    const sr = fileNamed('A/SR/report-1.dcm').dates;
    expect(days(main['StudyDate']!) - days(prior['StudyDate']!)).toBe(490);
    expect(days(sr['ContentDate']!) - days(main['StudyDate']!)).toBe(2);
  });
});
