/**
 * Engine-level, table-driven check of PS3.15 Table E.1-1: every row (657, pattern and private rows
 * included) under the basic profile and under each of the ten options switched on alone.
 *
 * For each row a small Part 10 file is built holding the attribute with a distinctive value valid
 * for its VR (plus the minimum context), run through deidentifyFileAsync, and the output re-read with
 * our reader and, independently, with dicom-parser. What is expected is computed here from the
 * JSON files in ../shared/standard (the table, Table E.3.10-1, CID 7050, the dictionary), never
 * from src/core/profile:
 *
 *   X → absent; Z → present and empty (sequence: zero items); D → present, non-empty, different
 *   (sequence: kept, items cleaned); K → unchanged bytes (sequence: kept, items cleaned);
 *   C → dates under Modified Dates shifted by the patient's one offset, free text kept with the
 *   patient's name taken out; U → a new 2.25 UID, the same for the same original everywhere
 *   (sequence: kept, UIDs inside replaced). Compound codes collapse as resolve.ts documents:
 *   Z/D→D, X/Z→Z, X/D→D, X/Z/D→D, X/Z/U*→U (two exceptions for IOD validity: see
 *   expectedAction). Options override basic; K beats C. Patient's Name and
 *   Patient ID get the pseudonym.
 *
 * Every case also checks the de-identification markers (Patient Identity Removed, the method code
 * sequence, Longitudinal Temporal Information Modified), the file meta, the pseudonym, and that no
 * identifier of the patient is left anywhere unless the table said to keep the attribute holding it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { Dataset, type DataElement } from '../src/core/dicom/dataset.ts';
import { readPart10, type ParsedFile } from '../src/core/dicom/reader.ts';
import { joinParts, writePart10 } from '../src/core/dicom/writer.ts';
import { createSession, deidentifyFileAsync, type Session } from '../src/core/deidentify.ts';
import { OPTION_KEYS, defaultProfile, type OptionKey } from '../src/core/profile/profile.ts';
import { repoRoot } from './helpers/fixtures.ts';

// ---------------------------------------------------------------------------------------------
// The standard's tables (the only source of expectations)

const standardDir = process.env.VEIL_STANDARD ?? resolve(repoRoot, '..', 'shared', 'standard');
const readJson = <T>(name: string): T => JSON.parse(readFileSync(resolve(standardDir, name), 'utf8')) as T;

interface Row {
  tag: string;
  name: string;
  keyword: string;
  basic: string;
  [column: string]: unknown;
}
interface SafeRow { group: string; elementOffset: string; privateCreator: string; vr: string }
interface MethodCode { codingSchemeDesignator: string; codeValue: string; codeMeaning: string; tableE11Column: string }
interface DictRow { tag: string; vr: string }

const ROWS = readJson<Row[]>('ps3.15-table-e1-1.json');
const SAFE = readJson<SafeRow[]>('ps3.15-table-e3.10-1-safe-private.json');
const CID7050 = readJson<MethodCode[]>('cid7050-deidentification-methods.json');
const DICT = new Map(readJson<DictRow[]>('dictionary.json').map((d) => [d.tag, d.vr]));
const ROW_BY_TAG = new Map(ROWS.map((r) => [r.tag, r]));

/** Option columns of the table, in file order (everything after the basic column). */
const TABLE_OPTION_COLUMNS = Object.keys(ROWS[0]).slice(Object.keys(ROWS[0]).indexOf('basic') + 1).filter((k) => k !== 'note');

/** Table E.1-1a compound codes, collapsed as src/core/profile/resolve.ts documents (COLLAPSE). */
const COLLAPSE: Record<string, Action> = {
  D: 'D', Z: 'Z', X: 'X', K: 'K', C: 'C', U: 'U',
  'Z/D': 'D', 'X/Z': 'Z', 'X/D': 'D', 'X/Z/D': 'D', 'X/Z/U*': 'U',
};
type Action = 'X' | 'Z' | 'D' | 'K' | 'C' | 'U';
/** P: Patient's Name / Patient ID, replaced by the session's pseudonym. */
type Expected = Action | 'P';

/** The cell that decides: an enabled option's (K beats C), else the basic column. */
function decidingCell(row: Row, options: readonly string[]): { cell: string; column: string } {
  let best: { cell: string; column: string } | undefined;
  for (const column of options) {
    const cell = row[column];
    if (typeof cell !== 'string' || !cell) continue;
    if (!best || (cell === 'K' && best.cell !== 'K')) best = { cell, column };
  }
  return best ?? { cell: row.basic, column: 'basic' };
}

function expectedAction(row: Row, options: readonly string[]): Expected {
  if (row.tag === '(0010,0010)' || row.tag === '(0010,0020)') return 'P';
  const { cell } = decidingCell(row, options);
  const action = COLLAPSE[cell];
  if (!action) throw new Error(`${row.tag}: unknown action code ${JSON.stringify(cell)}`);
  // Valid in, valid out (issue 8, item 11): X/Z means "X unless Z is required"; at the top level
  // Referenced Study Sequence is Type 3 (General Study), where an empty sequence is invalid.
  if (row.tag === '(0008,1110)' && action === 'Z') return 'X';
  // An overlay group left without Overlay Data is removed whole (issue 8, item 1); this case
  // plants Overlay Comments on its own, so it goes whatever its cell says.
  if (row.tag === '(60xx,4000)') return 'X';
  return action;
}

// ---------------------------------------------------------------------------------------------
// Test data

