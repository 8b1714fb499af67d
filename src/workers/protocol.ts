/**
 * What the main thread and the workers say to each other (through comlink). Plain data only:
 * Blobs and Files travel by reference, byte buffers are transferred.
 */
import type { InstanceReview } from '../core/header/review.ts';
import type { Pseudonym } from '../core/header/pseudonyms.ts';
import type { MappingSnapshot } from '../core/export/mapping.ts';
import type { ReportMeta } from '../core/export/report.ts';
import type { ReportedOutcome, ResidualFinding } from '../core/outcome.ts';
import type { ImageIdentity, RedactionBox, RedactionPlan } from '../core/pixels/plan.ts';
import type { PixelRedaction } from '../core/pixels/redact.ts';
import type { Profile } from '../core/profile/profile.ts';
import type { PixelReviewOptions } from '../core/deidentify.ts';
import type { PixelAssessment, PixelFacts } from '../core/pixels/review-status.ts';
import type { InstanceSummary } from '../core/summary/summary.ts';
import type { ZipListing } from './zip-input.ts';
import type { OcrIdentifiers } from '../core/detect/identifier-match.ts';
import type { DetectSettings } from '../core/detect/detect.ts';
import type { RedactionCheck } from '../core/detect/check-redacted.ts';
import type { DefaceInstruction } from '../core/deface/write-back.ts';
import type { DefaceSeriesFacts } from '../core/export/report.ts';
import type { StageTotals } from './stage-times.ts';
import type { OutputPiece, ReusedPixels } from '../core/export/reused-pixels.ts';
import type { LightHeaderBytes } from '../core/deface/light-header.ts';
import type { HeadCheck } from './deface-protocol.ts';

export type { ReusedPixels };
export type { ImageIdentity, PixelAssessment, PixelFacts, PixelReviewOptions, InstanceReview, InstanceSummary, MappingSnapshot, PixelRedaction, RedactionBox, RedactionPlan, ReportedOutcome, ResidualFinding, ZipListing };

/** Everything a worker needs to de-identify exactly as every other worker does. */
export interface SessionInit {
  profile: Profile;
  /** The session key, derived once (deriveSessionKey) and shared by every worker. */
  key: Uint8Array;
  lookup?: [string, Pseudonym][];
  /**
   * The redaction plan (export only): boxes painted on every image they match. Built-in device
   * templates are never applied on their own: the app puts them in the plan as proposals, and
   * only the ones a person accepted are painted.
   */
  plan?: RedactionPlan;
  /** Export only: images that need pixel review are refused unless listed as "export anyway". */
  pixelReview?: PixelReviewOptions;
  /** Export only: the defacing a person accepted, and the head series that leave with their faces. */
  deface?: DefaceSessionInit;
}

/** What the export does about faces (the app's decisions on its head series). */
export interface DefaceSessionInit {
  /** Input path → what its de-identification does about its series' face (core/deface/write-back.ts). */
  instructions: [string, DefaceInstruction][];
}

/** One input as the workers see it. */
export interface InputRef {
  path: string;
  file: Blob;
  /** Why the input has no bytes to read (a zip entry that was not unpacked): reported as failed. */
  problem?: string;
  /**
   * Export only: what load kept of this file (core/export/reused-pixels.ts) — its header bytes
   * and its untouched pixel value's CRC — so export does not read the pixels again.
   */
  reused?: ReusedPixels;
}

/** What loading one file found: the original's summary and what export would do with it. */
export interface ScanResult {
  status: 'written' | 'skipped' | 'failed';
  reason?: string;
  warnings: string[];
  residual: ResidualFinding[];
  summary?: InstanceSummary;
  /** The pseudonymous Patient ID the export files it under. */
  pseudoPatientId?: string;
  /** PNG of the first frame (native images only). */
  thumbnail?: Blob;
  /** The ORIGINAL image's identifiers and geometry, which redaction plan scopes are matched against. */
  identity?: ImageIdentity;
  /** Boxes proposed by the built-in device templates (status "proposed", device scope). */
  templates?: RedactionBox[];
  /** What the original header says about burned-in text (images only); the app assesses it under its plan. */
  pixelFacts?: PixelFacts;
  /**
   * Native pixel data export can take from the input unread: the header bytes and the value's CRC,
   * and the de-identified output as export would now write it (its buffers transferred).
   */
  reused?: ReusedPixels;
  /**
   * CT and MR only: what the head check reads of this file (core/deface/light-header.ts, about
   * 1 kB), so the check never reads the file again. Its buffer is transferred.
   */
  lightHeader?: LightHeaderBytes;
}

/** The de-identified output of one instance under a plan, for the viewer's preview. */
export interface PreviewResult {
  status: ScanResult['status'];
  reason?: string;
  warnings: string[];
  /** The exact bytes export writes for this input (status "written"). */
  output?: Blob;
  /** What the pixel step did (boxes painted, re-encoding). */
  pixels?: PixelRedaction;
}

/** A re-check after the profile changed: the outcome only. */
export type CheckResult = Pick<ScanResult, 'status' | 'reason' | 'warnings' | 'residual' | 'pseudoPatientId'>;

