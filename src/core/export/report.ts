/**
 * The de-identification report: `deid-report.json` and `deid-report.csv` at the root of the
 * output. Every input appears exactly once, in the order given (pass outcomes in input order):
 * where it went, or why it was not written.
 *
 * The report travels WITH the de-identified data, so it must not re-identify it:
 * - residual findings are reported by kind and location only, never the identifier's value;
 * - no original identifiers, UIDs, names or dates are included — only what the outcome's
 *   user-facing fields hold (input reference, output path, reason, warnings);
 * - inputs are named by neutral references (refs.ts), never by their paths: the export run
 *   (run.ts) puts the reference into `input` and cleans the messages. `redact` — identifiers
 *   collected from the inputs — blanks them out of those strings as well.
 *
 * The operator's report is the same rows plus each input's path (`paths`): it stays with the
 * operator, beside the output (CLI) or downloaded on its own (app), never inside the output.
 */
import { zeroCounts, type ActionCounts, type DefaceRecord, type FileOutcome, type PatientFacts, type ReportedOutcome } from '../outcome.ts';
import type { DefaceMode } from '../deface/types.ts';
import { replaceIdentifiers, type Identifier } from '../audit/identifiers.ts';
import { FREE_TEXT_KINDS, addCounts, type FreeTextCounts } from '../detect/free-text/kinds.ts';
import { reportableKind } from '../detect/burned-in-kinds.ts';
import type { PaintedBox } from '../pixels/redact.ts';
import { TOOL_NAME, TOOL_VERSION, methodCodes } from '../header/method.ts';
import type { Profile } from '../profile/profile.ts';
import { csvRow } from './csv.ts';

export const REPORT_JSON = 'deid-report.json';
export const REPORT_CSV = 'deid-report.csv';
/** The operator's report's name (`<out>-operator-report.csv/.json` beside the output, `veil-operator-report-….csv` in the app). */
export const OPERATOR_REPORT = 'operator-report';

export interface ReportMeta {
  tool: string;
  version: string;
  profileSummary: string;
  optionsApplied: string[];
  mode: 'anonymize' | 'pseudonymize';
  startedAt: string;
  finishedAt: string;
  /** Set by `veil deidentify --shard K/N`: which part of which run this report covers. */
  shard?: ShardInfo;
  /** Set by `veil merge-reports`: how many shard reports this one was merged from. */
  mergedShards?: number;
}

/**
 * One shard of a run spread over machines (`--shard K/N`). `inputs` and `inputSet` describe the
 * whole run's inputs, which every shard walks before taking its part, so `veil merge-reports` can
 * tell a missing shard, a shard of another run and a shard run with another passphrase.
 */
export interface ShardInfo {
  /** 1-based: this is shard `index` of `count`. */
  index: number;
  count: number;
  /** Inputs of the whole run (every shard), not only this shard's. */
  inputs: number;
  /** Keyed hash (session key) of the whole run's input paths: equal only for the same inputs and passphrase. */
  inputSet: string;
}

/** The report's header for a profile, the same in both hosts. */
export function reportMeta(profile: Profile, startedAt = new Date().toISOString()): Omit<ReportMeta, 'finishedAt'> {
  const options = profile.options;
  return {
    tool: TOOL_NAME,
    version: TOOL_VERSION,
    profileSummary: methodCodes(options).map((c) => c.codeMeaning).join('; '),
    optionsApplied: Object.entries(options).filter(([, on]) => on).map(([k]) => k),
    mode: profile.pseudonyms.mode,
    startedAt,
  };
}

export interface ReportOptions {
  /**
   * Identifiers of the original files (union over the export). Any of them found in an input
   * path, reason or warning is replaced with "***" before it goes into the report.
   */
  redact?: readonly Identifier[];
  /**
   * The operator's report: each input's path, in the order of the outcomes, in a `path` field and
   * column after `input`. Never for the report inside the output.
   */
  paths?: readonly string[];
  /** Runs that defaced: one entry per head series (and per declined or skipped series), by input index. */
  defacing?: readonly DefaceSeriesFacts[];
}

