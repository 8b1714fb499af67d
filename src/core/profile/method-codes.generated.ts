// GENERATED — do not edit. Made by scripts/generate-profile.ts from cid7050-deidentification-methods.json
// (../shared/standard); run `npm run generate` to rebuild.
// DICOM PS3.16 2026d, © NEMA
import type { OptionKey } from './profile.ts';

/** A code of CID 7050 De-identification Method, for De-identification Method Code Sequence (0012,0064). */
export interface DeidentificationMethodCode {
  readonly codingSchemeDesignator: string;
  readonly codeValue: string;
  readonly codeMeaning: string;
  /** The Table E.1-1 column the code stands for; "" for Clean Pixel Data and Clean Recognizable Visual Features. */
  readonly tableE11Column: OptionKey | 'basic' | '';
}

/** PS3.16 CID 7050 (13 codes), in the standard's order. */
export const CID_7050: readonly DeidentificationMethodCode[] = [
  { codingSchemeDesignator: "DCM", codeValue: "113100", codeMeaning: "Basic Application Confidentiality Profile", tableE11Column: "basic" },
  { codingSchemeDesignator: "DCM", codeValue: "113101", codeMeaning: "Clean Pixel Data Option", tableE11Column: "" },
  { codingSchemeDesignator: "DCM", codeValue: "113102", codeMeaning: "Clean Recognizable Visual Features Option", tableE11Column: "" },
  { codingSchemeDesignator: "DCM", codeValue: "113103", codeMeaning: "Clean Graphics Option", tableE11Column: "cleanGraphics" },
  { codingSchemeDesignator: "DCM", codeValue: "113104", codeMeaning: "Clean Structured Content Option", tableE11Column: "cleanStructuredContent" },
  { codingSchemeDesignator: "DCM", codeValue: "113105", codeMeaning: "Clean Descriptors Option", tableE11Column: "cleanDescriptors" },
  { codingSchemeDesignator: "DCM", codeValue: "113106", codeMeaning: "Retain Longitudinal Temporal Information Full Dates Option", tableE11Column: "retainLongFullDates" },
  { codingSchemeDesignator: "DCM", codeValue: "113107", codeMeaning: "Retain Longitudinal Temporal Information Modified Dates Option", tableE11Column: "retainLongModifiedDates" },
  { codingSchemeDesignator: "DCM", codeValue: "113108", codeMeaning: "Retain Patient Characteristics Option", tableE11Column: "retainPatientCharacteristics" },
  { codingSchemeDesignator: "DCM", codeValue: "113109", codeMeaning: "Retain Device Identity Option", tableE11Column: "retainDeviceIdentity" },
  { codingSchemeDesignator: "DCM", codeValue: "113110", codeMeaning: "Retain UIDs Option", tableE11Column: "retainUIDs" },
  { codingSchemeDesignator: "DCM", codeValue: "113111", codeMeaning: "Retain Safe Private Option", tableE11Column: "retainSafePrivate" },
  { codingSchemeDesignator: "DCM", codeValue: "113112", codeMeaning: "Retain Institution Identity Option", tableE11Column: "retainInstitutionIdentity" },
];

/** The code for the Basic Profile and for each option column of Table E.1-1. */
export const METHOD_CODE_FOR_COLUMN = Object.fromEntries(
  CID_7050.filter((c) => c.tableE11Column !== '').map((c) => [c.tableE11Column, c]),
) as Readonly<Record<OptionKey | 'basic', DeidentificationMethodCode>>;

/** The codes with no Table E.1-1 column, by what they stand for. */
export const CLEAN_PIXEL_DATA_CODE = CID_7050.find((c) => c.codeValue === '113101')!;
export const CLEAN_RECOGNIZABLE_VISUAL_FEATURES_CODE = CID_7050.find((c) => c.codeValue === '113102')!;
