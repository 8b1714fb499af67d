/**
 * Stage timings for the browser benchmark (scripts/bench/browser.ts): how long loading and
 * exporting spend reading files, parsing, checking, making thumbnails, handing files between
 * workers, computing CRCs and placing zip entries. Off unless the page was opened with `?perf`;
 * when off, every call here is one boolean test, and nothing is logged.
 *
 * Each thread (the page, every engine worker, the zip writer) sums its own stages; the page
 * collects them all through `window.__veilStageTimes()`. A stage's time is the sum over the
 * threads that ran it, so two workers busy for 1 s each show 2 s. Each stage is also a
 * `performance.measure`, so a DevTools recording of a `?perf` page shows them on its timeline.
 */

export interface StageTotal {
  /** Milliseconds, summed over calls (and over threads once collected). */
  ms: number;
  count: number;
  /** Bytes the stage handled (read, hashed, posted), where that means something. */
  bytes: number;
}

export type StageTotals = Record<string, StageTotal>;

let enabled = false;
let totals: StageTotals = {};

/** Turns timing on or off in this thread (the page: from the `?perf` query; workers: told by the page). */
export function enableStageTimes(on: boolean): void {
  enabled = on;
}

export const stageTimesEnabled = (): boolean => enabled;

/** Adds one call of `stage` that took `ms` and handled `bytes`. */
export function recordStage(stage: string, ms: number, bytes = 0, count = 1): void {
  if (!enabled) return;
  const t = (totals[stage] ??= { ms: 0, count: 0, bytes: 0 });
  t.ms += ms;
  t.count += count;
  t.bytes += bytes;
}

/** Times a synchronous step. */
export function timed<T>(stage: string, step: () => T, bytes = 0): T {
  if (!enabled) return step();
  const start = performance.now();
  try {
    return step();
  } finally {
    finish(stage, start, bytes);
  }
}

/** Times an asynchronous step (wall time from start to settle, waits included). */
export async function timedAsync<T>(stage: string, step: () => Promise<T>, bytes = 0): Promise<T> {
  if (!enabled) return step();
  const start = performance.now();
  try {
    return await step();
  } finally {
    finish(stage, start, bytes);
  }
}

function finish(stage: string, start: number, bytes: number): void {
  const end = performance.now();
  recordStage(stage, end - start, bytes);
  performance.measure(`veil:${stage}`, { start, end });
}

/** This thread's totals since the last call; they start again from zero. */
export function takeStageTimes(): StageTotals {
  const out = totals;
  totals = {};
  performance.clearMeasures();
  return out;
}

/** Adds another thread's totals to this thread's (the zip writer's, before it is terminated). */
export function absorbStageTimes(from: StageTotals): void {
  if (enabled) mergeStageTimes(totals, from);
}

/** Adds `from` into `into` (collecting the threads' totals). */
export function mergeStageTimes(into: StageTotals, from: StageTotals): StageTotals {
  for (const [stage, t] of Object.entries(from)) {
    const acc = (into[stage] ??= { ms: 0, count: 0, bytes: 0 });
    acc.ms += t.ms;
    acc.count += t.count;
    acc.bytes += t.bytes;
  }
  return into;
}

/**
 * Where the page collects worker totals from: each live pool and the last export's zip writer
 * register here (only while timing is on).
 */
const sources = new Set<() => Promise<StageTotals>>();

export function addStageSource(source: () => Promise<StageTotals>): () => void {
  sources.add(source);
  return () => sources.delete(source);
}

/** The page's totals and every registered worker's, merged; all start again from zero. */
export async function collectStageTimes(): Promise<StageTotals> {
  const all = mergeStageTimes({}, takeStageTimes());
  for (const source of sources) mergeStageTimes(all, await source());
  return all;
}