/** What happened to one series when the run asked for defacing; its files by input index (in run order). */
export interface DefaceSeriesFacts {
  inputs: readonly number[];
  status: 'defaced' | 'declined' | 'skipped';
  mode?: DefaceMode;
  /** Declined or skipped: the one sentence why (already cleaned of paths and UIDs). */
  reason?: string;
  modality?: string;
  /** Voxels the defacing changed in the whole series. */
  changedVoxels?: number;
  /** Declined, but written without defacing (--deface-optional). */
  writtenWithoutDefacing?: boolean;
  /** The automatic face check on the defaced volume, when it ran. */
  faceCheck?: { faceFound: boolean; bestScore: number; overridden?: boolean };
}

/** A series in the report: its files by neutral reference (and, in the operator's report, path). */
export interface DefaceSeriesEntry extends Omit<DefaceSeriesFacts, 'inputs'> {
  inputs: string[];
  paths?: string[];
}


export interface ReportTotals {
  inputs: number;
  written: number;
  skipped: number;
  failed: number;
  filesWithWarnings: number;
  filesWithResidualWarnings: number;
  residualFindings: number;
  /** Images that needed pixel review and were not painted or reviewed: written anyway, or refused. */
  needPixelReview: number;
  /** Of those, written because a person chose "export anyway". */
  exportedWithoutPixelReview: number;
  actions: ActionCounts;
  /** Spans of PHI taken out of kept free text, by kind (summed over the written files). */
  freeTextRemoved: FreeTextCounts;
  /** Boxes painted over burned-in text, by what found it (summed over the written files). */
  burnedInBoxes: Record<string, number>;
}

export interface ReportEntry {
  /** The input's neutral reference (`#0007-3f9a2c1b`, see refs.ts). */
  input: string;
  /** The operator's report only: the input's path as given. */
  path?: string;
  status: FileOutcome['status'];
  output?: string;
  reason?: string;
  modality?: string;
  transferSyntaxUID?: string;
  sopClassUID?: string;
  warnings: string[];
  /** Kind and location only: the identifier value itself stays out of the report. */
  residual: { kind: string; where: string }[];
  actions?: ActionCounts;
  /** Spans of PHI the free-text detector removed, by kind; counts only, never the text. */
  freeTextRemoved?: FreeTextCounts;
  /**
   * Boxes painted over burned-in text, by what found the text: the header identifier, pattern or
   * free-text detector behind an OCR box ("patient name part", "date", "free text: phone"), else
   * who drew it ("drawn by a person", "device template"). A box found for two reasons counts
   * under each. Categories only, never the text.
   */
  burnedInBoxes?: Record<string, number>;
  /** Images: clean-by-source, painted, reviewed or needs-review, why, and whether a person exported it anyway. */
  pixelStatus?: string;
  pixelReviewReasons?: string[];
  exportedAnyway?: boolean;
  /** Runs that asked for defacing: whether this file's series was defaced (mode, pixels changed here), declined (why) or skipped. */
  deface?: DefaceRecord;
  /**
   * The operator's report only: keyed digests of who the file belongs to (PatientFacts, never a
   * value), so `veil merge-reports` can run the patient check across shards again.
   */
  patient?: PatientFacts;
}

export interface ReportJson {
  meta: ReportMeta;
  totals: ReportTotals;
  files: ReportEntry[];
  /** Runs that asked for defacing: one entry per series, defaced, declined or skipped. */
  defacing?: DefaceSeriesEntry[];
}

const ACTION_KEYS = ['removed', 'emptied', 'dummied', 'kept', 'cleaned', 'uidsReplaced', 'datesShifted', 'pseudonymized', 'overridden'] as const satisfies readonly (keyof ActionCounts)[];

