/**
 * The face check's detector in the browser, for use inside a Web Worker: @vladmandic/face-api's
 * SSD MobileNet v1 on TensorFlow.js (face-api.esm.js, which bundles tfjs and its wasm backend).
 *
 * Everything loads from the app's own origin — the model weights and tfjs's .wasm files are
 * copied out of node_modules into dist/face-api/ at build time (scripts/vite-plugin-face-api-assets.ts)
 * — so the Content-Security-Policy needs nothing beyond 'self' and 'wasm-unsafe-eval'. The wasm
 * backend is used because WebGL is not available in every worker; the plain-JS cpu backend is the
 * fallback. face-api is imported on first use, so the app pays for its 1.3 MB only when a head
 * series is checked.
 */
import type { FaceDetector } from '../core/deface/types.ts';
import { SSD_MANIFEST_FILE, loadSsdWeights, shardPaths, ssdFaceScores, type FaceApiModule, type WeightsManifest } from './face-api-ssd.ts';

/** face-api's own typings carry only part of tfjs; the backend calls are typed from tfjs itself (the same code at run time). */
type Tfjs = typeof import('@tensorflow/tfjs') & { setWasmPaths?: (prefix: string) => void };

/** Where the build puts the model and the wasm files, under the app's base URL. */
export const FACE_API_ASSET_DIR = 'face-api/';

export interface BrowserFaceDetectorOptions {
  /** The app's base URL (any sub-path), ending in '/'. In a worker under assets/: new URL('../', self.location.href). */
  baseUrl: string;
  /** The detector's own floor; the face check applies its calibrated threshold to the scores. */
  minConfidence?: number;
}

let loading: Promise<{ faceapi: FaceApiModule; backend: string }> | undefined;

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`face detector: ${url} answered ${response.status}`);
  return response;
}

/**
 * face-api looks for a DOM (HTMLCanvasElement, HTMLImageElement…) and, in a worker, finds neither a
 * DOM nor Node, so every call fails with "environment is not defined". The check only hands it
 * tensors; it needs classes to test `instanceof` against, and OffscreenCanvas where it wants a canvas.
 */
function workerEnvironment(): Parameters<FaceApiModule['env']['setEnv']>[0] {
  class NoMediaElement {}
  const unavailable = (what: string) => () => {
    throw new Error(`face detector: ${what} is not available in a worker; pass image tensors`);
  };
  type Env = Parameters<FaceApiModule['env']['setEnv']>[0];
  return {
    Canvas: OffscreenCanvas as unknown as Env['Canvas'],
    CanvasRenderingContext2D: OffscreenCanvasRenderingContext2D as unknown as Env['CanvasRenderingContext2D'],
    Image: NoMediaElement as unknown as Env['Image'],
    ImageData,
    Video: NoMediaElement as unknown as Env['Video'],
    createCanvasElement: () => new OffscreenCanvas(1, 1) as unknown as HTMLCanvasElement,
    createImageElement: unavailable('an image element'),
    createVideoElement: unavailable('a video element'),
    fetch: (url, init) => fetch(url, init),
    readFile: unavailable('a file system'),
  };
}

function loadFaceApi(baseUrl: string): Promise<{ faceapi: FaceApiModule; backend: string }> {
  loading ??= (async () => {
    const faceapi = (await import('@vladmandic/face-api')) as FaceApiModule;
    const tf = faceapi.tf as unknown as Tfjs;
    const assets = new URL(FACE_API_ASSET_DIR, baseUrl).href;
    // Must precede the first setBackend('wasm'); by default tfjs would fetch its wasm from a CDN.
    tf.setWasmPaths?.(assets);
    let backend = 'wasm';
    const wasmStarted = await tf.setBackend('wasm').catch(() => false);
    if (!wasmStarted) {
      backend = 'cpu';
      if (!(await tf.setBackend('cpu'))) throw new Error('face detector: neither the wasm nor the cpu TensorFlow.js backend started');
    }
    await tf.ready();
    if (!faceapi.env.isBrowser()) faceapi.env.setEnv(workerEnvironment());
    const manifest = (await (await fetchOk(`${assets}${SSD_MANIFEST_FILE}`)).json()) as WeightsManifest;
    const shards = await Promise.all(shardPaths(manifest).map(async (path) => new Uint8Array(await (await fetchOk(`${assets}${path}`)).arrayBuffer())));
    loadSsdWeights(faceapi, manifest, shards);
    return { faceapi, backend };
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

/** A FaceDetector for a browser worker, plus which TensorFlow.js backend it ended up on. */
export function createBrowserFaceDetector(options: BrowserFaceDetectorOptions): FaceDetector & { backend(): Promise<string> } {
  const minConfidence = options.minConfidence ?? 0.1;
  return {
    async backend() {
      return (await loadFaceApi(options.baseUrl)).backend;
    },
    async detect(rgb, width, height) {
      return ssdFaceScores((await loadFaceApi(options.baseUrl)).faceapi, rgb, width, height, minConfidence);
    },
  };
}
