/**
 * The engine's front door: one session (profile + secret + pseudonym state), many files.
 * deidentifyFileAsync reads one input, applies the profile to its header, marks it de-identified,
 * checks the output for the original's identifiers, and writes Part 10 bytes — or says, in one
 * sentence, why the file was skipped or failed. It never throws for a bad input.
 */
import { DicomReadError, readPart10, type ParsedFile } from './dicom/reader.ts';
import { T, parseTag } from './dicom/tags.ts';
import { outputTransferSyntax, transferSyntaxName } from './dicom/transfer-syntax.ts';
import { DicomValueError, getNumber, getString, setString } from './dicom/values.ts';
import { PixelDataError } from './pixels/codecs/types.ts';
import { writePart10Parts } from './dicom/writer.ts';
import { KIND, collectIdentifiers, originalUidIdentifiers } from './audit/identifiers.ts';
import { outputPathFor } from './export/layout.ts';
import { MappingLog } from './export/mapping.ts';
import { applyProfile, type HeaderChange } from './header/apply.ts';
import { normalizeToUtf8 } from './header/charset-normalize.ts';
import { settleOverlayGroups } from './header/overlay-groups.ts';
import { keepLateralityCondition, restoreConformance, snapshotRequired } from './header/conformance.ts';
import { KeyedHash, deriveSessionKey } from './header/keys.ts';
import { markDeidentified } from './header/method.ts';
import { PseudonymMaker, type PseudonymLookup } from './header/pseudonyms.ts';
import { patientIdentity } from './header/patient-identity.ts';
import { patientFacts } from './audit/patient-consistency.ts';
import { UidMapper, recordingMapper } from './header/uid-map.ts';
import { scrubPatientIdentifiers } from './header/scrub.ts';
import { cleansFreeText, freeTextDates, type FreeTextCleaning } from './header/free-text.ts';
import { loadNameTagger } from './detect/free-text/loader.ts';
import type { NameTagger } from './detect/free-text/kinds.ts';
import { checkNativePixelLength } from './pixels/pixel-length.ts';
import { checkCodestream } from './pixels/codestream-check.ts';
import { matchPixelEncoding } from './pixels/encoding-match.ts';
import { stripCodestreamText } from './pixels/codestream-strip.ts';
import { subjectFromDataset, templatesFor } from './detect/templates.ts';
import { compilePlan, type CompiledPlan, type RedactionPlan } from './pixels/plan.ts';
import { imageIdentity, redactImageAsync, type ImageRedactionOptions, type ImageRedactionResult } from './pixels/redact.ts';
import { zeroCounts, type FileOutcome, type PixelReviewOutcome } from './outcome.ts';
import { assessPixels, pixelFacts, planFacts } from './pixels/review-status.ts';
import { compileProfile, type CompiledProfile } from './profile/resolve.ts';
import { defaultProfile, type Profile } from './profile/profile.ts';
import { CLEAN_RECOGNIZABLE_VISUAL_FEATURES, declinedWarning, writtenRecord, type DefaceInstruction } from './deface/write-back.ts';

export interface SessionOptions {
  profile?: Profile;
  /** Same passphrase → same UIDs, pseudonyms and date shifts in any later session. */
  passphrase?: string;
  /**
   * The session key itself, for worker threads that must map exactly as the session that
   * started them (derive it once with deriveSessionKey; it is as secret as the mapping).
   */
  key?: Uint8Array;
  lookup?: PseudonymLookup;
  /** Redaction plan for every file of the session (see pixels/plan.ts); a file's own options win. */
  plan?: RedactionPlan;
  /** Paint built-in device template regions (CTP) on every matching image. */
  applyTemplates?: boolean;
  /** Images whose pixels need review (see pixels/review-status.ts): refuse them, or let the listed input paths through. */
  pixelReview?: PixelReviewOptions;
}

