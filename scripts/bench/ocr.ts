/**
 * Burned-in text detection speed, with the same engine the CLI's --ocr uses (tesseract.js in
 * Node worker threads, local language data):
 *
 *   1. seconds per image: detection of one image at a time (latency), median over the
 *      burned-in fixtures (../shared/fixtures/dicom/burned-in) and, separately, a 512² CT slice;
 *      the same fixtures as one batch through the two-recogniser pool (throughput);
 *   2. a 300-slice CT series (scripts/bench/make-ct-series.ts) with sampling: total time, and how
 *      many slices were actually read;
 *   3. the recall harness (tests/ocr/measure.ts): every synthetic set of tests/ocr/burned-in-sets.ts
 *      and every burned-in fixture through detection, --ocr redaction and native Tesseract on the
 *      output — PHI recall, precision, identifiers readable after, seconds per frame read;
 *   4. time per 640×480 frame: the median over rounds of detecting each single-frame 640×480
 *      synthetic image, against native Tesseract (one sparse-text pass over the same frame, one
 *      thread) timed in the same rounds, so the figure can be compared across a shared machine
 *      as a ratio.
 *
 *   6. the free-text detector on OCR lines (scripts/bench/ocr-free-text.ts): its own time per
 *      frame, cold and from its memo, and the name tagger's one-off load.
 *
 *   5. CPU seconds (process.cpuUsage: this process and its recogniser threads, not native
 *      Tesseract's child process) beside wall seconds, for parts 1 and 4: the machine is shared,
 *      and CPU time moves far less with the load than wall time does.
 *
 *   npx tsx scripts/bench/ocr.ts [--runs N] [--quality-only] [--no-read-before] [--speed-only] [--compare DIR]
 *
 * --speed-only: only the time per 640×480 frame and per burned-in fixture (wall and CPU), no
 * series, no recall harness. --compare DIR: also time the detector of another checkout's src/
 * (e.g. `git archive <commit> src | tar -x -C /tmp/old`, then `--compare /tmp/old/src`) in the
 * same rounds, image by image alternating with this one: before/after figures on equal terms.
 *
 * Writes `.bench/results-ocr.json`. A warm-up pass starts the recognisers first, so start-up
 * (~0.3 s once per recogniser) is not in the per-image figures. Target: ≤ 0.3 s per
 * ultrasound-sized image on the 2-core reference machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createNodeOcrEngine } from '../../src/cli/ocr-node.ts';
import { detectAndPlan, type OcrInput } from '../../src/core/detect/pipeline.ts';
import { BENCH_DIR, ROOT, makeCtSeries } from './make-ct-series.ts';
import { measureOcrFreeText } from './ocr-free-text.ts';
import { useNodeCodecs } from '../../src/cli/codec-loader.ts';
import type { OcrEngine } from '../../src/core/detect/ocr-engine.ts';
import { encodePgm, toGray8 } from '../../src/core/detect/render.ts';
import { frameSource } from '../../src/core/detect/frames.ts';
import { readPart10 } from '../../src/core/dicom/reader.ts';
import { displayParams } from '../../src/core/pixels/display.ts';
import { syntheticSets } from '../../tests/ocr/burned-in-sets.ts';
import { FIXTURES } from '../../tests/ocr/fixture-expectations.ts';
import { formatSet, measureFixture, measureSynthetic, summarizeSet, type ImageScore, type SetSummary } from '../../tests/ocr/measure.ts';
import { makeSynthetic, type SyntheticImage } from '../../tests/ocr/synthetic-images.ts';
import { median } from './shared.ts';

// Core has no codec loader of its own: the benchmark runs in Node, as the CLI does.
useNodeCodecs();

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Math.max(1, Number(args[runsAt + 1]) || 1) : 3;
const qualityOnly = args.includes('--quality-only');
const speedOnly = args.includes('--speed-only');
const compareAt = args.indexOf('--compare');
const compareDir = compareAt >= 0 ? path.resolve(args[compareAt + 1]) : undefined;
/** Skip reading the ORIGINAL synthetic images with native Tesseract (their legibility does not change between runs). */
const readBefore = !args.includes('--no-read-before');

