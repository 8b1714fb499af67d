/**
 * End-to-end header de-identification on the synthetic PHI study (tests/synthetic/phi-study.ts):
 * PHI planted everywhere — top level, three deep, private blocks, UN blobs, SR content, free
 * text, every date and UID — must be gone from every output byte; references between files must
 * still resolve; utility attributes and pixel data must be untouched.
 *
 * Outputs are verified with two independent readers (dicom-parser and dcmjs), never with ours.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import dicomParser from 'dicom-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSession, deidentifyFileAsync } from '../src/core/deidentify.ts';
import type { FileOutcome, WrittenOutcome } from '../src/core/outcome.ts';
import { joinParts } from '../src/core/dicom/writer.ts';
import { defaultProfile, type Profile } from '../src/core/profile/profile.ts';
import { makePhiStudy, plantedValues, type Planted, type PhiStudy, type SyntheticFile } from './synthetic/phi-study.ts';

// ---------------------------------------------------------------------------------------------
// Independent readers.

interface DcmjsData {
  DicomMessage: { readFile(buffer: ArrayBuffer): { dict: Record<string, unknown>; meta: Record<string, unknown> } };
  DicomMetaDictionary: { naturalizeDataset(dict: Record<string, unknown>): Record<string, unknown> };
}
const require = createRequire(import.meta.url);
const dcmjs = require('dcmjs') as { data: DcmjsData; log: { setLevel(level: string): void } };
dcmjs.log.setLevel('silent');

type DPDataSet = dicomParser.DataSet;
type DPElement = dicomParser.Element;

const ab = (b: Uint8Array): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

function readDcmjs(bytes: Uint8Array): Record<string, unknown> {
  const msg = dcmjs.data.DicomMessage.readFile(ab(bytes));
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(msg.dict);
}

const tagKey = (tag: number): string => `x${tag.toString(16).padStart(8, '0')}`;
const tagText = (key: string): string => `(${key.slice(1, 5).toUpperCase()},${key.slice(5, 9).toUpperCase()})`;
const trimValue = (s: string | undefined): string | undefined => s?.replace(/[\s\0]+$/, '').replace(/^\s+/, '');

/** Visit every element at every depth; `path` is like "(0040,A730)[5] > (0040,A160)". */
function walk(ds: DPDataSet, visit: (el: DPElement, path: string, ds: DPDataSet) => void, prefix = ''): void {
  for (const [key, el] of Object.entries(ds.elements)) {
    const path = `${prefix}${tagText(key)}`;
    visit(el, path, ds);
    el.items?.forEach((item, i) => {
      if (item.dataSet) walk(item.dataSet, visit, `${prefix}${tagText(key)}[${i}] > `);
    });
  }
}

/** Every string value of `tag` at any depth. */
function allStrings(ds: DPDataSet, tag: number): { path: string; value: string }[] {
  const key = tagKey(tag);
  const out: { path: string; value: string }[] = [];
  walk(ds, (el, path, owner) => {
    if (el.tag === key && !el.items) out.push({ path, value: trimValue(owner.string(key)) ?? '' });
  });
  return out;
}

function str(ds: DPDataSet, tag: number): string | undefined {
  const el = ds.elements[tagKey(tag)];
  if (!el) return undefined;
  return trimValue(ds.string(tagKey(tag)));
}

function utf8(ds: DPDataSet, tag: number): string | undefined {
  const el = ds.elements[tagKey(tag)];
  if (!el) return undefined;
  return trimValue(Buffer.from(ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length)).toString('utf8'));
}

// ---------------------------------------------------------------------------------------------
// Byte search.

const lowerLatin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1').toLowerCase();
/** A planted value as it would appear in bytes (UTF-8), lower-cased the same way as the haystack. */
const needle = (value: string): string => Buffer.from(value, 'utf8').toString('latin1').toLowerCase();

