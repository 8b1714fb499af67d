/**
 * The volume as it will be written: the original volume's values with every patch of a defaced
 * series applied (stored values back to modality units through each file's rescale). What the
 * face check must look at — the pixels that leave, not the engine's intermediate values — and
 * what a preview of the result shows.
 */
import { displayParams } from '../pixels/display.ts';
import type { Dataset } from '../dicom/dataset.ts';
import type { DefaceOutcome, Volume } from './types.ts';

export function defacedVolumeData(volume: Volume, patches: DefaceOutcome['patches'], datasetFor: (path: string) => Dataset | undefined): Float32Array {
  const data = volume.data.slice();
  const perSlice = volume.dims[0] * volume.dims[1];
  const sliceOf = new Map(volume.slices.map((s, k) => [`${s.frame}\u0000${s.path}`, k]));
  for (const [path, list] of patches) {
    const ds = datasetFor(path);
    if (!ds) throw new Error(`defaced data: no dataset for ${path}`);
    const { rescaleSlope, rescaleIntercept } = displayParams(ds);
    for (const patch of list) {
      const k = sliceOf.get(`${patch.frame}\u0000${path}`);
      if (k === undefined) throw new Error(`defaced data: frame ${patch.frame + 1} of ${path} is not a slice of the volume`);
      const base = k * perSlice;
      for (let i = 0; i < patch.indices.length; i++) data[base + patch.indices[i]] = patch.storedValues[i] * rescaleSlope + rescaleIntercept;
    }
  }
  return data;
}