const fixtures = process.env.VEIL_FIXTURES ?? path.resolve(ROOT, '..', 'shared', 'fixtures', 'dicom');
const now = (): number => performance.now() / 1000;
/** Wall and CPU seconds of one call (CPU: every thread of this process, the recognisers' included). */
async function timed(run: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t = now();
  await run();
  const used = process.cpuUsage(cpu0);
  return { wall: now() - t, cpu: (used.user + used.system) / 1e6 };
}
type Detect = typeof detectAndPlan;
const load = (file: string): OcrInput => ({ path: file, bytes: new Uint8Array(readFileSync(file)) });

/** Every synthetic image of the sets, with the seeds the recall test uses. */
function syntheticImages(): { set: string; images: SyntheticImage[] }[] {
  return syntheticSets().map((set, s) => ({ set: set.name, images: set.specs.map((spec, i) => makeSynthetic(spec, 1000 + 100 * s + i)) }));
}

/** Seconds native Tesseract takes over one frame: one sparse-text pass, one thread, as the frame is. */
function nativeSeconds(bytes: Uint8Array, dir: string): Promise<number> {
  const parsed = readPart10(bytes);
  const source = frameSource(parsed.dataset, parsed.transferSyntaxUID);
  return source.frame(0).then((frame) => {
    const file = path.join(dir, 'frame.pgm');
    writeFileSync(file, encodePgm(toGray8(frame, displayParams(parsed.dataset))));
    const t = now();
    const r = spawnSync('tesseract', [file, 'stdout', '--psm', '11', '-l', 'eng'], { encoding: 'utf8', env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
    if (r.status !== 0) throw new Error(`native tesseract failed: ${r.stderr}`);
    return now() - t;
  });
}

interface QualityResult {
  sets: (SetSummary & { scores: ImageScore[] })[];
  frame640: {
    images: number;
    rounds: number;
    veilSeconds: number;
    veilCpuSeconds: number;
    veilMeanCpuSeconds: number;
    nativeSeconds: number;
    ratio: number;
    perRoundRatios: number[];
    /** The detector of --compare DIR, timed in the same rounds. */
    compared?: Timing & { dir: string };
  };
}

/** Parts 3 and 4: recall, precision, readable-after per set, and time per 640×480 frame. */
async function quality(engine: OcrEngine): Promise<QualityResult> {
  const sets: QualityResult['sets'] = [];
  const all = syntheticImages();
  for (const { set, images } of all) {
    const scores: ImageScore[] = [];
    for (const img of images) scores.push(await measureSynthetic(engine, img, { readBefore }));
    const summary = summarizeSet(set, scores);
    console.log(formatSet(summary, scores));
    sets.push({ ...summary, scores });
  }
  const fixtureScores: ImageScore[] = [];
  const burnedDir = path.join(fixtures, 'burned-in');
  for (const fx of FIXTURES) {
    const { identifiers: _ids, ...score } = await measureFixture(engine, burnedDir, fx);
    fixtureScores.push(score);
  }
  const fixtureSummary = summarizeSet('fixtures', fixtureScores);
  console.log(formatSet(fixtureSummary, fixtureScores));
  sets.push({ ...fixtureSummary, scores: fixtureScores });

  // Time per 640×480 frame: Veil's detection and native Tesseract, alternating, in rounds.
  const frames = all.flatMap((s) => s.images).filter((img) => img.spec.width === 640 && img.spec.height === 480 && (img.spec.frames ?? 1) === 1);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'veil-bench-ocr-'));
  try {
    return { sets, frame640: await frameTimes(engine, frames, dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Medians over rounds of the per-image medians: wall and CPU seconds. */
interface Timing { wallSeconds: number; cpuSeconds: number; meanCpuSeconds: number }
type Frame640 = QualityResult['frame640'];

/** Rounds over images: [compared detector,] this detector, native Tesseract — alternating image by image. */
async function frameTimes(engine: OcrEngine, frames: SyntheticImage[], dir: string): Promise<Frame640> {
  const compare = await compareDetector();
  const veil = rounds();
  const before = rounds();
  const nativeRounds: number[] = [];
  for (let r = 0; r < runs; r++) {
    const native: number[] = [];
    for (const img of frames) {
      const input = [{ path: img.spec.name, bytes: img.bytes }];
      if (compare) before.add(r, await timed(() => compare(engine, input)));
      veil.add(r, await timed(() => detectAndPlan(engine, input)));
      native.push(await nativeSeconds(img.bytes, dir));
    }
    nativeRounds.push(median(native));
  }
  const v = veil.summary();
  return {
    images: frames.length,
    rounds: runs,
    veilSeconds: v.wallSeconds,
    veilCpuSeconds: v.cpuSeconds,
    veilMeanCpuSeconds: v.meanCpuSeconds,
    nativeSeconds: median(nativeRounds),
    ratio: v.wallSeconds / median(nativeRounds),
    perRoundRatios: veil.wallMedians().map((w, i) => w / nativeRounds[i]),
    ...(compare ? { compared: { dir: compareDir!, ...before.summary() } } : {}),
  };
}

/** Per-round timings of one detector. */
function rounds() {
  const byRound: { wall: number; cpu: number }[][] = [];
  return {
    add(r: number, t: { wall: number; cpu: number }): void {
      (byRound[r] ??= []).push(t);
    },
    wallMedians: (): number[] => byRound.map((ts) => median(ts.map((t) => t.wall))),
    summary(): Timing {
      return {
        wallSeconds: median(byRound.map((ts) => median(ts.map((t) => t.wall)))),
        cpuSeconds: median(byRound.map((ts) => median(ts.map((t) => t.cpu)))),
        meanCpuSeconds: median(byRound.map((ts) => ts.reduce((n, t) => n + t.cpu, 0) / ts.length)),
      };
    },
  };
}

/** The detector of the checkout given with --compare, if any. */
async function compareDetector(): Promise<Detect | undefined> {
  if (!compareDir) return undefined;
  // That checkout's modules are its own: its codec registry too, which needs its own loader.
  const codecs = (await import(path.join(compareDir, 'cli', 'codec-loader.ts'))) as { useNodeCodecs: () => void };
  codecs.useNodeCodecs();
  const mod = (await import(path.join(compareDir, 'core', 'detect', 'pipeline.ts'))) as { detectAndPlan: Detect };
  return mod.detectAndPlan;
}

/** --speed-only: time per 640×480 frame and per burned-in fixture, wall and CPU, nothing else. */
async function speed(engine: OcrEngine): Promise<void> {
  const frames = syntheticImages().flatMap((s) => s.images).filter((img) => img.spec.width === 640 && img.spec.height === 480 && (img.spec.frames ?? 1) === 1);
  const burnedDir = path.join(fixtures, 'burned-in');
  const burned = readdirSync(burnedDir).filter((f) => f.endsWith('.dcm')).sort().map((f) => load(path.join(burnedDir, f)));
  await Promise.all([detectAndPlan(engine, [burned[0]]), detectAndPlan(engine, [burned[1]])]);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'veil-bench-ocr-'));
  let frame640: Frame640;
  try {
    frame640 = await frameTimes(engine, frames, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const compare = await compareDetector();
  const veil = rounds();
  const before = rounds();
  for (let r = 0; r < runs; r++) {
    for (const input of burned) {
      if (compare) before.add(r, await timed(() => compare(engine, [input])));
      veil.add(r, await timed(() => detectAndPlan(engine, [input])));
    }
  }
  const perImage = { images: burned.length, rounds: runs, ...veil.summary(), ...(compare ? { compared: { dir: compareDir!, ...before.summary() } } : {}) };
  mkdirSync(BENCH_DIR, { recursive: true });
  writeFileSync(path.join(BENCH_DIR, 'results-ocr-speed.json'), `${JSON.stringify({ frame640, perImage }, null, 2)}\n`);
  printFrame(frame640);
  const f = (t: Timing): string => `wall ${t.wallSeconds.toFixed(3)} s, CPU ${t.cpuSeconds.toFixed(3)} s (mean CPU ${t.meanCpuSeconds.toFixed(3)} s)`;
  console.log(`burned-in fixture, per image (${burned.length} images, median of ${runs} round(s)): ${f(perImage)}`);
  if (perImage.compared) console.log(`  compared (${perImage.compared.dir}): ${f(perImage.compared)}`);
}

function printFrame(t: Frame640): void {
  const f = (s: number): string => `${s.toFixed(3)} s`;
  console.log(
    `640×480 frame (${t.images} images, median of ${t.rounds} round(s)): Veil wall ${f(t.veilSeconds)}, CPU ${f(t.veilCpuSeconds)} (mean CPU ${f(t.veilMeanCpuSeconds)}); ` +
      `native Tesseract ${f(t.nativeSeconds)} — wall ratio ${t.ratio.toFixed(2)} (per round ${t.perRoundRatios.map((r) => r.toFixed(2)).join(', ')})`,
  );
  if (t.compared) console.log(`  compared (${t.compared.dir}): wall ${f(t.compared.wallSeconds)}, CPU ${f(t.compared.cpuSeconds)} (mean CPU ${f(t.compared.meanCpuSeconds)})`);
}

function printQuality(q: QualityResult): void {
  console.log('\nrecall harness (PHI recall: every ink pixel of a planted PHI text painted; readable after: native Tesseract on the output)');
  console.log(`  ${'set'.padEnd(16)} ${'images'.padStart(6)}  ${'recall'.padEnd(14)} ${'precision'.padEnd(16)} ${'non-PHI painted'.padEnd(16)} ${'readable after'.padEnd(16)} ${'native before'.padEnd(14)} s/frame`);
  for (const s of q.sets) {
    const before = s.readableBefore === undefined ? '-' : `${s.readableBefore}/${s.secrets}`;
    // Planted clinical overlays and labels painted (synthetic sets: the free-text detector must leave them).
    const painted = s.otherItems === undefined ? '-' : `${s.otherPainted}/${s.otherItems}`;
    console.log(
      `  ${s.set.padEnd(16)} ${String(s.images).padStart(6)}  ${`${s.recall.toFixed(3)} (${s.phiFound}/${s.phiItems})`.padEnd(14)} ` +
        `${`${s.precision.toFixed(3)} (${s.acceptedRight}/${s.accepted})`.padEnd(16)} ${painted.padEnd(16)} ${`${s.readableAfter}/${s.secrets}`.padEnd(16)} ${before.padEnd(14)} ${s.medianSeconds.toFixed(2)}`,
    );
  }
  printFrame(q.frame640);
}

async function main(): Promise<void> {
  const engine = createNodeOcrEngine({ workers: 2 });
  try {
    if (speedOnly) {
      await speed(engine);
      return;
    }
    if (qualityOnly) {
      await Promise.all([detectAndPlan(engine, [load(path.join(fixtures, 'burned-in', 'CT_pseudo_phi_burned_in.dcm'))])]);
      const q = await quality(engine);
      mkdirSync(BENCH_DIR, { recursive: true });
      writeFileSync(path.join(BENCH_DIR, 'results-ocr-quality.json'), `${JSON.stringify(q, null, 2)}\n`);
      printQuality(q);
      return;
    }
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
    const q = await quality(engine);
    writeFileSync(path.join(BENCH_DIR, 'results-ocr-quality.json'), `${JSON.stringify(q, null, 2)}\n`);
    printQuality(q);
    // 6. What the free-text detector on OCR lines adds per frame (timed apart from the reading).
    writeFileSync(path.join(BENCH_DIR, 'results-ocr-free-text.json'), `${JSON.stringify(await measureOcrFreeText(engine), null, 2)}\n`);
  } finally {
    await engine.terminate();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
