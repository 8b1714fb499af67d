/**
 * What the free-text detector adds to burned-in text detection, per frame: the lines every frame
 * yields (read once with the CLI's engine), then only the step that runs the lines that are not
 * already PHI through the free-text detector (src/core/detect/free-text/ocr-line.ts), timed apart
 * from the reading it follows — the recogniser's time would drown it in a shared machine's noise.
 *
 *   - loading the name tagger (compromise), once per process or worker;
 *   - per frame, cold: a fresh tagger, nothing remembered (the first frame of an image);
 *   - per frame, warm: the same lines again (a cine's later frames, a series' repeated overlay),
 *     answered from the line memo.
 *
 * Frames: the single-frame synthetic images of tests/ocr/burned-in-sets.ts and the burned-in
 * fixtures (first frame). Runs inside scripts/bench/ocr.ts (results-ocr-free-text.json) and on
 * its own: npx tsx scripts/bench/ocr-free-text.ts
 */
import { readFileSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createNodeOcrEngine } from '../../src/cli/ocr-node.ts';
import { useNodeCodecs } from '../../src/cli/codec-loader.ts';
import { classifyText } from '../../src/core/detect/classify.ts';
import { ocrIdentifiers } from '../../src/core/detect/identifier-match.ts';
import { readGray } from '../../src/core/detect/read-frame.ts';
import { frameSource } from '../../src/core/detect/frames.ts';
import { compromiseTagger, type Compromise } from '../../src/core/detect/free-text/names.ts';
import { ocrLineFreeText } from '../../src/core/detect/free-text/ocr-line.ts';
import type { OcrEngine } from '../../src/core/detect/ocr-engine.ts';
import { toGray8 } from '../../src/core/detect/render.ts';
import { readPart10 } from '../../src/core/dicom/reader.ts';
import { displayParams } from '../../src/core/pixels/display.ts';
import { syntheticSets } from '../../tests/ocr/burned-in-sets.ts';
import { makeSynthetic } from '../../tests/ocr/synthetic-images.ts';
import { BENCH_DIR, ROOT } from './make-ct-series.ts';

/** One frame's lines as classifyLines sees them: text, the near line before it on its row. */
interface FrameLines {
  name: string;
  /** Lines read on the frame, PHI or not. */
  read: number;
  lines: { text: string; before?: string; confidence: number }[];
}

export interface OcrFreeTextResult {
  frames: number;
  lines: number;
  /** Lines read, and those not already PHI: the ones the free-text detector runs on. */
  linesChecked: number;
  taggerLoadMs: number;
  perFrameColdMs: { median: number; max: number };
  perFrameWarmMs: { median: number; max: number };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function linesOfFrame(engine: OcrEngine, name: string, bytes: Uint8Array): Promise<FrameLines> {
  const parsed = readPart10(bytes);
  const ids = ocrIdentifiers(parsed.dataset);
  const source = frameSource(parsed.dataset, parsed.transferSyntaxUID);
  const lines = await readGray(engine, toGray8(await source.frame(0), displayParams(parsed.dataset)), ids);
  const out: FrameLines['lines'] = [];
  lines.forEach((line, i) => {
    // The same context rule as classifyLines (boxes.ts): the previous line of the row, when near.
    const p = i > 0 ? lines[i - 1] : undefined;
    const near = p && p.row === line.row && line.x0 - p.x1 < 4 * Math.max(p.y1 - p.y0, line.y1 - line.y0);
    const before = near ? p.text : undefined;
    if (classifyText(line.text, ids, { before }).class !== 'phi') out.push({ text: line.text, before, confidence: line.confidence });
  });
  return { name, read: lines.length, lines: out };
}

export async function measureOcrFreeText(engine: OcrEngine, log: (line: string) => void = console.log): Promise<OcrFreeTextResult> {
  const frames: FrameLines[] = [];
  const sets = syntheticSets();
  for (const [s, set] of sets.entries()) {
    for (const [i, spec] of set.specs.entries()) {
      if ((spec.frames ?? 1) !== 1) continue;
      frames.push(await linesOfFrame(engine, spec.name, makeSynthetic(spec, 1000 + 100 * s + i).bytes));
    }
  }
  const fixtures = path.resolve(process.env.VEIL_FIXTURES ?? path.join(ROOT, '..', 'shared', 'fixtures', 'dicom'), 'burned-in');
  for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.dcm')).sort()) {
    frames.push(await linesOfFrame(engine, file, new Uint8Array(readFileSync(path.join(fixtures, file)))));
  }

  const t0 = performance.now();
  const nlp = (await import('compromise')).default as unknown as Compromise;
  const taggerLoadMs = performance.now() - t0;

  const cold: number[] = [];
  const warm: number[] = [];
  for (const frame of frames) {
    // A fresh tagger: its memo and the line memo (kept per tagger) start empty.
    const tagger = compromiseTagger(nlp);
    let t = performance.now();
    for (const l of frame.lines) ocrLineFreeText(l.text, tagger, { before: l.before, confidence: l.confidence });
    cold.push(performance.now() - t);
    t = performance.now();
    for (const l of frame.lines) ocrLineFreeText(l.text, tagger, { before: l.before, confidence: l.confidence });
    warm.push(performance.now() - t);
  }
  const result: OcrFreeTextResult = {
    frames: frames.length,
    lines: frames.reduce((n, f) => n + f.read, 0),
    linesChecked: frames.reduce((n, f) => n + f.lines.length, 0),
    taggerLoadMs,
    perFrameColdMs: { median: median(cold), max: Math.max(...cold) },
    perFrameWarmMs: { median: median(warm), max: Math.max(...warm) },
  };
  const ms = (x: number): string => `${x.toFixed(2)} ms`;
  log(`\nfree-text detector on OCR lines (${result.frames} frames, ${result.lines} lines read, ${result.linesChecked} not already PHI)`);
  log(`  name tagger load, once per process/worker: ${ms(result.taggerLoadMs)}`);
  log(`  per frame, first reading:  median ${ms(result.perFrameColdMs.median)}, max ${ms(result.perFrameColdMs.max)}`);
  log(`  per frame, lines seen before (cine, series): median ${ms(result.perFrameWarmMs.median)}, max ${ms(result.perFrameWarmMs.max)}`);
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  useNodeCodecs();
  const engine = createNodeOcrEngine({ workers: 2 });
  try {
    const result = await measureOcrFreeText(engine);
    mkdirSync(BENCH_DIR, { recursive: true });
    writeFileSync(path.join(BENCH_DIR, 'results-ocr-free-text.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await engine.terminate();
  }
}
