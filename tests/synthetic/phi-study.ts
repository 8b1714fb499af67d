/**
 * A small synthetic study with known PHI planted everywhere, for end-to-end de-identification
 * tests. Deterministic: the same options always give the same bytes.
 *
 *  - Patient A, study 1 (2019-03-14): a CT series of 4 slices (16x16, real-looking geometry, a known
 *    pixel pattern), a Grayscale Softcopy Presentation State that references every slice, and a
 *    Basic Text SR whose evidence and content reference the slices.
 *  - Patient A, study 2 (2017-11-09, the prior): one CT slice.
 *  - Patient B (2020-06-10): one ultrasound image, UTF-8 (ISO_IR 192) names.
 *
 * The CT slices use explicit VR LE, implicit VR LE, explicit VR BE and explicit VR LE with
 * undefined lengths everywhere, so every reader path of the engine sees the same content.
 *
 * Every planted value is distinctive enough to be searched for in raw output bytes (no value
 * shorter than 8 characters, times carry fractions, UIDs share no prefixes with each other).
 * `planted` is built by walking the encoded element trees, so it lists every place a value
 * really went, down to sequence items and UN/OB blobs.
 */
import { encodePart10, hex, privateBlock, unSequence, type Element, type Item, type TransferSyntaxName } from './encoder.ts';

export type PlantKind =
  | 'name' | 'id' | 'date' | 'time' | 'datetime' | 'uid' | 'address' | 'phone' | 'institution'
  | 'device' | 'text';

export interface Planted {
  value: string;
  /** Human-readable location: file, tag path with item indices, keyword. */
  where: string;
  file: string;
  /** Tag path from the top of the dataset, e.g. ["(0040,0275)[0]", "(0040,1001)"]. */
  path: string[];
  kind: PlantKind;
  /** Which patient's identity this value belongs to, when it belongs to one. */
  patient?: 'A' | 'B';
}

export interface UtilityAttribute {
  keyword: string;
  tag: number;
  vr: string;
  /** String VRs: the value as written, without padding. Binary VRs: the numbers. */
  value: string | number[];
}

export interface UtilityExpectation {
  attributes: UtilityAttribute[];
  rows: number;
  columns: number;
  bitsAllocated: number;
  samplesPerPixel: number;
  /** The pixel values as little-endian bytes (what Pixel Data holds in a little-endian file). */
  pixelDataLE: Uint8Array;
}

export type FileRole = 'ct' | 'gsps' | 'sr' | 'prior-ct' | 'us';

export interface SyntheticFile {
  name: string;
  bytes: Uint8Array;
  patient: 'A' | 'B';
  role: FileRole;
  transferSyntax: TransferSyntaxName;
  sopClassUID: string;
  sopInstanceUID: string;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  /** The top-level DA values of this file, keyed by keyword. */
  dates: Record<string, string>;
}

export interface PatientFacts {
  key: 'A' | 'B';
  name: string;
  familyName: string;
  givenName: string;
  id: string;
  birthDate: string;
  /** Forms of the birth date that appear in free text. */
  birthDateInText: string[];
}

export interface PhiStudy {
  files: SyntheticFile[];
  planted: Planted[];
  /** Keyed by file name. */
  utility: Record<string, UtilityExpectation>;
  patients: { A: PatientFacts; B: PatientFacts };
  /** The Finding sentence of the SR, and the part of it a clean step must keep. */
  srFinding: { text: string; clinicalPart: string };
  /** StudyDescription of patient A's main study, and the words a clean step must keep. */
  studyDescription: { text: string; keep: string[] };
}

export interface PhiStudyOptions {
  /** Number of CT slices in patient A's main series (default 4, at least 1). */
  ctSlices?: number;
  /**
   * Include the sequences written as VR UN (a private one with undefined length, and Operator
   * Identification Sequence with a defined length) and Patient's Address written as UN. Default
   * true. dcmjs 0.52 cannot read a UN element of undefined length in an explicit VR file and
   * misreads a UN-encoded standard sequence, so tests that need dcmjs to read the inputs turn
   * this off.
   */
  unBlobs?: boolean;
}

// ---------------------------------------------------------------------------------------------
// A private mini-dictionary: keyword → [tag, VR]. Independent of the project's dictionary.

