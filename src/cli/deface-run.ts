/**
 * `--deface` in the CLI: before any file is written, every head CT/MR series of the run is
 * defaced as a whole, and each of its files is handed its patches (an instruction for the
 * engine, core/deface/write-back.ts); the export run then writes files as usual, in order, on
 * as many threads as before.
 *
 * Memory: a first pass reads each input's header only (read-header.ts: the first bytes of a
 * file, up to its Pixel Data) and keeps a light copy of it (series-plan.ts), so no pixel bytes
 * of other series are read or held. A head series is then read again
 * in full, defaced, and its parsed files and volume are dropped; only the patches (the changed
 * pixels) stay until its files are written.
 *
 * Fail closed: a head series that was to be defaced and could not be (the engine declined it, a
 * face is still found after defacing, a file could not be read again) is not written — each of
 * its files fails with the reason — unless the user passed --deface-optional: then its files are
 * written undefaced, with a warning, and Recognizable Visual Features is left as it was.
 */
import { readPart10 } from '../core/dicom/reader.ts';
import { T } from '../core/dicom/tags.ts';
import { getString } from '../core/dicom/values.ts';
import { decideSeries, groupBySeries, lightHeader, type HeadTest, type HeaderEntry } from '../core/deface/series-plan.ts';
import type { DefaceMode, DefaceOptions, DefaceOutcome, FaceCheckOutcome, SeriesInstance } from '../core/deface/types.ts';
import { declinedOutcome, type DefaceInstruction } from '../core/deface/write-back.ts';
import type { DefaceSeriesFacts } from '../core/export/report.ts';
import type { FileOutcome } from '../core/outcome.ts';
import type { InputFile } from './inputs.ts';
import { readHeader } from './read-header.ts';

/** What the CLI needs of the defacing engine (the real one: defacer-node.ts; tests may pass their own). */
export interface SeriesDefacer {
  isHeadSeries: HeadTest;
  deface(instances: readonly SeriesInstance[], options: DefaceOptions): Promise<DefaceOutcome>;
  /** The automatic face check on a defaced series (its instances as given to deface), where the host has one. */
  checkFace?(outcome: DefaceOutcome, instances: readonly SeriesInstance[]): Promise<FaceCheckOutcome>;
}

export interface DefaceSettings {
  mode: DefaceMode;
  /** --deface-optional: write a declined head series undefaced (with a warning) instead of failing its files. */
  optional: boolean;
  /** --deface-ignore-face-check: a face still found after defacing does not block the series (recorded). */
  ignoreFaceCheck: boolean;
}

export interface DefacePlan {
  /** Per input index: the defacing instruction its de-identification gets. */
  instructions: Map<number, DefaceInstruction>;
  /** Per input index: files that are not written (their head series was declined). */
  refused: Map<number, FileOutcome>;
  /** One entry per series, for the reports. */
  series: DefaceSeriesFacts[];
}

export const FACE_STILL_FOUND = 'a face was still detected after defacing; needs manual review';

interface Log {
  info(line: string): void;
  problem(line: string): void;
}

/** Decides, defaces and plans every series of the run. Never throws for one bad series. */
export async function planDefacing(inputs: readonly InputFile[], settings: DefaceSettings, defacer: SeriesDefacer, log: Log): Promise<DefacePlan> {
  const plan: DefacePlan = { instructions: new Map(), refused: new Map(), series: [] };
  const entries = await readHeaders(inputs);
  for (const group of groupBySeries(entries)) {
    const indices = group.map((e) => e.index);
    const label = `${group[0].path}${group.length > 1 ? ` and ${group.length - 1} more` : ''}`;
    const modality = getString(group[0].header, T.Modality)?.trim();
    const decision = decideSeries(group.map((e) => ({ path: e.path, dataset: e.header, transferSyntaxUID: e.transferSyntaxUID })), defacer.isHeadSeries);
    if (decision.kind === 'skip') {
      for (const i of indices) plan.instructions.set(i, { status: 'skipped', reason: decision.reason });
      plan.series.push({ inputs: indices, status: 'skipped', reason: decision.reason, modality });
      log.info(`deface   skipped  ${label}: ${decision.reason}`);
      continue;
    }
    const outcome = decision.kind === 'deface' ? await defaceGroup(group, inputs, settings, defacer) : { declined: decision.reason };
    if ('declined' in outcome) {
      decline(plan, group, settings, outcome.declined, modality, outcome.faceCheck);
      const what = settings.optional ? 'written WITHOUT defacing (--deface-optional)' : 'not written';
      log.problem(`deface   declined ${label}: ${outcome.declined}; ${what}`);
      continue;
    }
    const { result, faceCheck } = outcome;
    const overridden = !!faceCheck?.faceFound;
    for (const e of group) {
      plan.instructions.set(e.index, { status: 'defaced', mode: settings.mode, patches: result.patches.get(e.path) ?? [], ...(overridden ? { faceCheckOverridden: true } : {}) });
    }
    plan.series.push({
      inputs: indices, status: 'defaced', mode: settings.mode, modality, changedVoxels: result.changedVoxels,
      ...(faceCheck ? { faceCheck: faceCheckFacts(faceCheck, overridden) } : {}),
    });
    const check = !faceCheck ? 'face check not run' : overridden ? 'a face was still found: overridden (--deface-ignore-face-check)' : 'no face found';
    log.info(`deface   defaced  ${label} (${settings.mode}): ${result.changedVoxels} voxel(s) changed; ${check}`);
  }
  return plan;
}

