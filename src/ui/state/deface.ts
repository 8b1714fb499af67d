/**
 * Head series and the export: which ones the gate lists and why, and what the export is told
 * about each (per file: the accepted patches, or why the face stays; per series: the reports'
 * facts). Pure functions over the app's state, so the rule can be tested without a browser.
 */
import type { DefaceInstruction } from '../../core/deface/write-back.ts';
import type { DefaceSeriesFacts } from '../../core/export/report.ts';
import type { DefaceResult } from '../../workers/deface-protocol.ts';
import type { DefaceSessionInit } from '../../workers/protocol.ts';
import { seriesKeyOf } from './tree.ts';
import type { FileEntry, SeriesDeface } from './types.ts';

/** A head series that the export gate lists: nobody accepted its defacing or chose to keep the face. */
export interface DefaceNeeded {
  seriesKey: string;
  entries: FileEntry[];
  reason: string;
}

export { HEAD_MODALITIES } from '../../core/deface/head-modalities.ts';

/** The loaded, readable files of each series, by series key. */
export function filesBySeries(files: readonly FileEntry[]): Map<string, FileEntry[]> {
  const out = new Map<string, FileEntry[]>();
  for (const f of files) {
    if (f.status !== 'ready' || !f.summary) continue;
    const key = seriesKeyOf(f);
    const list = out.get(key);
    if (list) list.push(f);
    else out.set(key, [f]);
  }
  return out;
}

/**
 * Why a head series cannot be exported without a person's choice; undefined when it can. `files`
 * are the series' files now: one that joined after the defacing ran (a second pick) was never
 * defaced, so the series must be defaced again.
 */
export function defaceGateReason(d: SeriesDeface, files: readonly FileEntry[]): string | undefined {
  if (!d.head?.head || d.decision === 'declined') return undefined;
  if (d.head.defaceable === false) return `head series that cannot be defaced: ${d.head.reason ?? 'no reason given'}`;
  const run = d.run;
  if (run.phase === 'idle') return 'head series: the face is not removed (not defaced)';
  if (run.phase === 'running') return 'head series: defacing is still running';
  if (run.phase === 'error') return `head series: defacing failed (${run.message})`;
  if (run.result.status === 'declined') return `head series: defacing declined — ${run.result.reason ?? 'no reason given'}`;
  const defaced = new Set(run.paths);
  const added = files.filter((f) => !defaced.has(f.path)).length;
  if (added) return `head series: ${added} file(s) joined it after it was defaced; deface it again`;
  if (run.result.faceCheck?.faceFound && !d.faceOverride) return 'head series: defaced, but the automatic check still finds a face';
  if (run.result.faceCheckError && !d.faceOverride) return `head series: defaced, but the automatic face check could not run (${run.result.faceCheckError})`;
  if (d.decision !== 'accepted') return 'head series: defaced, but the result was not accepted';
  return undefined;
}

/** A face was still found, or the check could not run: accepting takes a person's override. */
export function needsFaceOverride(result: DefaceResult): boolean {
  return result.status === 'defaced' && (!!result.faceCheck?.faceFound || result.faceCheckError !== undefined);
}

/** Every head series the export gate lists, in load order. */
export function defaceNeeded(files: readonly FileEntry[], deface: Readonly<Record<string, SeriesDeface>>): DefaceNeeded[] {
  const out: DefaceNeeded[] = [];
  for (const [seriesKey, entries] of filesBySeries(files)) {
    const d = deface[seriesKey];
    const reason = d && defaceGateReason(d, entries);
    if (reason) out.push({ seriesKey, entries, reason });
  }
  return out;
}

export const newDeface = (head?: SeriesDeface['head']): SeriesDeface => ({ ...(head ? { head } : {}), mode: 'remove', ears: true, run: { phase: 'idle' } });

/**
 * What the export does about faces, given the export's inputs in order: per file, the accepted
 * series' patches (with Recognizable Visual Features NO and 113102) or why it leaves with its face
 * (a person kept it, or chose Export anyway at the gate); per series, the facts for the reports.
 */
export function defaceExport(
  deface: Readonly<Record<string, SeriesDeface>>, files: readonly FileEntry[], anyway: boolean, paths: readonly string[],
): { session?: DefaceSessionInit; series: DefaceSeriesFacts[] } {
  const instructions: [string, DefaceInstruction][] = [];
  const series: DefaceSeriesFacts[] = [];
  const indexOf = new Map(paths.map((p, i) => [p, i]));
  const bySeries = filesBySeries(files);
  for (const [key, d] of Object.entries(deface)) {
    if (!d.head?.head) continue;
    const entries = bySeries.get(key) ?? [];
    const inputs = entries.map((f) => indexOf.get(f.path)).filter((i): i is number => i !== undefined);
    const modality = entries[0]?.summary?.modality;
    const gateReason = defaceGateReason(d, entries);
    if (d.decision === 'accepted' && d.run.phase === 'done' && d.run.result.status === 'defaced' && gateReason === undefined) {
      const result = d.run.result;
      const patches = new Map(result.patches);
      const overridden = needsFaceOverride(result) && d.faceOverride === true;
      for (const f of entries) {
        instructions.push([f.path, { status: 'defaced', mode: result.mode, patches: patches.get(f.path) ?? [], ...(overridden ? { faceCheckOverridden: true } : {}) }]);
      }
      const faceCheck = result.faceCheck
        ? { faceCheck: { faceFound: result.faceCheck.faceFound, bestScore: Math.max(0, ...result.faceCheck.views.map((v) => v.score)), ...(overridden ? { overridden: true } : {}) } }
        : {};
      series.push({ inputs, status: 'defaced', mode: result.mode, modality, changedVoxels: result.changedVoxels, ...faceCheck });
      continue;
    }
    const reason = d.decision === 'declined' ? 'a person chose to keep the face' : anyway && gateReason ? `exported anyway at the user's explicit choice (${gateReason})` : undefined;
    if (!reason) continue;
    for (const f of entries) instructions.push([f.path, { status: 'declined', mode: d.mode, reason }]);
    series.push({ inputs, status: 'declined', mode: d.mode, reason, modality, writtenWithoutDefacing: true });
  }
  return { ...(instructions.length ? { session: { instructions } } : {}), series };
}

