/**
 * Burned-in text detection over instances and studies: which frames and instances are read,
 * and what carries over to those that are not.
 *
 *   frames (frames.ts) → 8-bit picture (render.ts) → lines read (read-frame.ts: words from
 *   ocr-engine.ts, lines.ts) → PHI or other text and plan boxes (boxes.ts, classify.ts)
 *
 * The check that reads a redacted output again is check-redacted.ts.
 *
 * Boxes are scoped to the instance (ORIGINAL SOP Instance UID), source "ocr"; PHI boxes are
 * "accepted" (painted unless a person rejects them), other text is "proposed" (painted only once
 * a person accepts it). With `keepClinicalText`, measurements and scale labels are not proposed.
 */
import type { Dataset } from '../dicom/dataset.ts';
import type { RedactionBox } from '../pixels/plan.ts';
import { ocrIdentifiers, type OcrIdentifiers } from './identifier-match.ts';
import { loadNameTagger } from './free-text/loader.ts';
import { boxIdStem, classifyLines, toBoxes, type ReadLine } from './boxes.ts';
import { frameSource, FrameAccessError, type FrameSource } from './frames.ts';
import type { Rect } from './lines.ts';
import type { OcrEngine } from './ocr-engine.ts';
import { memoizeRecognition } from './recognise-memo.ts';
import { displayParams } from '../pixels/display.ts';
import { readGray } from './read-frame.ts';
import { toGray8, type Gray8 } from './render.ts';
import { planReads, sampleFrames, summarize, type InstanceSummary } from './sampling.ts';

export interface DetectSettings {
  /** Do not propose measurements, scale labels and acoustic output indices. */
  keepClinicalText?: boolean;
  /** Read every frame of every image (no sampling, no propagation). */
  readEveryFrame?: boolean;
  /**
   * Run lines that are not already PHI through the free-text detector (names after cues,
   * organisations, addresses, phones, e-mails, IDs: free-text/ocr-line.ts). Default on; off only
   * to measure what it adds.
   */
  freeText?: boolean;
}

/** Frames read besides the sampled ones in a multi-frame image whose text changes. */
const MAX_EXTRA_FRAMES = 2;

export interface InstanceDetection {
  sopInstanceUID: string;
  frameCount: number;
  framesRead: number[];
  lines: ReadLine[];
  boxes: RedactionBox[];
  /**
   * Set when the pixels could not be read (no decoder for the transfer syntax, a frame that does
   * not decode, no pixels) or the OCR engine failed on them: nothing is known about this image's text.
   */
  skipped?: string;
  seconds: number;
}

// ------------------------------------------------------------------------------------ one instance

export interface DetectInstanceInput {
  dataset: Dataset;
  transferSyntaxUID: string;
  /** The file's identifiers; computed from `dataset` when left out (it must be the ORIGINAL). */
  identifiers?: OcrIdentifiers;
}

/** Reads an instance (sampled frames, then frames whose text differs) and proposes boxes. */
export async function detectInstance(engine: OcrEngine, input: DetectInstanceInput, settings: DetectSettings = {}): Promise<InstanceDetection> {
  const started = now();
  const { dataset: ds } = input;
  const summary = summarize(ds);
  const result: InstanceDetection = { sopInstanceUID: summary.sopInstanceUID, frameCount: summary.frames, framesRead: [], lines: [], boxes: [], seconds: 0 };
  let source: FrameSource;
  try {
    source = frameSource(ds, input.transferSyntaxUID);
  } catch (e) {
    result.skipped = (e as Error).message;
    result.seconds = now() - started;
    return result;
  }
  const ids = input.identifiers ?? ocrIdentifiers(ds);
  // Loaded once per process or worker, on the first image read (loader.ts).
  const tagger = settings.freeText === false ? undefined : await loadNameTagger();
  const params = displayParams(ds);
  const { width, height, frameCount } = source;
  const grays = new Map<number, Gray8>();
  const gray = async (f: number): Promise<Gray8> => {
    let g = grays.get(f);
    if (!g) {
      g = toGray8(await source.frame(f), params);
      // Keep the few read frames' pictures for comparisons; not the whole loop.
      if (grays.size < 16) grays.set(f, g);
    }
    return g;
  };
  // Extra frames of a cine re-read the same unchanged doubtful lines: read each picture once.
  const reader = memoizeRecognition(engine);
  const readOne = async (f: number): Promise<void> => {
    const lines = await readGray(reader, await gray(f), ids);
    result.framesRead.push(f);
    result.lines.push(...classifyLines(lines, ids, f, width, height, settings.keepClinicalText ?? false, tagger));
  };

  try {
    const first = sampleFrames(frameCount, settings.readEveryFrame);
    for (const f of first) await readOne(f);

    // Frames not read: every box carries over to them (text that changes in place — a clock, a
    // frame counter — is still text in that place). A frame whose pixels differ from the read
    // frames' under some confidently read line holds text that changed, so a few such frames are
    // read as well, for any new text they hold.
    const coverage = new Map<ReadLine, Set<number>>();
    for (const l of result.lines) coverage.set(l, new Set([l.frame]));
    // Only text read with confidence decides whether a frame differs; speckle read as letters
    // in a moving image would otherwise send every frame to the recogniser.
    const decisive = (l: ReadLine): boolean => l.confidence >= 60 || l.classification.identifiers.length > 0;
    if (frameCount > first.length) {
      const extraCap = MAX_EXTRA_FRAMES;
      let extra = 0;
      for (let f = 0; f < frameCount; f++) {
        if (result.framesRead.includes(f)) continue;
        let differs = false;
        if (extra < extraCap) {
          const g = toGray8(await source.frame(f), params);
          for (const l of coverage.keys()) {
            if (decisive(l) && !sameRegion(await gray(l.frame), g, l.box)) {
              differs = true;
              break;
            }
          }
          if (differs) {
            extra++;
            grays.set(f, g);
            const before = result.lines.length;
            await readOne(f);
            for (const l of result.lines.slice(before)) coverage.set(l, new Set([f]));
          }
        }
        if (!differs) for (const set of coverage.values()) set.add(f);
      }
      // Lines read on extra frames carry over like the others.
      for (const set of coverage.values()) for (let f = 0; f < frameCount; f++) if (!result.framesRead.includes(f)) set.add(f);
    }
    result.boxes = toBoxes(result.lines, coverage, frameCount, summary.sopInstanceUID, width, height);
  } catch (e) {
    if (!(e instanceof FrameAccessError)) throw e;
    result.skipped = e.message;
  }
  result.framesRead.sort((a, b) => a - b);
  result.seconds = now() - started;
  return result;
}

