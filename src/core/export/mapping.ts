/**
 * The re-identification mapping kept in "pseudonymize" mode: original patient → pseudonym,
 * original study/series UIDs → new UIDs, and each patient's date shift.
 *
 * THIS FILE RE-IDENTIFIES THE DATA. It is NEVER written into the output zip or folder next to the
 * de-identified files; it is offered as a separate download (`export-mapping`) or written to a
 * path the user names explicitly, to be kept apart from the data it unlocks. "anonymize" mode
 * never produces one.
 */
import { csvRow } from './csv.ts';

export const MAPPING_CSV = 'deid-mapping.csv';
export const MAPPING_JSON = 'deid-mapping.json';

export type UidLevel = 'study' | 'series' | 'instance' | 'frame-of-reference' | 'other';

export interface PatientMapping {
  originalId: string;
  /** Issuer of Patient ID: the same ID under two issuers is two patients. Absent when the files name none. */
  originalIssuer?: string;
  originalName: string;
  pseudoId: string;
  pseudoName: string;
  dateShiftDays?: number;
}

export interface StudyMapping {
  originalStudyUID: string;
  newStudyUID: string;
  pseudoPatientId: string;
}

export interface UidMapping {
  level: UidLevel;
  original: string;
  replacement: string;
}

export interface MappingSnapshot {
  patients: PatientMapping[];
  studies: StudyMapping[];
  uids: UidMapping[];
}

export interface MappingLogOptions {
  /** Keep every UID given to `addUid`, not only study and series ones (can be very large). */
  keepAllUids?: boolean;
}

const WARNING =
  'This file re-identifies de-identified data. Keep it separate from the data and store it as securely as the original images.';

export class MappingLog {
  private readonly patients = new Map<string, PatientMapping>();
  private readonly studies = new Map<string, StudyMapping>();
  private readonly uids = new Map<string, UidMapping>();
  private readonly keepAllUids: boolean;

  constructor(options: MappingLogOptions = {}) {
    this.keepAllUids = options.keepAllUids ?? false;
  }

  /** Idempotent: the same (original, pseudonym) pair is recorded once however many files carry it. */
  addPatient(originalId: string, originalName: string, pseudoId: string, pseudoName: string, dateShiftDays?: number, originalIssuer = ''): void {
    const key = [originalId, originalIssuer, originalName, pseudoId, pseudoName].join('\u0000');
    if (this.patients.has(key)) return;
    const entry: PatientMapping = { originalId, originalName, pseudoId, pseudoName };
    if (originalIssuer) entry.originalIssuer = originalIssuer;
    if (dateShiftDays !== undefined) entry.dateShiftDays = dateShiftDays;
    this.patients.set(key, entry);
  }

  addStudy(originalStudyUID: string, newStudyUID: string, pseudoPatientId: string): void {
    const key = `${originalStudyUID}\u0000${newStudyUID}`;
    if (!this.studies.has(key)) this.studies.set(key, { originalStudyUID, newStudyUID, pseudoPatientId });
  }

  /** Recorded only for study and series UIDs unless `keepAllUids` was set. */
  addUid(original: string, replacement: string, level: UidLevel = 'other'): void {
    if (!this.keepAllUids && level !== 'study' && level !== 'series') return;
    const key = `${original}\u0000${replacement}`;
    if (!this.uids.has(key)) this.uids.set(key, { level, original, replacement });
  }

  /** Everything recorded, as plain data (to send from a worker to the thread that saves it). */
  snapshot(): MappingSnapshot {
    return { patients: [...this.patients.values()], studies: [...this.studies.values()], uids: [...this.uids.values()] };
  }

  /** Adds another log's records (from a worker); duplicates collapse as with the add methods. */
  merge(other: MappingSnapshot): void {
    for (const p of other.patients) this.addPatient(p.originalId, p.originalName, p.pseudoId, p.pseudoName, p.dateShiftDays, p.originalIssuer);
    for (const st of other.studies) this.addStudy(st.originalStudyUID, st.newStudyUID, st.pseudoPatientId);
    for (const u of other.uids) this.addUid(u.original, u.replacement, u.level);
  }

  get isEmpty(): boolean {
    return this.patients.size === 0 && this.studies.size === 0 && this.uids.size === 0;
  }

  get counts(): { patients: number; studies: number; uids: number } {
    return { patients: this.patients.size, studies: this.studies.size, uids: this.uids.size };
  }

  toJson(meta: { tool?: string; version?: string; createdAt?: string } = {}): string {
    return `${JSON.stringify(
      {
        warning: WARNING,
        ...meta,
        patients: [...this.patients.values()],
        studies: [...this.studies.values()],
        uids: [...this.uids.values()],
      },
      null,
      2,
    )}\n`;
  }

  /**
   * One table, one row per record: `record` is patient, study or uid. Study rows repeat the
   * original patient of their pseudonym, so the CSV alone answers "whose study is this?". The
   * issuer column comes last so readers of the older nine-column layout keep their indices.
   */
  toCsv(): string {
    let csv = csvRow(['record', 'original_patient_id', 'original_patient_name', 'pseudo_patient_id', 'pseudo_patient_name', 'date_shift_days', 'uid_level', 'original_uid', 'new_uid', 'original_issuer_of_patient_id']);
    const byPseudo = new Map<string, PatientMapping>();
    for (const p of this.patients.values()) {
      if (!byPseudo.has(p.pseudoId)) byPseudo.set(p.pseudoId, p);
      csv += csvRow(['patient', p.originalId, p.originalName, p.pseudoId, p.pseudoName, p.dateShiftDays, '', '', '', p.originalIssuer]);
    }
    for (const s of this.studies.values()) {
      const p = byPseudo.get(s.pseudoPatientId);
      csv += csvRow(['study', p?.originalId, p?.originalName, s.pseudoPatientId, p?.pseudoName, p?.dateShiftDays, 'study', s.originalStudyUID, s.newStudyUID, p?.originalIssuer]);
    }
    for (const u of this.uids.values()) {
      csv += csvRow(['uid', '', '', '', '', '', u.level, u.original, u.replacement, '']);
    }
    return csv;
  }
}
