/**
 * Tag numbers and the dictionary look-ups built on them. A tag is the unsigned 32-bit number
 * (group << 16 | element); every layer uses this one representation.
 */
import { DICTIONARY_EXACT, DICTIONARY_MASKED, type DictEntry } from './dictionary.generated.ts';

export const tagOf = (group: number, element: number): number => group * 0x10000 + element;
export const groupOf = (tag: number): number => Math.floor(tag / 0x10000);
export const elementOf = (tag: number): number => tag & 0xffff;
export const isPrivateTag = (tag: number): boolean => (groupOf(tag) & 1) === 1;
/** (gggg,0010-00FF) in an odd group reserves a block of private elements for one creator. */
export const isPrivateCreatorTag = (tag: number): boolean =>
  isPrivateTag(tag) && elementOf(tag) >= 0x10 && elementOf(tag) <= 0xff;

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');
/** "(0010,0010)" */
export const formatTag = (tag: number): string => `(${hex4(groupOf(tag))},${hex4(elementOf(tag))})`;
/** Parses "(0010,0010)", "00100010" or "0010,0010". */
export function parseTag(text: string): number {
  const m = /^\(?([0-9a-f]{4}),?([0-9a-f]{4})\)?$/i.exec(text.trim());
  if (!m) throw new Error(`not a tag: ${text}`);
  return tagOf(parseInt(m[1], 16), parseInt(m[2], 16));
}

export function lookupDictionary(tag: number): DictEntry | undefined {
  const exact = DICTIONARY_EXACT[tag];
  if (exact) return exact;
  if (isPrivateTag(tag)) return undefined;
  // Repeating groups (50xx, 60xx, 7Fxx) and element masks (xxx0) share one table.
  const g = hex4(groupOf(tag));
  const e = hex4(elementOf(tag));
  return (
    DICTIONARY_MASKED[`${g.slice(0, 2)}xx${e}`] ??
    DICTIONARY_MASKED[`${g}${e.slice(0, 2)}xx`] ??
    DICTIONARY_MASKED[`${g}xxx${e.slice(3)}`]
  );
}

export function dictionaryVR(tag: number): string | undefined {
  if (isPrivateCreatorTag(tag)) return 'LO';
  if (elementOf(tag) === 0) return 'UL'; // group length
  return lookupDictionary(tag)?.[0];
}

export function keywordOf(tag: number): string {
  if (isPrivateCreatorTag(tag)) return 'PrivateCreator';
  if (isPrivateTag(tag)) return 'Private';
  return lookupDictionary(tag)?.[1] || 'Unknown';
}

/** Tags the engine refers to by name. */
export const T = {
  FileMetaInformationGroupLength: 0x00020000,
  FileMetaInformationVersion: 0x00020001,
  MediaStorageSOPClassUID: 0x00020002,
  MediaStorageSOPInstanceUID: 0x00020003,
  TransferSyntaxUID: 0x00020010,
  ImplementationClassUID: 0x00020012,
  ImplementationVersionName: 0x00020013,
  SpecificCharacterSet: 0x00080005,
  ImageType: 0x00080008,
  SOPClassUID: 0x00080016,
  SOPInstanceUID: 0x00080018,
  StudyDate: 0x00080020,
  AccessionNumber: 0x00080050,
  Modality: 0x00080060,
  Manufacturer: 0x00080070,
  InstitutionName: 0x00080080,
  InstitutionAddress: 0x00080081,
  ReferringPhysicianName: 0x00080090,
  CodeValue: 0x00080100,
  CodingSchemeDesignator: 0x00080102,
  CodeMeaning: 0x00080104,
  StationName: 0x00081010,
  StudyDescription: 0x00081030,
  SeriesDescription: 0x0008103e,
  ManufacturerModelName: 0x00081090,
  PatientName: 0x00100010,
  PatientID: 0x00100020,
  IssuerOfPatientID: 0x00100021,
  PatientBirthDate: 0x00100030,
  PatientSex: 0x00100040,
  OtherPatientIDs: 0x00101000,
  OtherPatientNames: 0x00101001,
  PatientBirthName: 0x00101005,
  PatientMotherBirthName: 0x00101060,
  PatientIdentityRemoved: 0x00120062,
  DeidentificationMethod: 0x00120063,
  DeidentificationMethodCodeSequence: 0x00120064,
  StudyInstanceUID: 0x0020000d,
  SeriesInstanceUID: 0x0020000e,
  StudyID: 0x00200010,
  SeriesNumber: 0x00200011,
  InstanceNumber: 0x00200013,
  SamplesPerPixel: 0x00280002,
  PhotometricInterpretation: 0x00280004,
  NumberOfFrames: 0x00280008,
  Rows: 0x00280010,
  Columns: 0x00280011,
  BitsAllocated: 0x00280100,
  BurnedInAnnotation: 0x00280301,
  LongitudinalTemporalInformationModified: 0x00280303,
  EncapsulatedDocument: 0x00420011,
  PersonName: 0x0040a123,
  TextValue: 0x0040a160,
  ContentSequence: 0x0040a730,
  PixelData: 0x7fe00010,
  Item: 0xfffee000,
  ItemDelimitationItem: 0xfffee00d,
  SequenceDelimitationItem: 0xfffee0dd,
} as const;
