/**
 * Issue 8, item 9: patients are keyed on (Issuer of Patient ID, Patient ID).
 *
 * The same Patient ID handed out by two issuers (two hospitals, two PACS) is two people: they
 * must get two pseudonyms, two date shifts and two output folders, and the mapping must tell
 * them apart. One Patient ID that comes with different names or birth dates within a run is
 * flagged on every file involved — by kind, never by value — because two people must never
 * silently share one pseudonym and date shift.
 */
import { describe, expect, it } from 'vitest';
import { readPart10 } from '../../src/core/dicom/reader.ts';
import { getString } from '../../src/core/dicom/values.ts';
import { T } from '../../src/core/dicom/tags.ts';
import { createSession, deidentifyFileAsync } from '../../src/core/deidentify.ts';
import { deriveSessionKey } from '../../src/core/header/keys.ts';
import { parseLookupCsv } from '../../src/core/header/pseudonyms.ts';
import { defaultProfile, type Profile } from '../../src/core/profile/profile.ts';
import type { ReportedOutcome } from '../../src/core/outcome.ts';
import { encodePart10, type Element } from '../synthetic/encoder.ts';
import { leaksUnderEveryProfile, runVeil, type InputSpec, type PlantedValue, type VeilRun } from './harness.ts';
import { monochromeImagePixel } from '../synthetic/image-pixel.ts';

interface PatientSpec {
  id: string;
  issuer?: string;
  /** Issuer of Patient ID Qualifiers: Universal Entity ID (ISO OID). */
  universalIssuer?: string;
  name: string;
  birth: string;
  /** Distinguishes the files' UIDs. */
  n: number;
}

const STUDY_DATE = '20190611';

/** A tiny secondary-capture image of one patient (8 × 8, 8-bit, blank). */
function patientFile(p: PatientSpec): Uint8Array {
  const sop = `1.2.826.0.1.3680043.99998.7.${p.n}.3`;
  const ds: Element[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
    { tag: 0x00080018, vr: 'UI', value: sop },
    { tag: 0x00080020, vr: 'DA', value: STUDY_DATE },
    { tag: 0x00080060, vr: 'CS', value: 'OT' },
    { tag: 0x00100010, vr: 'PN', value: p.name },
    { tag: 0x00100020, vr: 'LO', value: p.id },
    { tag: 0x00100030, vr: 'DA', value: p.birth },
    { tag: 0x0020000d, vr: 'UI', value: `1.2.826.0.1.3680043.99998.7.${p.n}.1` },
    { tag: 0x0020000e, vr: 'UI', value: `1.2.826.0.1.3680043.99998.7.${p.n}.2` },
    { tag: 0x00200011, vr: 'IS', value: '1' },
    { tag: 0x00200013, vr: 'IS', value: String(p.n) },
    ...monochromeImagePixel(8, 8),
    { tag: 0x7fe00010, vr: 'OB', value: new Uint8Array(64) },
  ];
  if (p.issuer !== undefined) ds.push({ tag: 0x00100021, vr: 'LO', value: p.issuer });
  if (p.universalIssuer !== undefined) {
    ds.push({ tag: 0x00100024, vr: 'SQ', value: [[
      { tag: 0x00400032, vr: 'UT', value: p.universalIssuer },
      { tag: 0x00400033, vr: 'CS', value: 'ISO' },
    ]] });
  }
  return encodePart10({ sopClassUID: '1.2.840.10008.5.1.4.1.1.7', sopInstanceUID: sop, transferSyntax: 'explicit-le', dataset: ds });
}

/** Everything identifying about the patients, for the byte search of every output. */
function plantedOf(specs: readonly PatientSpec[]): PlantedValue[] {
  const out: PlantedValue[] = [];
  for (const p of specs) {
    out.push({ value: p.id, kind: 'id', inMapping: true });
    if (p.issuer) out.push({ value: p.issuer, kind: 'id', inMapping: true });
    out.push({ value: p.name, kind: 'name', inMapping: true });
    for (const part of p.name.split('^')) if (part.length >= 4) out.push({ value: part, kind: 'name', inMapping: true });
    out.push({ value: p.birth, kind: 'birthdate' });
  }
  return out;
}