const FAMILY = 'ZORBLAX';
const GIVEN = 'QUENTIN';
const PATIENT_NAME = `${FAMILY}^${GIVEN}`;
const PATIENT_ID = 'PAT4711';
const SOP_CLASS = '1.2.840.10008.5.1.4.1.1.7'; // Secondary Capture Image Storage
const ROOT = '1.2.826.0.1.3680043.10.543'; // an ISO-rooted test arc; never under 1.2.840.10008
const STUDY_UID = `${ROOT}.1.1`;
const SERIES_UID = `${ROOT}.1.2`;
const sopUid = (n: number): string => `${ROOT}.2.${n}`;
const rowUid = (n: number): string => `${ROOT}.3.${n}`;
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

const TAG = {
  SOPClassUID: 0x00080016,
  SOPInstanceUID: 0x00080018,
  StudyInstanceUID: 0x0020000d,
  SeriesInstanceUID: 0x0020000e,
  PatientName: 0x00100010,
  PatientID: 0x00100020,
  SeriesDescription: 0x0008103e,
  ReferencedSOPInstanceUID: 0x00081155,
  PatientIdentityRemoved: 0x00120062,
  DeidentificationMethodCodeSequence: 0x00120064,
  LongitudinalTemporalInformationModified: 0x00280303,
  CodeValue: 0x00080100,
  CodingSchemeDesignator: 0x00080102,
  CodeMeaning: 0x00080104,
  MediaStorageSOPClassUID: 0x00020002,
  MediaStorageSOPInstanceUID: 0x00020003,
} as const;
const CONTEXT_TAGS = new Set<number>([TAG.SOPClassUID, TAG.SOPInstanceUID, TAG.StudyInstanceUID, TAG.SeriesInstanceUID, TAG.PatientName, TAG.PatientID]);

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');
const fmt = (tag: number): string => `(${hex4(Math.floor(tag / 0x10000))},${hex4(tag & 0xffff)})`;
const parseTag = (s: string): number => {
  const m = /^\(([0-9A-F]{4}),([0-9A-F]{4})\)$/.exec(s);
  if (!m) throw new Error(`not an exact tag: ${s}`);
  return parseInt(m[1], 16) * 0x10000 + parseInt(m[2], 16);
};

const STRING_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
function encodeString(s: string, vr: string): Uint8Array {
  const b = ascii(s);
  if (b.length % 2 === 0) return b;
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  out[b.length] = vr === 'UI' ? 0 : 0x20;
  return out;
}
const text = (b: Uint8Array): string => String.fromCharCode(...b).replace(/[\0 ]+$/, '');