export interface PixelReviewOptions {
  /** Refuse to write an image that needs review (the CLI's --require-pixel-review; the app's export gate). */
  require?: boolean;
  /** Input paths a person chose to export although they need review ("Export anyway"): written, and the report says so. */
  exportAnyway?: readonly string[];
}

export interface Session {
  readonly profile: CompiledProfile;
  readonly overriddenTags: ReadonlySet<number>;
  readonly uids: UidMapper;
  readonly pseudonyms: PseudonymMaker;
  /** Present in pseudonymize mode only: anonymize mode keeps no way back. */
  readonly mapping?: MappingLog;
  /** Pixel redaction settings for the session's files. */
  readonly redaction: { plan?: CompiledPlan; applyTemplates: boolean };
  readonly pixelReview: { require: boolean; exportAnyway: ReadonlySet<string> };
}

export function createSession(options: SessionOptions = {}): Session {
  const profile = compileProfile(options.profile ?? defaultProfile());
  const hash = new KeyedHash(options.key ?? deriveSessionKey(options.passphrase));
  return {
    profile,
    overriddenTags: new Set(Object.keys(profile.profile.overrides).map(parseTag)),
    uids: new UidMapper(hash),
    pseudonyms: new PseudonymMaker(hash, profile.profile.pseudonyms, options.lookup),
    mapping: profile.profile.pseudonyms.mode === 'pseudonymize' ? new MappingLog() : undefined,
    redaction: { plan: options.plan ? compilePlan(options.plan) : undefined, applyTemplates: options.applyTemplates ?? false },
    pixelReview: { require: options.pixelReview?.require ?? false, exportAnyway: new Set(options.pixelReview?.exportAnyway ?? []) },
  };
}

export interface FileInput {
  /** The path as the user gave it (relative inside a dropped folder or zip). */
  path: string;
  bytes: Uint8Array;
}

export interface DeidentifyOptions {
  /** Receives every header change, for the review table. Leave out in batch runs: it costs time. */
  trace?: (change: HeaderChange) => void;
  /** Redaction plan for this file (instead of the session's). Compile once with compilePlan for many files. */
  plan?: RedactionPlan | CompiledPlan;
  /** Paint built-in device template regions on this file (instead of the session's setting). */
  applyTemplates?: boolean;
  /**
   * The defacing of this file's series (deface/write-back.ts): its patches are written into the
   * pixels and the file is marked (Recognizable Visual Features NO, code 113102); or why the
   * series was declined or skipped, for the report.
   */
  deface?: DefaceInstruction;
}

const MEDIA_STORAGE_DIRECTORY = '1.2.840.10008.1.3.10';
/** Encapsulated PDF, CDA, STL, OBJ, MTL: their payload is a document we cannot clean. */
const ENCAPSULATED_DOCUMENT_CLASSES = new Map([
  ['1.2.840.10008.5.1.4.1.1.104.1', 'Encapsulated PDF'],
  ['1.2.840.10008.5.1.4.1.1.104.2', 'Encapsulated CDA'],
  ['1.2.840.10008.5.1.4.1.1.104.3', 'Encapsulated STL'],
  ['1.2.840.10008.5.1.4.1.1.104.4', 'Encapsulated OBJ'],
  ['1.2.840.10008.5.1.4.1.1.104.5', 'Encapsulated MTL'],
]);
/** SOP classes to fall back on when a file (old ACR-NEMA style) names none. */
const SOP_CLASS_BY_MODALITY: Readonly<Record<string, string>> = {
  CT: '1.2.840.10008.5.1.4.1.1.2',
  MR: '1.2.840.10008.5.1.4.1.1.4',
  US: '1.2.840.10008.5.1.4.1.1.6.1',
  CR: '1.2.840.10008.5.1.4.1.1.1',
  NM: '1.2.840.10008.5.1.4.1.1.20',
};
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
/** CID 7050: Clean Pixel Data Option. */
const CLEAN_PIXEL_DATA = '113101';