const D = {
  SpecificCharacterSet: [0x00080005, 'CS'],
  ImageType: [0x00080008, 'CS'],
  InstanceCreationDate: [0x00080012, 'DA'],
  InstanceCreationTime: [0x00080013, 'TM'],
  InstanceCreatorUID: [0x00080014, 'UI'],
  SOPClassUID: [0x00080016, 'UI'],
  SOPInstanceUID: [0x00080018, 'UI'],
  StudyDate: [0x00080020, 'DA'],
  SeriesDate: [0x00080021, 'DA'],
  AcquisitionDate: [0x00080022, 'DA'],
  ContentDate: [0x00080023, 'DA'],
  AcquisitionDateTime: [0x0008002a, 'DT'],
  StudyTime: [0x00080030, 'TM'],
  SeriesTime: [0x00080031, 'TM'],
  AcquisitionTime: [0x00080032, 'TM'],
  ContentTime: [0x00080033, 'TM'],
  AccessionNumber: [0x00080050, 'SH'],
  Modality: [0x00080060, 'CS'],
  Manufacturer: [0x00080070, 'LO'],
  InstitutionName: [0x00080080, 'LO'],
  InstitutionAddress: [0x00080081, 'ST'],
  ReferringPhysicianName: [0x00080090, 'PN'],
  ReferringPhysicianAddress: [0x00080092, 'ST'],
  ReferringPhysicianTelephoneNumbers: [0x00080094, 'SH'],
  CodeValue: [0x00080100, 'SH'],
  CodingSchemeDesignator: [0x00080102, 'SH'],
  CodeMeaning: [0x00080104, 'LO'],
  TimezoneOffsetFromUTC: [0x00080201, 'SH'],
  StationName: [0x00081010, 'SH'],
  StudyDescription: [0x00081030, 'LO'],
  SeriesDescription: [0x0008103e, 'LO'],
  InstitutionalDepartmentName: [0x00081040, 'LO'],
  PhysiciansOfRecord: [0x00081048, 'PN'],
  PerformingPhysicianName: [0x00081050, 'PN'],
  NameOfPhysiciansReadingStudy: [0x00081060, 'PN'],
  OperatorsName: [0x00081070, 'PN'],
  OperatorIdentificationSequence: [0x00081072, 'SQ'],
  ManufacturerModelName: [0x00081090, 'LO'],
  ReferencedStudySequence: [0x00081110, 'SQ'],
  ReferencedPerformedProcedureStepSequence: [0x00081111, 'SQ'],
  ReferencedSeriesSequence: [0x00081115, 'SQ'],
  ReferencedImageSequence: [0x00081140, 'SQ'],
  ReferencedSOPClassUID: [0x00081150, 'UI'],
  ReferencedSOPInstanceUID: [0x00081155, 'UI'],
  ReferencedSOPSequence: [0x00081199, 'SQ'],
  IrradiationEventUID: [0x00083010, 'UI'],
  PatientName: [0x00100010, 'PN'],
  PatientID: [0x00100020, 'LO'],
  IssuerOfPatientID: [0x00100021, 'LO'],
  TypeOfPatientID: [0x00100022, 'CS'],
  PatientBirthDate: [0x00100030, 'DA'],
  PatientBirthTime: [0x00100032, 'TM'],
  PatientSex: [0x00100040, 'CS'],
  OtherPatientIDs: [0x00101000, 'LO'],
  OtherPatientNames: [0x00101001, 'PN'],
  OtherPatientIDsSequence: [0x00101002, 'SQ'],
  PatientBirthName: [0x00101005, 'PN'],
  PatientAge: [0x00101010, 'AS'],
  PatientAddress: [0x00101040, 'LO'],
  PatientMotherBirthName: [0x00101060, 'PN'],
  MilitaryRank: [0x00101080, 'LO'],
  MedicalRecordLocator: [0x00101090, 'LO'],
  MedicalAlerts: [0x00102000, 'LO'],
  PatientTelephoneNumbers: [0x00102154, 'SH'],
  Occupation: [0x00102180, 'SH'],
  AdditionalPatientHistory: [0x001021b0, 'LT'],
  PatientComments: [0x00104000, 'LT'],
  BodyPartExamined: [0x00180015, 'CS'],
  SliceThickness: [0x00180050, 'DS'],
  KVP: [0x00180060, 'DS'],
  DeviceSerialNumber: [0x00181000, 'LO'],
  DeviceUID: [0x00181002, 'UI'],
  GantryID: [0x00181008, 'LO'],
  SoftwareVersions: [0x00181020, 'LO'],
  ProtocolName: [0x00181030, 'LO'],
  DateOfLastCalibration: [0x00181200, 'DA'],
  TimeOfLastCalibration: [0x00181201, 'TM'],
  ConvolutionKernel: [0x00181210, 'SH'],
  PatientPosition: [0x00185100, 'CS'],
  DetectorID: [0x0018700a, 'SH'],
  StudyInstanceUID: [0x0020000d, 'UI'],
  SeriesInstanceUID: [0x0020000e, 'UI'],
  StudyID: [0x00200010, 'SH'],
  SeriesNumber: [0x00200011, 'IS'],
  AcquisitionNumber: [0x00200012, 'IS'],
  InstanceNumber: [0x00200013, 'IS'],
  ImagePositionPatient: [0x00200032, 'DS'],
  ImageOrientationPatient: [0x00200037, 'DS'],
  FrameOfReferenceUID: [0x00200052, 'UI'],
  PositionReferenceIndicator: [0x00201040, 'LO'],
  SliceLocation: [0x00201041, 'DS'],
  ImageComments: [0x00204000, 'LT'],
  SamplesPerPixel: [0x00280002, 'US'],
  PhotometricInterpretation: [0x00280004, 'CS'],
  PlanarConfiguration: [0x00280006, 'US'],
  Rows: [0x00280010, 'US'],
  Columns: [0x00280011, 'US'],
  PixelSpacing: [0x00280030, 'DS'],
  BitsAllocated: [0x00280100, 'US'],
  BitsStored: [0x00280101, 'US'],
  HighBit: [0x00280102, 'US'],
  PixelRepresentation: [0x00280103, 'US'],
  WindowCenter: [0x00281050, 'DS'],
  WindowWidth: [0x00281051, 'DS'],
  RescaleIntercept: [0x00281052, 'DS'],
  RescaleSlope: [0x00281053, 'DS'],
  RescaleType: [0x00281054, 'LO'],
  RequestingPhysician: [0x00321032, 'PN'],
  RequestingService: [0x00321033, 'LO'],
  RequestedProcedureDescription: [0x00321060, 'LO'],
  StudyComments: [0x00324000, 'LT'],
  AdmissionID: [0x00380010, 'LO'],
  CurrentPatientLocation: [0x00380300, 'LO'],
  ScheduledProcedureStepDescription: [0x00400007, 'LO'],
  ScheduledProtocolCodeSequence: [0x00400008, 'SQ'],
  ScheduledProcedureStepID: [0x00400009, 'SH'],
  PerformedStationAETitle: [0x00400241, 'AE'],
  PerformedStationName: [0x00400242, 'SH'],
  PerformedLocation: [0x00400243, 'SH'],
  PerformedProcedureStepStartDate: [0x00400244, 'DA'],
  PerformedProcedureStepStartTime: [0x00400245, 'TM'],
  PerformedProcedureStepID: [0x00400253, 'SH'],
  PerformedProcedureStepDescription: [0x00400254, 'LO'],
  RequestAttributesSequence: [0x00400275, 'SQ'],
  CommentsOnThePerformedProcedureStep: [0x00400280, 'ST'],
  ProtocolContextSequence: [0x00400440, 'SQ'],
  RequestedProcedureID: [0x00401001, 'SH'],
  PersonIdentificationCodeSequence: [0x00401101, 'SQ'],
  PlacerOrderNumberImagingServiceRequest: [0x00402016, 'LO'],
  FillerOrderNumberImagingServiceRequest: [0x00402017, 'LO'],
  RelationshipType: [0x0040a010, 'CS'],
  VerifyingOrganization: [0x0040a027, 'LO'],
  VerificationDateTime: [0x0040a030, 'DT'],
  ValueType: [0x0040a040, 'CS'],
  ConceptNameCodeSequence: [0x0040a043, 'SQ'],
  ContinuityOfContent: [0x0040a050, 'CS'],
  VerifyingObserverSequence: [0x0040a073, 'SQ'],
  VerifyingObserverName: [0x0040a075, 'PN'],
  VerifyingObserverIdentificationCodeSequence: [0x0040a088, 'SQ'],
  DateTime: [0x0040a120, 'DT'],
  Date: [0x0040a121, 'DA'],
  Time: [0x0040a122, 'TM'],
  PersonName: [0x0040a123, 'PN'],
  UID: [0x0040a124, 'UI'],
  TextValue: [0x0040a160, 'UT'],
  CurrentRequestedProcedureEvidenceSequence: [0x0040a375, 'SQ'],
  CompletionFlag: [0x0040a491, 'CS'],
  VerificationFlag: [0x0040a493, 'CS'],
  ContentTemplateSequence: [0x0040a504, 'SQ'],
  ContentSequence: [0x0040a730, 'SQ'],
  MappingResource: [0x00080105, 'CS'],
  TemplateIdentifier: [0x0040db00, 'CS'],
  GraphicAnnotationSequence: [0x00700001, 'SQ'],
  GraphicLayer: [0x00700002, 'CS'],
  BoundingBoxAnnotationUnits: [0x00700003, 'CS'],
  UnformattedTextValue: [0x00700006, 'ST'],
  TextObjectSequence: [0x00700008, 'SQ'],
  BoundingBoxTopLeftHandCorner: [0x00700010, 'FL'],
  BoundingBoxBottomRightHandCorner: [0x00700011, 'FL'],
  BoundingBoxTextHorizontalJustification: [0x00700012, 'CS'],
  GraphicLayerOrder: [0x00700062, 'IS'],
  ContentLabel: [0x00700080, 'CS'],
  ContentDescription: [0x00700081, 'LO'],
  PresentationCreationDate: [0x00700082, 'DA'],
  PresentationCreationTime: [0x00700083, 'TM'],
  ContentCreatorName: [0x00700084, 'PN'],
  GraphicLayerSequence: [0x00700060, 'SQ'],
  OriginalAttributesSequence: [0x04000561, 'SQ'],
  ModifiedAttributesSequence: [0x04000550, 'SQ'],
  AttributeModificationDateTime: [0x04000562, 'DT'],
  ModifyingSystem: [0x04000563, 'LO'],
  SourceOfPreviousValues: [0x04000564, 'LO'],
  ReasonForTheAttributeModification: [0x04000565, 'CS'],
  CurveLabel: [0x50002500, 'LO'],
  RadiopharmaceuticalAdministrationEventUID: [0x00083012, 'UI'],
  ReceiveCoilName: [0x00181250, 'SH'],
  ProcessingFunction: [0x00185020, 'LO'],
  OverlayRows: [0x60000010, 'US'],
  OverlayColumns: [0x60000011, 'US'],
  OverlayDescription: [0x60000022, 'LO'],
  OverlayType: [0x60000040, 'CS'],
  OverlayOrigin: [0x60000050, 'SS'],
  OverlayBitsAllocated: [0x60000100, 'US'],
  OverlayBitPosition: [0x60000102, 'US'],
  OverlayLabel: [0x60001500, 'LO'],
  OverlayData: [0x60003000, 'OW'],
  OverlayComments: [0x60004000, 'LT'],
  PixelData: [0x7fe00010, 'OW'],
} as const satisfies Record<string, readonly [number, string]>;

type Keyword = keyof typeof D;

const KEYWORD_BY_TAG = new Map<number, string>(Object.entries(D).map(([k, [t]]) => [t, k]));

function e(keyword: Keyword, value: Element['value'], extra: Partial<Element> = {}): Element {
  const [tag, vr] = D[keyword];
  return { tag, vr, value, ...extra };
}