const withModifiedDates = (mode: 'anonymize' | 'pseudonymize' = 'pseudonymize'): Profile => {
  const p = defaultProfile();
  p.pseudonyms.mode = mode;
  p.options.retainLongModifiedDates = true;
  return p;
};

const inputsOf = (specs: readonly PatientSpec[]): InputSpec[] => specs.map((p, i) => ({ name: `file-${i + 1}.dcm`, bytes: patientFile(p) }));
const entry = (run: VeilRun, i: number) => run.operator.files.find((f) => f.path!.endsWith(`file-${i + 1}.dcm`))!;
const folderOf = (run: VeilRun, i: number): string => entry(run, i).output!.split('/')[0];
const outputOf = (run: VeilRun, i: number) => readPart10(run.outputs.get(entry(run, i).output!)!).dataset;
/** Patient rows of the mapping CSV. */
const mappingPatients = (run: VeilRun): string[] =>
  new TextDecoder().decode(run.mapping).split(/\r?\n/).filter((l) => l.startsWith('patient,'));

// Two hospitals that both number their patients from 1: one ID, two people.
const NORTH: PatientSpec = { id: 'PID-4471', issuer: 'NORTHGATE-MRN', name: 'HALVORSEN^INGRID', birth: '19560312', n: 1 };
const SOUTH: PatientSpec = { id: 'PID-4471', issuer: 'SOUTHBAY-MRN', name: 'OKONKWO^CHIDI', birth: '19811127', n: 2 };
const SOUTH_AGAIN: PatientSpec = { ...SOUTH, n: 3 };

