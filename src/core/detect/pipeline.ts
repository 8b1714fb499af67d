/**
 * The whole OCR step as the CLI's --ocr and the tests run it, DOM-free:
 *
 *   detectAndPlan   originals → read (sampled) → a redaction plan: PHI boxes accepted, other text
 *                   proposed (kept out of the plan with keepClinicalText when clinical)
 *   checkOutput     a de-identified output → read again → text that matches the ORIGINAL's
 *                   identifiers is a blocking finding for that file
 *
 * The browser runs the same functions in its OCR worker with the browser engine.
 */
import { readPart10, type ParsedFile } from '../dicom/reader.ts';
import { pixelElement } from '../pixels/frames.ts';
import type { RedactionBox, RedactionPlan } from '../pixels/plan.ts';
import { ocrIdentifiers, type OcrIdentifiers } from './identifier-match.ts';
import { detectStudy, type DetectSettings, type InstanceDetection, type StudyInstance } from './detect.ts';
import { checkRedacted, type RedactionCheck } from './check-redacted.ts';
import type { OcrEngine } from './ocr-engine.ts';
import { summarize } from './sampling.ts';

/** One input: its bytes, or a way to read them (large batches need not sit in memory at once). */
export type OcrInput = { path: string; bytes: Uint8Array } | { path: string; read: () => Promise<Uint8Array> };

const bytesOf = (input: OcrInput): Promise<Uint8Array> => ('bytes' in input ? Promise.resolve(input.bytes) : input.read());

export interface PlannedDetection {
  plan: RedactionPlan;
  /** Per read instance: what was read, in which frames, how long it took, or why it was skipped. */
  instances: InstanceDetection[];
  /** Identifiers of each ORIGINAL file, by input path, for checkOutput. */
  identifiers: Map<string, OcrIdentifiers>;
  /** Inputs that are not DICOM images (not read): nothing can be burned into them. */
  unreadable: string[];
  /**
   * Images whose burned-in text could not be read, by input path, with the reason (pixels that do
   * not decode, an OCR failure, no SOP Instance UID to scope boxes to). Nothing is known about
   * their text: fail closed, do not write them.
   */
  failed: Map<string, string>;
  /**
   * Inputs whose pixels were read (the rest of a sampled series took boxes over from these):
   * the ones to check again after redaction, with the same economy.
   */
  read: Set<string>;
}

/**
 * Reads burned-in text in a batch of ORIGINAL files and returns a redaction plan for it. Only
 * accepted (PHI) boxes are painted by the engine; proposed ones wait for a person. Files that
 * are not images are passed over (the de-identifier reports them); images that could not be read
 * are listed in `failed` and must not be written. One bad image never stops the others.
 */
export async function detectAndPlan(engine: OcrEngine, inputs: readonly OcrInput[], settings: DetectSettings = {}): Promise<PlannedDetection> {
  const study: StudyInstance[] = [];
  const paths: string[] = [];
  const identifiers = new Map<string, OcrIdentifiers>();
  const unreadable: string[] = [];
  const failed = new Map<string, string>();
  for (const input of inputs) {
    let parsed: ParsedFile;
    try {
      parsed = readPart10(await bytesOf(input));
    } catch {
      unreadable.push(input.path);
      continue;
    }
    let summary: ReturnType<typeof summarize>;
    try {
      summary = summarize(parsed.dataset);
      identifiers.set(input.path, ocrIdentifiers(parsed.dataset));
    } catch (e) {
      // An unreadable value (a 1-byte Rows) fails this one image, not the whole batch.
      failed.set(input.path, `could not be read: ${(e as Error).message}`);
      continue;
    }
    if (!pixelElement(parsed.dataset)) {
      unreadable.push(input.path);
      continue;
    }
    // Pixels the engine will write, but that cannot be read or have their boxes placed.
    if (!summary.rows || !summary.columns) {
      failed.set(input.path, 'the image has pixel data but no Rows or Columns');
      continue;
    }
    if (!summary.sopInstanceUID) {
      failed.set(input.path, 'the image has no SOP Instance UID, so boxes found in it could not be placed');
      continue;
    }
    const ids = identifiers.get(input.path)!;
    // Re-parse on demand: holding every parsed dataset of a large series is what sampling avoids.
    paths.push(input.path);
    study.push({
      summary,
      open: async () => {
        const p = readPart10(await bytesOf(input));
        return { dataset: p.dataset, transferSyntaxUID: p.transferSyntaxUID, identifiers: ids };
      },
    });
  }
  const result = await detectStudy(engine, study, settings);
  const boxes: RedactionBox[] = result.boxes;
  const read = new Set(result.readIndices.map((i) => paths[i]));
  result.readIndices.forEach((index, k) => {
    const skipped = result.instances[k].skipped;
    if (skipped) failed.set(paths[index], skipped);
  });
  return { plan: { version: 1, boxes }, instances: result.instances, identifiers, unreadable, failed, read };
}

/** Reads a de-identified output (Part 10 bytes) again; findings are identifying texts still readable (RedactionCheck). */
export async function checkOutput(engine: OcrEngine, outputBytes: Uint8Array, original: OcrIdentifiers, settings: DetectSettings = {}): Promise<RedactionCheck> {
  const parsed = readPart10(outputBytes);
  return checkRedacted(engine, { dataset: parsed.dataset, transferSyntaxUID: parsed.transferSyntaxUID }, original, settings);
}

/**
 * The blocking warning for a file whose output still shows identifiers — or whose output could
 * not be read again, so nobody knows — for the report and the UI.
 */
export function checkWarning(check: RedactionCheck): string | undefined {
  if (check.findings.length === 0) {
    return check.skipped ? `BLOCKING: burned-in text could not be checked after redaction: ${check.skipped}` : undefined;
  }
  // Kinds only: the warning reaches the report, which ships with the data.
  const what = check.findings.map((f) => `frame ${f.frame} at ${f.box.x},${f.box.y} (${f.kinds.join(', ')})`);
  return `BLOCKING: identifying burned-in text is still readable after redaction: ${what.join('; ')}`;
}

/**
 * One plan from several (the CLI's --boxes plan and the OCR plan): boxes concatenated, ids made
 * unique, reviewed instances united.
 */
export function mergePlans(...plans: (RedactionPlan | undefined)[]): RedactionPlan {
  const boxes: RedactionBox[] = [];
  const ids = new Set<string>();
  const reviewed = new Set<string>();
  for (const plan of plans) {
    if (!plan) continue;
    for (const box of plan.boxes) {
      let id = box.id;
      for (let n = 2; ids.has(id); n++) id = `${box.id}-${n}`;
      ids.add(id);
      boxes.push(id === box.id ? box : { ...box, id });
    }
    for (const uid of plan.reviewed?.sopInstanceUIDs ?? []) reviewed.add(uid);
  }
  return reviewed.size ? { version: 1, boxes, reviewed: { sopInstanceUIDs: [...reviewed] } } : { version: 1, boxes };
}
