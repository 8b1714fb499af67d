/**
 * The defacing engine as the browser runs it: the core's defaceSeries and isHeadSeries, with the
 * elastix registrar whose wasm is served from this origin, and the face detector of the check.
 * The defacing worker talks to nothing else, so wiring a new engine version touches this file only.
 */
import type { DefaceOptions, DefaceOutcome, SeriesInstance } from '../core/deface/types.ts';

export interface DefaceBackend {
  /** Null when the series is a head volume Veil can deface, else why not. */
  notAHead(instances: readonly SeriesInstance[]): string | null;
  deface(instances: readonly SeriesInstance[], options: DefaceOptions): Promise<DefaceOutcome>;
}

export function defaceBackend(): DefaceBackend {
  throw new Error('the defacing engine is not part of this build yet');
}