/** Whether two pictures are the same inside a rectangle (mean absolute difference under 2 grey levels). */
function sameRegion(a: Gray8, b: Gray8, r: Rect): boolean {
  let sum = 0;
  let n = 0;
  const x1 = Math.min(a.width, r.x + r.width);
  const y1 = Math.min(a.height, r.y + r.height);
  for (let y = r.y; y < y1; y++) {
    for (let x = r.x; x < x1; x++) {
      const i = y * a.width + x;
      sum += Math.abs(a.data[i] - b.data[i]);
      n++;
    }
  }
  return n === 0 || sum / n < 2;
}

// ------------------------------------------------------------------------------------ many instances

export interface StudyInstance {
  summary: InstanceSummary;
  /** Loads the ORIGINAL instance (called only for the instances that are read). */
  open: () => Promise<DetectInstanceInput>;
}

export interface StudyDetection {
  boxes: RedactionBox[];
  instances: InstanceDetection[];
  /** Unread instances that took over boxes from sampled ones: SOP Instance UID → sources. */
  propagated: Map<string, string[]>;
  /** Indices (into the input list) of the instances that were read. */
  readIndices: number[];
}

/**
 * Detection over many instances: sampling, reading (one instance at a time per engine slot),
 * propagation. An instance that cannot be read (pixels that do not decode, an OCR engine that
 * fails) comes back with `skipped` and never stops the others. Unread instances that were to take
 * their boxes over from a sample that could not be read are read themselves: a failed sample says
 * nothing about them.
 */
export async function detectStudy(engine: OcrEngine, instances: readonly StudyInstance[], settings: DetectSettings = {}): Promise<StudyDetection> {
  const plan = planReads(instances.map((i) => i.summary), { readEverything: settings.readEveryFrame });
  const results = new Map<number, InstanceDetection>();
  const readAll = async (indices: readonly number[]): Promise<void> => {
    // Two instances in flight keep a two-recogniser pool busy without holding many images in memory.
    const queue = [...indices];
    const runners = Array.from({ length: 2 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) results.set(i, await readOrSkip(engine, instances[i], settings));
    });
    await Promise.all(runners);
  };
  await readAll(plan.read);
  const fallback = [...plan.propagate].filter(([, sources]) => sources.some((s) => results.get(s)!.skipped)).map(([i]) => i);
  for (const i of fallback) plan.propagate.delete(i);
  await readAll(fallback);
  const readIndices = [...plan.read, ...fallback].sort((a, b) => a - b);

  const boxes: RedactionBox[] = [];
  for (const i of readIndices) boxes.push(...results.get(i)!.boxes);
  const propagated = new Map<string, string[]>();
  for (const [i, sources] of plan.propagate) {
    const target = instances[i].summary.sopInstanceUID;
    const from = sources.map((s) => results.get(s)!).filter((r) => r.boxes.length > 0);
    if (from.length === 0) continue;
    propagated.set(target, from.map((r) => r.sopInstanceUID));
    let k = 0;
    for (const r of from) {
      for (const b of r.boxes) {
        boxes.push({ ...b, id: `ocr-${boxIdStem(target)}-p${++k}`, scope: { kind: 'instance', sopInstanceUID: target }, label: `${b.label ?? ''} [carried over from sampled image ${r.sopInstanceUID}]` });
      }
    }
  }
  return { boxes, instances: readIndices.map((i) => results.get(i)!), propagated, readIndices };
}

/** detectInstance that turns any failure of this one instance (loading, decoding, recognising) into `skipped`. */
async function readOrSkip(engine: OcrEngine, instance: StudyInstance, settings: DetectSettings): Promise<InstanceDetection> {
  try {
    return await detectInstance(engine, await instance.open(), settings);
  } catch (e) {
    const { sopInstanceUID, frames } = instance.summary;
    return { sopInstanceUID, frameCount: frames, framesRead: [], lines: [], boxes: [], skipped: e instanceof Error ? e.message : String(e), seconds: 0 };
  }
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now()) / 1000;