export interface EngineWorkerApi {
  /** The session key: PBKDF2 of the passphrase, or random bytes. */
  deriveKey(passphrase?: string): Uint8Array;
  /** Sets the session used by scan, check and review. */
  configure(init: SessionInit): void;
  /**
   * Loads a batch of inputs, one after another (a batch is one message each way). `plan` is the
   * page's plan now: load de-identifies as an export would now, and keeps that output.
   */
  scan(inputs: InputRef[], thumbnail: boolean, plan?: RedactionPlan): Promise<ScanResult[]>;
  check(input: InputRef): Promise<CheckResult>;
  /** PNG preview of the first frame, made on demand (visible cards only); compressed images are decoded with the codecs. */
  thumbnail(input: InputRef): Promise<Blob | undefined>;
  review(input: InputRef): Promise<InstanceReview>;
  /** De-identifies one input exactly as export would under this plan and returns the output bytes. */
  preview(input: InputRef, plan: RedactionPlan): Promise<PreviewResult>;
  expandZip(zip: Blob, name: string): Promise<ZipListing>;
  /** Starts an export: a fresh session, outcomes sent to the zip writer over `port`. */
  beginExport(init: SessionInit, port: MessagePort): void;
  /** De-identifies a batch of inputs (export indices first, first + 1, …) and hands the results to the zip writer in one message. */
  exportFiles(first: number, inputs: InputRef[]): Promise<{ status: ScanResult['status']; bytes: number }[]>;
  /** Whether a series is a head volume, from the light headers load handed over (its files, any order). */
  headCheck(series: { path: string; header: LightHeaderBytes }[]): HeadCheck;
  /** Ends the export; returns the mapping records (pseudonymize mode). */
  endExport(): MappingSnapshot | undefined;
  /** Benchmark only (stage-times.ts): turns stage timing on or off, returns the totals so far. */
  stageTimes(enable: boolean): StageTotals;
}

/**
 * A piece of a de-identified file: new bytes (transferred), or a byte range of the input file
 * itself (the large values the engine left untouched — pixel data above all), which the zip
 * writer takes as a Blob slice of the input: never read again, never copied.
 */
export type ExportPiece = OutputPiece;

/** What an engine worker posts to the zip writer for each input (in batches: ExportMessage[]). */
export interface ExportMessage {
  index: number;
  /** The outcome as the report keeps it (no bytes). */
  outcome: ReportedOutcome;
  /** Written files: the content and its CRC-32; ranges refer to input `index` (WriterInit.files). */
  pieces?: ExportPiece[];
  crc?: number;
}

export type ExportTarget = { kind: 'blob' } | { kind: 'file'; handle: FileSystemFileHandle };

export interface ExportProgress {
  /** Inputs handled by the writer so far (in input order). */
  done: number;
  /** Bytes of zip written so far. */
  bytes: number;
}

export interface ExportSummary {
  /** The zip, when the target was a Blob. */
  blob?: Blob;
  bytes: number;
  /** In input order, each named by its neutral reference (`#0007-3f9a2c1b`). */
  outcomes: ReportedOutcome[];
  /** deid-report.csv/.json as written into the zip. */
  report: { json: string; csv: string };
  /** The operator's report: the same rows with the input paths; downloaded apart, never in the zip. */
  operatorReport: { json: string; csv: string };
}

/**
 * What burned-in text detection found, kept by the page after `Detect text` for the export's
 * after-redaction check (structured-clone form of core/export/ocr-gate.ts's OcrFindings). The
 * identifiers are the ORIGINAL files' values: they stay on this machine, in memory.
 */
export interface OcrFindingsInit {
  identifiers: [string, OcrIdentifiers][];
  read: string[];
  failed: [string, string][];
  /** The inputs detection was given. */
  covered: string[];
  settings: DetectSettings;
}

/** Reads a de-identified output again (in the OCR worker): identifiers of the original still readable. */
export type OutputReader = (output: Blob, ids: OcrIdentifiers) => Promise<RedactionCheck>;

export interface WriterInit {
  /** Every input's path, in export order. */
  paths: string[];
  /**
   * Every input file, in the same order: output ranges are slices of these. Sent once, in one
   * message, rather than with each file's result (a File in a message costs more than its bytes).
   */
  files: Blob[];
  /** The session key: the report's neutral references are keyed with it. */
  key: Uint8Array;
  meta: Omit<ReportMeta, 'finishedAt'>;
  /** Set when detection ran: outputs it covers are checked with the `check` reader. */
  ocr?: Omit<OcrFindingsInit, 'settings'>;
  /** What happened to each head series (its files by index in `paths`), for the reports' defacing list. */
  defacing?: DefaceSeriesFacts[];
}

export interface ZipWriterApi {
  begin(init: WriterInit, target: ExportTarget, onProgress: (p: ExportProgress) => void, check?: OutputReader): Promise<void>;
  /** Adds a port an engine worker sends ExportMessages on. */
  attach(port: MessagePort): void;
  /** Waits for every input, writes the report, closes the zip. */
  finish(): Promise<ExportSummary>;
  abort(): Promise<void>;
  /** Benchmark only (stage-times.ts): turns stage timing on or off, returns the totals so far. */
  stageTimes(enable: boolean): StageTotals;
}
