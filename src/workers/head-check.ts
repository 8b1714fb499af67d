/**
 * The head check's answer, from the series decision (core/deface/series-plan.ts): one mapping for
 * both places it runs — the engine worker, from the light headers load handed over, and the
 * defacing worker, which reads the files when a light header is missing.
 */
import { decideSeries } from '../core/deface/series-plan.ts';
import type { SeriesInstance } from '../core/deface/types.ts';
import { isHeadSeries } from '../core/deface/volume.ts';
import type { HeadCheck } from './deface-protocol.ts';

export function headCheckOf(instances: readonly SeriesInstance[]): HeadCheck {
  const decision = decideSeries(instances, isHeadSeries);
  if (decision.kind === 'deface') return { head: true };
  // A series that calls itself a head but cannot be defaced is still a head for the gate.
  return { head: decision.kind === 'decline', reason: decision.reason, defaceable: false };
}