function sq(keyword: Keyword, items: Item[], undefinedLength = false): Element {
  const [tag] = D[keyword];
  return { tag, vr: 'SQ', value: items, undefinedLength };
}

function code(value: string, scheme: string, meaning: string): Item {
  return [e('CodeValue', value), e('CodingSchemeDesignator', scheme), e('CodeMeaning', meaning)];
}

// ---------------------------------------------------------------------------------------------
// Identifiers.

const ROOT = '1.2.826.0.1.3680043.99999';
/** Same length for every UID of a kind, so no planted UID is a prefix of another. */
const uid = (kind: number, n: number): string => `${ROOT}.${kind}.${String(n).padStart(4, '0')}`;

const SOP_CLASS = {
  CT: '1.2.840.10008.5.1.4.1.1.2',
  GSPS: '1.2.840.10008.5.1.4.1.1.11.1',
  BASIC_TEXT_SR: '1.2.840.10008.5.1.4.1.1.88.11',
  US: '1.2.840.10008.5.1.4.1.1.6.1',
  PPS: '1.2.840.10008.3.1.2.3.3',
  STUDY_COMPONENT: '1.2.840.10008.3.1.2.3.1',
} as const;

export const PATIENT_A: PatientFacts = {
  key: 'A',
  name: 'ZZPLANTNAME^ZZPLANTGIVEN',
  familyName: 'ZZPLANTNAME',
  givenName: 'ZZPLANTGIVEN',
  id: 'MRN-PLANT-4711',
  birthDate: '19430217',
  birthDateInText: ['1943-02-17', '19430217'],
};

export const PATIENT_B: PatientFacts = {
  key: 'B',
  // The ideographic component group names her as Japanese systems write it: no spaces, so
  // free text can hold "鈴木花子" glued to other words.
  name: 'ZZPLANTBØRGE^ÅSE-PLANTB=鈴木^花子',
  familyName: 'ZZPLANTBØRGE',
  givenName: 'ÅSE-PLANTB',
  id: 'MRN-PLANT-0815',
  birthDate: '19771203',
  birthDateInText: ['19771203'],
};

/** Every distinctive value, with its kind and the patient it identifies (if any). */
const TOKENS: { value: string; kind: PlantKind; patient?: 'A' | 'B' }[] = [];
function tok(value: string, kind: PlantKind, patient?: 'A' | 'B'): string {
  // Ideographic names are short in characters but not in bytes (3 per character in UTF-8).
  const long = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+$/u.test(value) ? value.length >= 2 : value.length >= 8;
  if (!long) throw new Error(`planted value ${value} is too short to search for`);
  if (!TOKENS.some((t) => t.value === value)) TOKENS.push(patient ? { value, kind, patient } : { value, kind });
  return value;
}

function registerIdentityTokens(): void {
  // Patient A identity
  tok(PATIENT_A.familyName, 'name', 'A');
  tok(PATIENT_A.givenName, 'name', 'A');
  tok(PATIENT_A.id, 'id', 'A');
  tok(PATIENT_A.birthDate, 'date', 'A');
  tok('1943-02-17', 'date', 'A');
  // Patient B identity (UTF-8), plus ASCII parts so a case change of the non-ASCII letters is still caught
  tok(PATIENT_B.familyName, 'name', 'B');
  tok('ZZPLANTB', 'name', 'B');
  tok(PATIENT_B.givenName, 'name', 'B');
  tok('SE-PLANTB', 'name', 'B');
  tok('鈴木', 'name', 'B');
  tok('花子', 'name', 'B');
  tok(PATIENT_B.id, 'id', 'B');
  tok(PATIENT_B.birthDate, 'date', 'B');
}

// ---------------------------------------------------------------------------------------------
// Pixel patterns.

function ctPixels(slice: number, rows: number, cols: number): { values: number[]; le: Uint8Array } {
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) values.push(24 + (r * cols + c) * 4 + slice * 7 + ((r * 3 + c * 5) % 11));
  }
  const le = new Uint8Array(values.length * 2);
  values.forEach((v, i) => {
    le[i * 2] = v & 0xff;
    le[i * 2 + 1] = v >> 8;
  });
  return { values, le };
}

