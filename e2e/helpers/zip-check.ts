/**
 * Opening and checking an exported zip in the tests: entries, the report, planted PHI in any
 * byte, and references between the de-identified files (read with dicom-parser, not our reader;
 * the zip with zip.js itself, CRC-32 checked, not through Veil's reader module).
 */
import { existsSync, readFileSync } from 'node:fs';
import dicomParser from 'dicom-parser';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader, configure } from '@zip.js/zip.js/lib/zip-core-custom.js';
import { parseCsv } from '../../src/core/export/csv.ts';

configure({ useWebWorkers: false });

export interface ReportFile {
  /**
   * The input's path, from the operator's report (the zip's own report names it only by `ref`).
   * The zip's reference itself when no operator's report was found.
   */
  input: string;
  /** The neutral reference the zip's report names the input by (`#0007-3f9a2c1b`). */
  ref: string;
  status: 'written' | 'skipped' | 'failed';
  output?: string;
  reason?: string;
  warnings: string[];
  residual: { kind: string; where: string }[];
}

export interface OpenedZip {
  names: string[];
  entries: Map<string, Uint8Array>;
  report: { meta: Record<string, unknown>; totals: Record<string, number>; files: ReportFile[] };
  csv: string;
}


const REF = /^#\d{4,}-[0-9a-f]{8}$/;

/**
 * Opens an exported zip. The zip's report names inputs by reference only (checked here, for every
 * export the tests make: no input path or file name in it); the operator's report beside the zip
 * (`operatorCsv`, default `<zip>.operator-report.csv` as exportZip saves it, or the CLI's
 * `<out>-operator-report.csv`) gives each row's path back, in `input`.
 */
export async function openZip(path: string, operatorCsv?: string): Promise<OpenedZip> {
  const zip = new ZipReader(new Uint8ArrayReader(new Uint8Array(readFileSync(path))));
  const entries = new Map<string, Uint8Array>();
  for (const f of await zip.getEntries()) {
    if (f.directory) continue;
    if (entries.has(f.filename)) throw new Error(`two entries named ${f.filename} in ${path}`);
    entries.set(f.filename, await f.getData(new Uint8ArrayWriter(), { checkCrc32: true }));
  }
  const json = entries.get('deid-report.json');
  const csv = entries.get('deid-report.csv');
  if (!json || !csv) throw new Error(`no deid-report.json/.csv at the zip root: ${[...entries.keys()].join(', ')}`);
  const report = JSON.parse(Buffer.from(json).toString('utf8')) as OpenedZip['report'];
  const csvText = Buffer.from(csv).toString('utf8');
  // Beside the zip as the e2e helpers save it, or the CLI's `<out>-operator-report.csv` (a download's
  // temporary path has no .zip to replace: never take the zip itself for the report).
  const beside = /\.zip$/i.test(path) ? [path.replace(/\.zip$/i, '-operator-report.csv')] : [];
  const operatorPath = operatorCsv ?? [`${path}.operator-report.csv`, ...beside].find((p) => existsSync(p));
  const rows = operatorPath ? parseCsv(readFileSync(operatorPath, 'utf8')) : undefined;
  if (rows && rows.length - 1 !== report.files.length) throw new Error(`the operator's report has ${rows.length - 1} rows, the zip's ${report.files.length}`);
  report.files.forEach((f, i) => {
    if (!REF.test(f.input)) throw new Error(`the zip's report names an input ${JSON.stringify(f.input)}, not a reference`);
    f.ref = f.input;
    if (!rows) return;
    const [ref, inputPath] = rows[i + 1];
    if (ref !== f.ref) throw new Error(`operator's report row ${i + 1} is ${ref}, the zip's ${f.ref}`);
    for (const text of [json, csv].map((b) => Buffer.from(b).toString('utf8'))) {
      // The path, and the file name where it is one ("slice-1.dcm"; a file called DICOMDIR is
      // named in its own message as the kind of file it is).
      for (const name of [inputPath, inputPath.split('/').pop()!].filter((n) => n.length >= 6 && n.includes('.'))) {
        if (text.includes(name)) throw new Error(`the zip's report holds the input name ${JSON.stringify(name)}`);
      }
    }
    f.input = inputPath;
  });
  return { names: [...entries.keys()], entries, report, csv: csvText };
}

const lowerLatin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1').toLowerCase();
const needle = (value: string): string => Buffer.from(value, 'utf8').toString('latin1').toLowerCase();

/** Planted values found in any entry's bytes or name: "value in entry". */
export function plantedSurvivors(zip: OpenedZip, planted: Iterable<string>): string[] {
  const found: string[] = [];
  const values = [...planted];
  for (const [name, bytes] of zip.entries) {
    const hay = lowerLatin1(bytes);
    for (const v of values) {
      if (hay.includes(needle(v))) found.push(`"${v}" in ${name}`);
      if (name.toLowerCase().includes(v.toLowerCase())) found.push(`"${v}" in the entry name ${name}`);
    }
  }
  return found;
}

