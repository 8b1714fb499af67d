import type { PixelRedaction } from './pixels/redact.ts';
import type { PixelAssessment } from './pixels/review-status.ts';
import type { FreeTextCounts } from './detect/free-text/kinds.ts';
import type { DefaceMode } from './deface/types.ts';

/**
 * What happened to one input file. Every input gets exactly one outcome; the report is the list
 * of them (bytes left out), so nothing a user dropped goes unaccounted for.
 */

/** Counts of what the header step did, for the report. */
export interface ActionCounts {
  removed: number;
  emptied: number;
  dummied: number;
  kept: number;
  cleaned: number;
  uidsReplaced: number;
  datesShifted: number;
  pseudonymized: number;
  overridden: number;
}

export const zeroCounts = (): ActionCounts => ({
  removed: 0, emptied: 0, dummied: 0, kept: 0, cleaned: 0, uidsReplaced: 0, datesShifted: 0, pseudonymized: 0, overridden: 0,
});

/** An identifier of the original file found again in the de-identified output. */
export interface ResidualFinding {
  /** What kind of identifier it is: "patient name part", "patient ID", "birth date", … */
  kind: string;
  /** The identifier itself. Only ever shown locally; never leaves the machine. */
  value: string;
  /** Where in the output it was found, e.g. "(0040,A730)[0] > (0040,A160) TextValue". */
  where: string;
}

/**
 * Who a written file belongs to, for the run-level patient check (audit/patient-consistency.ts).
 * Keyed digests only (PseudonymMaker.fingerprint), never the values: outcomes cross worker
 * boundaries and sit in the report's list until the end of the run. Empty string: absent.
 */
export interface PatientFacts {
  /** The patient key: (issuer, Patient ID), else name + birth date, else the study. */
  key: string;
  /** The Patient ID alone, whatever its issuer. */
  id: string;
  /** Patient's Name, compared case- and padding-insensitively. */
  name: string;
  birthDate: string;
  /** The pseudonymous Patient ID the file is filed under (it is in the output anyway). */
  pseudonymId: string;
}

export interface WrittenOutcome {
  status: 'written';
  /** The input's path as the user gave it (relative path inside a folder or zip). */
  input: string;
  /** Path of the de-identified file inside the output folder or zip. */
  output: string;
  /**
   * The de-identified Part 10 file as parts to be written one after another (see
   * writePart10Parts): large values are views of the input, not copies. joinParts (dicom/writer)
   * makes one buffer.
   */
  parts: Uint8Array[];
  /** Total length of the parts in bytes. */
  size: number;
  transferSyntaxUID: string;
  sopClassUID: string;
  modality: string;
  /** Pseudonymous identifiers the output is filed under. */
  patientId: string;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  sopInstanceUID: string;
  warnings: string[];
  residual: ResidualFinding[];
  actions: ActionCounts;
  /**
   * Spans of PHI the free-text detector took out of kept free text (Clean Descriptors / Clean
   * Structured Content / Clean Graphics), by kind: person, organisation, place, address, phone,
   * email, id, date. Counts only; absent when nothing was found.
   */
  freeText?: FreeTextCounts;
  /** What the pixel step did (boxes painted, overlay bits cleared, re-encoding); absent when pixels were not touched. */
  pixels?: PixelRedaction;
  /** For the run-level check that one pseudonym stands for one person. */
  patient?: PatientFacts;
  /** Pixel status (clean by source, painted, reviewed, needs review) and why; images only. */
  pixelReview?: PixelReviewOutcome;
  /** Defacing of the file's series, when the run asked for it. */
  deface?: DefaceRecord;
}

/**
 * Defacing, for a file of a run that asked for it (--deface, the app's Deface): its series was
 * defaced (with this many pixels of this file changed), declined (why), or skipped (not a head
 * CT/MR series).
 */
export interface DefaceRecord {
  status: 'defaced' | 'declined' | 'skipped';
  mode?: DefaceMode;
  reason?: string;
  /** Defaced: pixels of this file that changed (0 for a slice outside the face region). */
  changedPixels?: number;
  /** Declined, written anyway because the user allowed it (--deface-optional). */
  writtenWithoutDefacing?: boolean;
  /** Defaced although the face check still found a face: a person overrode it. */
  faceCheckOverridden?: boolean;
}

/** An image's pixel status as the report keeps it. */
export interface PixelReviewOutcome extends PixelAssessment {
  /** It needed review and a person chose to export it anyway ("Export anyway"). */
  exportedAnyway?: boolean;
}

export interface RejectedOutcome {
  /** skipped: not something to de-identify (not DICOM, a DICOMDIR); failed: DICOM we could not process safely. */
  status: 'skipped' | 'failed';
  input: string;
  reason: string;
  warnings: string[];
  /** Set when the file was refused because its pixels need review (--require-pixel-review, the app's gate). */
  pixelReview?: PixelReviewOutcome;
  /** Defacing of the file's series, when the run asked for it (a declined series is not written by default). */
  deface?: DefaceRecord;
}

export type FileOutcome = WrittenOutcome | RejectedOutcome;

/** An outcome as the report keeps it: the written bytes are on disk or in the zip by then. */
export type ReportedOutcome = Omit<WrittenOutcome, 'parts'> | RejectedOutcome;

