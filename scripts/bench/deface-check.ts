/**
 * Face-check benchmark (Node): time of the automatic face check per fixture head — framing, and
 * for each of the five views the skin render and the detector (face-api SSD MobileNet v1 on the
 * TensorFlow.js wasm backend) — plus the detector's one-off start-up. CPU time is printed beside
 * wall time because the machine is shared.
 *   npx tsx scripts/bench/deface-check.ts
 */
import { useNodeCodecs } from '../../src/cli/codec-loader.ts';
import { createNodeFaceDetector } from '../../src/cli/face-detector-node.ts';
import { FACE_CHECK_VIEWS, FACE_SCORE_THRESHOLD } from '../../src/core/deface/face-check.ts';
import { faceFraming, renderSkin } from '../../src/core/deface/render.ts';
import { volumeFromSeries } from '../../src/core/deface/volume.ts';
import { readSeries } from '../../tests/deface/helpers.ts';

useNodeCodecs();
const detector = createNodeFaceDetector();

/** Wall and CPU milliseconds of `run`. */
async function timed<T>(run: () => Promise<T> | T): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await run();
  const used = process.cpuUsage(cpu);
  return { value, wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}
const ms = (t: { wallMs: number; cpuMs: number }): string => `${t.wallMs.toFixed(0)} ms (cpu ${t.cpuMs.toFixed(0)})`;

const startup = await timed(() => detector.detect(new Uint8Array(64 * 64 * 3), 64, 64));
console.log(`face check: detector start-up (tfjs wasm + model from the package) ${ms(startup)}`);
for (const head of ['ct-cranium', 'mr-colin27']) {
  const read = await volumeFromSeries(readSeries(head));
  if ('refused' in read) throw new Error(read.refused);
  const volume = read;
  const total = await timed(async () => {
    const framing = await timed(() => faceFraming(volume));
    const views: string[] = [];
    for (const view of FACE_CHECK_VIEWS) {
      const image = await timed(() => renderSkin(volume, view, framing.value));
      const found = await timed(() => detector.detect(image.value.rgb, image.value.width, image.value.height));
      const score = Math.max(0, ...found.value);
      views.push(`${view.yawDeg}/${view.pitchDeg}: render ${ms(image)}, detect ${ms(found)}, score ${score.toFixed(2)}${score >= FACE_SCORE_THRESHOLD ? '' : ' (NO FACE)'}`);
    }
    return { framing, views };
  });
  console.log(`face check ${head} (${volume.dims.join('×')}): ${ms(total)} in all; framing ${ms(total.value.framing)}`);
  for (const line of total.value.views) console.log(`  ${line}`);
}