describe('the same Patient ID under two issuers', () => {
  it('is two patients: two pseudonyms, two date shifts, two folders, two mapping rows', async () => {
    const run = await runVeil(inputsOf([NORTH, SOUTH, SOUTH_AGAIN]), { profile: withModifiedDates() });
    expect(run.report.files.map((f) => f.status)).toEqual(['written', 'written', 'written']);

    const [north, south, southAgain] = [0, 1, 2].map((i) => outputOf(run, i));
    expect(getString(north, T.PatientID)).not.toBe(getString(south, T.PatientID));
    expect(getString(north, T.PatientName)).not.toBe(getString(south, T.PatientName));
    // One person's files still agree with each other.
    expect(getString(southAgain, T.PatientID)).toBe(getString(south, T.PatientID));
    expect(getString(southAgain, T.StudyDate)).toBe(getString(south, T.StudyDate));
    // Dates moved, and by a different shift for each patient (same original study date).
    expect(getString(north, T.StudyDate)).not.toBe(STUDY_DATE);
    expect(getString(north, T.StudyDate)).not.toBe(getString(south, T.StudyDate));

    expect(folderOf(run, 0)).not.toBe(folderOf(run, 1));
    expect(folderOf(run, 2)).toBe(folderOf(run, 1));

    const rows = mappingPatients(run);
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.includes(NORTH.issuer!))).toHaveLength(1);
    expect(rows.filter((r) => r.includes(SOUTH.issuer!))).toHaveLength(1);
    expect(rows.find((r) => r.includes(NORTH.issuer!))).toContain(getString(north, T.PatientID));
    expect(rows.find((r) => r.includes(SOUTH.issuer!))).toContain(getString(south, T.PatientID));
  });

  it('tells issuers apart by their universal entity ID too (Issuer of Patient ID Qualifiers)', async () => {
    const east: PatientSpec = { id: 'PID-7001', universalIssuer: '1.2.826.0.1.3680043.99998.501', name: 'VASQUEZ^LUCIA', birth: '19600101', n: 41 };
    const west: PatientSpec = { id: 'PID-7001', universalIssuer: '1.2.826.0.1.3680043.99998.502', name: 'DUBOIS^MARC', birth: '19700202', n: 42 };
    const run = await runVeil(inputsOf([east, west]), { profile: withModifiedDates() });
    expect(getString(outputOf(run, 0), T.PatientID)).not.toBe(getString(outputOf(run, 1), T.PatientID));
    expect(folderOf(run, 0)).not.toBe(folderOf(run, 1));
  });

  it('keeps the pseudonyms of data without an issuer as they were (same passphrase → same pseudonym)', async () => {
    // The pseudonym of Patient ID "PID-0815" without an issuer under the harness passphrase,
    // as every earlier version made it: HMAC of "id:PID-0815".
    const plain: PatientSpec = { id: 'PID-0815', name: 'BRANDT^GESA', birth: '19490102', n: 4 };
    const run = await runVeil(inputsOf([plain]), { profile: withModifiedDates() });
    const session = createSession({ profile: withModifiedDates(), passphrase: 'fail-closed-tests' });
    const expected = session.pseudonyms.pseudonymFor({ key: 'id:PID-0815', originalId: 'PID-0815', originalName: '' } as never);
    expect(getString(outputOf(run, 0), T.PatientID)).toBe(expected.id);
  });

  it('says in the report that the same ID also came under another issuer (no values)', async () => {
    const run = await runVeil(inputsOf([NORTH, SOUTH]), { profile: withModifiedDates() });
    for (const i of [0, 1]) {
      const text = entry(run, i).warnings.join('\n');
      expect(text).toMatch(/Issuer of Patient ID/);
      for (const v of [NORTH.id, NORTH.issuer!, SOUTH.issuer!, 'HALVORSEN', 'OKONKWO']) expect(text).not.toContain(v);
    }
  });

  it('a lookup table tells them apart by an issuer column; an old three-column table still works', async () => {
    const lookup4 = `original_patient_id,pseudonym_name,pseudonym_id,issuer_of_patient_id\r\n${NORTH.id},CASE^NORTH,CASE-N,${NORTH.issuer}\r\n${SOUTH.id},CASE^SOUTH,CASE-S,${SOUTH.issuer}\r\n`;
    const run = await runVeil(inputsOf([NORTH, SOUTH]), { profile: withModifiedDates(), lookup: lookup4 });
    expect(getString(outputOf(run, 0), T.PatientID)).toBe('CASE-N');
    expect(getString(outputOf(run, 1), T.PatientID)).toBe('CASE-S');

    const old = parseLookupCsv(`original Patient ID,pseudonym name,pseudonym ID\r\nPID-0815,CASE^OLD,CASE-OLD\r\n`);
    expect([...old.values()]).toEqual([{ name: 'CASE^OLD', id: 'CASE-OLD' }]);
    const plain: PatientSpec = { id: 'PID-0815', name: 'BRANDT^GESA', birth: '19490102', n: 4 };
    const oldRun = await runVeil(inputsOf([plain]), { lookup: 'original Patient ID,pseudonym name,pseudonym ID\r\nPID-0815,CASE^OLD,CASE-OLD\r\n' });
    expect(getString(outputOf(oldRun, 0), T.PatientID)).toBe('CASE-OLD');
  });

  it('an old lookup row without issuer that hands one pseudonym to both is flagged on both files', async () => {
    const run = await runVeil(inputsOf([NORTH, SOUTH]), { lookup: `${NORTH.id},CASE^ONE,CASE-1\r\n` });
    expect(run.report.files.map((f) => f.status)).toEqual(['written', 'written']);
    for (const i of [0, 1]) {
      const text = entry(run, i).warnings.join('\n');
      expect(text).toMatch(/different patient.*same pseudonym|same pseudonym.*different patient/i);
      for (const v of [NORTH.id, NORTH.issuer!, SOUTH.issuer!, 'HALVORSEN', 'OKONKWO']) expect(text).not.toContain(v);
    }
  });
});

