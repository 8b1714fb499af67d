/**
 * A TEST-ONLY stand-in for the defacing engine, so the CLI's --deface path (grouping, write-back,
 * fail-closed, reports) can be tested on its own, with patches known in advance. It registers
 * nothing: its "face region" is a fixed block — the anterior rows of the lowest slices — set to
 * air (−1024 stored, the fixture's rescale being 1/0). The real engine is tested through the same
 * path in cli-deface.test.ts where it is available.
 */
import { T } from '../../src/core/dicom/tags.ts';
import { getNumber, getString } from '../../src/core/dicom/values.ts';
import type { SeriesDefacer } from '../../src/cli/deface-run.ts';
import type { DefaceOutcome, FramePatch } from '../../src/core/deface/types.ts';

export interface FakeDefacerOptions {
  /** Slices (by ascending Image Position z) whose front rows are "face". */
  faceSlices: number;
  /** Rows from the top (anterior, for an axial head) that are "face". */
  faceRows: number;
  /** Make deface() decline every series with this reason. */
  declineWith?: string;
  /** Give the defacer a face check that reports this (absent: no face check). */
  faceFound?: boolean;
}

export function fakeDefacer(options: FakeDefacerOptions): SeriesDefacer & { patches: Map<string, FramePatch[]> } {
  const recorded = new Map<string, FramePatch[]>();
  return {
    patches: recorded,
    isHeadSeries: (instances) =>
      instances.length >= 20 ? true : `not one regular 3-D head volume: ${instances.length} slice(s), at least 20 are needed`,
    async deface(instances, defaceOptions): Promise<DefaceOutcome> {
      if (options.declineWith) return { status: 'declined', reason: options.declineWith, mode: defaceOptions.mode, patches: new Map(), changedVoxels: 0 };
      const z = (i: (typeof instances)[number]) => Number((getString(i.dataset, T.ImagePositionPatient) ?? '0\\0\\0').split('\\')[2]);
      const sorted = [...instances].sort((a, b) => z(a) - z(b));
      const patches = new Map<string, FramePatch[]>();
      let changedVoxels = 0;
      for (const inst of sorted.slice(0, options.faceSlices)) {
        const columns = getNumber(inst.dataset, T.Columns) ?? 0;
        const n = options.faceRows * columns;
        const patch: FramePatch = { frame: 0, indices: Uint32Array.from({ length: n }, (_, i) => i), storedValues: new Int32Array(n).fill(-1024) };
        patches.set(inst.path, [patch]);
        recorded.set(inst.path, [patch]);
        changedVoxels += n;
      }
      return { status: 'defaced', mode: defaceOptions.mode, patches, changedVoxels };
    },
    ...(options.faceFound === undefined ? {} : {
      checkFace: async () => ({ faceFound: options.faceFound!, views: [{ yawDeg: 0, pitchDeg: 0, score: options.faceFound ? 0.93 : 0.1 }] }),
    }),
  };
}
