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
import type * as FaceApi from '@vladmandic/face-api';
import type { FaceDetector } from '../core/deface/types.ts';

type FaceApiModule = typeof FaceApi;
/** face-api's own typings carry only part of tfjs; the backend and weight calls are typed from tfjs itself (the same module instance at run time). */
type Tfjs = typeof import('@tensorflow/tfjs');
export type NodeFaceBackend = 'wasm' | 'cpu';

const require = createRequire(import.meta.url);
const MODEL = 'ssd_mobilenetv1_model';

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
    const manifest = JSON.parse(await readFile(join(modelDir, `${MODEL}-weights_manifest.json`), 'utf8')) as { paths: string[]; weights: Parameters<Tfjs['io']['decodeWeights']>[1] }[];
    // The manifest lists its shard files in order; their concatenation is the weight buffer.
    const shards = await Promise.all(manifest.flatMap((group) => group.paths).map((path) => readFile(join(modelDir, path))));
    const weights = Buffer.concat(shards);
    const weightMap = tf.io.decodeWeights(
      weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      manifest.flatMap((group) => group.weights),
    );
    faceapi.nets.ssdMobilenetv1.loadFromWeightMap(weightMap as unknown as Parameters<typeof faceapi.nets.ssdMobilenetv1.loadFromWeightMap>[0]);
    return faceapi;
  })();
  loading.catch(() => {
    loading = undefined;
    loadedBackend = undefined;
  });
  return loading;
}

/**
 * A FaceDetector for Node. minConfidence is the detector's own floor (candidates below it are not
 * reported at all); the face check applies its own, higher, calibrated threshold to the scores.
 */
export function createNodeFaceDetector(options: { minConfidence?: number; backend?: NodeFaceBackend } = {}): FaceDetector {
  const minConfidence = options.minConfidence ?? 0.1;
  const backend = options.backend ?? 'wasm';
  return {
    async detect(rgb, width, height) {
      if (rgb.length !== width * height * 3) throw new Error(`face detector: ${rgb.length} bytes is not a ${width}×${height} RGB image`);
      const faceapi = await loadFaceApi(backend);
      const image = faceapi.tf.tensor3d(rgb, [height, width, 3], 'int32');
      try {
        // locateFaces, not detectAllFaces: the latter's task is a thenable that drops rejections,
        // so an error inside it would leave the check waiting forever.
        const faces = await faceapi.nets.ssdMobilenetv1.locateFaces(image, new faceapi.SsdMobilenetv1Options({ minConfidence }));
        return faces.map((face) => face.score);
      } finally {
        image.dispose();
      }
    },
  };
}