/** Where in an output file a byte string sits, as a tag path (deepest element containing it). */
function locate(bytes: Uint8Array, value: string): string[] {
  const n = needle(value);
  const hay = lowerLatin1(bytes);
  const hits: number[] = [];
  for (let at = hay.indexOf(n); at >= 0; at = hay.indexOf(n, at + 1)) hits.push(at);
  let ds: DPDataSet;
  try {
    ds = dicomParser.parseDicom(bytes);
  } catch {
    return hits.map((h) => `byte ${h} (output does not parse with dicom-parser)`);
  }
  return hits.map((h) => {
    let best: { path: string; size: number } | undefined;
    walk(ds, (el, path) => {
      const start = el.dataOffset;
      const end = el.dataOffset + el.length;
      if (h >= start && h < end && (!best || el.length < best.size)) best = { path, size: el.length };
    });
    return best ? best.path : `byte ${h} (outside any element)`;
  });
}

// ---------------------------------------------------------------------------------------------
// Running the engine.

interface Run {
  study: PhiStudy;
  outcomes: Map<string, FileOutcome>;
  written: Map<string, Written>;
  dp: Map<string, DPDataSet>;
}

const study = makePhiStudy();
const values = plantedValues(study);
const tableRows = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../shared/standard/ps3.15-table-e1-1.json'), 'utf8'),
) as Record<string, string | boolean>[];
const tableByTag = new Map(tableRows.map((r) => [r['tag'] as string, r]));

function profileWith(options: Partial<Profile['options']> = {}): Profile {
  const p = defaultProfile();
  p.options = { ...p.options, ...options };
  return p;
}

/** Outcomes with the output joined into one buffer, as the assertions read it. */
type Written = WrittenOutcome & { bytes: Uint8Array };
function withBytes(o: FileOutcome): FileOutcome | Written {
  return o.status === 'written' ? { ...o, bytes: joinParts(o.parts) } : o;
}

async function run(profile: Profile, extra: { passphrase?: string; lookup?: Map<string, { name: string; id: string }> } = {}): Promise<Run> {
  const sessionOptions: Parameters<typeof createSession>[0] = { profile };
  if (extra.passphrase !== undefined) sessionOptions.passphrase = extra.passphrase;
  if (extra.lookup !== undefined) sessionOptions.lookup = extra.lookup;
  const session = createSession(sessionOptions);
  const outcomes = new Map<string, FileOutcome>();
  const written = new Map<string, Written>();
  const dp = new Map<string, DPDataSet>();
  for (const f of study.files) {
    // The study's own bytes, not a copy: 'does not modify the inputs' checks them afterwards.
    const outcome = withBytes(await deidentifyFileAsync({ path: f.name, bytes: f.bytes }, session));
    outcomes.set(f.name, outcome);
    if (outcome.status === 'written') {
      written.set(f.name, outcome as Written);
      dp.set(f.name, dicomParser.parseDicom((outcome as Written).bytes));
    }
  }
  return { study, outcomes, written, dp };
}

function out(r: Run, name: string): DPDataSet {
  const ds = r.dp.get(name);
  if (!ds) {
    const o = r.outcomes.get(name);
    throw new Error(`${name} was not written: ${o && o.status !== 'written' ? `${o.status}: ${o.reason}` : 'no outcome'}`);
  }
  return ds;
}

function filesWhere(pred: (f: SyntheticFile) => boolean): SyntheticFile[] {
  return study.files.filter(pred);
}

/** For each planted value found in an output: which value, in which output, where, and where it had been planted. */
function survivors(r: Run, keep: (value: string, places: Planted[]) => boolean = () => true): string[] {
  const found: string[] = [];
  for (const [name, o] of r.written) {
    const hay = lowerLatin1(o.bytes);
    for (const [value, places] of values) {
      if (!keep(value, places)) continue;
      if (!hay.includes(needle(value))) continue;
      const plantedHere = places.filter((p) => p.file === name).map((p) => p.where.slice(name.length + 1));
      found.push(
        `"${value}" (${places[0]!.kind}) in output of ${name} at ${locate(o.bytes, value).join(', ')}` +
          (plantedHere.length ? `; planted in this file at: ${plantedHere.join('; ')}` : '; planted only in other files'),
      );
    }
    for (const [value] of values) {
      if (keep(value, values.get(value)!) && o.output.toLowerCase().includes(value.toLowerCase())) {
        found.push(`"${value}" in the output path ${o.output} of ${name}`);
      }
    }
  }
  return found;
}