function faceCheckFacts(check: FaceCheckOutcome, overridden: boolean): NonNullable<DefaceSeriesFacts['faceCheck']> {
  const bestScore = check.views.reduce((m, v) => Math.max(m, v.score), 0);
  return { faceFound: check.faceFound, bestScore, ...(overridden ? { overridden: true } : {}) };
}

function decline(plan: DefacePlan, group: readonly HeaderEntry[], settings: DefaceSettings, reason: string, modality?: string, faceCheck?: FaceCheckOutcome): void {
  for (const e of group) {
    if (settings.optional) plan.instructions.set(e.index, { status: 'declined', mode: settings.mode, reason });
    else plan.refused.set(e.index, declinedOutcome(e.path, settings.mode, reason));
  }
  plan.series.push({
    inputs: group.map((e) => e.index), status: 'declined', mode: settings.mode, reason, modality,
    ...(settings.optional ? { writtenWithoutDefacing: true } : {}),
    ...(faceCheck ? { faceCheck: faceCheckFacts(faceCheck, false) } : {}),
  });
}

type GroupOutcome = { result: DefaceOutcome; faceCheck?: FaceCheckOutcome } | { declined: string; faceCheck?: FaceCheckOutcome };

/** Reads the series in full, defaces it and checks the result; the parsed files are dropped on return. */
async function defaceGroup(group: readonly HeaderEntry[], inputs: readonly InputFile[], settings: DefaceSettings, defacer: SeriesDefacer): Promise<GroupOutcome> {
  const instances: SeriesInstance[] = [];
  for (const e of group) {
    try {
      const parsed = readPart10(await inputs[e.index].read());
      instances.push({ path: e.path, dataset: parsed.dataset, transferSyntaxUID: parsed.transferSyntaxUID });
    } catch (err) {
      return { declined: `a file of the series could not be read again for defacing (${(err as Error).message})` };
    }
  }
  let result: DefaceOutcome;
  try {
    result = await defacer.deface(instances, { mode: settings.mode });
  } catch (err) {
    return { declined: `the defacing engine stopped: ${(err as Error).message}` };
  }
  if (result.status !== 'defaced') return { declined: result.reason ?? 'the defacing engine gave no reason' };
  let faceCheck = result.faceCheck;
  if (!faceCheck && defacer.checkFace) {
    try {
      faceCheck = await defacer.checkFace(result, instances);
    } catch (err) {
      // The check could not run: that proves nothing, so the series is not passed unchecked.
      return { declined: `the face check could not run (${(err as Error).message}); needs manual review` };
    }
  }
  // Only the patches leave this function: the volume and region are large and no longer needed.
  const slim: DefaceOutcome = { ...result, volume: undefined, region: undefined };
  if (faceCheck?.faceFound && !settings.ignoreFaceCheck) return { declined: FACE_STILL_FOUND, faceCheck };
  return { result: slim, faceCheck };
}

/**
 * The first pass: each input's header read (read-header.ts: the first bytes of a file on disk,
 * up to its Pixel Data) and kept as a light copy. Inputs that cannot be read or parsed here are
 * left to the main pass, which reports them as usual; images without a Series Instance UID or
 * without pixels belong to no series to deface.
 */
async function readHeaders(inputs: readonly InputFile[]): Promise<HeaderEntry[]> {
  const entries: HeaderEntry[] = [];
  for (const [index, input] of inputs.entries()) {
    if (input.skip !== undefined) continue;
    try {
      const parsed = await readHeader(input);
      const seriesInstanceUID = getString(parsed.dataset, T.SeriesInstanceUID)?.trim();
      if (!seriesInstanceUID || parsed.stoppedAt === undefined) continue;
      entries.push({ index, path: input.path, seriesInstanceUID, header: lightHeader(parsed.dataset), transferSyntaxUID: parsed.transferSyntaxUID });
    } catch {
      continue;
    }
  }
  return entries;
}