describe('one Patient ID with different names or birth dates', () => {
  const A1: PatientSpec = { id: 'PID-2208', name: 'LINDQVIST^MARTA', birth: '19670923', n: 11 };
  const B: PatientSpec = { id: 'PID-2208', name: 'FAIRWEATHER^OSWIN', birth: '19670923', n: 12 };
  const A2: PatientSpec = { ...A1, n: 13 };
  const C: PatientSpec = { id: 'PID-2208', name: 'LINDQVIST^MARTA', birth: '19710405', n: 14 };

  it('warns on every file involved, by kind and without the values', async () => {
    const run = await runVeil(inputsOf([A1, B, A2, C]), { profile: withModifiedDates() });
    expect(run.report.files.map((f) => f.status)).toEqual(['written', 'written', 'written', 'written']);
    const warnings = [0, 1, 2, 3].map((i) => entry(run, i).warnings.join('\n'));
    for (const i of [0, 1, 2]) expect(warnings[i], `file ${i + 1}`).toMatch(/Patient's Name/);
    expect(warnings[3]).toMatch(/Patient's Name/); // C's name differs from B's
    for (const i of [0, 2, 3]) expect(warnings[i], `file ${i + 1}`).toMatch(/Patient's Birth Date/);
    expect(warnings[1]).toMatch(/Patient's Birth Date/); // B's birth date differs from C's
    for (const w of warnings) {
      for (const v of [A1.id, 'LINDQVIST', 'MARTA', 'FAIRWEATHER', 'OSWIN', A1.birth, C.birth]) expect(w).not.toContain(v);
    }
    // The report as a whole: no name, ID or birth date in any byte.
    const report = new TextDecoder().decode(run.outputs.get('deid-report.json'));
    for (const v of [A1.id, 'LINDQVIST', 'FAIRWEATHER', A1.birth, C.birth]) expect(report).not.toContain(v);
  });

  it('does not cry wolf over case, spacing or empty trailing name components', async () => {
    const tidy: PatientSpec = { id: 'PID-3300', name: 'NAKASHIMA^REI', birth: '19880808', n: 21 };
    const sloppy: PatientSpec = { id: 'PID-3300', name: 'Nakashima^Rei^^', birth: '19880808', n: 22 };
    const run = await runVeil(inputsOf([tidy, sloppy]));
    for (const i of [0, 1]) expect(entry(run, i).warnings.join('\n')).not.toMatch(/Patient's Name|Birth Date/);
  });

  it('is caught across separate sessions (worker threads and browser workers each have their own)', async () => {
    // Two sessions from one key, as --threads and the browser pool run them; the run-level check
    // sees the outcomes of both in the thread that writes the report.
    const key = deriveSessionKey('fail-closed-tests');
    const s1 = createSession({ profile: withModifiedDates(), key });
    const s2 = createSession({ profile: withModifiedDates(), key });
    const o1 = await deidentifyFileAsync({ path: 'file-1.dcm', bytes: patientFile(A1) }, s1);
    const o2 = await deidentifyFileAsync({ path: 'file-2.dcm', bytes: patientFile(B) }, s2);
    expect(o1.status === 'written' && o2.status === 'written').toBe(true);
    const outcomes: ReportedOutcome[] = [o1, o2].map((o) => {
      const { parts: _parts, ...reported } = o as Extract<typeof o, { status: 'written' }>;
      return structuredClone(reported); // what crosses a worker boundary
    });
    const { flagPatientConflicts } = await import('../../src/core/audit/patient-consistency.ts');
    flagPatientConflicts(outcomes);
    for (const o of outcomes) expect(o.warnings.join('\n')).toMatch(/Patient's Name/);
  });
});

describe('no planted value leaks, under every profile variant', () => {
  it('two issuers, one ID, conflicting names and birth dates', async () => {
    const specs: PatientSpec[] = [
      NORTH, SOUTH,
      { id: 'PID-2208', name: 'LINDQVIST^MARTA', birth: '19670923', n: 31 },
      { id: 'PID-2208', name: 'FAIRWEATHER^OSWIN', birth: '19710405', n: 32 },
    ];
    const leaks = await leaksUnderEveryProfile(inputsOf(specs), plantedOf(specs));
    for (const [variant, found] of Object.entries(leaks)) expect(found, variant).toEqual([]);
  }, 120_000);
});
