import type { Pseudonym } from '../../core/header/pseudonyms.ts';
import type { Profile } from '../../core/profile/profile.ts';
import type { ImageIdentity, InstanceReview, InstanceSummary, PixelFacts, RedactionPlan, ResidualFinding, ReusedPixels } from '../../workers/protocol.ts';
import type { DefaceMode, DefaceResult, HeadCheck } from '../../workers/deface-protocol.ts';
import type { LightHeaderBytes } from '../../core/deface/light-header.ts';

export type FileStatus = 'queued' | 'ready' | 'skipped' | 'failed';

/** One input file of this session, and what loading it found. */
export interface FileEntry {
  id: number;
  path: string;
  file: Blob;
  size: number;
  status: FileStatus;
  reason?: string;
  warnings: string[];
  residual: ResidualFinding[];
  summary?: InstanceSummary;
  /** The original image's identifiers and geometry, which plan scopes match (images only). */
  identity?: ImageIdentity;
  pseudoPatientId?: string;
  /** What the original header says about burned-in text; assessed under the plan (core/pixels/review-status.ts). */
  pixelFacts?: PixelFacts;
  thumbUrl?: string;
  /** Previews are made on demand, when a card is first visible. */
  thumb?: 'loading' | 'done';
  /** Identity of the picked file (path, size, date), to notice the same file picked twice. */
  pickKey?: string;
  /** Why a zip entry was not unpacked (encrypted, a zip bomb…): the export reports it with this. */
  unpackProblem?: string;
  /** What export needs of the file besides its pixels, kept at load so the pixels are read once (core/export/reused-pixels.ts). */
  reused?: ReusedPixels;
  /** CT/MR: what the head check reads of the file, handed over by load (core/deface/light-header.ts). */
  lightHeader?: LightHeaderBytes;
}

export interface LoadProgress {
  active: boolean;
  total: number;
  done: number;
  bytesTotal: number;
  bytesDone: number;
  startedAt: number;
  /** Picked files still being listed (their sizes read, duplicates found), across the picks being listed. */
  listing?: { done: number; total: number };
  /** Shown after a load ends: what was skipped because it was already loaded, cancelled, … */
  note?: string;
}

export interface Settings {
  profile: Profile;
  passphrase: string;
  lookup?: { name: string; entries: [string, Pseudonym][] };
  /** Write the zip straight to a file on disk (File System Access API) instead of a download. */
  saveToDisk: boolean;
}

export type View = 'browse' | 'review' | 'settings';

/** How the main pane shows a series: the instance grid, or the image viewer. */
export type SeriesMode = 'grid' | 'viewer';

export interface ReviewState {
  id: number;
  loading: boolean;
  data?: InstanceReview;
  error?: string;
}

export interface ExportState {
  /** gate: images that need pixel review are in the export; nothing has been written yet. */
  phase: 'idle' | 'gate' | 'running' | 'done' | 'error' | 'cancelled';
  done: number;
  total: number;
  bytes: number;
  bytesTotal: number;
  startedAt: number;
  finishedAt?: number;
  error?: string;
  result?: {
    fileName: string;
    url?: string;
    savedToDisk: boolean;
    size: number;
    written: number;
    skipped: number;
    failed: number;
    withResidual: number;
    /** Loaded file ids of the written files with residual warnings, to open their review. */
    residualIds: number[];
    /** Images written without pixel review at the person's explicit choice. */
    exportedAnyway: number;
    /** Written files that had redaction boxes painted over their pixels. */
    painted: number;
    /** `input`: the path here, on the operator's screen; `ref`: how the zip's report names it. */
    rejected: { input: string; ref: string; status: string; reason: string }[];
  };
  /** pseudonymize mode: the mapping CSV of the last export. */
  mappingCsv?: string;
  /** The operator's report of the last export: the in-zip report's rows with the input paths. */
  operatorReportCsv?: string;
  dialogOpen: boolean;
}

/** Burned-in text detection (OCR) over the loaded images, or some of them. */
export type DetectRun =
  | { phase: 'idle' }
  | { phase: 'running'; done: number; total: number }
  | { phase: 'done'; regions: number; phi: number; images: number; /** images whose pixels could not be decoded or read */ unread: number }
  | { phase: 'error'; message: string };

/** Defacing of one series (keyed by series key in AppState.deface). */
export interface SeriesDeface {
  /** Whether the series is a head volume (undefined while the check runs). */
  head?: HeadCheck;
  mode: DefaceMode;
  ears: boolean;
  run:
    | { phase: 'idle' }
    | { phase: 'running'; fraction: number; stage: string; startedAt: number }
    | {
        phase: 'done';
        result: DefaceResult;
        /** The files it defaced (input paths): a file of the series that is not among them was never defaced. */
        paths: readonly string[];
      }
    | { phase: 'error'; message: string };
  /**
   * A person's decision: `accepted` — the defaced pixels are exported; `declined` — the series
   * is exported with its face, at their explicit choice (the report says so). Undefined: the
   * export gate lists the series.
   */
  decision?: 'accepted' | 'declined';
  /** The automatic check found a face and a person overrode it after looking (recorded in the report). */
  faceOverride?: boolean;
}

export interface AppState {
  /** Head series: their defacing and the person's decision, by series key. */
  deface: Record<string, SeriesDeface>;
  detect: DetectRun;
  /** Detection leaves measurements, scale labels and acoustic indices alone. */
  keepMeasurements: boolean;
  files: FileEntry[];
  load: LoadProgress;
  /** Re-checking loaded files after a settings change. */
  rechecking: boolean;
  settings: Settings;
  view: View;
  selectedSeries?: string;
  seriesMode: SeriesMode;
  review?: ReviewState;
  /**
   * The redaction plan: every box drawn, proposed, accepted or rejected, in ORIGINAL-identity
   * scopes and image pixel coordinates. Export paints it; the viewer edits it.
   */
  plan: RedactionPlan;
  /** How many steps undo and redo can go. */
  planHistory: { undo: number; redo: number };
  export: ExportState;
  /** A problem to show in a banner (bad profile file, worker failure, …). */
  error?: string;
}