/** De-identifies one file; compressed pixel data with boxes is decoded, painted and written back (see pixels/redact.ts). */
export async function deidentifyFileAsync(input: FileInput, session: Session, options: DeidentifyOptions = {}): Promise<FileOutcome> {
  const parsed = parse(input);
  if ('status' in parsed) return parsed;
  try {
    const early = rejectEarly(input.path, parsed);
    if (early) return early;
    const pixelStep = await redactImageAsync(parsed.dataset, parsed.transferSyntaxUID, redactionOptions(parsed, session, options));
    // The name tagger is loaded (once) only when the profile keeps free text to clean.
    const tagger = cleansFreeText(session.profile.profile.options) ? await loadNameTagger() : undefined;
    return deidentifyParsed(input.path, parsed, session, options, pixelStep, tagger);
  } catch (e) {
    return internalError(input.path, parsed, e);
  }
}

function parse(input: FileInput): ParsedFile | FileOutcome {
  try {
    return readPart10(input.bytes);
  } catch (e) {
    const reason = e instanceof DicomReadError ? e.message : `could not be read: ${(e as Error).message}`;
    const notDicom = reason.startsWith('not a DICOM file');
    return { status: notDicom ? 'skipped' : 'failed', input: input.path, reason, warnings: [] };
  }
}

/**
 * The file could not be de-identified: a value it holds cannot be read (the message names the
 * element), its pixels could not be handled, or it asked for more memory than it can have; else
 * a bug of ours, not the user's file — say so plainly. Either way the other files go on.
 */
function internalError(path: string, parsed: ParsedFile, e: unknown): FileOutcome {
  const message = e instanceof Error ? e.message : String(e);
  let reason = `internal error while de-identifying: ${message}`;
  if (e instanceof DicomValueError || e instanceof DicomReadError) reason = message;
  else if (e instanceof PixelDataError) reason = `the pixel data cannot be handled: ${message}`;
  else if (e instanceof RangeError && /allocat|array length|buffer length/i.test(message)) {
    reason = `the image attributes ask for more memory than can be allocated (${message}); not written`;
  }
  return { status: 'failed', input: path, reason, warnings: parsed.warnings };
}

function redactionOptions(parsed: ParsedFile, session: Session, options: DeidentifyOptions): ImageRedactionOptions {
  const plan = options.plan;
  const applyTemplates = options.applyTemplates ?? session.redaction.applyTemplates;
  return {
    plan: plan ? ('boxesFor' in plan ? plan : compilePlan(plan)) : session.redaction.plan,
    // The file meta too: template conditions may test group 0002 (Implementation Version Name).
    templateBoxes: applyTemplates ? (ds) => templatesFor(subjectFromDataset(ds, parsed.meta)) : undefined,
    patches: options.deface?.status === 'defaced' ? options.deface.patches : undefined,
  };
}

/** Instances that are not written at all (a DICOMDIR, encapsulated documents); notes on the input's pixels. */
function rejectEarly(path: string, parsed: ParsedFile): FileOutcome | undefined {
  const { dataset: ds, warnings } = parsed;
  const sopClassUID = getString(ds, T.SOPClassUID) || getString(parsed.meta, T.MediaStorageSOPClassUID) || '';
  if (sopClassUID === MEDIA_STORAGE_DIRECTORY) {
    return {
      status: 'skipped', input: path, warnings,
      reason: 'DICOMDIR (media directory): an index of other files that holds patient names; not copied — make a new one from the de-identified files if needed',
    };
  }
  const documentKind = ENCAPSULATED_DOCUMENT_CLASSES.get(sopClassUID);
  if (documentKind) {
    return {
      status: 'skipped', input: path, warnings,
      reason: `${documentKind} document: the embedded document cannot be checked for PHI automatically, so the instance is not written`,
    };
  }
  // A declared transfer syntax that contradicts the pixel encoding: corrected, or the file fails.
  const encoding = matchPixelEncoding(ds, parsed.transferSyntaxUID);
  if (encoding.kind === 'mismatch') return { status: 'failed', input: path, reason: encoding.reason, warnings };
  if (encoding.kind === 'corrected') {
    warnings.push(encoding.note);
    parsed.transferSyntaxUID = encoding.transferSyntaxUID;
  }
  // Notes on the input's pixel data, before the pixel step changes it.
  const pixelNote = checkNativePixelLength(ds);
  if (pixelNote) warnings.push(pixelNote);
  const pixels = ds.get(T.PixelData);
  const codestreamNote = pixels && checkCodestream(pixels, parsed.transferSyntaxUID, getNumber(ds, T.Rows), getNumber(ds, T.Columns));
  if (codestreamNote) warnings.push(codestreamNote);
  return undefined;
}

