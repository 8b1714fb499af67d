/**
 * The defacing worker: reads one series' files (Blobs by reference, read here off the main
 * thread), parses their ORIGINAL headers, runs the engine (volume, registration, face region,
 * brain guard, face check) and returns the per-file patches the export writes, plus the previews:
 * the volume before and after (the original with those same patches applied, so the preview shows
 * exactly what will be written) and a mid-sagittal slice with the changed voxels. Every buffer
 * returned is transferred, not copied.
 */
import * as Comlink from 'comlink';
import { readPart10 } from '../core/dicom/reader.ts';
import { getNumber } from '../core/dicom/values.ts';
import { T } from '../core/dicom/tags.ts';
import { applyPatches, midSagittalSlice, valueRange, volumeGeometry, type Rescale } from '../core/deface/preview.ts';
import type { SeriesInstance } from '../core/deface/types.ts';
import { defaceBackend } from './deface-backend.ts';
import type { DefaceResult, DefaceWorkerApi } from './deface-protocol.ts';
import type { InputRef } from './protocol.ts';

/** Synchronous reads are about twice as fast as Blob.arrayBuffer() in Chromium workers. */
const syncReader = typeof FileReaderSync !== 'undefined' ? new FileReaderSync() : undefined;

async function bytesOf(input: InputRef): Promise<Uint8Array> {
  if (input.problem) throw new Error(`${input.path} could not be read: ${input.problem}`);
  if (syncReader) return new Uint8Array(syncReader.readAsArrayBuffer(input.file));
  return new Uint8Array(await input.file.arrayBuffer());
}

/** The series as the engine takes it: every instance's original header (pixel data included). */
async function seriesOf(inputs: readonly InputRef[]): Promise<SeriesInstance[]> {
  const out: SeriesInstance[] = [];
  for (const input of inputs) {
    const parsed = readPart10(await bytesOf(input));
    out.push({ path: input.path, dataset: parsed.dataset, transferSyntaxUID: parsed.transferSyntaxUID });
  }
  return out;
}

/** Each instance's rescale, read out so that the parsed instances need not be kept. */
function rescaleOf(instances: readonly SeriesInstance[]): (path: string) => Rescale {
  const byPath = new Map<string, Rescale>();
  for (const { path, dataset } of instances) {
    const slope = getNumber(dataset, T.RescaleSlope);
    const intercept = getNumber(dataset, T.RescaleIntercept);
    byPath.set(path, { slope: slope && Number.isFinite(slope) ? slope : 1, intercept: intercept && Number.isFinite(intercept) ? intercept : 0 });
  }
  return (path) => byPath.get(path) ?? { slope: 1, intercept: 0 };
}

const api: DefaceWorkerApi = {
  async headCheck(inputs) {
    const decision = defaceBackend().classify(await seriesOf(inputs));
    if (decision.kind === 'deface') return { head: true };
    // A series that calls itself a head but cannot be defaced is still a head for the gate.
    return { head: decision.kind === 'decline', reason: decision.reason, defaceable: false };
  },

  async deface(inputs, request, onProgress) {
    const started = performance.now();
    onProgress(0, 'Reading the series');
    let instances: SeriesInstance[] | undefined = await seriesOf(inputs);
    // The parsed files (whole inputs) are needed only to build the volume: keep the rescale of
    // each and let them go before the face check and the previews add their own volumes.
    const rescale = rescaleOf(instances);
    const backend = defaceBackend();
    const outcome = await backend.deface(instances, {
      mode: request.mode,
      ...(request.ears !== undefined ? { ears: request.ears } : {}),
      // The engine's fractions cover defacing; the face check and the previews take the rest.
      onProgress: (fraction, stage) => onProgress(fraction * 0.85, stage),
    });
    instances = undefined;
    const patches = [...outcome.patches.entries()];
    const result: DefaceResult = {
      status: outcome.status,
      mode: outcome.mode,
      changedVoxels: outcome.changedVoxels,
      patches,
      elapsedMs: 0,
    };
    if (outcome.reason) result.reason = outcome.reason;
    if (outcome.registration) result.registration = { similarity: outcome.registration.similarity, floor: outcome.registration.floor };
    const transfer: ArrayBuffer[] = [];
    for (const [, frames] of patches) for (const f of frames) transfer.push(f.indices.buffer as ArrayBuffer, f.storedValues.buffer as ArrayBuffer);
    const volume = outcome.volume;
    if (volume) {
      // The head as the export will write it: the original with exactly these patches.
      const after = applyPatches(volume, outcome.patches, rescale);
      if (outcome.faceCheck) result.faceCheck = outcome.faceCheck;
      else if (outcome.status === 'defaced') {
        onProgress(0.85, 'Looking for a face in the defaced head');
        try {
          result.faceCheck = await backend.checkFace(volume, after, (f) => onProgress(0.85 + 0.13 * f, 'Looking for a face in the defaced head'));
        } catch (e) {
          // A check that could not run proves nothing: the panel says so and a person decides.
          result.faceCheckError = (e as Error).message;
        }
      }
      onProgress(0.98, 'Preparing the previews');
      const slice = midSagittalSlice(volume, after, outcome.region);
      result.slice = slice;
      const geometry = volumeGeometry(volume);
      result.volume = { dims: volume.dims, ...geometry, modality: volume.modality, before: volume.data, after, range: valueRange(volume.data) };
      transfer.push(slice.before.buffer as ArrayBuffer, slice.after.buffer as ArrayBuffer, slice.region.buffer as ArrayBuffer);
      transfer.push(volume.data.buffer as ArrayBuffer, after.buffer as ArrayBuffer);
    }
    result.elapsedMs = performance.now() - started;
    onProgress(1, outcome.status === 'defaced' ? 'Done' : 'Declined');
    // A patch may share its buffer with another (views of one array): transfer each buffer once.
    return Comlink.transfer(result, [...new Set(transfer)]);
  },
};

Comlink.expose(api);
