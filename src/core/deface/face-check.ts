/**
 * The automatic face check: render a head's skin surface from the front and from either side and
 * above and below, and ask a face detector whether it sees a face. A defaced head must show none;
 * an original head must show one in every view, or the check proves nothing (the tests hold it to
 * that on the fixture heads).
 *
 * The detector is supplied by the host (face-api on TensorFlow.js loads differently in Node and in
 * a browser worker); everything here is DOM- and Node-free.
 */
import { displayParams } from '../pixels/display.ts';
import { faceFraming, renderSkin, type RenderView, type SkinFraming } from './render.ts';
import type { DefaceOutcome, FaceCheckOutcome, FaceCheckView, FaceDetector, SeriesInstance, Volume } from './types.ts';

/** Front, ±30° yaw, ±15° pitch: the views of issue 11, where recognition from renders works best. */
export const FACE_CHECK_VIEWS: readonly RenderView[] = [
  { yawDeg: 0, pitchDeg: 0 },
  { yawDeg: 30, pitchDeg: 0 },
  { yawDeg: -30, pitchDeg: 0 },
  { yawDeg: 0, pitchDeg: 15 },
  { yawDeg: 0, pitchDeg: -15 },
];

/**
 * A view whose best detection scores at least this counts as showing a face. Calibrated on the
 * fixture heads with SSD MobileNet v1 (see README, "Defacing: the automatic face check"): every
 * original view scored 0.7 or more, every defaced view 0.3 or less; 0.5 keeps a margin both ways.
 */
export const FACE_SCORE_THRESHOLD = 0.5;

/** Image size handed to the detector: SSD MobileNet v1 works at 512², a face of ~120 px is well inside its range. */
export const FACE_CHECK_IMAGE_SIZE = 256;

export interface FaceCheckOptions {
  views?: readonly RenderView[];
  threshold?: number;
  /**
   * Where to look. For a defaced head pass the framing of its ORIGINAL (faceFraming(original)), so
   * the check looks where the face was rather than at whatever is now most anterior.
   */
  framing?: SkinFraming;
  size?: number;
  /** Called after each view, with the fraction done. */
  onProgress?: (fraction: number) => void;
}

export async function checkFace(volume: Volume, detector: FaceDetector, options: FaceCheckOptions = {}): Promise<FaceCheckOutcome> {
  const views = options.views ?? FACE_CHECK_VIEWS;
  const threshold = options.threshold ?? FACE_SCORE_THRESHOLD;
  const size = options.size ?? FACE_CHECK_IMAGE_SIZE;
  const framing = options.framing ?? faceFraming(volume);
  const results: FaceCheckView[] = [];
  for (const view of views) {
    const image = renderSkin(volume, view, framing, size);
    const scores = await detector.detect(image.rgb, image.width, image.height);
    results.push({ yawDeg: view.yawDeg, pitchDeg: view.pitchDeg, score: scores.length > 0 ? Math.max(...scores) : 0 });
    options.onProgress?.(results.length / views.length);
  }
  return { faceFound: results.some((view) => view.score >= threshold), views: results };
}

/**
 * Checks a defaced head: the defaced values on the original's grid, framed where the original's
 * face is. `defacedData` is the whole volume after defacing (any mode: removed, blurred, soft).
 */
export function checkDefacedFace(original: Volume, defacedData: Float32Array, detector: FaceDetector, options: Omit<FaceCheckOptions, 'framing'> = {}): Promise<FaceCheckOutcome> {
  if (defacedData.length !== original.data.length) throw new Error(`face check: the defaced data has ${defacedData.length} voxels, the volume ${original.data.length}`);
  return checkFace({ ...original, data: defacedData }, detector, { ...options, framing: faceFraming(original) });
}

/**
 * The volume as it will be written: the original volume with the outcome's FramePatches (new
 * stored values) applied through each instance's rescale. Checking this, rather than the region
 * in the abstract, checks exactly the pixels that leave.
 */
export function defacedVolumeData(outcome: DefaceOutcome, instances: readonly SeriesInstance[]): Float32Array {
  const volume = outcome.volume;
  if (!volume) throw new Error('face check: the deface outcome carries no volume');
  const data = volume.data.slice();
  const datasets = new Map(instances.map((instance) => [instance.path, instance.dataset]));
  const perSlice = volume.dims[0] * volume.dims[1];
  volume.slices.forEach((slice, k) => {
    const patch = outcome.patches.get(slice.path)?.find((p) => p.frame === slice.frame);
    if (!patch) return;
    const dataset = datasets.get(slice.path);
    if (!dataset) throw new Error(`face check: no instance ${slice.path} for the patch of slice ${k}`);
    const { rescaleSlope, rescaleIntercept } = displayParams(dataset);
    for (let n = 0; n < patch.indices.length; n++) data[k * perSlice + patch.indices[n]] = patch.storedValues[n] * rescaleSlope + rescaleIntercept;
  });
  return data;
}

/** Checks a defaced series as it will be written, framed where its original face is. */
export function checkDefaceOutcome(outcome: DefaceOutcome, instances: readonly SeriesInstance[], detector: FaceDetector, options: Omit<FaceCheckOptions, 'framing'> = {}): Promise<FaceCheckOutcome> {
  if (!outcome.volume) throw new Error('face check: the deface outcome carries no volume');
  return checkDefacedFace(outcome.volume, defacedVolumeData(outcome, instances), detector, options);
}
