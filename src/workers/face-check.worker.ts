/**
 * The face-check worker: renders a head volume's skin surface from the check's views and runs the
 * browser face detector on each (src/core/deface/face-check.ts), off the UI thread. Start it with
 * `new Worker(new URL('./face-check.worker.ts', import.meta.url), { type: 'module' })` and wrap it
 * with Comlink; the detector's model and wasm load from the app's origin on the first call.
 */
import * as Comlink from 'comlink';
import { checkDefacedFace, checkFace } from '../core/deface/face-check.ts';
import type { FaceCheckOutcome, Volume } from '../core/deface/types.ts';
import { createBrowserFaceDetector } from './face-detector-browser.ts';

export interface FaceCheckWorkerApi {
  /**
   * Checks a head. With `defacedData` (the whole volume after defacing, same grid), checks the
   * defaced head framed where the original's face is.
   */
  check(volume: Volume, defacedData?: Float32Array, onProgress?: (fraction: number) => void): Promise<FaceCheckOutcome>;
  /** The detector on one RGB image: face scores. */
  detect(rgb: Uint8Array, width: number, height: number): Promise<number[]>;
  /** Which TensorFlow.js backend the detector runs on ('wasm', or 'cpu' where wasm failed). */
  backend(): Promise<string>;
}

// The app's base URL (any sub-path): the worker's own URL is under assets/, one level below it.
const detector = createBrowserFaceDetector({ baseUrl: new URL('../', self.location.href).href });

const api: FaceCheckWorkerApi = {
  check(volume, defacedData, onProgress) {
    return defacedData ? checkDefacedFace(volume, defacedData, detector, { onProgress }) : checkFace(volume, detector, { onProgress });
  },
  detect: (rgb, width, height) => detector.detect(rgb, width, height),
  backend: () => detector.backend(),
};

Comlink.expose(api);
