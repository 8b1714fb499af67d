/**
 * The host-free half of the face check's detector, shared by the Node detector
 * (src/cli/face-detector-node.ts) and the browser one (./face-detector-browser.ts): loading the
 * SSD MobileNet v1 weights into face-api once their bytes are in hand, and scoring faces in an RGB
 * image. How face-api, its TensorFlow.js backend and the weight files are loaded differs per host
 * and stays in each adapter. Not in src/core: face-api's typings pull in the DOM's.
 */
import type * as FaceApi from '@vladmandic/face-api';

export type FaceApiModule = typeof FaceApi;
/** face-api's own typings carry only part of tfjs; the weight calls are typed from tfjs itself (the same module instance at run time). */
type Tfjs = typeof import('@tensorflow/tfjs');

/** The SSD MobileNet v1 model's file stem in face-api's model/ folder (and in dist/face-api/). */
export const SSD_MODEL = 'ssd_mobilenetv1_model';
export const SSD_MANIFEST_FILE = `${SSD_MODEL}-weights_manifest.json`;

/** tfjs's weights manifest: groups of shard files and the tensors packed into them. */
export type WeightsManifest = { paths: string[]; weights: Parameters<Tfjs['io']['decodeWeights']>[1] }[];

/** The manifest's shard files in the order it lists them: their concatenation is the weight buffer. */
export const shardPaths = (manifest: WeightsManifest): string[] => manifest.flatMap((group) => group.paths);

/** Decodes the shards (in shardPaths order) and loads them into face-api's SSD MobileNet v1 net. */
export function loadSsdWeights(faceapi: FaceApiModule, manifest: WeightsManifest, shards: readonly Uint8Array[]): void {
  const weights = new Uint8Array(shards.reduce((sum, shard) => sum + shard.length, 0));
  let offset = 0;
  for (const shard of shards) {
    weights.set(shard, offset);
    offset += shard.length;
  }
  const tf = faceapi.tf as unknown as Tfjs;
  const weightMap = tf.io.decodeWeights(weights.buffer, manifest.flatMap((group) => group.weights));
  faceapi.nets.ssdMobilenetv1.loadFromWeightMap(weightMap as unknown as Parameters<typeof faceapi.nets.ssdMobilenetv1.loadFromWeightMap>[0]);
}

/**
 * The scores of the faces the SSD finds in an RGB image (3 bytes a pixel, rows top to bottom).
 * minConfidence is the detector's own floor (candidates below it are not reported at all); the
 * face check applies its own, higher, calibrated threshold to the scores.
 */
export async function ssdFaceScores(faceapi: FaceApiModule, rgb: Uint8Array, width: number, height: number, minConfidence: number): Promise<number[]> {
  if (rgb.length !== width * height * 3) throw new Error(`face detector: ${rgb.length} bytes is not a ${width}×${height} RGB image`);
  const image = faceapi.tf.tensor3d(rgb, [height, width, 3], 'int32');
  try {
    // locateFaces, not detectAllFaces: the latter's task is a thenable that drops rejections,
    // so an error inside it would leave the check waiting forever.
    const faces = await faceapi.nets.ssdMobilenetv1.locateFaces(image, new faceapi.SsdMobilenetv1Options({ minConfidence }));
    return faces.map((face) => face.score);
  } finally {
    image.dispose();
  }
}
