/**
 * `veil merge-reports <shard reports…> --out merged.json|csv`: the reports of the N shards of one
 * run (`veil deidentify --shard K/N`) as one report, as a single run over every input would have
 * written it: rows in run order (by the position in each reference, #0007-…), totals counted again.
 *
 * It refuses (nothing written, exit code 1) what would make the merged report wrong: a shard
 * missing or given twice, reports of different runs (other inputs, another passphrase, another
 * profile or version), an input reported twice or not at all, totals that disagree with the rows.
 *
 * What it checks again across shards, which no shard could: output paths (the same SOP Instance
 * UID given twice, in two shards, is written under the same name in both — one run would have
 * written the second beside the first with a suffix) and, from operator's reports, which carry
 * the keyed patient digests, the patient check (one Patient ID with two names or birth dates, one
 * pseudonym for two patients). The in-output reports carry no patient digests: merged from them,
 * the patient check stays what each shard saw on its own (README, "Past one machine").
 */
import { readFile, writeFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { flagPatientConflicts } from '../core/audit/patient-consistency.ts';
import type { ReportedOutcome } from '../core/outcome.ts';
import { renderReport, totalsOf, type ReportEntry, type ReportJson, type ReportMeta } from '../core/export/report.ts';
import { shardOf } from './shard.ts';

export interface MergeResult {
  /** Problems that make a merge wrong: nothing may be written. */
  refused: string[];
  /** Problems in the data that the merged report records (rows warned): exit code 1, report written. */
  conflicts: string[];
  /** Set when nothing was refused. */
  report?: { json: string; csv: string };
  /** Operator's reports (with paths) or in-output reports. */
  operator: boolean;
}

const PATIENT_CHECK = 'patient check:';
const positionOf = (ref: string): number | undefined => {
  const m = /^#(\d+)-/.exec(ref);
  return m ? Number(m[1]) : undefined;
};

/** What the shards of one run must agree on. */
const runIdentity = (m: ReportMeta) => ({
  tool: m.tool, version: m.version, profileSummary: m.profileSummary, optionsApplied: m.optionsApplied, mode: m.mode,
  count: m.shard?.count, inputs: m.shard?.inputs, inputSet: m.shard?.inputSet,
});

function parseReport(name: string, text: string): ReportJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${name}: not a JSON report (${(e as Error).message}); give the .json report, the .csv has no run information`);
  }
  const r = json as Partial<ReportJson>;
  if (!r || typeof r !== 'object' || !r.meta || !r.totals || !Array.isArray(r.files)) throw new Error(`${name}: not a Veil report (no meta, totals and files)`);
  return r as ReportJson;
}

/** Merges parsed shard reports (`names` for messages). Pure: no files read or written. */
export function mergeReports(reports: readonly { name: string; report: ReportJson }[]): MergeResult {
  const refused: string[] = [];
  const conflicts: string[] = [];
  const isOperator = (r: ReportJson) => r.files.length > 0 && r.files.every((f) => typeof f.path === 'string');
  const kinds = new Set(reports.filter((r) => r.report.files.length > 0).map((r) => isOperator(r.report)));
  const operator = kinds.has(true);
  if (kinds.size > 1) refused.push("operator's reports (with input paths) and in-output reports mixed: merge one kind at a time");
  if (reports.length === 0) refused.push('no reports given');

  for (const { name, report } of reports) {
    if (!report.meta.shard) refused.push(`${name}: not the report of a shard (veil deidentify --shard K/N)`);
    if (!isDeepStrictEqual(totalsOf(report.files), report.totals)) refused.push(`${name}: its totals disagree with its rows (edited or cut short?)`);
  }
  if (refused.length) return { refused, conflicts, operator };

  const first = reports[0];
  const identity = runIdentity(first.report.meta);
  for (const { name, report } of reports.slice(1)) {
    const other = runIdentity(report.meta);
    for (const k of Object.keys(identity) as (keyof typeof identity)[]) {
      if (isDeepStrictEqual(identity[k], other[k])) continue;
      refused.push(
        k === 'inputSet'
          ? `${name} and ${first.name} are shards of different runs: other inputs, or another passphrase (every shard needs the same passphrase)`
          : `${name} and ${first.name} differ in ${k} (${JSON.stringify(other[k])} vs ${JSON.stringify(identity[k])}): shards of different runs`,
      );
    }
  }
  const count = identity.count!;
  const byShard = new Map<number, string>();
  for (const { name, report } of reports) {
    const k = report.meta.shard!.index;
    const seen = byShard.get(k);
    if (seen) refused.push(`shard ${k}/${count} given twice: ${seen} and ${name}`);
    else byShard.set(k, name);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !byShard.has(k));
  if (missing.length) refused.push(`shard(s) ${missing.join(', ')} of ${count} missing`);
  if (refused.length) return { refused, conflicts, operator };

  // Every input once, in its own shard.
  const rows: { position: number; entry: ReportEntry; name: string }[] = [];
  const where = new Map<number, string>();
  for (const { name, report } of reports) {
    const shard = report.meta.shard!;
    for (const entry of report.files) {
      const position = positionOf(entry.input);
      if (position === undefined || position < 1 || position > shard.inputs) {
        refused.push(`${name}: row "${entry.input}" is not a reference to one of the run's ${shard.inputs} inputs`);
        continue;
      }
      const seen = where.get(position);
      if (seen) refused.push(`input ${entry.input} reported twice: in ${seen} and ${name}`);
      where.set(position, name);
      if (operator && shardOf(entry.path!, count) !== shard.index) refused.push(`${name}: ${entry.path} belongs to shard ${shardOf(entry.path!, count)}, not ${shard.index}`);
      rows.push({ position, entry: { ...entry, warnings: [...entry.warnings] }, name });
    }
  }
  const inputs = identity.inputs!;
  if (rows.length !== inputs && refused.length === 0) refused.push(`the shards report ${rows.length} input(s), the run has ${inputs}`);
  if (refused.length) return { refused, conflicts, operator };
  rows.sort((a, b) => a.position - b.position);

  // Across shards: one output path, one file (twins in two shards both took the plain name).
  const firstAt = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    if (row.entry.status !== 'written' || !row.entry.output) continue;
    const other = firstAt.get(row.entry.output);
    if (!other) {
      firstAt.set(row.entry.output, row);
      continue;
    }
    const why = `merge: same output path as ${other.entry.input} (${other.name}), written by another shard: the same SOP Instance UID given twice; putting the shards' outputs together would keep only one`;
    row.entry.warnings.push(why);
    conflicts.push(`${row.entry.input} (${row.name}) and ${other.entry.input} (${other.name}): both wrote ${row.entry.output}`);
  }

  // The patient check again, over every shard's rows (operator's reports carry the digests).
  if (operator) {
    const outcomes = rows.map(({ entry }) => {
      entry.warnings = entry.warnings.filter((w) => !w.startsWith(PATIENT_CHECK));
      return { status: entry.status, input: entry.input, warnings: entry.warnings, patient: entry.patient } as ReportedOutcome;
    });
    flagPatientConflicts(outcomes);
  }

  const metas = reports.map((r) => r.report.meta);
  const { shard: _shard, ...base } = first.report.meta;
  const meta: ReportMeta = {
    ...base,
    startedAt: metas.map((m) => m.startedAt).sort()[0],
    finishedAt: metas.map((m) => m.finishedAt).sort().at(-1)!,
    mergedShards: count,
  };
  // Defaced series: each lies in one shard (--deface shards by folder); listed in run order.
  const firstRow = new Map(rows.map((r, i) => [r.entry.input, i]));
  const defacing = reports.flatMap((r) => r.report.defacing ?? []);
  defacing.sort((a, b) => (firstRow.get(a.inputs[0]) ?? 0) - (firstRow.get(b.inputs[0]) ?? 0));
  const entries = rows.map((r) => r.entry);
  return { refused, conflicts, operator, report: renderReport(entries, meta, { operator, ...(defacing.length ? { defacing } : {}) }) };
}

