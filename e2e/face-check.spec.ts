/**
 * The face check's browser detector (src/workers/face-detector-browser.ts) in Chromium, inside a
 * module worker, under the app's Content-Security-Policy, with its model and tfjs wasm taken from
 * the BUILT site (dist/face-api/, emitted by scripts/vite-plugin-face-api-assets.ts).
 *
 * The app's deface screen is wired by the deface-ui work; until then this spec serves a copy of
 * dist/ plus a test-only harness page (e2e/harness/face-check-page.ts) that starts the real
 * face-check worker, bundled here with esbuild. Images are rendered in Node from the CT fixture
 * head by the same core renderer, and must score as the Node detector scores them; then the
 * worker runs the whole check (render + detect, five views) on the CT volume itself.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { build } from 'esbuild';
import { createNodeFaceDetector } from '../src/cli/face-detector-node.ts';
import { FACE_SCORE_THRESHOLD } from '../src/core/deface/face-check.ts';
import { faceFraming, renderSkin } from '../src/core/deface/render.ts';
import { useNodeCodecs } from '../src/cli/codec-loader.ts';
import { volumeFromSeries } from '../src/core/deface/volume.ts';
import { readSeries } from '../tests/deface/helpers.ts';
import { collectProblems, foreignRequests, recordRequests } from './helpers/session.ts';
import { startStaticServer, type StaticServer } from './helpers/static-server.ts';

const repo = resolve(import.meta.dirname, '..');
const dist = join(repo, 'dist');
let site: string;
let server: StaticServer;

test.beforeAll(async () => {
  site = mkdtempSync(join(tmpdir(), 'veil-face-check-'));
  // The built site as is (linked, not copied), plus the harness page and worker.
  for (const name of readdirSync(dist)) if (name !== 'assets') symlinkSync(join(dist, name), join(site, name));
  const assets = join(site, 'assets');
  // assets/ must be a real folder so the harness worker can sit in it (its base URL is one level up).
  await build({
    entryPoints: { 'face-check-harness.worker': join(repo, 'src/workers/face-check.worker.ts') },
    outdir: assets,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
  });
  for (const name of readdirSync(join(dist, 'assets'))) symlinkSync(join(dist, 'assets', name), join(assets, name));
  await build({ entryPoints: [join(repo, 'e2e/harness/face-check-page.ts')], outfile: join(site, 'face-check-harness.js'), bundle: true, format: 'esm', platform: 'browser', logLevel: 'warning' });
  const csp = /<meta\s+http-equiv="Content-Security-Policy"\s+content="[^"]*"\s*\/?>/.exec(readFileSync(join(dist, 'index.html'), 'utf8'))![0];
  writeFileSync(join(site, 'face-check-harness.html'), `<!doctype html><html><head><meta charset="utf-8">${csp}<link rel="icon" href="data:,"><script type="module" src="./face-check-harness.js"></script></head><body></body></html>`);
  server = await startStaticServer({ root: site, mount: '/veil/sub' });
});

test.afterAll(async () => {
  await server?.close();
  if (site) rmSync(site, { recursive: true, force: true });
});

test('the browser face detector runs in a worker from the app origin, scores renders as Node does, and checks a whole head', async ({ page, context }) => {
  const requests = recordRequests(context);
  const problems = collectProblems(page);
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });

  // The CT head from the front, whole and with everything in front of the eyes crudely cut away
  // (air): this spec is about the detector in the browser, the defacing itself is tested in Node.
  useNodeCodecs();
  const read = await volumeFromSeries(readSeries('ct-cranium'));
  if ('refused' in read) throw new Error(read.refused);
  const volume = read;
  const framing = faceFraming(volume);
  const face = renderSkin(volume, { yawDeg: 0, pitchDeg: 0 }, framing);
  const cutData = volume.data.map((value, n) => {
    const [nx, ny] = volume.dims;
    const j = Math.floor(n / nx) % ny;
    // Axial fixture, rows toward posterior: patient y = origin y + j × spacing.
    const y = volume.indexToPatient[7] + volume.indexToPatient[5] * j;
    return y < framing.centre[1] + 20 ? -1024 : value;
  });
  const noFace = renderSkin({ ...volume, data: cutData }, { yawDeg: 0, pitchDeg: 0 }, framing);
  // The whole volume too, for the worker's full check (served as raw float32 beside the harness).
  writeFileSync(join(site, 'ct-cranium.f32'), new Uint8Array(volume.data.buffer, volume.data.byteOffset, volume.data.byteLength));
  const nodeDetector = createNodeFaceDetector();
  const nodeFace = Math.max(0, ...(await nodeDetector.detect(face.rgb, face.width, face.height)));

  await page.goto(`${server.url}/veil/sub/face-check-harness.html`);
  await page.waitForFunction(() => 'faceCheck' in window);
  const result = await page.evaluate(
    async ({ face, noFace, size }) => {
      type Api = { backend(): Promise<string>; detect(rgb: Uint8Array, w: number, h: number): Promise<number[]> };
      const api = (window as unknown as { faceCheck: Api }).faceCheck;
      const backend = await api.backend();
      const faceScores = await api.detect(new Uint8Array(face), size, size);
      const noFaceScores = await api.detect(new Uint8Array(noFace), size, size);
      return { backend, faceScores, noFaceScores };
    },
    { face: [...face.rgb], noFace: [...noFace.rgb], size: face.width },
  );
  // The full check inside the worker: five views rendered there and scored.
  const fullCheck = await page.evaluate(
    async ({ dims, indexToPatient, modality }) => {
      type Api = { check(volume: unknown): Promise<{ faceFound: boolean; views: { yawDeg: number; pitchDeg: number; score: number }[] }> };
      const api = (window as unknown as { faceCheck: Api }).faceCheck;
      const data = new Float32Array(await (await fetch('ct-cranium.f32')).arrayBuffer());
      return api.check({ dims, indexToPatient: new Float64Array(indexToPatient), data, modality, slices: [] });
    },
    { dims: volume.dims, indexToPatient: [...volume.indexToPatient], modality: volume.modality },
  );
  console.log(`Chromium full check: ${fullCheck.views.map((v) => `${v.yawDeg}/${v.pitchDeg}: ${v.score.toFixed(2)}`).join(', ')}`);
  expect(fullCheck.faceFound).toBe(true);
  expect(fullCheck.views).toHaveLength(5);
  for (const view of fullCheck.views) expect(view.score, `${view.yawDeg}/${view.pitchDeg}`).toBeGreaterThanOrEqual(FACE_SCORE_THRESHOLD);
  console.log(`Chromium (${result.backend}): face ${result.faceScores.map((s) => s.toFixed(2))}, no face ${result.noFaceScores.map((s) => s.toFixed(2))}; Node: face ${nodeFace.toFixed(2)}`);

  expect(result.backend).toBe('wasm');
  const browserFace = Math.max(0, ...result.faceScores);
  expect(browserFace).toBeGreaterThanOrEqual(FACE_SCORE_THRESHOLD);
  expect(Math.abs(browserFace - nodeFace)).toBeLessThan(0.05);
  expect(Math.max(0, ...result.noFaceScores)).toBeLessThan(FACE_SCORE_THRESHOLD);

  // The model and wasm came from the built site's face-api/ folder, and nothing from elsewhere.
  expect(server.log.filter((r) => r.url.includes('/face-api/')).map((r) => [r.url.replace(/.*\/face-api\//, ''), r.status])).toEqual(
    expect.arrayContaining([
      ['ssd_mobilenetv1_model-weights_manifest.json', 200],
      ['ssd_mobilenetv1_model.bin', 200],
    ]),
  );
  expect(server.log.some((r) => /\/face-api\/tfjs-backend-wasm(-simd)?\.wasm$/.test(r.url) && r.status === 200)).toBe(true);
  expect(foreignRequests(requests, server.url)).toEqual([]);
  expect(problems).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
});