type DS = dicomParser.DataSet;
const key = (tag: number): string => `x${tag.toString(16).padStart(8, '0')}`;
export const str = (ds: DS, tag: number): string | undefined => ds.string(key(tag))?.replace(/[\s\0]+$/, '');
export const items = (ds: DS, tag: number): DS[] => (ds.elements[key(tag)]?.items ?? []).map((i) => i.dataSet!).filter(Boolean);

export const TAG = {
  SOPInstanceUID: 0x00080018,
  StudyDescription: 0x00081030,
  ReferencedSOPInstanceUID: 0x00081155,
  ReferencedSeriesSequence: 0x00081115,
  ReferencedImageSequence: 0x00081140,
  ReferencedSOPSequence: 0x00081199,
  CurrentRequestedProcedureEvidenceSequence: 0x0040a375,
  PatientName: 0x00100010,
  PatientID: 0x00100020,
  StudyInstanceUID: 0x0020000d,
  SeriesInstanceUID: 0x0020000e,
  FrameOfReferenceUID: 0x00200052,
} as const;

/** Parses the output written for each input (by the report's input → output). */
export function outputsByInput(zip: OpenedZip): Map<string, DS> {
  const out = new Map<string, DS>();
  for (const f of zip.report.files) {
    if (f.status !== 'written' || !f.output) continue;
    const bytes = zip.entries.get(f.output);
    if (!bytes) throw new Error(`report names ${f.output} for ${f.input}, but the zip has no such entry`);
    out.set(f.input, dicomParser.parseDicom(bytes));
  }
  return out;
}

/**
 * References of the synthetic study (tests/synthetic/phi-study.ts) resolve among the outputs:
 * CT slices share study/series/frame of reference; the GSPS and the SR evidence point at exactly
 * the CT slices' new SOP Instance UIDs. `prefix` is the folder the synthetic files sit in.
 */
export function referenceProblems(outputs: Map<string, DS>, prefix: string, ctSlices: number): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => ok || problems.push(what);
  const get = (name: string): DS | undefined => outputs.get(`${prefix}/${name}`);
  const ct = Array.from({ length: ctSlices }, (_, i) => get(`A/CT/slice-${i + 1}.dcm`));
  if (ct.some((d) => !d)) return [`missing CT outputs under ${prefix}/A/CT/`];
  const ctSops = ct.map((d) => str(d!, TAG.SOPInstanceUID)!);
  const study = str(ct[0]!, TAG.StudyInstanceUID);
  const series = str(ct[0]!, TAG.SeriesInstanceUID);
  const frame = str(ct[0]!, TAG.FrameOfReferenceUID);
  check(new Set(ctSops).size === ctSlices, 'CT SOP Instance UIDs are not distinct');
  for (const d of ct) {
    check(str(d!, TAG.StudyInstanceUID) === study, 'CT slices disagree on StudyInstanceUID');
    check(str(d!, TAG.SeriesInstanceUID) === series, 'CT slices disagree on SeriesInstanceUID');
    check(str(d!, TAG.FrameOfReferenceUID) === frame, 'CT slices disagree on FrameOfReferenceUID');
  }
  const gsps = get('A/PR/gsps-1.dcm');
  const sr = get('A/SR/report-1.dcm');
  check(!!gsps && !!sr, 'GSPS or SR output missing');
  if (gsps) {
    check(str(gsps, TAG.StudyInstanceUID) === study, 'GSPS is not in the CT study');
    const refSeries = items(gsps, TAG.ReferencedSeriesSequence);
    check(refSeries.length === 1 && str(refSeries[0], TAG.SeriesInstanceUID) === series, 'GSPS does not reference the CT series by its new UID');
    const refs = refSeries.flatMap((s) => items(s, TAG.ReferencedImageSequence).map((i) => str(i, TAG.ReferencedSOPInstanceUID)));
    check(JSON.stringify(refs) === JSON.stringify(ctSops), `GSPS image references ${JSON.stringify(refs)} are not the CT slices ${JSON.stringify(ctSops)}`);
  }
  if (sr) {
    check(str(sr, TAG.StudyInstanceUID) === study, 'SR is not in the CT study');
    const evidence = items(sr, TAG.CurrentRequestedProcedureEvidenceSequence);
    const evCt = evidence.flatMap((e) => items(e, TAG.ReferencedSeriesSequence)).find((s) => str(s, TAG.SeriesInstanceUID) === series);
    check(!!evCt, 'SR evidence does not name the CT series by its new UID');
    if (evCt) {
      const refs = items(evCt, TAG.ReferencedSOPSequence).map((i) => str(i, TAG.ReferencedSOPInstanceUID));
      check(JSON.stringify(refs) === JSON.stringify(ctSops), 'SR evidence does not reference the CT slices by their new UIDs');
    }
  }
  return problems;
}
