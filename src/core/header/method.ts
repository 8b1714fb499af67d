/**
 * The attributes that say a dataset was de-identified and how (PS3.15 E.1.1 and PS3.3 C.7.1.1):
 * Patient Identity Removed, De-identification Method and its Code Sequence (CID 7050, only the
 * options actually applied), and Longitudinal Temporal Information Modified.
 */
import { Dataset, EMPTY } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { encodeText, setString } from '../dicom/values.ts';
import { CID_7050, type DeidentificationMethodCode } from '../profile/method-codes.generated.ts';
import { OPTION_KEYS, type ProfileOptions } from '../profile/profile.ts';

export const TOOL_NAME = 'Veil';
export const TOOL_VERSION = '0.1.0';

/** The CID 7050 codes for what was applied: the basic profile, each option switched on, and any extra codes (Clean Pixel Data). */
export function methodCodes(options: ProfileOptions, extra: readonly string[] = []): DeidentificationMethodCode[] {
  const columns = new Set<string>(['basic', ...OPTION_KEYS.filter((k) => options[k])]);
  return CID_7050.filter((c) => columns.has(c.tableE11Column) || extra.includes(c.codeValue));
}

export function markDeidentified(ds: Dataset, options: ProfileOptions, extraCodes: readonly string[] = []): void {
  const codes = methodCodes(options, extraCodes);
  setString(ds, T.PatientIdentityRemoved, 'YES', 'CS');
  // LO allows 64 characters per value: one value per code meaning.
  setString(ds, T.DeidentificationMethod, [`${TOOL_NAME} ${TOOL_VERSION}`, ...codes.map((c) => c.codeMeaning)].map((s) => s.slice(0, 64)).join('\\'), 'LO');
  ds.set({
    tag: T.DeidentificationMethodCodeSequence,
    vr: 'SQ',
    value: EMPTY,
    items: codes.map((c) => {
      const item = new Dataset(ds.charset);
      item.set({ tag: T.CodeValue, vr: 'SH', value: encodeText(c.codeValue, 'SH') });
      item.set({ tag: T.CodingSchemeDesignator, vr: 'SH', value: encodeText(c.codingSchemeDesignator, 'SH') });
      item.set({ tag: T.CodeMeaning, vr: 'LO', value: encodeText(c.codeMeaning, 'LO') });
      return item;
    }),
  });
  const temporal = options.retainLongFullDates ? 'UNMODIFIED' : options.retainLongModifiedDates ? 'MODIFIED' : 'REMOVED';
  setString(ds, T.LongitudinalTemporalInformationModified, temporal, 'CS');
}