function usPixels(rows: number, cols: number): Uint8Array {
  const out = new Uint8Array(rows * cols * 3);
  for (let i = 0; i < rows * cols; i++) {
    out[i * 3] = (i * 7) % 200;
    out[i * 3 + 1] = (i * 13) % 190;
    out[i * 3 + 2] = (i * 3) % 180;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Building blocks shared by patient A's files.

interface StudyA {
  studyUID: string;
  studyDate: string;
  studyTime: string;
  accession: string;
  studyID: string;
  studyDescription: string;
}

function patientModuleA(): Element[] {
  return [
    e('PatientName', PATIENT_A.name),
    e('PatientID', PATIENT_A.id),
    e('IssuerOfPatientID', tok('PLANTISSUER-HOSP', 'institution')),
    e('PatientBirthDate', PATIENT_A.birthDate),
    e('PatientBirthTime', tok('031500.250000', 'time', 'A')),
    e('PatientSex', 'M'),
    e('PatientAge', '076Y'),
    e('OtherPatientIDs', tok('OTHERIDS-PLANT-2', 'id', 'A')),
    e('OtherPatientNames', tok('ZZPLANTALIAS', 'name', 'A') + '^X'),
    sq('OtherPatientIDsSequence', [[
      e('PatientID', tok('OTHER-PLANT-ID-815', 'id', 'A')),
      e('IssuerOfPatientID', tok('PLANTOTHERISSUER', 'institution')),
      e('TypeOfPatientID', 'TEXT'),
    ]]),
    e('PatientBirthName', tok('ZZPLANTMAIDEN', 'name', 'A') + '^' + PATIENT_A.givenName),
    e('PatientAddress', tok('42 PLANTSTREET, PLANTVILLE', 'address', 'A')),
    e('PatientMotherBirthName', tok('ZZPLANTMOTHER', 'name', 'A') + '^EVA'),
    e('MilitaryRank', tok('PLANTRANK-COLONEL', 'text', 'A')),
    e('MedicalRecordLocator', tok('MRL-PLANT-3', 'id', 'A')),
    e('MedicalAlerts', tok('PLANTALERT-PENICILLIN', 'text', 'A')),
    e('PatientTelephoneNumbers', tok('555-PLANT-0199', 'phone', 'A')),
    e('Occupation', tok('PLANTOCCUPAT', 'text', 'A')),
    e('AdditionalPatientHistory', tok('PLANTHISTORY smoker', 'text', 'A')),
    e('PatientComments', tok('PLANTPATCOMMENT', 'text', 'A')),
    e('AdmissionID', tok('ADM-PLANT-12', 'id', 'A')),
    e('CurrentPatientLocation', tok('WARD-PLANT-7', 'address', 'A')),
  ];
}

function studyModuleA(s: StudyA, undefinedLength: boolean): Element[] {
  return [
    e('StudyInstanceUID', s.studyUID),
    e('StudyDate', s.studyDate),
    e('StudyTime', s.studyTime),
    e('AccessionNumber', s.accession),
    e('StudyID', s.studyID),
    e('ReferringPhysicianName', tok('ZZPLANTREFDOC', 'name') + '^ANNA'),
    e('ReferringPhysicianAddress', tok('PLANTREFADDR 9 LANE', 'address')),
    e('ReferringPhysicianTelephoneNumbers', tok('555-PLANTREF', 'phone')),
    e('PhysiciansOfRecord', tok('ZZPLANTRECORDDOC', 'name') + '^OLAF'),
    e('NameOfPhysiciansReadingStudy', tok('ZZPLANTREADER', 'name') + '^INA'),
    e('RequestingPhysician', tok('ZZPLANTREQDOC', 'name') + '^PAUL'),
    e('RequestingService', tok('PLANTREQSERVICE', 'institution')),
    e('StudyDescription', s.studyDescription),
    e('StudyComments', tok('PLANTSTUDYCOMMENT', 'text')),
    e('PlacerOrderNumberImagingServiceRequest', tok('PLACER-PLANT-1', 'id')),
    e('FillerOrderNumberImagingServiceRequest', tok('FILLER-PLANT-2', 'id')),
    sq('ReferencedStudySequence', [[
      e('ReferencedSOPClassUID', SOP_CLASS.STUDY_COMPONENT),
      e('ReferencedSOPInstanceUID', s.studyUID),
    ]], undefinedLength),
    // Three levels deep: Request Attributes > Scheduled Protocol Code > Protocol Context.
    sq('RequestAttributesSequence', [[
      e('RequestedProcedureID', tok('RPID-PLANT-5', 'id')),
      e('ScheduledProcedureStepID', tok('SPSID-PLANT-6', 'id')),
      e('RequestedProcedureDescription', tok('PLANTREQPROCDESC', 'text')),
      e('ScheduledProcedureStepDescription', tok('PLANTSPSDESC', 'text')),
      sq('ScheduledProtocolCodeSequence', [[
        ...code('P-CHEST-01', '99ACME', 'Chest routine'),
        sq('ProtocolContextSequence', [
          [
            e('ValueType', 'PNAME'),
            sq('ConceptNameCodeSequence', [code('121029', 'DCM', 'Subject Name')]),
            e('PersonName', PATIENT_A.name),
          ],
          [
            e('ValueType', 'TEXT'),
            sq('ConceptNameCodeSequence', [code('121106', 'DCM', 'Comment')]),
            e('TextValue', `${tok('PROTOCTX-PLANT-TEXT', 'text')} for ${PATIENT_A.familyName}`),
          ],
        ], undefinedLength),
      ]], undefinedLength),
    ]], undefinedLength),
  ];
}

function equipmentModuleCT(): Element[] {
  return [
    e('Manufacturer', 'ACME Medical'),
    e('ManufacturerModelName', 'ScanMaster 3000'),
    e('SoftwareVersions', 'VA10B'),
    e('InstitutionName', tok('PLANTINSTITUTE', 'institution')),
    e('InstitutionAddress', tok('1 PLANTHOSPITAL ROAD', 'address')),
    e('InstitutionalDepartmentName', tok('PLANTDEPARTMENT', 'institution')),
    e('StationName', tok('PLANTSTATION01', 'device')),
    e('DeviceSerialNumber', tok('SN-PLANT-31337', 'device')),
    e('DeviceUID', tok(uid(15, 1), 'uid')),
    e('GantryID', tok('GANTRY-PLANT-9', 'device')),
    e('DetectorID', tok('DET-PLANT-55', 'device')),
    e('DateOfLastCalibration', tok('20190301', 'date')),
    e('TimeOfLastCalibration', tok('071500.424242', 'time')),
  ];
}

/** The private block, private sequence (three deep) and UN blobs a CT slice carries. */
function privateAndUnA(opts: { unUndefinedLength: boolean; undefinedLength: boolean; unBlobs: boolean; explicitUn?: { seriesUID: string } }): Element[] {
  const creator = 'ACME PHI 1.0';
  const blobText = `BLOB:${PATIENT_A.name};${PATIENT_A.id};DOB=${PATIENT_A.birthDate};${tok('PRIVBLOB-PLANT-X', 'text')}`;
  const blob = new Uint8Array([0x01, 0x02, 0x00, 0xff, ...new TextEncoder().encode(blobText), 0x00, 0x7f]);
  const level3: Item = [
    { tag: 0x00090010, vr: 'LO', value: creator },
    { tag: 0x00091010, vr: 'LO', value: `${tok('PRIVDEEP-PLANT-L3', 'text')} ${PATIENT_A.familyName}` },
    { tag: 0x00091015, vr: 'DA', value: PATIENT_A.birthDate },
  ];
  const level2: Item = [
    { tag: 0x00090010, vr: 'LO', value: creator },
    { tag: 0x00091012, vr: 'SQ', value: [level3], undefinedLength: opts.undefinedLength },
  ];
  const level1: Item = [
    { tag: 0x00090010, vr: 'LO', value: creator },
    { tag: 0x00091012, vr: 'SQ', value: [level2], undefinedLength: opts.undefinedLength },
  ];
  const block = privateBlock(0x0009, creator, [
    { offset: 0x10, vr: 'LO', value: PATIENT_A.name },
    { offset: 0x11, vr: 'OB', value: blob },
    { offset: 0x12, vr: 'SQ', value: [level1], undefinedLength: opts.undefinedLength },
    { offset: 0x13, vr: 'UI', value: tok(uid(15, 40), 'uid') },
  ]);
  if (!opts.unBlobs) return block;
  const un = unSequence(0x00111010, [[
    { tag: 0x00100010, vr: 'PN', value: PATIENT_A.name },
    { tag: 0x00100020, vr: 'LO', value: PATIENT_A.id },
    { tag: 0x00110010, vr: 'LO', value: 'ACME UN 2.0' },
    { tag: 0x00111011, vr: 'LO', value: tok('UNDEEP-PLANT-TEXT', 'text') },
  ]], { undefinedLength: opts.unUndefinedLength });
  return [
    ...block,
    { tag: 0x00110010, vr: 'LO', value: 'ACME UN 2.0' },
    un,
    // A standard sequence that a converter wrote as UN (defined length, implicit VR LE inside).
    unSequence(D.OperatorIdentificationSequence[0], [[
      e('InstitutionName', tok('UNSEQ-PLANTINST', 'institution')),
      sq('PersonIdentificationCodeSequence', [code(tok('OPID-PLANT-UN', 'id'), '99ACME', tok('ZZPLANTOPERATOR', 'name'))]),
    ]]),
    // The same with EXPLICIT VR items inside the UN (what converters write, and PS3.5 forbids);
    // only in explicit VR files, where other readers can step over a UN of defined length.
    ...(opts.explicitUn ? [unSequence(D.ReferencedSeriesSequence[0], [[
      e('SeriesInstanceUID', opts.explicitUn.seriesUID),
      e('PerformingPhysicianName', tok('ZZPLANTUNEXPLICIT', 'name') + '^JO'),
    ]], { explicit: true })] : []),
  ];
}

interface CtSliceSpec {
  file: string;
  patientStudy: StudyA;
  seriesUID: string;
  sopUID: string;
  forUID: string;
  seriesNumber: number;
  instanceNumber: number;
  z: number;
  ts: TransferSyntaxName;
  undefinedLength: boolean;
  contentDate: string;
  contentTime: string;
  acquisitionTime: string;
  seriesTime: string;
  seriesDescription: string;
  irradiationEventUID: string;
  /** SOP Instance UID of another slice this one references (ReferencedImageSequence). */
  refersTo?: string;
  /** Write PatientAddress with VR UN, as a converter that lost the VR would. */
  addressAsUN?: boolean;
  unBlobs: boolean;
  ppsUID: string;
}

const CT_GEOMETRY = {
  ImageOrientationPatient: '1\\0\\0\\0\\1\\0',
  PixelSpacing: '0.703125\\0.703125',
  SliceThickness: '2.5',
  RescaleIntercept: '-1024',
  RescaleSlope: '1',
  WindowCenter: '-600\\40',
  WindowWidth: '1500\\400',
  KVP: '120',
  Manufacturer: 'ACME Medical',
  ManufacturerModelName: 'ScanMaster 3000',
} as const;

function ctSlice(spec: CtSliceSpec, plants: PlantSink, utility: Record<string, UtilityExpectation>): SyntheticFile {
  const rows = 16;
  const cols = 16;
  const pixels = ctPixels(spec.instanceNumber + spec.seriesNumber * 10, rows, cols);
  const position = `-120.5\\-98.25\\${spec.z.toFixed(1)}`;
  const s = spec.patientStudy;
  const acqDT = `${spec.contentDate}${spec.acquisitionTime}`;
  const ds: Element[] = [
    e('SpecificCharacterSet', 'ISO_IR 100'),
    e('ImageType', 'ORIGINAL\\PRIMARY\\AXIAL'),
    e('InstanceCreationDate', spec.contentDate),
    e('InstanceCreationTime', spec.contentTime),
    e('InstanceCreatorUID', tok(uid(15, 2), 'uid')),
    e('SOPClassUID', SOP_CLASS.CT),
    e('SOPInstanceUID', spec.sopUID),
    e('SeriesDate', s.studyDate),
    e('AcquisitionDate', spec.contentDate),
    e('ContentDate', spec.contentDate),
    e('AcquisitionDateTime', tok(acqDT, 'datetime')),
    e('SeriesTime', spec.seriesTime),
    e('AcquisitionTime', spec.acquisitionTime),
    e('ContentTime', spec.contentTime),
    e('Modality', 'CT'),
    e('TimezoneOffsetFromUTC', '+0100'),
    e('SeriesDescription', spec.seriesDescription),
    e('PerformingPhysicianName', tok('ZZPLANTPERFDOC', 'name') + '^LEA'),
    e('OperatorsName', tok('ZZPLANTOPERATOR', 'name') + '^BOB'),
    sq('ReferencedPerformedProcedureStepSequence', [[
      e('ReferencedSOPClassUID', SOP_CLASS.PPS),
      e('ReferencedSOPInstanceUID', spec.ppsUID),
    ]], spec.undefinedLength),
    e('IrradiationEventUID', spec.irradiationEventUID),
    ...patientModuleA(),
    ...studyModuleA(s, spec.undefinedLength),
    ...equipmentModuleCT(),
    // A coded string is no safe place either: a converter that maps free text into CS.
    e('BodyPartExamined', spec.instanceNumber === 2 ? PATIENT_A.familyName : 'CHEST'),
    e('SliceThickness', CT_GEOMETRY.SliceThickness),
    e('KVP', CT_GEOMETRY.KVP),
    e('ProtocolName', tok('PLANTPROTOCOL CHEST', 'text')),
    e('ConvolutionKernel', 'B30f'),
    e('PatientPosition', 'HFS'),
    e('SeriesInstanceUID', spec.seriesUID),
    e('SeriesNumber', String(spec.seriesNumber)),
    e('AcquisitionNumber', '1'),
    e('InstanceNumber', String(spec.instanceNumber)),
    e('ImagePositionPatient', position),
    e('ImageOrientationPatient', CT_GEOMETRY.ImageOrientationPatient),
    e('FrameOfReferenceUID', spec.forUID),
    e('PositionReferenceIndicator', 'SN'),
    e('SliceLocation', spec.z.toFixed(1)),
    e('ImageComments', `${tok('PLANTIMAGECOMMENT', 'text')} ${PATIENT_A.familyName}`),
    e('SamplesPerPixel', [1]),
    e('PhotometricInterpretation', 'MONOCHROME2'),
    e('Rows', [rows]),
    e('Columns', [cols]),
    e('PixelSpacing', CT_GEOMETRY.PixelSpacing),
    e('BitsAllocated', [16]),
    e('BitsStored', [12]),
    e('HighBit', [11]),
    e('PixelRepresentation', [0]),
    e('WindowCenter', CT_GEOMETRY.WindowCenter),
    e('WindowWidth', CT_GEOMETRY.WindowWidth),
    e('RescaleIntercept', CT_GEOMETRY.RescaleIntercept),
    e('RescaleSlope', CT_GEOMETRY.RescaleSlope),
    e('RescaleType', 'HU'),
    e('PerformedStationAETitle', tok('PLANTAE01', 'device')),
    e('PerformedStationName', tok('PLANTPERFSTATION', 'device')),
    e('PerformedLocation', tok('PLANTPERFLOC', 'address')),
    e('PerformedProcedureStepStartDate', s.studyDate),
    e('PerformedProcedureStepStartTime', tok(s.studyDate === '20190314' ? '133901.135791' : '091401.171717', 'time')),
    e('PerformedProcedureStepID', tok('PPSID-PLANT-8', 'id')),
    e('PerformedProcedureStepDescription', tok('PLANTPPSDESC', 'text')),
    e('CommentsOnThePerformedProcedureStep', tok('PLANTPPSCOMMENT', 'text')),
    sq('OriginalAttributesSequence', [[
      e('AttributeModificationDateTime', tok('20190315101010.123456', 'datetime')),
      e('ModifyingSystem', tok('PLANTMODSYSTEM', 'device')),
      e('SourceOfPreviousValues', tok('PLANTSOURCE-RIS', 'institution')),
      e('ReasonForTheAttributeModification', 'COERCE'),
      sq('ModifiedAttributesSequence', [[
        e('PatientName', tok('ZZPLANTOLDNAME', 'name', 'A') + '^X'),
        e('PatientID', tok('OLD-MRN-PLANT-1', 'id', 'A')),
      ]], spec.undefinedLength),
    ]], spec.undefinedLength),
    e('CurveLabel', tok('PLANTCURVELABEL', 'text')),
    e('OverlayComments', tok('PLANTOVERLAYCOMMENT', 'text')),
    ...privateAndUnA({
      unUndefinedLength: spec.ts !== 'explicit-be', undefinedLength: spec.undefinedLength, unBlobs: spec.unBlobs,
      ...(spec.ts === 'explicit-le' ? { explicitUn: { seriesUID: spec.seriesUID } } : {}),
    }),
    e('PixelData', pixels.le),
  ];
  if (spec.refersTo) {
    ds.push(sq('ReferencedImageSequence', [[
      e('ReferencedSOPClassUID', SOP_CLASS.CT),
      e('ReferencedSOPInstanceUID', spec.refersTo),
    ]], spec.undefinedLength));
  }
  if (spec.addressAsUN && spec.unBlobs) {
    const i = ds.findIndex((x) => x.tag === D.PatientAddress[0]);
    const address = ds[i]!.value as string;
    ds[i] = { tag: D.PatientAddress[0], vr: 'UN', value: new TextEncoder().encode(address.length % 2 ? address + ' ' : address) };
  }

  const bytes = encodePart10({ sopClassUID: SOP_CLASS.CT, sopInstanceUID: spec.sopUID, transferSyntax: spec.ts, dataset: ds });
  plants.collect(spec.file, ds);
  plants.collectMeta(spec.file, spec.sopUID);
  utility[spec.file] = {
    attributes: [
      ua('Modality', 'CT'),
      ua('ImagePositionPatient', position),
      ua('ImageOrientationPatient', CT_GEOMETRY.ImageOrientationPatient),
      ua('PixelSpacing', CT_GEOMETRY.PixelSpacing),
      ua('SliceThickness', CT_GEOMETRY.SliceThickness),
      ua('SliceLocation', spec.z.toFixed(1)),
      ua('RescaleSlope', CT_GEOMETRY.RescaleSlope),
      ua('RescaleIntercept', CT_GEOMETRY.RescaleIntercept),
      ua('WindowCenter', CT_GEOMETRY.WindowCenter),
      ua('WindowWidth', CT_GEOMETRY.WindowWidth),
      ua('KVP', CT_GEOMETRY.KVP),
      ua('SeriesNumber', String(spec.seriesNumber)),
      ua('InstanceNumber', String(spec.instanceNumber)),
      ua('Manufacturer', CT_GEOMETRY.Manufacturer),
      ua('ManufacturerModelName', CT_GEOMETRY.ManufacturerModelName),
      ua('PhotometricInterpretation', 'MONOCHROME2'),
      ua('Rows', [rows]),
      ua('Columns', [cols]),
      ua('BitsAllocated', [16]),
      ua('BitsStored', [12]),
      ua('HighBit', [11]),
      ua('PixelRepresentation', [0]),
      ua('SamplesPerPixel', [1]),
    ],
    rows,
    columns: cols,
    bitsAllocated: 16,
    samplesPerPixel: 1,
    pixelDataLE: pixels.le,
  };
  return {
    name: spec.file,
    bytes,
    patient: 'A',
    role: spec.seriesNumber === 2 ? 'prior-ct' : 'ct',
    transferSyntax: spec.ts,
    sopClassUID: SOP_CLASS.CT,
    sopInstanceUID: spec.sopUID,
    studyInstanceUID: s.studyUID,
    seriesInstanceUID: spec.seriesUID,
    dates: topLevelDates(ds),
  };
}

function ua(keyword: Keyword, value: string | number[]): UtilityAttribute {
  const [tag, vr] = D[keyword];
  return { keyword, tag, vr, value };
}

function topLevelDates(ds: Element[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const el of ds) {
    if (el.vr === 'DA' && typeof el.value === 'string' && el.tag >>> 16 !== 0x0009) {
      out[KEYWORD_BY_TAG.get(el.tag) ?? hex(el.tag)] = el.value;
    }
  }
  return out;
}

/**
 * The hiding places of issue 8 ("fail closed"), on patient B's image: a kept description with her
 * Japanese name written without spaces, her name after a NUL in a kept value, an overlay group
 * whose description and label name her, a public tag no dictionary knows, and an instance UID
 * minted under the DICOM root. (Patient A's explicit VR slices carry a UN sequence with explicit
 * VR items: see privateAndUnA.)
 */
function failClosedPlacesB(): Element[] {
  const overlayBits = new Uint8Array(32).fill(0x5a);
  const places: Element[] = [
    e('RadiopharmaceuticalAdministrationEventUID', tok('1.2.840.10008.99999.4711.20200610', 'uid')),
    e('ReceiveCoilName', `C5\u0000${PATIENT_B.familyName}`),
    e('ProcessingFunction', '腹部検査鈴木花子様'),
    e('OverlayRows', [16]),
    e('OverlayColumns', [16]),
    e('OverlayDescription', `OVERLAY ${PATIENT_B.familyName}`),
    e('OverlayType', 'G'),
    e('OverlayOrigin', [1, 1]),
    e('OverlayBitsAllocated', [1]),
    e('OverlayBitPosition', [0]),
    e('OverlayLabel', tok('PLANTOVERLAYLABEL', 'text', 'B')),
    { tag: D.OverlayData[0], vr: 'OW', value: overlayBits },
    // (0010,0090): one bit away from Patient's Name (0010,0010), in no dictionary.
    { tag: 0x00100090, vr: 'LO', value: tok('PLANTUNKNOWNPUBLIC', 'text', 'B') },
  ];
  return places;
}

/**
 * Places outside Table E.1-1 where the study plants identifiers on purpose (issue 8): the table
 * does nothing there, so only the engine's own rules (unknown tags removed, UN sequences parsed,
 * overlay groups removed whole, the patient's identifiers scrubbed from kept values) find them.
 */
export const OUTSIDE_TABLE_PLACES: ReadonlySet<string> = new Set([
  hex(D.BodyPartExamined[0]), hex(D.ReceiveCoilName[0]), hex(D.ProcessingFunction[0]), hex(0x00100090),
  hex(D.ReferencedSeriesSequence[0]), hex(D.OverlayLabel[0]), hex(D.OverlayDescription[0]),
  hex(D.RadiopharmaceuticalAdministrationEventUID[0]),
]);

// ---------------------------------------------------------------------------------------------
// Recording where every planted value went.

class PlantSink {
  readonly list: Planted[] = [];

  /** Walk an element tree and record every occurrence of every planted token. */
  collect(file: string, ds: Element[]): void {
    this.walk(file, ds, [], []);
  }

  collectMeta(file: string, sopUID: string): void {
    this.record(file, ['(0002,0003)'], '(0002,0003) MediaStorageSOPInstanceUID UI', sopUID);
  }

  private walk(file: string, items: Element[], path: string[], labels: string[]): void {
    for (const el of [...items].sort((a, b) => a.tag - b.tag)) {
      const name = KEYWORD_BY_TAG.get(el.tag) ?? ((el.tag >>> 16) % 2 === 1 ? 'private' : 'unknown');
      const here = [...path, hex(el.tag)];
      const label = [...labels, `${hex(el.tag)} ${name}`];
      const v = el.value;
      if (el.vr === 'SQ' && Array.isArray(v)) {
        (v as Item[]).forEach((item, i) =>
          this.walk(file, item, [...path, `${hex(el.tag)}[${i}]`], [...labels, `${hex(el.tag)}[${i}] ${name}`]));
      } else if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
        const s = typeof v === 'string' ? v : (v as string[]).join('\\');
        this.record(file, here, `${label.join(' > ')} ${el.vr}`, s);
      } else if (v instanceof Uint8Array) {
        // OB/UN blobs: search the bytes as UTF-8 text (ASCII plants are found either way).
        this.record(file, here, `${label.join(' > ')} ${el.vr} blob`, new TextDecoder('utf-8', { fatal: false }).decode(v));
      }
    }
  }

  private record(file: string, path: string[], label: string, text: string): void {
    for (const t of TOKENS) {
      if (!text.includes(t.value)) continue;
      const p: Planted = { value: t.value, where: `${file} ${label}`, file, path, kind: t.kind };
      if (t.patient) p.patient = t.patient;
      this.list.push(p);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The study.

export function makePhiStudy(opts: PhiStudyOptions = {}): PhiStudy {
  const nSlices = Math.max(1, opts.ctSlices ?? 4);
  const unBlobs = opts.unBlobs ?? true;
  TOKENS.length = 0;
  registerIdentityTokens();
  const plants = new PlantSink();
  const utility: Record<string, UtilityExpectation> = {};
  const files: SyntheticFile[] = [];

  // Patient A, main study.
  const studyDescription = `CT CHEST ${PATIENT_A.familyName} FOLLOWUP`;
  const main: StudyA = {
    studyUID: tok(uid(11, 1), 'uid'),
    studyDate: tok('20190314', 'date'),
    studyTime: tok('134005.112233', 'time'),
    accession: tok('ACC-PLANT-99', 'id'),
    studyID: tok('SID-PLANT-7', 'id'),
    studyDescription,
  };
  const ctSeries = tok(uid(12, 1), 'uid');
  const ctFoR = tok(uid(14, 1), 'uid');
  const ppsUID = tok(uid(15, 10), 'uid');
  const syntaxes: TransferSyntaxName[] = ['explicit-le', 'implicit-le', 'explicit-be', 'explicit-le'];
  const ctSops: string[] = [];
  for (let i = 1; i <= nSlices; i++) {
    const sopUID = tok(uid(13, i), 'uid');
    ctSops.push(sopUID);
    const ts = syntaxes[(i - 1) % syntaxes.length]!;
    const undefinedLength = i % 4 === 0;
    const spec: CtSliceSpec = {
      file: `A/CT/slice-${i}.dcm`,
      patientStudy: main,
      seriesUID: ctSeries,
      sopUID,
      forUID: ctFoR,
      seriesNumber: 3,
      instanceNumber: i,
      z: -200 + i * 2.5,
      ts,
      undefinedLength,
      contentDate: main.studyDate,
      contentTime: tok(`1345${String(10 + i).padStart(2, '0')}.51820${i}`, 'time'),
      acquisitionTime: tok(`1345${String(10 + i).padStart(2, '0')}.41709${i}`, 'time'),
      seriesTime: tok('134210.223344', 'time'),
      seriesDescription: `AXIAL 2.5MM ${PATIENT_A.givenName}`,
      irradiationEventUID: tok(uid(16, i), 'uid'),
      ppsUID,
      addressAsUN: i === 4,
      unBlobs,
    };
    if (i > 1) spec.refersTo = ctSops[0]!;
    files.push(ctSlice(spec, plants, utility));
  }

  // GSPS referencing every slice.
  const gspsSeries = tok(uid(12, 3), 'uid');
  const gspsSop = tok(uid(13, 901), 'uid');
  {
    const file = 'A/PR/gsps-1.dcm';
    const undef = true;
    const ds: Element[] = [
      e('SpecificCharacterSet', 'ISO_IR 100'),
      e('InstanceCreationDate', tok('20190315', 'date')),
      e('InstanceCreationTime', tok('091011.121314', 'time')),
      e('SOPClassUID', SOP_CLASS.GSPS),
      e('SOPInstanceUID', gspsSop),
      e('SeriesDate', '20190315'),
      e('SeriesTime', '091011.121314'),
      e('Modality', 'PR'),
      e('Manufacturer', 'ACME Medical'),
      e('InstitutionName', 'PLANTINSTITUTE'),
      e('StationName', tok('PLANTWORKSTATION', 'device')),
      e('SeriesDescription', `KEY IMAGES Hüfte ${PATIENT_A.familyName}`),
      e('OperatorsName', tok('ZZPLANTOPERATOR', 'name') + '^BOB'),
      ...patientModuleA(),
      ...studyModuleA(main, undef),
      e('SeriesInstanceUID', gspsSeries),
      e('SeriesNumber', '900'),
      e('InstanceNumber', '1'),
      sq('ReferencedSeriesSequence', [[
        e('SeriesInstanceUID', ctSeries),
        sq('ReferencedImageSequence', ctSops.map((u) => [e('ReferencedSOPClassUID', SOP_CLASS.CT), e('ReferencedSOPInstanceUID', u)]), undef),
      ]], undef),
      sq('GraphicAnnotationSequence', [[
        sq('ReferencedImageSequence', [[e('ReferencedSOPClassUID', SOP_CLASS.CT), e('ReferencedSOPInstanceUID', ctSops[Math.min(1, ctSops.length - 1)]!)]], undef),
        e('GraphicLayer', 'LAYER1'),
        sq('TextObjectSequence', [[
          e('BoundingBoxAnnotationUnits', 'PIXEL'),
          e('UnformattedTextValue', `${tok('GSPSTEXT-PLANT', 'text')} ${PATIENT_A.familyName} ${PATIENT_A.id}`),
          e('BoundingBoxTopLeftHandCorner', [1, 1]),
          e('BoundingBoxBottomRightHandCorner', [12, 5]),
          e('BoundingBoxTextHorizontalJustification', 'LEFT'),
        ]], undef),
      ]], undef),
      sq('GraphicLayerSequence', [[e('GraphicLayer', 'LAYER1'), e('GraphicLayerOrder', '1')]], undef),
      e('ContentLabel', 'GSPS1'),
      e('ContentDescription', 'Key annotation'),
      e('PresentationCreationDate', '20190315'),
      e('PresentationCreationTime', '091011.121314'),
      e('ContentCreatorName', tok('ZZPLANTCREATOR', 'name') + '^KIM'),
    ];
    const bytes = encodePart10({ sopClassUID: SOP_CLASS.GSPS, sopInstanceUID: gspsSop, transferSyntax: 'explicit-le', dataset: ds });
    plants.collect(file, ds);
    plants.collectMeta(file, gspsSop);
    files.push({
      name: file, bytes, patient: 'A', role: 'gsps', transferSyntax: 'explicit-le', sopClassUID: SOP_CLASS.GSPS,
      sopInstanceUID: gspsSop, studyInstanceUID: main.studyUID, seriesInstanceUID: gspsSeries, dates: topLevelDates(ds),
    });
  }

  // Basic Text SR: evidence references every slice and the GSPS; content nested three deep.
  const srSeries = tok(uid(12, 2), 'uid');
  const srSop = tok(uid(13, 902), 'uid');
  const clinicalPart = '8 mm nodule in the right upper lobe, unchanged';
  const finding = `Patient ${PATIENT_A.givenName} ${PATIENT_A.familyName}, MRN ${PATIENT_A.id}, born 1943-02-17 (${PATIENT_A.birthDate}). Findings: ${clinicalPart}.`;
  {
    const file = 'A/SR/report-1.dcm';
    const contentItem = (rel: string, type: string, concept: Item, rest: Element[]): Item => [
      e('RelationshipType', rel),
      e('ValueType', type),
      sq('ConceptNameCodeSequence', [concept]),
      ...rest,
    ];
    const deep: Item[] = [
      contentItem('CONTAINS', 'TEXT', code('121071', 'DCM', 'Finding'), [
        e('TextValue', `${tok('SRDEEP3-PLANT', 'text')}: ${PATIENT_A.familyName} ${PATIENT_A.givenName}`),
      ]),
      contentItem('HAS OBS CONTEXT', 'PNAME', code('121029', 'DCM', 'Subject Name'), [e('PersonName', PATIENT_A.name)]),
      contentItem('HAS OBS CONTEXT', 'DATE', code('121032', 'DCM', 'Subject Birth Date'), [e('Date', PATIENT_A.birthDate)]),
      contentItem('CONTAINS', 'UIDREF', code('121232', 'DCM', 'Source series for segmentation'), [e('UID', tok(uid(15, 20), 'uid'))]),
    ];
    const findings: Item[] = [
      contentItem('CONTAINS', 'TEXT', code('121071', 'DCM', 'Finding'), [e('TextValue', finding)]),
      contentItem('CONTAINS', 'CONTAINER', code('121070', 'DCM', 'Findings'), [
        e('ContinuityOfContent', 'SEPARATE'),
        sq('ContentSequence', deep, true),
      ]),
      contentItem('CONTAINS', 'IMAGE', code('121080', 'DCM', 'Best illustration of finding'), [
        sq('ReferencedSOPSequence', [[
          e('ReferencedSOPClassUID', SOP_CLASS.CT),
          e('ReferencedSOPInstanceUID', ctSops[ctSops.length - 1]!),
        ]]),
      ]),
    ];
    const content: Item[] = [
      contentItem('HAS OBS CONTEXT', 'PNAME', code('121008', 'DCM', 'Person Observer Name'), [
        e('PersonName', tok('ZZPLANTOBSERVER', 'name') + '^MAX'),
      ]),
      contentItem('HAS OBS CONTEXT', 'PNAME', code('121029', 'DCM', 'Subject Name'), [e('PersonName', PATIENT_A.name)]),
      contentItem('HAS OBS CONTEXT', 'DATETIME', code('111526', 'DCM', 'DateTime Started'), [
        e('DateTime', tok('20190316164500.111111', 'datetime')),
      ]),
      contentItem('CONTAINS', 'DATE', code('111060', 'DCM', 'Study Date'), [e('Date', main.studyDate)]),
      contentItem('CONTAINS', 'TIME', code('111061', 'DCM', 'Study Time'), [e('Time', main.studyTime)]),
      contentItem('CONTAINS', 'CONTAINER', code('121070', 'DCM', 'Findings'), [
        e('ContinuityOfContent', 'SEPARATE'),
        sq('ContentSequence', findings, true),
      ]),
    ];
    const ds: Element[] = [
      e('SpecificCharacterSet', 'ISO_IR 100'),
      e('InstanceCreationDate', tok('20190316', 'date')),
      e('InstanceCreationTime', tok('165432.987654', 'time')),
      e('SOPClassUID', SOP_CLASS.BASIC_TEXT_SR),
      e('SOPInstanceUID', srSop),
      e('SeriesDate', '20190316'),
      e('ContentDate', '20190316'),
      e('SeriesTime', tok('165400.135135', 'time')),
      e('ContentTime', '165432.987654'),
      e('Modality', 'SR'),
      e('Manufacturer', 'ACME Reporting'),
      e('InstitutionName', 'PLANTINSTITUTE'),
      e('SeriesDescription', `REPORT ${PATIENT_A.familyName}`),
      ...patientModuleA(),
      ...studyModuleA(main, false),
      e('SeriesInstanceUID', srSeries),
      e('SeriesNumber', '901'),
      e('InstanceNumber', '1'),
      e('ValueType', 'CONTAINER'),
      sq('ConceptNameCodeSequence', [code('18748-4', 'LN', 'Diagnostic Imaging Report')]),
      e('ContinuityOfContent', 'SEPARATE'),
      e('CompletionFlag', 'COMPLETE'),
      e('VerificationFlag', 'VERIFIED'),
      sq('VerifyingObserverSequence', [[
        e('VerifyingObserverName', tok('ZZPLANTVERIFIER', 'name') + '^DOC'),
        e('VerifyingOrganization', tok('PLANTVERIFYORG', 'institution')),
        e('VerificationDateTime', tok('20190316170000.654321', 'datetime')),
        sq('VerifyingObserverIdentificationCodeSequence', []),
      ]]),
      sq('CurrentRequestedProcedureEvidenceSequence', [[
        e('StudyInstanceUID', main.studyUID),
        sq('ReferencedSeriesSequence', [
          [
            e('SeriesInstanceUID', ctSeries),
            sq('ReferencedSOPSequence', ctSops.map((u) => [e('ReferencedSOPClassUID', SOP_CLASS.CT), e('ReferencedSOPInstanceUID', u)])),
          ],
          [
            e('SeriesInstanceUID', gspsSeries),
            sq('ReferencedSOPSequence', [[e('ReferencedSOPClassUID', SOP_CLASS.GSPS), e('ReferencedSOPInstanceUID', gspsSop)]]),
          ],
        ]),
      ]]),
      sq('ContentTemplateSequence', [[e('MappingResource', 'DCMR'), e('TemplateIdentifier', '2000')]]),
      sq('ContentSequence', content),
    ];
    const bytes = encodePart10({ sopClassUID: SOP_CLASS.BASIC_TEXT_SR, sopInstanceUID: srSop, transferSyntax: 'implicit-le', dataset: ds });
    plants.collect(file, ds);
    plants.collectMeta(file, srSop);
    files.push({
      name: file, bytes, patient: 'A', role: 'sr', transferSyntax: 'implicit-le', sopClassUID: SOP_CLASS.BASIC_TEXT_SR,
      sopInstanceUID: srSop, studyInstanceUID: main.studyUID, seriesInstanceUID: srSeries, dates: topLevelDates(ds),
    });
  }

  // Patient A, prior study: one CT slice, 490 days before the main study.
  {
    const prior: StudyA = {
      studyUID: tok(uid(11, 2), 'uid'),
      studyDate: tok('20171109', 'date'),
      studyTime: tok('091500.271828', 'time'),
      accession: tok('ACC-PLANT-55', 'id'),
      studyID: tok('SID-PLANT-3', 'id'),
      studyDescription: `CT CHEST ${PATIENT_A.familyName} BASELINE`,
    };
    const sopUID = tok(uid(13, 801), 'uid');
    files.push(ctSlice({
      file: 'A/CT-prior/slice-1.dcm',
      patientStudy: prior,
      seriesUID: tok(uid(12, 4), 'uid'),
      sopUID,
      forUID: tok(uid(14, 2), 'uid'),
      seriesNumber: 2,
      instanceNumber: 1,
      z: -150,
      ts: 'explicit-le',
      undefinedLength: false,
      contentDate: prior.studyDate,
      contentTime: tok('091612.314159', 'time'),
      acquisitionTime: tok('091611.161803', 'time'),
      seriesTime: tok('091530.141421', 'time'),
      seriesDescription: `AXIAL 2.5MM ${PATIENT_A.givenName}`,
      irradiationEventUID: tok(uid(16, 801), 'uid'),
      ppsUID: tok(uid(15, 11), 'uid'),
      unBlobs,
    }, plants, utility));
  }

  // Patient B: one ultrasound image, UTF-8, implicit VR little endian.
  {
    const file = 'B/US/image-1.dcm';
    const rows = 16;
    const cols = 16;
    const px = usPixels(rows, cols);
    const studyUID = tok(uid(11, 3), 'uid');
    const seriesUID = tok(uid(12, 5), 'uid');
    const sopUID = tok(uid(13, 701), 'uid');
    const ds: Element[] = [
      e('SpecificCharacterSet', 'ISO_IR 192'),
      e('ImageType', 'ORIGINAL\\PRIMARY'),
      e('InstanceCreationDate', tok('20200610', 'date')),
      e('InstanceCreationTime', tok('101530.161616', 'time')),
      e('SOPClassUID', SOP_CLASS.US),
      e('SOPInstanceUID', sopUID),
      e('StudyDate', '20200610'),
      e('SeriesDate', '20200610'),
      e('ContentDate', '20200610'),
      e('StudyTime', tok('101112.131415', 'time')),
      e('SeriesTime', tok('101200.202020', 'time')),
      e('ContentTime', tok('101530.161617', 'time')),
      e('AccessionNumber', tok('ACC-PLANT-77', 'id')),
      e('Modality', 'US'),
      e('Manufacturer', 'SonoACME'),
      e('InstitutionName', 'PLANTINSTITUTE'),
      e('ReferringPhysicianName', tok('ZZPLANTUSREFDOC', 'name') + '^ÉMILE'),
      e('StationName', tok('PLANTUSSTATION', 'device')),
      e('StudyDescription', `US ABDOMEN ${PATIENT_B.givenName}`),
      e('OperatorsName', tok('ZZPLANTSONOGRAPHER', 'name') + '^LIV'),
      e('ManufacturerModelName', 'Sono 5'),
      e('PatientName', PATIENT_B.name),
      e('PatientID', PATIENT_B.id),
      e('PatientBirthDate', PATIENT_B.birthDate),
      e('PatientSex', 'F'),
      e('PatientAddress', tok('Øster Allé 7, PLANTBY', 'address', 'B')),
      e('DeviceSerialNumber', tok('SN-PLANT-US-42', 'device')),
      e('StudyInstanceUID', studyUID),
      e('SeriesInstanceUID', seriesUID),
      e('StudyID', tok('SID-PLANT-B1', 'id')),
      e('SeriesNumber', '1'),
      e('InstanceNumber', '1'),
      e('ImageComments', `${tok('PLANTUSCOMMENT', 'text')} ${PATIENT_B.familyName}`),
      e('SamplesPerPixel', [3]),
      e('PhotometricInterpretation', 'RGB'),
      e('PlanarConfiguration', [0]),
      e('Rows', [rows]),
      e('Columns', [cols]),
      e('BitsAllocated', [8]),
      e('BitsStored', [8]),
      e('HighBit', [7]),
      e('PixelRepresentation', [0]),
      ...privateBlock(0x0009, 'ACME PHI 1.0', [{ offset: 0x10, vr: 'LO', value: PATIENT_B.name }]),
      ...failClosedPlacesB(),
      { tag: D.PixelData[0], vr: 'OB', value: px },
    ];
    const bytes = encodePart10({ sopClassUID: SOP_CLASS.US, sopInstanceUID: sopUID, transferSyntax: 'implicit-le', dataset: ds });
    plants.collect(file, ds);
    plants.collectMeta(file, sopUID);
    utility[file] = {
      attributes: [
        ua('Modality', 'US'),
        ua('SeriesNumber', '1'),
        ua('InstanceNumber', '1'),
        ua('Manufacturer', 'SonoACME'),
        ua('ManufacturerModelName', 'Sono 5'),
        ua('PhotometricInterpretation', 'RGB'),
        ua('Rows', [rows]),
        ua('Columns', [cols]),
        ua('BitsAllocated', [8]),
        ua('BitsStored', [8]),
        ua('SamplesPerPixel', [3]),
      ],
      rows,
      columns: cols,
      bitsAllocated: 8,
      samplesPerPixel: 3,
      pixelDataLE: px,
    };
    files.push({
      name: file, bytes, patient: 'B', role: 'us', transferSyntax: 'implicit-le', sopClassUID: SOP_CLASS.US,
      sopInstanceUID: sopUID, studyInstanceUID: studyUID, seriesInstanceUID: seriesUID, dates: topLevelDates(ds),
    });
  }

  // Every token must have been planted somewhere.
  const unplanted = TOKENS.filter((t) => !plants.list.some((p) => p.value === t.value));
  if (unplanted.length) throw new Error(`planted tokens never written: ${unplanted.map((t) => t.value).join(', ')}`);

  return {
    files,
    planted: plants.list,
    utility,
    patients: { A: PATIENT_A, B: PATIENT_B },
    srFinding: { text: finding, clinicalPart },
    studyDescription: { text: studyDescription, keep: ['CT', 'CHEST', 'FOLLOWUP'] },
  };
}

/** The distinct planted values, each with every place it went. */
export function plantedValues(study: PhiStudy): Map<string, Planted[]> {
  const out = new Map<string, Planted[]>();
  for (const p of study.planted) {
    const list = out.get(p.value) ?? [];
    list.push(p);
    out.set(p.value, list);
  }
  return out;
}