export interface MergeArgs {
  reports: string[];
  /** Files to write: .json or .csv each. */
  out: string[];
  quiet: boolean;
}

/** The command: exit code 0 merged, 1 refused or conflicts found. */
export async function runMergeReports(args: MergeArgs): Promise<number> {
  const parsed = [];
  for (const name of args.reports) {
    let text: string;
    try {
      text = await readFile(name, 'utf8');
    } catch (e) {
      throw Object.assign(new Error(`${name}: ${(e as Error).message}`), { usage: true });
    }
    parsed.push({ name, report: parseReport(name, text) });
  }
  const result = mergeReports(parsed);
  for (const r of result.refused) console.error(`veil: merge-reports: ${r}`);
  if (!result.report) {
    console.error('veil: merge-reports: nothing written');
    return 1;
  }
  for (const out of args.out) await writeFile(out, /\.csv$/i.test(out) ? result.report.csv : result.report.json);
  for (const c of result.conflicts) console.error(`veil: merge-reports: output conflict: ${c}`);
  const merged = JSON.parse(result.report.json) as ReportJson;
  const t = merged.totals;
  console.log(
    `veil: merged ${args.reports.length} shard report(s)${result.operator ? " (operator's)" : ''}: ${t.inputs} input(s), ${t.written} written, ${t.skipped} skipped, ${t.failed} failed -> ${args.out.join(', ')}`,
  );
  if (!result.operator && !args.quiet) console.log('veil: in-output reports carry no patient digests: the patient check across shards needs the operator\'s reports');
  return result.conflicts.length ? 1 : 0;
}