function dateOf(n: number): string {
  const d = new Date(Date.UTC(2019, 0, 1) + n * 86_400_000);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** A distinctive value for case n, valid for the VR; free text carries the patient's family name. */
function valueFor(vr: string, n: number): Uint8Array {
  switch (vr) {
    case 'AE': case 'CS': case 'SH': return encodeString(`R${n} ${FAMILY}`, vr);
    case 'LO': case 'ST': case 'LT': case 'UT': case 'UC': return encodeString(`R${n} note ${FAMILY}`, vr);
    case 'PN': return encodeString(`PERSON${n}^JANE`, vr);
    case 'DA': return encodeString(dateOf(n), vr);
    case 'DT': return encodeString(`${dateOf(n)}101112`, vr);
    case 'TM': return encodeString('101112', vr);
    case 'DS': return encodeString(`${n}.5`, vr);
    case 'IS': return encodeString(`${n}`, vr);
    case 'AS': return encodeString('042Y', vr);
    // A small pool of originals, so different attributes in different files share originals and
    // the session must map each the same way everywhere.
    case 'UI': return encodeString(rowUid(n % 5), vr);
    case 'UR': return encodeString(`https://example.org/r${n}`, vr);
  }
  const b = new Uint8Array(vr === 'FD' ? 8 : vr === 'US' || vr === 'SS' ? 2 : vr === 'UL' || vr === 'SL' || vr === 'FL' || vr === 'AT' ? 4 : 6);
  const v = new DataView(b.buffer);
  switch (vr) {
    case 'US': v.setUint16(0, 1000 + n, true); break;
    case 'SS': v.setInt16(0, -1000 - n, true); break;
    case 'UL': v.setUint32(0, 100000 + n, true); break;
    case 'SL': v.setInt32(0, -100000 - n, true); break;
    case 'FL': v.setFloat32(0, n + 0.25, true); break;
    case 'FD': v.setFloat64(0, n + 0.125, true); break;
    case 'AT': v.setUint16(0, 0x0010, true); v.setUint16(2, 0x0010, true); break;
    default: b.set([0xde, 0xad, n & 0xff, (n >> 8) & 0xff, 0xbe, 0xef]); // OB, OW, UN
  }
  return b;
}

/** VR from the dictionary ("OB or OW" and the like: the first). */
function vrOf(dictTag: string): string {
  const vr = DICT.get(dictTag);
  if (!vr) throw new Error(`${dictTag}: not in dictionary.json`);
  return vr.split(' or ')[0];
}

/** One attribute planted in a case, with the Table E.1-1 row (or private rule) that decides it. */
interface Planted {
  element: DataElement;
  /** How to judge it: a table row, or a private attribute with its expected fate. */
  judge: { kind: 'row'; row: Row } | { kind: 'private'; safe: boolean };
}

interface Case {
  label: string;
  /** The row(s) this case covers (the private row has three cases). */
  row: Row;
  /** Elements to add at the top level (context elements are added by build()). */
  planted: Planted[];
  /** Command elements (group 0000): spliced into the file after writing, since the writer never writes group 0000. */
  command?: DataElement;
}

/** A sequence with one item: a UID that also appears elsewhere (the file's SOP Instance UID) and free text. */
function sequenceValue(n: number): DataElement['items'] {
  const item = new Dataset();
  item.set({ tag: TAG.ReferencedSOPInstanceUID, vr: 'UI', value: encodeString(sopUid(n), 'UI') });
  item.set({ tag: TAG.SeriesDescription, vr: 'LO', value: encodeString(`R${n} item ${FAMILY}`, 'LO') });
  return [item];
}

function plant(tag: number, vr: string, n: number, row: Row): Planted {
  const element: DataElement = vr === 'SQ'
    ? { tag, vr, value: new Uint8Array(0), items: sequenceValue(n) }
    : { tag, vr, value: valueFor(vr, n) };
  return { element, judge: { kind: 'row', row } };
}

const GE_CREATOR = 'GEMS_ACQU_01';
const PHILIPS_CREATOR = 'Philips Imaging DD 001';
const safeLookup = (group: number, creator: string, offset: number): SafeRow | undefined =>
  SAFE.find((s) => s.group === hex4(group) && s.privateCreator === creator && s.elementOffset === offset.toString(16).toUpperCase().padStart(2, '0'));

function privateCases(row: Row, n: number): Case[] {
  const creator = (group: number, block: number, name: string): Planted => ({
    element: { tag: group * 0x10000 + block, vr: 'LO', value: encodeString(name, 'LO') },
    judge: { kind: 'private', safe: SAFE.some((s) => s.group === hex4(group) && s.privateCreator === name) },
  });
  const member = (group: number, block: number, offset: number, creatorName: string, vr: string, value: string): Planted => ({
    element: { tag: group * 0x10000 + block * 0x100 + offset, vr, value: encodeString(value, vr) },
    judge: { kind: 'private', safe: safeLookup(group, creatorName, offset) !== undefined },
  });
  // A GEMS_ACQU_01 offset that Table E.3.10-1 does not list.
  const unlisted = [...Array(256).keys()].find((o) => o > 0 && !safeLookup(0x0019, GE_CREATOR, o))!;
  const ge = safeLookup(0x0019, GE_CREATOR, 0x9e);
  const philips = safeLookup(0x2001, PHILIPS_CREATOR, 0x04);
  if (!ge || ge.vr !== 'LO' || !philips || philips.vr !== 'CS') throw new Error('Table E.3.10-1 no longer lists the entries this test uses');
  return [
    {
      label: `${row.tag} Private Attributes: unknown creator, group 0009 [${row.basic}]`,
      row,
      planted: [creator(0x0009, 0x10, 'VEIL TEST CREATOR'), member(0x0009, 0x10, 0x01, 'VEIL TEST CREATOR', 'LO', `R${n} private ${FAMILY}`)],
    },
    {
      label: `${row.tag} Private Attributes: safe (GEMS_ACQU_01 (0019,xx9E), Philips Imaging DD 001 (2001,xx04) in block 11) [${row.basic}]`,
      row,
      planted: [
        creator(0x0019, 0x10, GE_CREATOR), member(0x0019, 0x10, 0x9e, GE_CREATOR, 'LO', 'FSE-XL'),
        creator(0x2001, 0x11, PHILIPS_CREATOR), member(0x2001, 0x11, 0x04, PHILIPS_CREATOR, 'CS', 'ISOTROPIC'),
      ],
    },
    {
      label: `${row.tag} Private Attributes: listed creator GEMS_ACQU_01, unlisted element xx${hex4(unlisted).slice(2)} [${row.basic}]`,
      row,
      planted: [creator(0x0019, 0x10, GE_CREATOR), member(0x0019, 0x10, unlisted, GE_CREATOR, 'LO', `R${n} unlisted`)],
    },
  ];
}

function casesFor(row: Row, n: number): Case[] {
  const label = `${row.tag} ${row.keyword || row.name} [${row.basic}]`;
  switch (row.tag) {
    case '(50xx,xxxx)':
      return [{
        label, row,
        planted: [plant(0x50000010, vrOf('(50xx,0010)'), n, row), plant(0x50002500, vrOf('(50xx,2500)'), n, row), plant(0x50023000, 'OW', n, row)],
      }];
    case '(60xx,3000)':
      return [{ label, row, planted: [plant(0x60003000, 'OW', n, row), plant(0x60023000, 'OW', n, row)] }];
    case '(60xx,4000)':
      return [{ label, row, planted: [plant(0x60004000, vrOf('(60xx,4000)'), n, row)] }];
    case '(gggg,eeee) where gggg is odd':
      return privateCases(row, n);
  }
  const tag = parseTag(row.tag);
  const group = Math.floor(tag / 0x10000);
  if (group === 0x0000) return [{ label, row, planted: [], command: { tag, vr: vrOf(row.tag), value: valueFor(vrOf(row.tag), n) } }];
  // (0002,0003) lives in the file meta, which the writer makes from the SOP Instance UID; the
  // context elements are planted by build(). Both are judged by their rows in checkCase.
  if (group === 0x0002 || CONTEXT_TAGS.has(tag)) return [{ label, row, planted: [] }];
  return [{ label, row, planted: [plant(tag, vrOf(row.tag), n, row)] }];
}

const CASES: (Case & { n: number })[] = ROWS.flatMap((row, i) => casesFor(row, i + 1).map((c) => ({ ...c, n: i + 1 })));

/** The input file of a case: context, planted attributes, and (for group 0000 rows) a spliced command element. */
function build(c: Case & { n: number }): { bytes: Uint8Array; dataset: Dataset } {
  const ds = new Dataset();
  const set = (tag: number, vr: string, s: string) => ds.set({ tag, vr, value: encodeString(s, vr) });
  set(TAG.SOPClassUID, 'UI', SOP_CLASS);
  set(TAG.SOPInstanceUID, 'UI', sopUid(c.n));
  set(TAG.StudyInstanceUID, 'UI', STUDY_UID);
  set(TAG.SeriesInstanceUID, 'UI', SERIES_UID);
  set(TAG.PatientName, 'PN', PATIENT_NAME);
  set(TAG.PatientID, 'LO', PATIENT_ID);
  for (const p of c.planted) ds.set(p.element);
  let bytes = writePart10({ dataset: ds, transferSyntaxUID: EXPLICIT_LE, sopClassUID: SOP_CLASS, sopInstanceUID: sopUid(c.n) });
  if (c.command) {
    // Explicit VR LE: (0000,eeee) VR len16 value, right after the file meta group.
    const metaLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(140, true);
    const at = 144 + metaLength;
    const el = new Uint8Array(8 + c.command.value.length);
    const v = new DataView(el.buffer);
    v.setUint16(0, 0x0000, true);
    v.setUint16(2, c.command.tag & 0xffff, true);
    el[4] = c.command.vr.charCodeAt(0);
    el[5] = c.command.vr.charCodeAt(1);
    v.setUint16(6, c.command.value.length, true);
    el.set(c.command.value, 8);
    const spliced = new Uint8Array(bytes.length + el.length);
    spliced.set(bytes.subarray(0, at));
    spliced.set(el, at);
    spliced.set(bytes.subarray(at), at + el.length);
    bytes = spliced;
    // The input really holds it: our reader sees it, so the engine is given it.
    if (!readPart10(bytes).dataset.has(c.command.tag)) throw new Error(`${fmt(c.command.tag)} was not read back from the input`);
  }
  return { bytes, dataset: ds };
}

// ---------------------------------------------------------------------------------------------
// VR validity (PS3.5 6.2), for every text value the engine writes

const DEFAULT_TEXT = /^[\x20-\x5b\x5d-\x7e]*$/; // default repertoire without backslash
function validDate(v: string): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}
const VALUE_CHECKS: Record<string, (v: string) => boolean> = {
  AE: (v) => v.length <= 16 && DEFAULT_TEXT.test(v) && v.trim().length > 0,
  AS: (v) => /^\d{3}[DWMY]$/.test(v),
  CS: (v) => v.length <= 16 && /^[A-Z0-9 _]*$/.test(v),
  DA: (v) => validDate(v),
  DS: (v) => v.length <= 16 && /^ *[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)? *$/.test(v),
  DT: (v) => /^\d{4}(\d{2}(\d{2}(\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?)?)?)?([+-]\d{4})?$/.test(v) && (v.length < 8 || validDate(v.slice(0, 8))),
  IS: (v) => v.length <= 12 && /^ *[+-]?\d+ *$/.test(v),
  LO: (v) => v.length <= 64 && !v.includes('\\'),
  LT: (v) => v.length <= 10240,
  PN: (v) => v.split('=').length <= 3 && v.split('=').every((g) => g.split('^').length <= 5 && g.split('^').every((c) => c.length <= 64)),
  SH: (v) => v.length <= 16 && !v.includes('\\'),
  ST: (v) => v.length <= 1024,
  TM: (v) => /^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$/.test(v),
  UC: () => true,
  UI: (v) => v.length <= 64 && /^(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/.test(v),
  UR: (v) => !/\s/.test(v),
  UT: () => true,
};
const SINGLE_VALUED = new Set(['LT', 'ST', 'UT', 'UR']);
function vrProblem(vr: string, value: string): string | undefined {
  const check = VALUE_CHECKS[vr];
  if (!check || value === '') return undefined;
  const values = SINGLE_VALUED.has(vr) ? [value] : value.split('\\');
  const bad = values.find((v) => !check(vr === 'DA' || vr === 'DT' || vr === 'TM' || vr === 'UI' || vr === 'AS' ? v.trim() : v));
  return bad === undefined ? undefined : `value ${JSON.stringify(value)} is not a valid ${vr}`;
}

// ---------------------------------------------------------------------------------------------
// Judging one output against the table

interface SessionState {
  session: Session;
  options: readonly OptionKey[];
  /** Original UID → replacement, across every file of the session. */
  uids: Map<string, string>;
  replacedBy: Map<string, string>;
  /**
   * Per patient — every case has the same Patient ID, but the case that plants an Issuer of
   * Patient ID is, by that issuer, another patient (issue 8, item 9) — the pseudonym seen first.
   */
  pseudonym: Map<string, { name?: string; id?: string }>;
  /** Modified Dates: each patient's one offset in days, from the first date seen. */
  shift: Map<string, number>;
}

const DAY = 86_400_000;
const daysBetween = (from: string, to: string): number =>
  Math.round((Date.UTC(+to.slice(0, 4), +to.slice(4, 6) - 1, +to.slice(6, 8)) - Date.UTC(+from.slice(0, 4), +from.slice(4, 6) - 1, +from.slice(6, 8))) / DAY);

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const NAME_RE = new RegExp(`${FAMILY}|${GIVEN}`, 'i');

class Judge {
  readonly failures: string[] = [];
  /** The patient's pseudonym and date shift seen in earlier files of the session. */
  private readonly patientPseudonym: { name?: string; id?: string };
  constructor(readonly st: SessionState, readonly outTop: Dataset, readonly patient = '') {
    let seen = st.pseudonym.get(patient);
    if (!seen) st.pseudonym.set(patient, (seen = {}));
    this.patientPseudonym = seen;
  }

  fail(path: string, message: string): void {
    this.failures.push(`${path}: ${message}`);
  }

  /** A replaced UID: valid, under 2.25 (a UUID-derived integer), new, and the same for the same original everywhere. */
  uid(path: string, original: string, out: string): void {
    const problem = vrProblem('UI', out);
    if (problem) return this.fail(path, problem);
    if (out === original) return this.fail(path, `UID ${original} was not replaced`);
    if (!out.startsWith('2.25.')) return this.fail(path, `replacement ${out} is not under 2.25`);
    if (BigInt(out.slice(5)) >= 1n << 128n) this.fail(path, `replacement ${out} is not a 128-bit UUID integer`);
    const before = this.st.uids.get(original);
    if (before !== undefined && before !== out) this.fail(path, `${original} became ${out} here but ${before} elsewhere in the session`);
    const owner = this.st.replacedBy.get(out);
    if (owner !== undefined && owner !== original) this.fail(path, `${out} replaces both ${owner} and ${original}`);
    this.st.uids.set(original, out);
    this.st.replacedBy.set(out, original);
  }

  /** Judges one attribute: `orig` as planted, `out` as found in the output (undefined: absent). */
  element(path: string, expected: Expected, basic: Action, orig: DataElement, out: DataElement | undefined): void {
    const where = `${path} [expected ${expected}]`;
    if (expected === 'X') {
      if (out) this.fail(where, `present (${this.show(out)}), should be removed`);
      return;
    }
    if (!out) {
      // C on a binary value: it cannot be cleaned of text automatically, and removal is no worse
      // than the basic profile when the basic profile removes it too (X). Where the basic profile
      // requires the attribute to stay (D, Z), removal under an option breaks that.
      if (expected === 'C' && !STRING_VRS.has(orig.vr) && !orig.items && basic === 'X') return;
      return this.fail(where, `absent, should be present${expected === 'C' && !orig.items && !STRING_VRS.has(orig.vr) ? ` (binary C; the basic profile gives ${basic}, so the attribute must stay, e.g. as a dummy)` : ''}`);
    }
    if (out.vr !== orig.vr && !(orig.items && out.items)) this.fail(where, `VR changed from ${orig.vr} to ${out.vr}`);
    if (orig.items) return this.sequence(where, expected, orig, out);

    const origText = STRING_VRS.has(orig.vr) ? text(orig.value) : undefined;
    const outText = STRING_VRS.has(out.vr) ? text(out.value) : undefined;
    if (outText !== undefined) {
      const problem = vrProblem(out.vr, outText);
      if (problem) this.fail(where, problem);
    }
    switch (expected) {
      case 'Z':
        if (out.value.length !== 0) this.fail(where, `not empty: ${this.show(out)}`);
        return;
      case 'K':
        // Modified Dates shifts every DA and DT that stays, whatever option keeps it: one real date
        // next to shifted ones would give the patient's offset away (the issue: "applied to every
        // DA and DT at every depth").
        if (this.st.options.includes('retainLongModifiedDates') && (orig.vr === 'DA' || orig.vr === 'DT')) {
          return this.clean(where, orig, out, origText, outText);
        }
        // A kept value that holds the patient's own name is kept with the name taken out: the
        // engine acts on the patient's identifiers wherever they survive the table (issue 8).
        if (origText !== undefined && outText !== undefined && NAME_RE.test(origText)) return this.clean(where, orig, out, origText, outText);
        if (!sameBytes(orig.value, out.value)) this.fail(where, `changed from ${this.show(orig)} to ${this.show(out)}, should be kept`);
        return;
      case 'P': {
        const which = orig.tag === TAG.PatientName ? 'name' : 'id';
        if (!outText) return this.fail(where, 'pseudonym is empty');
        if (outText === origText) return this.fail(where, 'still the original');
        if (NAME_RE.test(outText) || outText.includes(PATIENT_ID)) this.fail(where, `pseudonym ${outText} holds the original`);
        const seen = this.patientPseudonym[which];
        if (seen !== undefined && seen !== outText) this.fail(where, `pseudonym ${outText} differs from ${seen} in another file of the same patient`);
        this.patientPseudonym[which] = outText;
        return;
      }
      case 'U':
        if (orig.vr === 'UI') return this.uid(where, origText!, outText ?? '');
        return this.dummy(where, orig, out, origText, outText);
      case 'D':
        if (orig.vr === 'UI') {
          if (!outText) return this.fail(where, 'empty, should be a dummy UID');
          if (outText === origText) this.fail(where, `UID ${origText} was not replaced`);
          return;
        }
        return this.dummy(where, orig, out, origText, outText);
      case 'C':
        return this.clean(where, orig, out, origText, outText);
    }
  }

  private dummy(where: string, orig: DataElement, out: DataElement, origText: string | undefined, outText: string | undefined): void {
    if (out.value.length === 0 || outText === '') return this.fail(where, 'empty, should be a dummy');
    if (sameBytes(orig.value, out.value)) return this.fail(where, `still the original ${this.show(orig)}`);
    if (outText !== undefined && NAME_RE.test(outText)) this.fail(where, `dummy ${outText} holds the patient's name`);
  }

  private clean(where: string, orig: DataElement, out: DataElement, origText: string | undefined, outText: string | undefined): void {
    const modifiedDates = this.st.options.includes('retainLongModifiedDates');
    if (origText === undefined || outText === undefined) {
      // Binary C that the engine kept: must at least not be the original bytes.
      if (sameBytes(orig.value, out.value)) this.fail(where, `binary value kept unchanged under C: ${this.show(out)}`);
      return;
    }
    if (modifiedDates && (orig.vr === 'DA' || orig.vr === 'DT')) {
      if (!outText) return this.fail(where, 'date emptied, should be shifted');
      if (orig.vr === 'DT' && outText.slice(8) !== origText.slice(8)) this.fail(where, `time of day changed: ${origText} → ${outText}`);
      const shift = daysBetween(origText.slice(0, 8), outText.slice(0, 8));
      if (shift === 0) return this.fail(where, `date ${origText} not shifted`);
      const { min, max } = defaultProfile().pseudonyms.dateShiftDays;
      if (shift < min || shift > max) this.fail(where, `shift ${shift} days is outside the profile's range ${min}..${max}`);
      const before = this.st.shift.get(this.patient);
      if (before !== undefined && before !== shift) this.fail(where, `shifted by ${shift} days, other dates of the patient by ${before}`);
      if (before === undefined) this.st.shift.set(this.patient, shift);
      return;
    }
    if (modifiedDates && orig.vr === 'TM') {
      // Dates move by whole days, so the time of day stays what it was and intervals hold.
      if (!sameBytes(orig.value, out.value)) this.fail(where, `time changed from ${origText} to ${outText}; with whole-day date shifts it should stay`);
      return;
    }
    // Free text: the patient's name is taken out, the rest is kept.
    if (NAME_RE.test(outText)) this.fail(where, `the patient's name is still in ${JSON.stringify(outText)}`);
    const rest = origText.replace(NAME_RE, '').trim();
    if (!outText.includes(rest)) this.fail(where, `non-identifying text ${JSON.stringify(rest)} was not kept: ${JSON.stringify(outText)}`);
  }

  private sequence(where: string, expected: Expected, orig: DataElement, out: DataElement): void {
    if (!out.items) return this.fail(where, `no longer a sequence (${this.show(out)})`);
    if (expected === 'Z') {
      if (out.items.length !== 0) this.fail(where, `${out.items.length} item(s), should be empty`);
      return;
    }
    // K, D, U, C: kept, with every item cleaned by the rows of the attributes inside it.
    if (out.items.length !== orig.items!.length) return this.fail(where, `${out.items.length} item(s), ${orig.items!.length} planted`);
    let changed = false;
    orig.items!.forEach((item, i) => {
      const outItem = out.items![i];
      for (const inner of item.elements.values()) {
        const row = ROW_BY_TAG.get(fmt(inner.tag))!;
        const innerOut = outItem.get(inner.tag);
        if (!innerOut || !sameBytes(inner.value, innerOut.value)) changed = true;
        this.element(`${where} > [${i}] ${fmt(inner.tag)}`, expectedAction(row, this.st.options), COLLAPSE[row.basic], inner, innerOut);
        if (inner.tag === TAG.ReferencedSOPInstanceUID && innerOut) {
          // The same original as the file's own SOP Instance UID: the same replacement (or both kept).
          const top = this.outTop.get(TAG.SOPInstanceUID);
          if (top && text(top.value) !== text(innerOut.value)) this.fail(`${where} > [${i}] ${fmt(inner.tag)}`, `${text(innerOut.value)} differs from the SOP Instance UID ${text(top.value)} it was equal to`);
        }
      }
      for (const extra of outItem.elements.keys()) {
        if (!item.has(extra)) this.fail(where, `item ${i} gained ${fmt(extra)}`);
      }
    });
    if (expected === 'D' && !changed) this.fail(where, 'sequence unchanged, should be replaced or cleaned');
  }

  show(el: DataElement): string {
    if (el.items) return `${el.items.length} item(s)`;
    return STRING_VRS.has(el.vr) ? JSON.stringify(text(el.value)) : `${el.vr} [${[...el.value].map((b) => b.toString(16).padStart(2, '0')).join(' ')}]`;
  }
}

/** Everything dicom-parser sees must be what our reader sees: presence, bytes, items, at every depth. */
function crossCheck(ours: Dataset, theirs: dicomParser.DataSet, path: string, failures: string[]): void {
  const seen = new Set<string>();
  for (const el of ours.elements.values()) {
    const key = `x${el.tag.toString(16).padStart(8, '0')}`;
    seen.add(key);
    const other = theirs.elements[key];
    const where = `${path}${fmt(el.tag)}`;
    if (!other) {
      failures.push(`${where}: dicom-parser does not see it`);
      continue;
    }
    if (el.items) {
      const items = other.items ?? [];
      if (items.length !== el.items.length) failures.push(`${where}: dicom-parser sees ${items.length} item(s), we see ${el.items.length}`);
      el.items.forEach((item, i) => {
        const ds = items[i]?.dataSet;
        if (ds) crossCheck(item, ds, `${where}[${i}] > `, failures);
      });
      continue;
    }
    const bytes = theirs.byteArray.subarray(other.dataOffset, other.dataOffset + other.length);
    if (!sameBytes(bytes, el.value)) failures.push(`${where}: dicom-parser reads different bytes`);
  }
  for (const key of Object.keys(theirs.elements)) {
    // dicom-parser lists the item delimiter of an undefined-length item as an element of the item.
    if (!seen.has(key) && !key.startsWith('x0002') && key !== 'xfffee00d') failures.push(`${path}${key}: only dicom-parser sees it`);
  }
}

async function runCase(c: Case & { n: number }, st: SessionState): Promise<string[]> {
  const { bytes, dataset: input } = build(c);
  const outcome = await deidentifyFileAsync({ path: `case-${c.n}.dcm`, bytes }, st.session);
  if (outcome.status !== 'written') return [`not written: ${outcome.status}: ${outcome.reason}`];
  const outBytes = joinParts(outcome.parts);
  let parsed: ParsedFile;
  try {
    parsed = readPart10(outBytes);
  } catch (e) {
    return [`output does not re-read: ${(e as Error).message}`];
  }
  const out = parsed.dataset;
  const issuer = input.get(0x00100021);
  const judge = new Judge(st, out, issuer ? new TextDecoder('latin1').decode(issuer.value).trim() : '');
  const f = judge.failures;

  let theirs: dicomParser.DataSet | undefined;
  try {
    theirs = dicomParser.parseDicom(outBytes);
  } catch (e) {
    f.push(`dicom-parser cannot read the output: ${String((e as { exception?: unknown }).exception ?? e)}`);
  }
  if (theirs) {
    crossCheck(out, theirs, '', f);
    for (const el of parsed.meta.elements.values()) {
      const other = theirs.elements[`x${el.tag.toString(16).padStart(8, '0')}`];
      if (!other || !sameBytes(theirs.byteArray.subarray(other.dataOffset, other.dataOffset + other.length), el.value)) f.push(`meta ${fmt(el.tag)}: dicom-parser disagrees`);
    }
  }

  // The context and the planted attributes, each by its row.
  const judgeRow = (row: Row, orig: DataElement, label: string) =>
    judge.element(label, expectedAction(row, st.options), COLLAPSE[row.basic], orig, out.get(orig.tag));
  for (const tag of CONTEXT_TAGS) {
    const orig = input.get(tag)!;
    const row = ROW_BY_TAG.get(fmt(tag));
    if (row) judgeRow(row, orig, `${fmt(tag)} (context)`);
    else if (!out.get(tag) || !sameBytes(orig.value, out.get(tag)!.value)) f.push(`${fmt(tag)} (context): changed, and Table E.1-1 does not list it`);
  }
  for (const p of c.planted) {
    const outEl = out.get(p.element.tag);
    if (p.judge.kind === 'row') {
      judge.element(fmt(p.element.tag), expectedAction(p.judge.row, st.options), COLLAPSE[p.judge.row.basic], p.element, outEl);
      continue;
    }
    // Private: removed, unless Retain Safe Private and Table E.3.10-1 lists (group, creator, element);
    // a creator stays exactly when something of its block stays.
    const keep = isCreator(p.element.tag)
      ? c.planted.some((q) => !isCreator(q.element.tag) && sameBlock(q.element.tag, p.element.tag) && keptPrivate(q, st.options))
      : keptPrivate(p, st.options);
    const where = `${fmt(p.element.tag)} [private, ${keep ? 'kept' : 'removed'}]`;
    if (keep && (!outEl || !sameBytes(outEl.value, p.element.value))) f.push(`${where}: ${outEl ? `changed to ${judge.show(outEl)}` : 'absent'}`);
    if (!keep && outEl) f.push(`${where}: present (${judge.show(outEl)})`);
  }
  for (const tag of out.elements.keys()) {
    if (Math.floor(tag / 0x10000) % 2 === 1 && !c.planted.some((p) => p.element.tag === tag)) f.push(`${fmt(tag)}: private element appeared`);
  }

  // Command elements (group 0000; rows (0000,1000) X and (0000,1001) U, both K under Retain UIDs)
  // belong to DIMSE messages (PS3.7 E.1), not to the Data Set of a Part 10 file: the writer never
  // writes group 0000 (pydicom's dcmwrite refuses it too). Fed to the engine in the input, they
  // must therefore come out absent whatever the table's cell is: absent discloses nothing, and no
  // conforming file can carry the replaced or kept value. This deliberately departs from the cell
  // for U and K (see the report on the issue).
  if (c.command && out.has(c.command.tag)) f.push(`${fmt(c.command.tag)}: a command element was written into a Part 10 file`);

  // File meta: it names the de-identified instance, so (0002,0003) follows its row like (0008,0018).
  const metaInstance = text(parsed.meta.get(TAG.MediaStorageSOPInstanceUID)?.value ?? new Uint8Array());
  const outInstance = text(out.get(TAG.SOPInstanceUID)?.value ?? new Uint8Array());
  if (metaInstance !== outInstance) f.push(`(0002,0003): ${metaInstance} but the dataset's SOP Instance UID is ${outInstance}`);
  if (text(parsed.meta.get(TAG.MediaStorageSOPClassUID)?.value ?? new Uint8Array()) !== SOP_CLASS) f.push('(0002,0002): not the SOP Class UID');
  const metaRow = ROW_BY_TAG.get('(0002,0003)')!;
  const metaExpected = expectedAction(metaRow, st.options);
  if (metaExpected === 'K' && metaInstance !== sopUid(c.n)) f.push(`(0002,0003) [expected K]: ${metaInstance}, should be ${sopUid(c.n)}`);
  if (metaExpected === 'U') judge.uid('(0002,0003) [expected U]', sopUid(c.n), metaInstance);

  // Markers: PS3.15 E.1.1 and the CID 7050 codes of what was applied.
  const ds = (tag: number) => text(out.get(tag)?.value ?? new Uint8Array());
  if (ds(TAG.PatientIdentityRemoved) !== 'YES') f.push(`(0012,0062) Patient Identity Removed: ${JSON.stringify(ds(TAG.PatientIdentityRemoved))}`);
  const codes = (out.get(TAG.DeidentificationMethodCodeSequence)?.items ?? []).map((item) => ({
    value: text(item.get(TAG.CodeValue)?.value ?? new Uint8Array()),
    scheme: text(item.get(TAG.CodingSchemeDesignator)?.value ?? new Uint8Array()),
    meaning: text(item.get(TAG.CodeMeaning)?.value ?? new Uint8Array()),
  }));
  const wanted = CID7050.filter((m) => m.tableE11Column === 'basic' || (st.options as readonly string[]).includes(m.tableE11Column));
  const got = codes.map((x) => `${x.scheme}:${x.value}:${x.meaning}`).sort();
  const want = wanted.map((m) => `${m.codingSchemeDesignator}:${m.codeValue}:${m.codeMeaning}`).sort();
  if (got.join('|') !== want.join('|')) f.push(`(0012,0064) De-identification Method Code Sequence: [${got.join(', ')}], expected [${want.join(', ')}]`);
  const temporal = st.options.includes('retainLongFullDates') ? 'UNMODIFIED' : st.options.includes('retainLongModifiedDates') ? 'MODIFIED' : 'REMOVED';
  if (ds(TAG.LongitudinalTemporalInformationModified) !== temporal) f.push(`(0028,0303) Longitudinal Temporal Information Modified: ${JSON.stringify(ds(TAG.LongitudinalTemporalInformationModified))}, expected ${temporal}`);

  // Nothing of the patient is left anywhere, not even in attributes a K row keeps.
  const all = String.fromCharCode(...outBytes);
  if (NAME_RE.test(all)) f.push(`the patient's name is still in the output bytes (at ${all.search(NAME_RE)})`);
  if (String.fromCharCode(...outBytes).includes(PATIENT_ID)) f.push('the original Patient ID is still in the output bytes');
  return f;
}

const isCreator = (tag: number): boolean => (tag & 0xffff) >= 0x10 && (tag & 0xffff) <= 0xff;
const keptPrivate = (p: Planted, options: readonly OptionKey[]): boolean =>
  p.judge.kind === 'private' && p.judge.safe && options.includes('retainSafePrivate');
const sameBlock = (a: number, b: number): boolean => {
  const group = (t: number) => Math.floor(t / 0x10000);
  const block = (t: number) => ((t & 0xffff) <= 0xff ? t & 0xff : (t & 0xff00) >> 8);
  return group(a) === group(b) && block(a) === block(b);
};

// ---------------------------------------------------------------------------------------------

/** The two Retain Longitudinal Temporal Information options exclude each other (PS3.15 E.3.6). */
const invalid = (options: readonly OptionKey[]): boolean => options.includes('retainLongFullDates') && options.includes('retainLongModifiedDates');

/**
 * The basic profile, each option switched on alone, and one pair where a K and a C cell meet on the
 * same rows (Retain Device Identity K vs Modified Dates C on the calibration dates and times), so
 * "K beats C" is exercised too. Invalid combinations are skipped.
 */
const PROFILES: { name: string; options: OptionKey[] }[] = [
  { name: 'basic profile', options: [] as OptionKey[] },
  ...OPTION_KEYS.map((k) => ({ name: `basic + ${k}`, options: [k] })),
  { name: 'basic + retainDeviceIdentity + retainLongModifiedDates', options: ['retainDeviceIdentity', 'retainLongModifiedDates'] as OptionKey[] },
  { name: 'basic + retainLongFullDates + retainLongModifiedDates', options: ['retainLongFullDates', 'retainLongModifiedDates'] as OptionKey[] },
].filter((p) => !invalid(p.options));

describe('the test itself', () => {
  it('covers every row of Table E.1-1 and every option column', () => {
    expect(ROWS.length).toBe(657);
    expect(new Set(CASES.map((c) => c.row.tag)).size).toBe(ROWS.length);
    expect([...OPTION_KEYS].sort()).toEqual([...TABLE_OPTION_COLUMNS].sort());
    expect(Object.keys(COLLAPSE).sort()).toEqual(readJson<{ code: string }[]>('ps3.15-table-e1-1a-action-codes.json').map((c) => c.code).sort());
    for (const row of ROWS) expect(COLLAPSE[row.basic], row.tag).toBeDefined();
    // Some rows have both a K and a C cell in the pair profile above.
    expect(ROWS.filter((r) => r.retainDeviceIdentity === 'K' && r.retainLongModifiedDates === 'C').length).toBeGreaterThan(0);
  });

  it('skips the invalid combination because the engine refuses it', () => {
    const profile = defaultProfile();
    profile.options.retainLongFullDates = true;
    profile.options.retainLongModifiedDates = true;
    expect(() => createSession({ profile })).toThrow(/exclude each other/);
  });
});

// Loops rather than describe.each/it.each: those truncate long titles, and a failure must name
// the profile and the row in full.
for (const { name, options } of PROFILES) describe(name, () => {
  let state: SessionState | undefined;
  const st = (): SessionState => {
    if (!state) {
      const profile = defaultProfile();
      for (const k of options) profile.options[k] = true;
      state = { session: createSession({ profile }), options, uids: new Map(), replacedBy: new Map(), pseudonym: new Map(), shift: new Map() };
    }
    return state;
  };
  for (const c of CASES) {
    it(c.label, async () => {
      const deciding = decidingCell(c.row, options);
      const failures = await runCase(c, st());
      expect(failures, `${c.row.tag} ${c.row.name}: cell ${deciding.cell} (${deciding.column})`).toEqual([]);
    });
  }
});
