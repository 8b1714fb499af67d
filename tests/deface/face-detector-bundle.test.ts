/**
 * The Node face detector from an esbuild bundle built like the CLI's (scripts/build-cli.mjs:
 * ESM, platform node, the createRequire banner): face-api and tfjs must stay out of the bundle
 * (they are required lazily from node_modules, where the wasm backend finds its .wasm files), and
 * the bundled detector must still find the face on a render of the CT fixture head.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, expect, it } from 'vitest';
import { useNodeCodecs } from '../../src/cli/codec-loader.ts';
import { FACE_SCORE_THRESHOLD } from '../../src/core/deface/face-check.ts';
import { faceFraming, renderSkin } from '../../src/core/deface/render.ts';
import { volumeFromSeries } from '../../src/core/deface/volume.ts';
import { repoRoot } from '../helpers/fixtures.ts';
import { readSeries } from './helpers.ts';

const outDir = join(repoRoot, 'dist-cli', `face-detector-probe-${process.pid}`);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

it('works from a CLI-style bundle that keeps face-api and tfjs in node_modules', async () => {
  mkdirSync(outDir, { recursive: true });
  const entry = join(outDir, 'probe-entry.ts');
  writeFileSync(
    entry,
    `import { readFileSync } from 'node:fs';
import { createNodeFaceDetector } from ${JSON.stringify(join(repoRoot, 'src/cli/face-detector-node.ts'))};
const [file, width, height] = process.argv.slice(2);
const scores = await createNodeFaceDetector().detect(new Uint8Array(readFileSync(file)), Number(width), Number(height));
console.log(JSON.stringify(scores));
`,
  );
  const bundle = join(outDir, 'probe.mjs');
  await build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __veilCreateRequire } from 'node:module'; const require = __veilCreateRequire(import.meta.url);" },
  });
  // face-api.node-wasm.js alone is ~200 kB and tfjs several MB: neither may be inlined.
  expect(statSync(bundle).size).toBeLessThan(20_000);

  useNodeCodecs();
  const volume = await volumeFromSeries(readSeries('ct-cranium'));
  if ('refused' in volume) throw new Error(volume.refused);
  const image = renderSkin(volume, { yawDeg: 0, pitchDeg: 0 }, faceFraming(volume));
  const rgbFile = join(outDir, 'front.rgb');
  writeFileSync(rgbFile, image.rgb);
  // Run from another directory, as `npx veil` may be.
  const output = execFileSync(process.execPath, [bundle, rgbFile, String(image.width), String(image.height)], { cwd: '/', encoding: 'utf8' });
  const scores = JSON.parse(output.trim().split('\n').pop()!) as number[];
  expect(Math.max(0, ...scores)).toBeGreaterThanOrEqual(FACE_SCORE_THRESHOLD);
  expect(readFileSync(bundle, 'utf8')).not.toContain('tfjs-core');
}, 180_000);