export const CSV_COLUMNS = [
  'input', 'status', 'output', 'reason', 'warnings', 'residual_warnings', 'transfer_syntax', 'modality',
  'removed', 'emptied', 'dummied', 'kept', 'cleaned', 'uids_replaced', 'dates_shifted', 'pseudonymized', 'overridden',
  'free_text_removed', 'burned_in_boxes',
  'deface', 'deface_mode', 'deface_changed_pixels', 'deface_reason',
  'pixel_status', 'pixel_review_reasons', 'exported_anyway',
] as const;

/** Who made a painted box that carries no kinds. */
const BOX_SOURCE_KIND: Record<PaintedBox['source'], string> = { user: 'drawn by a person', template: 'device template', ocr: 'text found by OCR' };

/** A file's painted boxes counted by what found them (see ReportEntry.burnedInBoxes); undefined when none was painted. */
function burnedInBoxes(painted: readonly PaintedBox[] | undefined): Record<string, number> | undefined {
  if (!painted?.length) return undefined;
  const counts: Record<string, number> = {};
  for (const box of painted) {
    const kinds = box.kinds?.length ? new Set(box.kinds.map(reportableKind)) : [BOX_SOURCE_KIND[box.source]];
    for (const k of kinds) counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** "date 2; patient name part 1": named counts in one CSV cell, names in alphabetical order. */
const countsCell = (counts: Record<string, number> | undefined): string =>
  Object.keys(counts ?? {}).sort().map((k) => `${k} ${counts![k]}`).join('; ');

/** "person 2; phone 1": the free-text counts in one CSV cell, kinds in a fixed order. */
const freeTextCell = (counts: FreeTextCounts | undefined): string =>
  FREE_TEXT_KINDS.filter((k) => counts?.[k]).map((k) => `${k} ${counts?.[k]}`).join('; ');


/** Accepts full outcomes or `ReportedOutcome`s (bytes dropped once written): the bytes are never read. */
export function buildReport(outcomes: readonly ReportedOutcome[], meta: ReportMeta, options: ReportOptions = {}): { json: string; csv: string } {
  const redactList = options.redact ?? [];
  const clean = (s: string): string => (redactList.length > 0 ? replaceIdentifiers(s, redactList).text : s);
  const paths = options.paths;
  const files = outcomes.map((o, i): ReportEntry => {
    const warnings = o.warnings.map(clean);
    const px = o.pixelReview;
    const pixelFields = px ? { pixelStatus: px.status, pixelReviewReasons: [...px.reasons], ...(px.exportedAnyway ? { exportedAnyway: true } : {}) } : {};
    const path = paths ? { path: paths[i] } : {};
    const defaceFields = o.deface ? { deface: { ...o.deface, ...(o.deface.reason !== undefined ? { reason: clean(o.deface.reason) } : {}) } } : {};
    if (o.status !== 'written') return { input: clean(o.input), ...path, status: o.status, reason: clean(o.reason), warnings, residual: [], ...pixelFields, ...defaceFields };
    const burnedIn = burnedInBoxes(o.pixels?.painted);
    return {
      input: clean(o.input),
      ...path,
      status: o.status,
      output: o.output,
      modality: o.modality,
      transferSyntaxUID: o.transferSyntaxUID,
      sopClassUID: o.sopClassUID,
      warnings,
      // Deliberately no `value`: the report ships with the data it describes.
      residual: o.residual.map((r) => ({ kind: r.kind, where: r.where })),
      actions: { ...o.actions },
      ...(o.freeText ? { freeTextRemoved: { ...o.freeText } } : {}),
      ...(burnedIn ? { burnedInBoxes: burnedIn } : {}),
      ...pixelFields,
      ...defaceFields,
      // Keyed digests, for the operator's report only (merge-reports checks patients across shards).
      ...(paths && o.patient ? { patient: { ...o.patient } } : {}),
    };
  });
  const defacing = options.defacing?.map(({ inputs, ...facts }): DefaceSeriesEntry => ({
    ...facts,
    ...(facts.reason !== undefined ? { reason: clean(facts.reason) } : {}),
    inputs: inputs.map((i) => files[i]?.input ?? `#${i}`),
    ...(paths ? { paths: inputs.map((i) => paths[i]) } : {}),
  }));
  return renderReport(files, meta, { operator: paths !== undefined, defacing });
}

/** The totals of a report's rows. */
export function totalsOf(files: readonly ReportEntry[]): ReportTotals {
  const totals: ReportTotals = {
    inputs: files.length, written: 0, skipped: 0, failed: 0,
    filesWithWarnings: 0, filesWithResidualWarnings: 0, residualFindings: 0,
    needPixelReview: 0, exportedWithoutPixelReview: 0, actions: zeroCounts(), freeTextRemoved: {}, burnedInBoxes: {},
  };
  for (const f of files) {
    if (f.warnings.length > 0) totals.filesWithWarnings++;
    if (f.pixelStatus === 'needs-review') totals.needPixelReview++;
    if (f.exportedAnyway) totals.exportedWithoutPixelReview++;
    if (f.status === 'written') {
      totals.written++;
      if (f.residual.length > 0) totals.filesWithResidualWarnings++;
      totals.residualFindings += f.residual.length;
      for (const k of ACTION_KEYS) totals.actions[k] += f.actions?.[k] ?? 0;
      if (f.freeTextRemoved) addCounts(totals.freeTextRemoved, f.freeTextRemoved);
      for (const [k, n] of Object.entries(f.burnedInBoxes ?? {})) totals.burnedInBoxes[k] = (totals.burnedInBoxes[k] ?? 0) + n;
    } else if (f.status === 'skipped') totals.skipped++;
    else totals.failed++;
  }
  return totals;
}

/**
 * The report's JSON and CSV from its rows (totals counted from them): what a run writes, and what
 * `veil merge-reports` writes for rows gathered from several shards. `operator`: the operator's
 * report, with each row's path in a column after the reference.
 */
export function renderReport(
  files: readonly ReportEntry[],
  meta: ReportMeta,
  options: { operator?: boolean; defacing?: readonly DefaceSeriesEntry[] } = {},
): { json: string; csv: string } {
  const operator = options.operator ?? false;
  let csv = csvRow(operator ? [CSV_COLUMNS[0], 'path', ...CSV_COLUMNS.slice(1)] : CSV_COLUMNS);
  const row = (f: ReportEntry, fields: (string | number | undefined)[]) => csvRow(operator ? [fields[0], f.path, ...fields.slice(1)] : fields);
  for (const f of files) {
    const pixelCsv = f.pixelStatus ? [f.pixelStatus, (f.pixelReviewReasons ?? []).join(' | '), f.exportedAnyway ? 'yes' : ''] : ['', '', ''];
    const d = f.deface;
    const defaceCsv = d ? [d.status, d.mode ?? '', d.changedPixels ?? '', d.reason ?? ''] : ['', '', '', ''];
    csv += f.status === 'written'
      ? row(f, [f.input, f.status, f.output, '', f.warnings.join(' | '), f.residual.length, f.transferSyntaxUID, f.modality, ...ACTION_KEYS.map((k) => f.actions?.[k] ?? 0), freeTextCell(f.freeTextRemoved), countsCell(f.burnedInBoxes), ...defaceCsv, ...pixelCsv])
      : row(f, [f.input, f.status, '', f.reason, f.warnings.join(' | '), '', '', '', ...ACTION_KEYS.map(() => ''), '', '', ...defaceCsv, ...pixelCsv]);
  }
  const report: ReportJson = { meta: { ...meta, optionsApplied: [...meta.optionsApplied] }, totals: totalsOf(files), files: [...files] };
  if (options.defacing) report.defacing = [...options.defacing];
  return { json: `${JSON.stringify(report, null, 2)}\n`, csv };
}
