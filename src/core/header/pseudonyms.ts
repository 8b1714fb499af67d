/**
 * Who a file belongs to, and what that patient is called after de-identification: a pseudonym
 * from the user's lookup table, or one made from the keyed hash; plus the patient's date shift.
 * Keyed by the original patient identity so every file of one patient agrees.
 */
import type { PseudonymSettings } from '../profile/profile.ts';
import type { KeyedHash } from './keys.ts';
import { parseCsv } from '../export/csv.ts';

export interface Pseudonym {
  name: string;
  id: string;
}

/**
 * The pseudonyms the user chose (the CSV the CLI reads with --lookup), keyed by `lookupKey`: the
 * original Patient ID alone for a row without issuer, ID and issuer for a row with one.
 */
export type PseudonymLookup = ReadonlyMap<string, Pseudonym>;

/** A lookup row's key. Rows without issuer keep the bare Patient ID: lookups made before issuers counted still work. */
export const lookupKey = (patientId: string, issuer = ''): string => (issuer ? `${patientId}\u0000${issuer}` : patientId);

export interface PatientIdentity {
  /** What identifies the patient across files: (issuer, Patient ID), else name + birth date, else the study. */
  key: string;
  originalId: string;
  originalName: string;
  /** Issuer of Patient ID (with its qualifiers, see patient-identity.ts); empty when none. */
  issuer: string;
  originalBirthDate: string;
}

export class PseudonymMaker {
  constructor(
    private readonly hash: KeyedHash,
    private readonly settings: PseudonymSettings,
    private readonly lookup?: PseudonymLookup,
  ) {}

  pseudonymFor(patient: PatientIdentity): Pseudonym {
    // A row for this issuer wins; a row without issuer applies to the ID under any issuer (the
    // run-level check flags two patients who end up sharing it).
    const fromTable = patient.originalId
      ? (this.lookup?.get(lookupKey(patient.originalId, patient.issuer)) ?? this.lookup?.get(patient.originalId))
      : undefined;
    if (fromTable) return fromTable;
    const code = this.hash.code('patient', patient.key, 10);
    const prefix = this.settings.patientIdPrefix || 'VEIL';
    return { id: `${prefix}-${code}`, name: `${prefix}^${code}` };
  }

  /** Days to add to every date of this patient; the same for every file of the patient. */
  dateShiftDays(patient: PatientIdentity): number {
    const { min, max } = this.settings.dateShiftDays;
    return this.hash.intInRange('date-shift', patient.key, Math.min(min, max), Math.max(min, max));
  }

  /**
   * A keyed digest of an original value, so files handled by different workers can be compared
   * (same patient? same name?) without the value itself travelling with the outcome.
   */
  fingerprint(kind: string, value: string): string {
    return value ? this.hash.code(`fingerprint:${kind}`, value, 16) : '';
  }
}

/**
 * Parses a pseudonym lookup CSV: header row optional; columns original Patient ID, pseudonym
 * name, pseudonym ID and, optionally, Issuer of Patient ID (a row without one applies to the ID
 * under any issuer). Quoted fields (RFC 4180) are supported. Keys: see lookupKey.
 */
export function parseLookupCsv(text: string): Map<string, Pseudonym> {
  const rows = parseCsv(text).filter((r) => r.some((c) => c.trim()));
  const map = new Map<string, Pseudonym>();
  rows.forEach((r, i) => {
    if (i === 0 && /patient|original/i.test(r[0] ?? '')) return;
    if (r.length < 3 || !r[0].trim() || !r[2].trim()) {
      throw new Error(`lookup CSV line ${i + 1}: expected "original Patient ID, pseudonym name, pseudonym ID[, issuer of Patient ID]"`);
    }
    map.set(lookupKey(r[0].trim(), r[3]?.trim() ?? ''), { name: r[1].trim(), id: r[2].trim() });
  });
  return map;
}