const days = (da: string): number => Date.UTC(+da.slice(0, 4), +da.slice(4, 6) - 1, +da.slice(6, 8)) / 86_400_000;
const DATE_KINDS = new Set(['date', 'time', 'datetime']);

const T = {
  SpecificCharacterSet: 0x00080005,
  SeriesDescription: 0x0008103e,
  SOPInstanceUID: 0x00080018,
  SOPClassUID: 0x00080016,
  MediaStorageSOPClassUID: 0x00020002,
  MediaStorageSOPInstanceUID: 0x00020003,
  ReferencedSOPClassUID: 0x00081150,
  StudyDate: 0x00080020,
  SeriesDate: 0x00080021,
  AcquisitionDate: 0x00080022,
  ContentDate: 0x00080023,
  AcquisitionDateTime: 0x0008002a,
  StudyDescription: 0x00081030,
  ReferencedSOPInstanceUID: 0x00081155,
  PatientName: 0x00100010,
  PatientID: 0x00100020,
  StudyInstanceUID: 0x0020000d,
  SeriesInstanceUID: 0x0020000e,
  FrameOfReferenceUID: 0x00200052,
  PatientIdentityRemoved: 0x00120062,
  DeidentificationMethodCodeSequence: 0x00120064,
  CodeValue: 0x00080100,
  CodingSchemeDesignator: 0x00080102,
  TextValue: 0x0040a160,
  ReferencedSeriesSequence: 0x00081115,
  ReferencedImageSequence: 0x00081140,
  ReferencedSOPSequence: 0x00081199,
  CurrentRequestedProcedureEvidenceSequence: 0x0040a375,
  PixelData: 0x7fe00010,
  TransferSyntaxUID: 0x00020010,
} as const;

function methodCodes(ds: DPDataSet): string[] {
  const seq = ds.elements[tagKey(T.DeidentificationMethodCodeSequence)];
  return (seq?.items ?? []).map((i) => `${str(i.dataSet!, T.CodingSchemeDesignator)}:${str(i.dataSet!, T.CodeValue)}`);
}

function items(ds: DPDataSet, tag: number): DPDataSet[] {
  return (ds.elements[tagKey(tag)]?.items ?? []).map((i) => i.dataSet!).filter(Boolean);
}

// ---------------------------------------------------------------------------------------------

