/**
 * Who a file belongs to, read from its ORIGINAL header before the profile touches it.
 *
 * A Patient ID is only unique within the system that issued it: two hospitals (or two PACS of one
 * hospital) can hand the same number to two people. So a patient is (Issuer of Patient ID,
 * Patient ID). Files without an issuer keep the key every earlier version used ("id:<ID>"), so
 * the documented promise "same passphrase → same pseudonyms in any later run" holds for them;
 * files that name an issuer are keyed on both.
 */
import type { Dataset } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { getString } from '../dicom/values.ts';
import type { PatientIdentity } from './pseudonyms.ts';

const ISSUER_QUALIFIERS_SEQUENCE = 0x00100024;
const UNIVERSAL_ENTITY_ID = 0x00400032;
const UNIVERSAL_ENTITY_ID_TYPE = 0x00400033;

const text = (ds: Dataset, tag: number): string => getString(ds, tag)?.trim() ?? '';

/**
 * The issuer as one string, HL7 HD style: local namespace, then the universal entity ID and its
 * type from the qualifiers sequence when present ("NORTH&1.2.3&ISO"). Empty when the file names
 * no issuer.
 */
export function issuerOfPatientId(ds: Dataset): string {
  const local = text(ds, T.IssuerOfPatientID);
  const qualifiers = ds.get(ISSUER_QUALIFIERS_SEQUENCE)?.items?.[0];
  const universal = qualifiers ? text(qualifiers, UNIVERSAL_ENTITY_ID) : '';
  if (!universal) return local;
  return `${local}&${universal}&${qualifiers ? text(qualifiers, UNIVERSAL_ENTITY_ID_TYPE) : ''}`;
}

/** Who the file belongs to: (issuer, Patient ID) when there is an ID, else name + birth date, else the study. */
export function patientIdentity(ds: Dataset): PatientIdentity {
  const originalId = text(ds, T.PatientID);
  const originalName = text(ds, T.PatientName);
  const originalBirthDate = text(ds, T.PatientBirthDate);
  const issuer = originalId ? issuerOfPatientId(ds) : '';
  const key = originalId
    ? issuer
      ? `id:${originalId}\u0000issuer:${issuer}`
      : `id:${originalId}`
    : originalName
      ? `name:${originalName}|${originalBirthDate}`
      : `study:${getString(ds, T.StudyInstanceUID) ?? ''}`;
  return { key, originalId, originalName, issuer, originalBirthDate };
}
