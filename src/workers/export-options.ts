/**
 * The key of one file's de-identification under a SessionInit (core/export/reused-output.ts):
 * what load's output is kept under, and what export compares it with.
 *
 * It is made from the whole SessionInit object the export hands the engine workers — every
 * field, known or not — except two lists the engine only ever reads for the file's own path:
 * "export anyway" (a Set lookup by input path in core/deidentify.ts) and the defacing
 * instructions (looked up by input path in engine.worker.ts). Those two are replaced by this
 * file's entry, so a person choosing "export anyway" for an ultrasound frame does not make the
 * 400 CT slices beside it de-identify again; everything else that differs, anywhere, does.
 */
import { canonicalJson, optionsKey } from '../core/export/reused-output.ts';
import type { DefaceSessionInit, RedactionPlan, SessionInit } from './protocol.ts';

/**
 * The SessionInit of an export: the session's profile, key and lookup with the plan, the pixel
 * review rule and the defacing. The app's export builds its init here, and load builds the
 * init it de-identifies under here too (with the plan of the moment, nobody chosen for "export
 * anyway", no defacing), so that the two meet whenever nothing changed in between.
 */
export function exportInit(base: SessionInit, plan: RedactionPlan | undefined, exportAnyway: readonly string[], deface?: DefaceSessionInit): SessionInit {
  return { ...base, plan, pixelReview: { require: true, exportAnyway }, ...(deface ? { deface } : {}) };
}

interface Projected {
  /** Canonical text of everything in the init but the key and the two per-path lists. */
  shared: string;
  exportAnyway: ReadonlySet<string>;
  deface: ReadonlyMap<string, unknown>;
}

const projections = new WeakMap<SessionInit, Projected>();

function project(init: SessionInit): Projected {
  let p = projections.get(init);
  if (p) return p;
  const { key: _key, pixelReview, deface, ...rest } = init;
  const { exportAnyway, ...review } = pixelReview ?? {};
  const { instructions, ...defacing } = deface ?? { instructions: [] };
  p = {
    // No defacing and an empty list are the same to the engine worker (a Map of the list);
    // anything else about defacing stays in the text.
    shared: canonicalJson({ ...rest, pixelReview: pixelReview && review, deface: defacing }),
    exportAnyway: new Set(exportAnyway ?? []),
    deface: new Map(instructions),
  };
  projections.set(init, p);
  return p;
}

/** The key of de-identifying `path` under `init`. */
export function fileOptionsKey(init: SessionInit, path: string): string {
  const p = project(init);
  return optionsKey(init.key, { shared: p.shared, exportAnyway: p.exportAnyway.has(path), deface: p.deface.get(path) }, path);
}