function deidentifyParsed(
  path: string, parsed: ParsedFile, session: Session, options: DeidentifyOptions, pixelStep: ImageRedactionResult, tagger: NameTagger | undefined,
): FileOutcome {
  const { dataset: ds, warnings } = parsed;
  const sopClassUID = getString(ds, T.SOPClassUID) || getString(parsed.meta, T.MediaStorageSOPClassUID) || '';

  // The pixel step ran first, on the original header: plan scopes name original UIDs, and
  // overlay attributes were all still there. Only the pixel element (and kept overlay planes) changed.
  warnings.push(...pixelStep.warnings);
  const deface = options.deface;
  if (pixelStep.error) {
    const record = deface?.status === 'defaced' ? { deface: { status: 'declined' as const, mode: deface.mode, reason: 'its defacing could not be written into this file' } } : {};
    return { status: 'failed', input: path, reason: pixelStep.error, warnings, ...record };
  }
  if (deface?.status === 'declined') warnings.push(declinedWarning(deface.reason));
  // Every frame about to be written (as it came, or re-encoded by the pixel step) loses its
  // comment and metadata segments; a frame that cannot be parsed is not written.
  const codestream = stripCodestreamText(ds, pixelStep.redaction.transferSyntaxUID);
  warnings.push(...codestream.warnings);
  if (codestream.error) return { status: 'failed', input: path, reason: codestream.error, warnings };

  // Pixel status, from the ORIGINAL header (the profile has not run yet) and the plan.
  const review = pixelReviewOf(path, parsed, session, options, pixelStep);
  if (review?.refused) return review.refused;

  const profile = session.profile.profile;
  const patient = patientIdentity(ds);
  const pseudonym = session.pseudonyms.pseudonymFor(patient);
  const dateShiftDays = profile.options.retainLongModifiedDates ? session.pseudonyms.dateShiftDays(patient) : undefined;
  const originalStudyUID = getString(ds, T.StudyInstanceUID) ?? '';
  const originalSeriesUID = getString(ds, T.SeriesInstanceUID) ?? '';
  // What the profile keeps on purpose is not a leak: under Retain Institution Identity the
  // institution's name and address stay, so neither cleaning nor the residual check looks for them.
  const identifiers = collectIdentifiers(ds).filter(
    (id) => !(profile.options.retainInstitutionIdentity && (id.kind === KIND.institutionName || id.kind === KIND.institutionAddress)),
  );
  const counts = zeroCounts();
  const required = snapshotRequired(ds, sopClassUID);
  const bodyPartBefore = getString(ds, 0x00180015 /* BodyPartExamined */);
  // Text the profile writes (cleaned values, pseudonyms, overrides) is UTF-8, so a dataset in
  // another character set is re-encoded BEFORE it is changed: re-encoding afterwards would read
  // those new UTF-8 bytes as Latin-1, GB18030… and double-encode every non-ASCII character.
  const transcoded = normalizeToUtf8(ds, false);
  // The UIDs this file's header step replaces are identifiers of the file too.
  const uids = recordingMapper(session.uids);
  const freeText: FreeTextCleaning | undefined = tagger && { tagger, dates: freeTextDates(profile.options), counts: {} };

  applyProfile(ds, {
    profile: session.profile,
    uids: uids.mapper,
    pseudonym,
    dateShiftDays,
    retainUIDs: profile.options.retainUIDs,
    overriddenTags: session.overriddenTags,
    identifiers,
    counts,
    trace: options.trace,
    warnings,
    freeText,
  });
  warnings.push(...settleOverlayGroups(ds, { identifiers, counts, trace: options.trace }));
  warnings.push(...restoreConformance(ds, required, { counts, trace: options.trace }));
  const extraCodes: string[] = [];
  if (pixelStep.cleanPixels) {
    // A person (or a template they chose) dealt with the burned-in text of this image.
    setString(ds, T.BurnedInAnnotation, 'NO', 'CS');
    extraCodes.push(CLEAN_PIXEL_DATA);
  } else if (review?.outcome.status === 'needs-review' && !getString(ds, T.BurnedInAnnotation)?.trim()) {
    // Burned In Annotation stays YES, and says YES where it was absent on an image that needs review.
    setString(ds, T.BurnedInAnnotation, 'YES', 'CS');
  }
  if (deface?.status === 'defaced') {
    // Every instance of a defaced series, also a slice the face region did not reach: the series
    // as a whole no longer shows the face (PS3.15 E.3.2, Clean Recognizable Visual Features).
    setString(ds, T.RecognizableVisualFeatures, 'NO', 'CS');
    extraCodes.push(CLEAN_RECOGNIZABLE_VISUAL_FEATURES);
  }
  markDeidentified(ds, profile.options, extraCodes);
  if (normalizeToUtf8(ds, /[^\x00-\x7f]/.test(pseudonym.name + pseudonym.id)) || transcoded) {
    warnings.push('text re-encoded as UTF-8 (Specific Character Set ISO_IR 192)');
  }
  const checked = profile.options.retainUIDs ? identifiers : [...identifiers, ...originalUidIdentifiers(uids.originals)];
  // The patient's own identifiers in values the profile kept are taken out, not only reported.
  const scrub = scrubPatientIdentifiers(ds, {
    identifiers: checked,
    uids: uids.mapper,
    personName: pseudonym.name,
    engineValues: [pseudonym.name, pseudonym.id],
    counts,
    // Kept full dates keep a newborn's study date, which is the birth date: the option asked for it.
    trace: options.trace,
    keptOnPurpose: (id, el) => profile.options.retainLongFullDates && id.kind === KIND.birthDate && (el.vr === 'DA' || el.vr === 'DT'),
  });
  warnings.push(...scrub.warnings);
  if (scrub.blocked) return { status: 'failed', input: path, reason: scrub.blocked, warnings };
  warnings.push(...keepLateralityCondition(ds, bodyPartBefore, { counts, trace: options.trace }));

  // The file meta names the class the dataset now names (class UIDs are kept, but an override may
  // change or drop (0008,0016)), so (0002,0002) and (0008,0016) never disagree.
  let outSopClass = getString(ds, T.SOPClassUID) || sopClassUID;
  if (!outSopClass) {
    const modality = getString(ds, T.Modality) ?? '';
    outSopClass = SOP_CLASS_BY_MODALITY[modality] ?? SECONDARY_CAPTURE;
    warnings.push(`no SOP Class UID in the file; file meta and dataset declare ${outSopClass} (from Modality "${modality}")`);
  }
  // SOP Common (Type 1): the dataset must name what the file meta names.
  if (!getString(ds, T.SOPClassUID)) setString(ds, T.SOPClassUID, outSopClass, 'UI');
  let sopInstanceUID = getString(ds, T.SOPInstanceUID) ?? '';
  if (!sopInstanceUID) {
    sopInstanceUID = session.uids.map(`veil:no-sop-instance-uid:${path}`);
    warnings.push('no SOP Instance UID in the file; file meta and dataset name a new one made from the file path');
  }
  if (!getString(ds, T.SOPInstanceUID)) setString(ds, T.SOPInstanceUID, sopInstanceUID, 'UI');

  const transferSyntaxUID = codestream.transferSyntaxUID;
  if (transferSyntaxUID !== parsed.transferSyntaxUID && transferSyntaxUID === outputTransferSyntax(parsed.transferSyntaxUID)) {
    warnings.push(`written as ${transferSyntaxName(transferSyntaxUID)} (input was ${transferSyntaxName(parsed.transferSyntaxUID)})`);
  }
  const { parts, size } = writePart10Parts({ dataset: ds, transferSyntaxUID, sopClassUID: outSopClass, sopInstanceUID });

  const studyInstanceUID = getString(ds, T.StudyInstanceUID) ?? '';
  const seriesInstanceUID = getString(ds, T.SeriesInstanceUID) ?? '';
  const modality = getString(ds, T.Modality) ?? '';
  session.mapping?.addPatient(patient.originalId, patient.originalName, pseudonym.id, pseudonym.name, dateShiftDays, patient.issuer);
  if (originalStudyUID) session.mapping?.addStudy(originalStudyUID, studyInstanceUID, pseudonym.id);
  if (originalSeriesUID) session.mapping?.addUid(originalSeriesUID, seriesInstanceUID, 'series');

  return {
    status: 'written',
    input: path,
    output: outputPathFor({
      patientId: pseudonym.id,
      studyInstanceUID,
      seriesInstanceUID,
      sopInstanceUID,
      modality,
      seriesNumber: getString(ds, T.SeriesNumber),
      instanceNumber: getString(ds, T.InstanceNumber),
    }),
    parts,
    size,
    transferSyntaxUID,
    sopClassUID: outSopClass,
    modality,
    patientId: pseudonym.id,
    studyInstanceUID,
    seriesInstanceUID,
    sopInstanceUID,
    warnings,
    residual: scrub.residual,
    actions: counts,
    ...(freeText && Object.keys(freeText.counts).length > 0 ? { freeText: freeText.counts } : {}),
    ...(pixelStep.redaction.encoding !== 'unchanged' || pixelStep.cleanPixels ? { pixels: pixelStep.redaction } : {}),
    patient: patientFacts(patient, pseudonym.id, session.pseudonyms),
    ...(review ? { pixelReview: review.outcome } : {}),
    ...(deface ? { deface: writtenRecord(deface, pixelStep.redaction.defaced?.pixels ?? 0) } : {}),
  };
}