describe('basic profile', () => {
  let r: Run;
  beforeAll(async () => {
    r = await run(profileWith());
  });

  it('writes every input', () => {
    const rejected = [...r.outcomes].filter(([, o]) => o.status !== 'written').map(([n, o]) => `${n}: ${o.status} — ${'reason' in o ? o.reason : ''}`);
    expect(rejected).toEqual([]);
  });

  it('does not modify the inputs', () => {
    const fresh = makePhiStudy();
    study.files.forEach((f, i) => expect(Buffer.from(f.bytes).equals(Buffer.from(fresh.files[i]!.bytes)), f.name).toBe(true));
  });

  it('every output re-reads with dicom-parser and dcmjs', () => {
    const broken: string[] = [];
    for (const [name, o] of r.written) {
      try {
        dicomParser.parseDicom(o.bytes);
      } catch (e) {
        broken.push(`${name}: dicom-parser: ${String((e as { exception?: unknown }).exception ?? e)}`);
      }
      try {
        const n = readDcmjs(o.bytes);
        if (n['SOPInstanceUID'] !== o.sopInstanceUID) broken.push(`${name}: dcmjs SOPInstanceUID ${String(n['SOPInstanceUID'])} ≠ outcome ${o.sopInstanceUID}`);
      } catch (e) {
        broken.push(`${name}: dcmjs: ${String(e)}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('leaves no planted value in any output byte (case-insensitive), nor in output paths', () => {
    expect(survivors(r)).toEqual([]);
  });

  it('leaves none of the original UIDs', () => {
    expect(survivors(r, (_v, places) => places[0]!.kind === 'uid')).toEqual([]);
    for (const [name, o] of r.written) {
      expect(lowerLatin1(o.bytes).includes('1.2.826.0.1.3680043.99999.'), `${name} still holds a UID under the planted root`).toBe(false);
    }
  });

  it('outcome fields carry the pseudonymous identifiers, not the originals', () => {
    for (const [name, o] of r.written) {
      const ds = out(r, name);
      expect(o.sopInstanceUID, name).toBe(str(ds, T.SOPInstanceUID));
      expect(o.studyInstanceUID, name).toBe(str(ds, T.StudyInstanceUID));
      expect(o.seriesInstanceUID, name).toBe(str(ds, T.SeriesInstanceUID));
      expect(o.patientId, name).toBe(str(ds, T.PatientID));
      for (const [value] of values) {
        for (const field of [o.patientId, o.studyInstanceUID, o.seriesInstanceUID, o.sopInstanceUID, o.output]) {
          expect(field.toLowerCase().includes(value.toLowerCase()), `${name}: ${field} contains ${value}`).toBe(false);
        }
      }
    }
    expect(new Set([...r.written.values()].map((o) => o.output)).size).toBe(r.written.size);
  });

  it('keeps SOP Class UIDs (dataset, file meta and references): they identify no one', () => {
    const problems: string[] = [];
    const classes = new Set(study.files.map((f) => f.sopClassUID));
    for (const f of study.files) {
      const ds = out(r, f.name);
      if (str(ds, T.SOPClassUID) !== f.sopClassUID) problems.push(`${f.name} (0008,0016) SOPClassUID = ${str(ds, T.SOPClassUID)}, was ${f.sopClassUID}`);
      if (str(ds, T.MediaStorageSOPClassUID) !== f.sopClassUID) problems.push(`${f.name} (0002,0002) = ${str(ds, T.MediaStorageSOPClassUID)}, was ${f.sopClassUID}`);
      for (const { path, value } of allStrings(ds, T.ReferencedSOPClassUID)) {
        if (!classes.has(value) && !value.startsWith('1.2.840.10008.')) problems.push(`${f.name} ${path} ReferencedSOPClassUID = ${value}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps references between files resolvable', () => {
    const problems: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok) problems.push(what);
    };
    const ct = filesWhere((f) => f.role === 'ct');
    const ctOut = ct.map((f) => out(r, f.name));
    const ctSops = ctOut.map((ds) => str(ds, T.SOPInstanceUID)!);
    const allSops = new Set(study.files.map((f) => str(out(r, f.name), T.SOPInstanceUID)!));
    check(allSops.size === study.files.length, 'SOP Instance UIDs are not unique across outputs');

    // Every output's meta SOP Instance UID matches its dataset.
    for (const f of study.files) {
      const ds = out(r, f.name);
      check(str(ds, T.MediaStorageSOPInstanceUID) === str(ds, T.SOPInstanceUID), `${f.name}: (0002,0003) ≠ (0008,0018)`);
    }

    // Series / study / frame of reference consistent across the CT slices.
    const ctStudy = str(ctOut[0]!, T.StudyInstanceUID)!;
    const ctSeries = str(ctOut[0]!, T.SeriesInstanceUID)!;
    const ctFoR = str(ctOut[0]!, T.FrameOfReferenceUID);
    check(!!ctFoR, 'CT FrameOfReferenceUID missing (U: must be replaced, not removed)');
    ctOut.forEach((ds, i) => {
      check(str(ds, T.StudyInstanceUID) === ctStudy, `${ct[i]!.name}: StudyInstanceUID differs from slice 1`);
      check(str(ds, T.SeriesInstanceUID) === ctSeries, `${ct[i]!.name}: SeriesInstanceUID differs from slice 1`);
      check(str(ds, T.FrameOfReferenceUID) === ctFoR, `${ct[i]!.name}: FrameOfReferenceUID differs from slice 1`);
    });
    // Same study for the GSPS and SR, a different one for the prior and for patient B.
    const gsps = out(r, 'A/PR/gsps-1.dcm');
    const sr = out(r, 'A/SR/report-1.dcm');
    const prior = out(r, 'A/CT-prior/slice-1.dcm');
    const us = out(r, 'B/US/image-1.dcm');
    check(str(gsps, T.StudyInstanceUID) === ctStudy, 'GSPS StudyInstanceUID ≠ CT');
    check(str(sr, T.StudyInstanceUID) === ctStudy, 'SR StudyInstanceUID ≠ CT');
    check(str(prior, T.StudyInstanceUID) !== ctStudy, 'prior study has the follow-up StudyInstanceUID');
    check(str(us, T.StudyInstanceUID) !== ctStudy, 'patient B has patient A StudyInstanceUID');
    check(str(prior, T.FrameOfReferenceUID) !== ctFoR, 'prior CT shares the follow-up FrameOfReferenceUID');
    check(
      new Set([ctSeries, str(gsps, T.SeriesInstanceUID), str(sr, T.SeriesInstanceUID), str(prior, T.SeriesInstanceUID)]).size === 4,
      'distinct series got the same SeriesInstanceUID',
    );

    // SR evidence: study, series and every slice.
    const evidence = items(sr, T.CurrentRequestedProcedureEvidenceSequence);
    check(evidence.length > 0, 'SR CurrentRequestedProcedureEvidenceSequence missing');
    if (evidence[0]) {
      check(str(evidence[0], T.StudyInstanceUID) === ctStudy, 'SR evidence StudyInstanceUID ≠ CT study');
      const evSeries = items(evidence[0], T.ReferencedSeriesSequence);
      const evCt = evSeries.find((s) => str(s, T.SeriesInstanceUID) === ctSeries);
      check(!!evCt, 'SR evidence does not name the CT series by its new UID');
      if (evCt) {
        const refs = items(evCt, T.ReferencedSOPSequence).map((i) => str(i, T.ReferencedSOPInstanceUID));
        check(JSON.stringify(refs) === JSON.stringify(ctSops), `SR evidence CT refs ${JSON.stringify(refs)} ≠ CT SOP UIDs ${JSON.stringify(ctSops)}`);
      }
      const evGsps = evSeries.find((s) => str(s, T.SeriesInstanceUID) === str(gsps, T.SeriesInstanceUID));
      check(!!evGsps, 'SR evidence does not name the GSPS series by its new UID');
      if (evGsps) {
        const refs = items(evGsps, T.ReferencedSOPSequence).map((i) => str(i, T.ReferencedSOPInstanceUID));
        check(JSON.stringify(refs) === JSON.stringify([str(gsps, T.SOPInstanceUID)]), `SR evidence GSPS ref ${JSON.stringify(refs)} ≠ GSPS SOP UID`);
      }
    }

    // GSPS references every slice.
    const gSeries = items(gsps, T.ReferencedSeriesSequence);
    check(gSeries.length === 1, 'GSPS ReferencedSeriesSequence missing');
    if (gSeries[0]) {
      check(str(gSeries[0], T.SeriesInstanceUID) === ctSeries, 'GSPS ReferencedSeriesSequence SeriesInstanceUID ≠ CT series');
      const refs = items(gSeries[0], T.ReferencedImageSequence).map((i) => str(i, T.ReferencedSOPInstanceUID));
      check(JSON.stringify(refs) === JSON.stringify(ctSops), `GSPS image refs ${JSON.stringify(refs)} ≠ CT SOP UIDs`);
    }

    // Any ReferencedSOPInstanceUID left anywhere in any output points at an output instance
    // (except references to things outside the study set: the performed procedure step and the study component).
    for (const f of study.files) {
      for (const { path, value } of allStrings(out(r, f.name), T.ReferencedSOPInstanceUID)) {
        if (path.startsWith('(0008,1111)') || path.startsWith('(0008,1110)')) continue;
        check(allSops.has(value), `${f.name} ${path} ReferencedSOPInstanceUID ${value} points at no output instance`);
      }
    }
    // CT slices 2..n reference slice 1, if the reference survives.
    ctOut.slice(1).forEach((ds, i) => {
      for (const { value } of allStrings(ds, T.ReferencedSOPInstanceUID).filter((x) => x.path.startsWith('(0008,1140)'))) {
        check(value === ctSops[0], `${ct[i + 1]!.name} ReferencedImageSequence does not point at slice 1`);
      }
    });
    expect(problems).toEqual([]);
  });

  it('gives one pseudonymous Patient ID per patient, the same in every file', () => {
    const ids = (p: 'A' | 'B') => new Set(filesWhere((f) => f.patient === p).map((f) => str(out(r, f.name), T.PatientID)));
    const a = ids('A');
    const b = ids('B');
    expect(a.size, `patient A ids: ${[...a].join(', ')}`).toBe(1);
    expect(b.size).toBe(1);
    const [idA] = a;
    const [idB] = b;
    expect(idA).toBeTruthy();
    expect(idB).toBeTruthy();
    expect(idA).not.toBe(idB);
    expect(idA).not.toBe(study.patients.A.id);
    expect(idB).not.toBe(study.patients.B.id);
    const names = (p: 'A' | 'B') => new Set(filesWhere((f) => f.patient === p).map((f) => utf8(out(r, f.name), T.PatientName)));
    expect(names('A').size).toBe(1);
    expect(names('B').size).toBe(1);
  });

  it('keeps utility attributes unchanged (as Table E.1-1 says: none of them is listed there)', () => {
    const problems: string[] = [];
    for (const [name, u] of Object.entries(study.utility)) {
      const ds = out(r, name);
      const n = readDcmjs(r.written.get(name)!.bytes);
      for (const a of u.attributes) {
        const row = tableByTag.get(tagText(tagKey(a.tag)));
        // Manufacturer (0008,0070) and Manufacturer's Model Name (0008,1090) are not in Table E.1-1,
        // so the Basic Profile keeps them; the same goes for every other attribute checked here.
        expect(row, `${a.keyword} is in Table E.1-1 (basic ${String(row?.['basic'])}): this test assumes it is not`).toBeUndefined();
        if (typeof a.value === 'string') {
          const got = str(ds, a.tag);
          if (got !== a.value) problems.push(`${name} ${a.keyword}: dicom-parser reads ${JSON.stringify(got)}, was ${JSON.stringify(a.value)}`);
          const nv = n[a.keyword];
          const gotN = Array.isArray(nv) ? nv.join('\\') : String(nv);
          const want = ['DS', 'IS'].includes(a.vr) ? a.value.split('\\').map(Number).join('\\') : a.value;
          if (gotN !== want) problems.push(`${name} ${a.keyword}: dcmjs reads ${gotN}, was ${want}`);
        } else {
          const got = ds.uint16(tagKey(a.tag));
          if (got !== a.value[0]) problems.push(`${name} ${a.keyword}: ${String(got)}, was ${a.value[0]}`);
          if (n[a.keyword] !== a.value[0]) problems.push(`${name} ${a.keyword} (dcmjs): ${String(n[a.keyword])}, was ${a.value[0]}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('leaves pixel data untouched', () => {
    for (const [name, u] of Object.entries(study.utility)) {
      const ds = out(r, name);
      const el = ds.elements[tagKey(T.PixelData)];
      expect(el, `${name} has Pixel Data`).toBeTruthy();
      const ts = str(ds, T.TransferSyntaxUID);
      expect(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2'], `${name} output transfer syntax ${ts}`).toContain(ts);
      let px = ds.byteArray.slice(el!.dataOffset, el!.dataOffset + el!.length);
      if (ts === '1.2.840.10008.1.2.2' && u.bitsAllocated === 16) {
        for (let i = 0; i < px.length; i += 2) [px[i], px[i + 1]] = [px[i + 1]!, px[i]!];
      }
      // An odd-length 8-bit image may carry one pad byte; ours are even, so lengths must match.
      px = px.subarray(0, u.pixelDataLE.length);
      expect(el!.length, `${name} Pixel Data length`).toBe(u.pixelDataLE.length);
      expect(Buffer.from(px).equals(Buffer.from(u.pixelDataLE)), `${name} Pixel Data bytes`).toBe(true);
    }
  });

  it('marks every output: Patient Identity Removed YES, method code 113100', () => {
    for (const f of study.files) {
      const ds = out(r, f.name);
      expect(str(ds, T.PatientIdentityRemoved), f.name).toBe('YES');
      expect(methodCodes(ds), f.name).toContain('DCM:113100');
    }
  });
});

describe('Retain Longitudinal Temporal Information with Modified Dates', () => {
  let r: Run;
  beforeAll(async () => {
    r = await run(profileWith({ retainLongModifiedDates: true }));
  });

  it('writes every input', () => {
    expect([...r.outcomes.values()].filter((o) => o.status !== 'written').map((o) => `${o.input}: ${'reason' in o ? o.reason : ''}`)).toEqual([]);
  });

  it('shifts every date of a patient by one non-zero number of days, in every file and study', () => {
    for (const p of ['A', 'B'] as const) {
      const shifts: string[] = [];
      const seen = new Set<number>();
      for (const f of filesWhere((x) => x.patient === p)) {
        const ds = out(r, f.name);
        for (const [kw, original] of Object.entries(f.dates)) {
          if (kw === 'PatientBirthDate') continue; // Z in the basic profile; the option does not keep it
          const tag = (T as Record<string, number>)[kw];
          const must = ['StudyDate', 'SeriesDate', 'AcquisitionDate', 'ContentDate'].includes(kw);
          const got = tag !== undefined ? str(ds, tag) : undefined;
          if (!got) {
            if (must) shifts.push(`${f.name} ${kw}: missing (was ${original})`);
            continue;
          }
          if (!/^\d{8}$/.test(got)) {
            shifts.push(`${f.name} ${kw}: ${got} is not a date`);
            continue;
          }
          const shift = days(got) - days(original);
          seen.add(shift);
          shifts.push(`${f.name} ${kw}: ${original} → ${got} (${shift} days)`);
        }
        const dt = str(ds, T.AcquisitionDateTime);
        const dtIn = f.role === 'ct' || f.role === 'prior-ct' ? f.dates['AcquisitionDate'] : undefined;
        if (dt && dtIn) seen.add(days(dt.slice(0, 8)) - days(dtIn));
      }
      expect(seen.size, `patient ${p} shifts:\n${shifts.join('\n')}`).toBe(1);
      const [shift] = seen;
      expect(shift, `patient ${p} dates unchanged`).not.toBe(0);
    }
  });

  it('keeps intervals: prior → follow-up 490 days; CT → SR 2 days', () => {
    const studyDate = (name: string) => str(out(r, name), T.StudyDate)!;
    expect(days(studyDate('A/CT/slice-1.dcm')) - days(studyDate('A/CT-prior/slice-1.dcm'))).toBe(490);
    expect(days(str(out(r, 'A/SR/report-1.dcm'), T.ContentDate)!) - days(studyDate('A/CT/slice-1.dcm'))).toBe(2);
    for (const f of filesWhere((x) => x.patient === 'A')) {
      expect(studyDate(f.name), `${f.name} StudyDate`).not.toBe(f.dates['StudyDate']);
    }
  });

  it('still removes every planted value that is not a date or time', () => {
    expect(survivors(r, (_v, places) => !DATE_KINDS.has(places[0]!.kind))).toEqual([]);
  });

  it('says so in the method codes (113107)', () => {
    for (const f of study.files) expect(methodCodes(out(r, f.name)), f.name).toEqual(expect.arrayContaining(['DCM:113100', 'DCM:113107']));
  });
});

describe('session passphrase', () => {
  const ids = (r: Run, name: string) => {
    const ds = out(r, name);
    return {
      sop: str(ds, T.SOPInstanceUID),
      study: str(ds, T.StudyInstanceUID),
      series: str(ds, T.SeriesInstanceUID),
      frameOfReference: str(ds, T.FrameOfReferenceUID),
      patientId: str(ds, T.PatientID),
      patientName: utf8(ds, T.PatientName),
      studyDate: str(ds, T.StudyDate),
      output: r.written.get(name)!.output,
    };
  };
  let one: Run;
  let two: Run;
  let other: Run;
  beforeAll(async () => {
    const profile = profileWith({ retainLongModifiedDates: true });
    one = await run(profile, { passphrase: 'correct horse battery staple' });
    two = await run(profile, { passphrase: 'correct horse battery staple' });
    other = await run(profile, { passphrase: 'a different passphrase' });
  });

  it('the same passphrase gives the same UIDs, pseudonyms and date shifts in a new session', () => {
    for (const f of study.files) expect(ids(two, f.name), f.name).toEqual(ids(one, f.name));
  });

  it('a different passphrase gives different UIDs and pseudonyms', () => {
    for (const f of study.files) {
      const a = ids(one, f.name);
      const b = ids(other, f.name);
      expect(b.sop, f.name).not.toBe(a.sop);
      expect(b.study, f.name).not.toBe(a.study);
      expect(b.patientId, f.name).not.toBe(a.patientId);
    }
  });
});

describe('Clean Descriptors + Clean Structured Content', () => {
  let r: Run;
  const A = study.patients.A;
  const identity = [A.familyName, A.givenName, A.id, ...A.birthDateInText];
  beforeAll(async () => {
    r = await run(profileWith({ cleanDescriptors: true, cleanStructuredContent: true }));
  });

  it('keeps the SR finding text, minus the name, MRN and birth date', () => {
    const sr = out(r, 'A/SR/report-1.dcm');
    const texts = allStrings(sr, T.TextValue);
    const finding = texts.find((t) => t.value.includes(study.srFinding.clinicalPart));
    expect(finding, `no TextValue keeps "${study.srFinding.clinicalPart}"; TextValues: ${JSON.stringify(texts)}`).toBeTruthy();
    const leaks = texts.flatMap((t) => identity.filter((v) => t.value.toLowerCase().includes(v.toLowerCase())).map((v) => `${v} in ${t.path}: ${t.value}`));
    expect(leaks).toEqual([]);
  });

  it('keeps Study Description, minus the planted name', () => {
    for (const f of filesWhere((x) => x.role === 'ct')) {
      const d = utf8(out(r, f.name), T.StudyDescription);
      expect(d, `${f.name} StudyDescription removed instead of cleaned`).toBeTruthy();
      for (const word of study.studyDescription.keep) expect(d, f.name).toContain(word);
      for (const v of identity) expect(d!.toLowerCase(), f.name).not.toContain(v.toLowerCase());
    }
  });

  it('keeps the characters of a cleaned Latin-1 value intact (written as UTF-8)', () => {
    const gsps = out(r, 'A/PR/gsps-1.dcm');
    expect(utf8(gsps, T.SeriesDescription)).toBe('KEY IMAGES Hüfte ***');
    expect(str(gsps, T.SpecificCharacterSet)).toBe('ISO_IR 192');
  });

  it("leaves no patient's name, ID or birth date in any output byte", () => {
    expect(survivors(r, (_v, places) => places[0]!.patient !== undefined && ['name', 'id', 'date'].includes(places[0]!.kind))).toEqual([]);
  });

  it('says so in the method codes (113104, 113105)', () => {
    for (const f of study.files) {
      expect(methodCodes(out(r, f.name)), f.name).toEqual(expect.arrayContaining(['DCM:113100', 'DCM:113104', 'DCM:113105']));
    }
  });
});

describe('pseudonym lookup', () => {
  let r: Run;
  const chosen = { name: 'LOOKUP^ALPHA', id: 'LOOKUP-A-001' };
  beforeAll(async () => {
    r = await run(profileWith(), { lookup: new Map([[study.patients.A.id, chosen]]) });
  });

  it("uses the user's pseudonym for the patient in the table", () => {
    for (const f of filesWhere((x) => x.patient === 'A')) {
      const ds = out(r, f.name);
      expect(str(ds, T.PatientID), f.name).toBe(chosen.id);
      expect(str(ds, T.PatientName), f.name).toBe(chosen.name);
      expect(r.written.get(f.name)!.patientId, f.name).toBe(chosen.id);
    }
  });

  it('makes one up for a patient not in the table', () => {
    const ds = out(r, 'B/US/image-1.dcm');
    const id = str(ds, T.PatientID);
    expect(id).toBeTruthy();
    expect(id).not.toBe(chosen.id);
    expect(id).not.toBe(study.patients.B.id);
  });

  it('still leaves no planted value behind', () => {
    expect(survivors(r)).toEqual([]);
  });
});
