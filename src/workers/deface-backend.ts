/**
 * The defacing engine as the browser runs it: the core's defaceSeries and face check, with the
 * elastix registrar whose wasm pipelines are served from this origin (dist/elastix/, see
 * elastix-browser.ts). The defacing worker talks to nothing else, so wiring a new engine version
 * touches this file only.
 */
import { defaceSeries } from '../core/deface/deface.ts';
import { checkDefacedFace } from '../core/deface/face-check.ts';
import type { DefaceOptions, DefaceOutcome, FaceCheckOutcome, FaceDetector, Registrar, SeriesInstance, Volume } from '../core/deface/types.ts';
import { browserRegistrar } from './elastix-browser.ts';
import { createBrowserFaceDetector } from './face-detector-browser.ts';

export interface DefaceBackend {
  deface(instances: readonly SeriesInstance[], options: DefaceOptions): Promise<DefaceOutcome>;
  /** The automatic check: the defaced head's skin rendered from the front and ±30°/±15°, and face-api asked (face-check.ts). */
  checkFace(original: Volume, defaced: Float32Array, onProgress?: (fraction: number) => void): Promise<FaceCheckOutcome>;
}

let registrar: Registrar | undefined;
let detector: FaceDetector | undefined;

export function defaceBackend(): DefaceBackend {
  // The worker's script sits under assets/; the app's base (any sub-path) is one level up.
  const base = new URL('../', self.location.href);
  registrar ??= browserRegistrar(base);
  // face-api and its model load on the first check only (from dist/face-api/).
  detector ??= createBrowserFaceDetector({ baseUrl: base.href });
  const hosts = { registrar };
  const faces = detector;
  return {
    deface: (instances, options) => defaceSeries(instances, options, hosts),
    checkFace: (original, defaced, onProgress) => checkDefacedFace(original, defaced, faces, { onProgress }),
  };
}
