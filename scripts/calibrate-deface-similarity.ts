/**
 * Calibration of the defacing similarity floor (registration.ts, SIMILARITY_FLOOR): registers each
 * fixture head, then scores the right alignment and deliberately wrong ones (shifted, turned,
 * upside down, from the right one) with the same similarity registration uses. The floor must sit
 * between the best wrong score and the worst right one, for every modality.
 *   npx tsx scripts/calibrate-deface-similarity.ts [window|t1]   (how CT reaches the registration)
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { readPart10 } from '../src/core/dicom/reader.ts';
import { about, multiply, rotation, translation, type Mat4 } from '../src/core/deface/affine.ts';
import { registerToTemplate, registrationValues, setCtContrast, SIMILARITY_FLOOR, type CtContrast } from '../src/core/deface/registration.ts';
import { headSamples, similarity } from '../src/core/deface/similarity.ts';
import { loadTemplate } from '../src/core/deface/template.ts';
import { volumeFromSeries } from '../src/core/deface/volume.ts';
import { nodeRegistrar } from '../src/cli/elastix-node.ts';
import { useNodeCodecs } from '../src/cli/codec-loader.ts';

useNodeCodecs();
const contrast = (process.argv[2] ?? 't1') as CtContrast;
setCtContrast(contrast);
const heads = resolve(import.meta.dirname, '..', '..', 'shared', 'fixtures', 'heads');
/** Roughly the middle of the template head (LPS mm): wrong alignments turn about it. */
const CENTRE = [0, -15, 10];
const WRONG: [string, Mat4][] = [
  ['shifted 10 mm forward', translation([0, -10, 0])],
  ['shifted 10 mm up', translation([0, 0, 10])],
  ['shifted 10 mm sideways', translation([10, 0, 0])],
  ['shifted 20 mm forward', translation([0, -20, 0])],
  ['shifted 40 mm up', translation([0, 0, 40])],
  ['shifted 40 mm sideways', translation([40, 0, 0])],
  ['pitched 30°', about(CENTRE, rotation(0, 30))],
  ['pitched −30°', about(CENTRE, rotation(0, -30))],
  ['turned 90°', about(CENTRE, rotation(2, 90))],
  ['turned 180°', about(CENTRE, rotation(2, 180))],
  ['upside down', about(CENTRE, rotation(0, 180))],
  ['rolled 90°', about(CENTRE, rotation(1, 90))],
];

const t = loadTemplate();
const samples = headSamples(t);
for (const folder of ['ct-cranium', 'mr-colin27']) {
  const dir = resolve(heads, folder);
  const series = readdirSync(dir).filter((f) => f.endsWith('.dcm')).map((f) => {
    const parsed = readPart10(new Uint8Array(readFileSync(resolve(dir, f))));
    return { path: f, dataset: parsed.dataset, transferSyntaxUID: parsed.transferSyntaxUID };
  });
  const volume = await volumeFromSeries(series);
  if ('refused' in volume) throw new Error(volume.refused);
  const reg = await registerToTemplate(volume, nodeRegistrar());
  if ('refused' in reg) throw new Error(reg.refused);
  const { grid, range } = registrationValues(volume);
  const scores = WRONG.map(([label, w]) => [label, similarity(t, samples, grid, range, multiply(reg.templateToPatient, w)).nmi] as const);
  const worst = scores.reduce((a, b) => (b[1] > a[1] ? b : a));
  console.log(`${folder} (CT as ${contrast}): right ${reg.similarity.toFixed(3)}; best wrong ${worst[1].toFixed(3)} (${worst[0]}); floor ${SIMILARITY_FLOOR}`);
  console.log(`  ${scores.map(([l, s]) => `${l} ${s.toFixed(3)}`).join(', ')}`);
}
