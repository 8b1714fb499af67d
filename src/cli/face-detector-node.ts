/**
 * The face check's detector in Node (CLI, tests, bench): @vladmandic/face-api's SSD MobileNet v1
 * face detector on TensorFlow.js. The model weights are read from the installed package's
 * model/ folder and decoded in memory: nothing is downloaded, ever.
 *
 * Why this build: face-api.node-wasm.js is the CommonJS build that needs only the pure-JS
 * @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm (no native tfjs-node binary); its ESM builds
 * do not run in plain Node (one stubs 'util', the other imports tfjs's extensionless ESM paths).
 * It is loaded with require() at the first call, so a CLI run without --deface never pays for
 * TensorFlow's start-up. The CLI bundle keeps these packages external for the same reason and
 * because the wasm backend finds its .wasm files next to its own module in node_modules.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FaceDetector } from '../core/deface/types.ts';
import { SSD_MANIFEST_FILE, loadSsdWeights, shardPaths, ssdFaceScores, type FaceApiModule, type WeightsManifest } from '../workers/face-api-ssd.ts';

/** face-api's own typings carry only part of tfjs; the backend calls are typed from tfjs itself (the same module instance at run time). */
type Tfjs = typeof import('@tensorflow/tfjs');
export type NodeFaceBackend = 'wasm' | 'cpu';

const require = createRequire(import.meta.url);

let loading: Promise<FaceApiModule> | undefined;
let loadedBackend: NodeFaceBackend | undefined;

/** Loads face-api with the backend, and the SSD MobileNet v1 weights from the package, once per process. */
function loadFaceApi(backend: NodeFaceBackend): Promise<FaceApiModule> {
  if (loading) {
    if (loadedBackend !== backend) throw new Error(`face detector: already loaded with the ${loadedBackend} backend`);
    return loading;
  }
  loadedBackend = backend;
  loading = (async () => {
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiModule;
    const tf = faceapi.tf as unknown as Tfjs;
    if (!(await tf.setBackend(backend))) throw new Error(`face detector: the TensorFlow.js ${backend} backend did not start`);
    await tf.ready();
    const modelDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
    const manifest = JSON.parse(await readFile(join(modelDir, SSD_MANIFEST_FILE), 'utf8')) as WeightsManifest;
    const shards = await Promise.all(shardPaths(manifest).map((path) => readFile(join(modelDir, path))));
    loadSsdWeights(faceapi, manifest, shards);
    return faceapi;
  })();
  loading.catch(() => {
    loading = undefined;
    loadedBackend = undefined;
  });
  return loading;
}

/** A FaceDetector for Node; minConfidence is the detector's own floor (see ssdFaceScores). */
export function createNodeFaceDetector(options: { minConfidence?: number; backend?: NodeFaceBackend } = {}): FaceDetector {
  const minConfidence = options.minConfidence ?? 0.1;
  const backend = options.backend ?? 'wasm';
  return {
    async detect(rgb, width, height) {
      return ssdFaceScores(await loadFaceApi(backend), rgb, width, height, minConfidence);
    },
  };
}
