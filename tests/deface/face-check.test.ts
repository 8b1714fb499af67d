/**
 * The automatic face check on the fixture heads (../shared/fixtures/heads): the detector must see a
 * face in EVERY view of each original head — otherwise a "no face" on a defaced head proves
 * nothing — and none once the face is gone.
 *
 * Until deface-engine's defaceSeries lands, "gone" is a crude test-only cut: everything anterior
 * to a coronal plane behind the eyes is set to air. The real defaced test (remove, blur, soft, on
 * the engine's output) follows when the engine is merged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeFaceDetector } from '../../src/cli/face-detector-node.ts';
import { FACE_CHECK_VIEWS, FACE_SCORE_THRESHOLD, checkDefacedFace, checkFace } from '../../src/core/deface/face-check.ts';
import { faceFraming, indexToPatientPoint } from '../../src/core/deface/render.ts';
import type { FaceCheckOutcome, Volume } from '../../src/core/deface/types.ts';
import { loadHeadSeries } from '../helpers/head-volume.ts';

const detector = createNodeFaceDetector();
const HEADS = ['mr-colin27', 'ct-cranium'] as const;
const scores = (outcome: FaceCheckOutcome): string => outcome.views.map((v) => `${v.yawDeg}/${v.pitchDeg}: ${v.score.toFixed(2)}`).join(', ');

/**
 * Air everywhere anterior to a coronal plane 60 mm behind the nose tip (the globe is ~25 mm deep
 * and sits ~20 mm behind the nose tip): eyes, nose, lips and forehead go, the rest stays.
 */
function cutFaceOff(volume: Volume): Float32Array {
  const framing = faceFraming(volume);
  // faceFraming centres 40 mm behind the nose tip.
  const cutY = framing.centre[1] + 20;
  const air = volume.modality === 'CT' ? -1024 : 0;
  const data = volume.data.slice();
  const [nx, ny, nz] = volume.dims;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        if (indexToPatientPoint(volume, i, j, k)[1] < cutY) data[i + nx * (j + ny * k)] = air;
      }
    }
  }
  return data;
}

describe.each(HEADS)('face check on %s', (head) => {
  let volume: Volume;
  beforeAll(() => {
    volume = loadHeadSeries(head);
  });

  it('finds a face in every view of the original head', async () => {
    const outcome = await checkFace(volume, detector);
    console.log(`${head} original: ${scores(outcome)}`);
    expect(outcome.views.map((v) => [v.yawDeg, v.pitchDeg])).toEqual(FACE_CHECK_VIEWS.map((v) => [v.yawDeg, v.pitchDeg]));
    for (const view of outcome.views) expect(view.score, `${head} ${view.yawDeg}/${view.pitchDeg}`).toBeGreaterThanOrEqual(FACE_SCORE_THRESHOLD);
    expect(outcome.faceFound).toBe(true);
  }, 180_000);

  it('finds no face once everything in front of the eyes is cut away', async () => {
    const outcome = await checkDefacedFace(volume, cutFaceOff(volume), detector);
    console.log(`${head} cut: ${scores(outcome)}`);
    for (const view of outcome.views) expect(view.score, `${head} ${view.yawDeg}/${view.pitchDeg}`).toBeLessThan(FACE_SCORE_THRESHOLD);
    expect(outcome.faceFound).toBe(false);
  }, 180_000);
});
