/**
 * A de-identification profile: which PS3.15 options are on, per-attribute overrides, and how
 * pseudonyms are made. This is the JSON the CLI reads with --profile and the app imports/exports.
 */

/** The ten options of PS3.15 Annex E, named as the columns of Table E.1-1. */
export const OPTION_KEYS = [
  'retainSafePrivate',
  'retainUIDs',
  'retainDeviceIdentity',
  'retainInstitutionIdentity',
  'retainPatientCharacteristics',
  'retainLongFullDates',
  'retainLongModifiedDates',
  'cleanDescriptors',
  'cleanStructuredContent',
  'cleanGraphics',
] as const;
export type OptionKey = (typeof OPTION_KEYS)[number];
export type ProfileOptions = Record<OptionKey, boolean>;

/** A per-attribute override wins over the table and every option. */
export type Override =
  | { action: 'keep' }
  | { action: 'remove' }
  | { action: 'empty' }
  | { action: 'replace'; value: string };

export type Mode = 'anonymize' | 'pseudonymize';

export interface PseudonymSettings {
  /** "pseudonymize" keeps a re-identification mapping file; "anonymize" never produces one. */
  mode: Mode;
  /** Pseudonymous Patient IDs look like PREFIX-XXXXXXXX. */
  patientIdPrefix: string;
  /** Range, in days, of the per-patient date shift used by Retain Longitudinal … Modified Dates. */
  dateShiftDays: { min: number; max: number };
}

export interface Profile {
  options: ProfileOptions;
  /** Keyed by tag as "(gggg,eeee)". */
  overrides: Record<string, Override>;
  pseudonyms: PseudonymSettings;
}

export function defaultProfile(): Profile {
  return {
    options: Object.fromEntries(OPTION_KEYS.map((k) => [k, false])) as ProfileOptions,
    overrides: {},
    pseudonyms: { mode: 'pseudonymize', patientIdPrefix: 'VEIL', dateShiftDays: { min: -3650, max: -365 } },
  };
}
