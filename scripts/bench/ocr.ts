/**
 * Burned-in text detection speed, with the same engine the CLI's --ocr uses (tesseract.js in
 * Node worker threads, local language data):
 *
 *   1. seconds per image: detection of one image at a time (latency), median over the
 *      burned-in fixtures (../shared/fixtures/dicom/burned-in) and, separately, a 512² CT slice;
 *      the same fixtures as one batch through the two-recogniser pool (throughput);
 *   2. a 300-slice CT series (scripts/bench/make-ct-series.ts) with sampling: total time, and how
 *      many slices were actually read.
 *
 *   npx tsx scripts/bench/ocr.ts [--runs N]
 *
 * Writes `.bench/results-ocr.json`. A warm-up pass starts the recognisers first, so start-up
 * (~0.3 s once per recogniser) is not in the per-image figures. Target: ≤ 0.3 s per
 * ultrasound-sized image on the 2-core reference machine.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createNodeOcrEngine } from '../../src/cli/ocr-node.ts';
import { detectAndPlan, type OcrInput } from '../../src/core/detect/pipeline.ts';
import { BENCH_DIR, ROOT, makeCtSeries } from './make-ct-series.ts';
import { useNodeCodecs } from '../../src/cli/codec-loader.ts';

// Core has no codec loader of its own: the benchmark runs in Node, as the CLI does.
useNodeCodecs();

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Math.max(1, Number(args[runsAt + 1]) || 1) : 3;

const fixtures = process.env.VEIL_FIXTURES ?? path.resolve(ROOT, '..', 'shared', 'fixtures', 'dicom');
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const now = (): number => performance.now() / 1000;
const load = (file: string): OcrInput => ({ path: file, bytes: new Uint8Array(readFileSync(file)) });

async function main(): Promise<void> {
  const engine = createNodeOcrEngine({ workers: 2 });
  try {
    const burnedDir = path.join(fixtures, 'burned-in');
    const burned = readdirSync(burnedDir).filter((f) => f.endsWith('.dcm')).sort().map((f) => load(path.join(burnedDir, f)));
    const ct = load(path.join(fixtures, 'transfer-syntax', 'CTImage_explicit_vr_le.dcm'));

    // Warm-up: both recognisers started, codecs loaded.
    await Promise.all([detectAndPlan(engine, [burned[0]]), detectAndPlan(engine, [ct])]);

    const perImage = new Map<string, number[]>();
    for (let r = 0; r < runs; r++) {
      for (const input of [...burned, ct]) {
        const t = now();
        await detectAndPlan(engine, [input]);
        const list = perImage.get(input.path) ?? [];
        list.push(now() - t);
        perImage.set(input.path, list);
      }
    }
    const batch: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t = now();
      await Promise.all(burned.map((b) => detectAndPlan(engine, [b])));
      batch.push(now() - t);
    }

    const series = makeCtSeries(300, { log: (l) => console.error(l) });
    const slices = series.files.map(load);
    const seriesTimes: number[] = [];
    let read = 0;
    for (let r = 0; r < runs; r++) {
      const t = now();
      const result = await detectAndPlan(engine, slices);
      seriesTimes.push(now() - t);
      read = result.instances.length;
    }

    const rows = [...perImage].map(([file, times]) => ({ file: path.basename(file), seconds: median(times) }));
    const fixtureRows = rows.filter((r) => r.file !== path.basename(ct.path));
    const usRows = fixtureRows.filter((r) => r.file.startsWith('US'));
    const result = {
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`,
      runs,
      perImage: rows,
      medianSecondsPerImage: {
        burnedInFixtures: median(fixtureRows.map((r) => r.seconds)),
        ultrasoundFixtures: median(usRows.map((r) => r.seconds)),
        ct512: median(perImage.get(ct.path)!),
      },
      batchThroughput: { images: burned.length, seconds: median(batch), secondsPerImage: median(batch) / burned.length },
      ctSeries300: { slices: slices.length, slicesRead: read, seconds: median(seriesTimes) },
    };
    mkdirSync(BENCH_DIR, { recursive: true });
    writeFileSync(path.join(BENCH_DIR, 'results-ocr.json'), `${JSON.stringify(result, null, 2)}\n`);
    const f = (s: number): string => `${s.toFixed(3)} s`;
    console.log(`OCR detection bench (${result.machine}, median of ${runs} run(s))`);
    for (const r of rows) console.log(`  ${r.file.padEnd(46)} ${f(r.seconds)}`);
    console.log(`seconds per image, median: burned-in fixtures ${f(result.medianSecondsPerImage.burnedInFixtures)}, ultrasound fixtures ${f(result.medianSecondsPerImage.ultrasoundFixtures)}, 512² CT ${f(result.medianSecondsPerImage.ct512)}`);
    console.log(`batch of ${burned.length} fixtures through the 2-recogniser pool: ${f(result.batchThroughput.seconds)} (${f(result.batchThroughput.secondsPerImage)} per image)`);
    console.log(`300-slice CT series with sampling: ${f(result.ctSeries300.seconds)} total, ${read} slices read`);
  } finally {
    await engine.terminate();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
