/**
 * Groups loaded instances into patients → studies → series for the study browser. Works on the
 * summaries the workers sent back; nothing here reads DICOM.
 */
import type { FileEntry } from './types.ts';

export interface SeriesNode {
  key: string;
  uid: string;
  number?: number;
  description: string;
  modality: string;
  instances: FileEntry[];
  warnings: number;
  residual: number;
}

export interface StudyNode {
  key: string;
  uid: string;
  date: string;
  description: string;
  accession: string;
  modalities: string[];
  series: SeriesNode[];
  instances: number;
  warnings: number;
  residual: number;
}

export interface PatientNode {
  key: string;
  name: string;
  id: string;
  birthDate: string;
  sex: string;
  pseudoId?: string;
  studies: StudyNode[];
  instances: number;
  residual: number;
}

export const seriesKeyOf = (f: FileEntry): string => {
  const s = f.summary!;
  return `${s.patientId}\u0000${s.patientName}|${s.studyInstanceUID}|${s.seriesInstanceUID}`;
};

const byNumber = (a?: number, b?: number): number => (a ?? Number.MAX_SAFE_INTEGER) - (b ?? Number.MAX_SAFE_INTEGER);

export function buildTree(files: readonly FileEntry[]): PatientNode[] {
  const patients = new Map<string, PatientNode>();
  const studies = new Map<string, StudyNode>();
  const series = new Map<string, SeriesNode>();
  for (const f of files) {
    if (f.status !== 'ready' || !f.summary) continue;
    const s = f.summary;
    const pKey = `${s.patientId}\u0000${s.patientName}`;
    let p = patients.get(pKey);
    if (!p) {
      p = { key: pKey, name: s.patientName, id: s.patientId, birthDate: s.patientBirthDate, sex: s.patientSex, pseudoId: f.pseudoPatientId, studies: [], instances: 0, residual: 0 };
      patients.set(pKey, p);
    }
    const stKey = `${pKey}|${s.studyInstanceUID}`;
    let st = studies.get(stKey);
    if (!st) {
      st = { key: stKey, uid: s.studyInstanceUID, date: s.studyDate, description: s.studyDescription, accession: s.accessionNumber, modalities: [], series: [], instances: 0, warnings: 0, residual: 0 };
      studies.set(stKey, st);
      p.studies.push(st);
    }
    const seKey = seriesKeyOf(f);
    let se = series.get(seKey);
    if (!se) {
      se = { key: seKey, uid: s.seriesInstanceUID, number: s.seriesNumber, description: s.seriesDescription, modality: s.modality, instances: [], warnings: 0, residual: 0 };
      series.set(seKey, se);
      st.series.push(se);
    }
    se.instances.push(f);
    if (s.modality && !st.modalities.includes(s.modality)) st.modalities.push(s.modality);
    const hasResidual = f.residual.length > 0 ? 1 : 0;
    const hasWarnings = f.warnings.length > 0 ? 1 : 0;
    se.warnings += hasWarnings;
    se.residual += hasResidual;
    st.warnings += hasWarnings;
    st.residual += hasResidual;
    st.instances++;
    p.instances++;
    p.residual += hasResidual;
  }
  const list = [...patients.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  for (const p of list) {
    p.studies.sort((a, b) => b.date.localeCompare(a.date) || a.description.localeCompare(b.description));
    for (const st of p.studies) {
      st.series.sort((a, b) => byNumber(a.number, b.number) || a.description.localeCompare(b.description));
      for (const se of st.series) {
        se.instances.sort((a, b) => byNumber(a.summary?.instanceNumber, b.summary?.instanceNumber) || a.path.localeCompare(b.path));
      }
    }
  }
  return list;
}

/** "20190314" → "2019-03-14"; anything else as it is. */
export function formatDicomDate(da: string): string {
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})/.exec(da);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : da;
}

/** "DOE^JANE^M" → "DOE, JANE M" */
export function formatPersonName(pn: string): string {
  if (!pn) return '';
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = pn.split('=')[0].split('^');
  const rest = [prefix, given, middle, suffix].filter(Boolean).join(' ');
  return family && rest ? `${family}, ${rest}` : family || rest;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 1) return 'less than a second';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m < 60 ? `${m} min ${s.toString().padStart(2, '0')} s` : `${Math.floor(m / 60)} h ${(m % 60).toString().padStart(2, '0')} min`;
}