/**
 * The image's pixel status under the plan (pixels/review-status.ts). An image that needs review
 * is refused when the session requires review and nobody chose "export anyway" for it.
 */
function pixelReviewOf(
  path: string, parsed: ParsedFile, session: Session, options: DeidentifyOptions, pixelStep: ImageRedactionResult,
): { outcome: PixelReviewOutcome; refused?: FileOutcome } | undefined {
  const { dataset: ds, warnings } = parsed;
  const facts = pixelFacts(ds, parsed.meta);
  if (!facts.hasPixels) return undefined;
  const plan = redactionOptions(parsed, session, options).plan;
  const found = planFacts(plan, imageIdentity(ds));
  const painted = pixelStep.redaction.painted.length > 0;
  const outcome: PixelReviewOutcome = assessPixels(facts, { ...found, painted });
  if (outcome.status !== 'needs-review') return { outcome };
  if (session.pixelReview.exportAnyway.has(path)) {
    outcome.exportedAnyway = true;
    warnings.push(`pixels not reviewed (${outcome.reasons.join('; ')}): exported anyway at the user's explicit choice`);
    return { outcome };
  }
  if (!session.pixelReview.require) return { outcome };
  return {
    outcome,
    refused: {
      status: 'failed', input: path, warnings, pixelReview: outcome,
      reason: `not written: pixels need review (${outcome.reasons.join('; ')}) — paint or review the burned-in text first, or export anyway`,
    },
  };
}
