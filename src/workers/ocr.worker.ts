/**
 * The OCR worker: reads burned-in text in the loaded ORIGINAL files with tesseract.js (worker
 * script, wasm core and English data all served from this origin under tesseract/, see
 * scripts/vite-plugin-tesseract-assets.ts) and returns a redaction plan of proposed boxes —
 * PHI pre-accepted — plus, after redaction, whether identifiers are still readable in an output.
 * The same DOM-free pipeline as `veil deidentify --ocr` (src/core/detect/pipeline.ts).
 */
import * as Comlink from 'comlink';
import Tesseract from 'tesseract.js';
import { browserTesseractPaths, createTesseractEngine, type OcrEngine } from '../core/detect/ocr-engine.ts';
import { checkOutput, checkWarning, detectAndPlan } from '../core/detect/pipeline.ts';
import type { DetectSettings } from '../core/detect/detect.ts';
import type { OcrIdentifiers } from '../core/detect/classify.ts';
import { setCodecLoader } from '../core/pixels/codecs/index.ts';
import { browserCodecLoader } from './codec-loader.ts';
import type { RedactionPlan } from '../core/pixels/plan.ts';
import type { InputRef } from './protocol.ts';

setCodecLoader(browserCodecLoader);

export interface OcrProgress {
  done: number;
  total: number;
}

export interface OcrDetectResult {
  plan: RedactionPlan;
  /** Per instance read: its path, how many lines, how many of them PHI. */
  instances: { sopInstanceUID: string; lines: number; phi: number; framesRead: number; skipped?: string }[];
  unreadable: string[];
  /** Images whose text could not be read (input path → why): nothing is known about them. */
  failed: [string, string][];
}

export interface OcrWorkerApi {
  detect(inputs: InputRef[], settings: DetectSettings, onProgress?: (p: OcrProgress) => void): Promise<OcrDetectResult>;
  /** Reads a de-identified output again; returns a blocking warning when identifiers of the original are still readable. */
  check(originalPath: string, output: Uint8Array): Promise<string | undefined>;
  dispose(): Promise<void>;
}

let engine: OcrEngine | undefined;
const identifiersByPath = new Map<string, OcrIdentifiers>();

function ocr(): OcrEngine {
  // The app's base URL (any sub-path): the worker's own URL is under assets/, one level below it.
  const base = new URL('../', self.location.href).href;
  engine ??= createTesseractEngine({ tesseract: Tesseract, ...browserTesseractPaths(base), workers: 1 });
  return engine;
}

const api: OcrWorkerApi = {
  async detect(inputs, settings, onProgress) {
    let done = 0;
    const result = await detectAndPlan(
      ocr(),
      inputs.map((input) => ({
        path: input.path,
        read: async () => {
          const bytes = new Uint8Array(await input.file.arrayBuffer());
          onProgress?.({ done: ++done, total: inputs.length });
          return bytes;
        },
      })),
      settings,
    );
    for (const [path, ids] of result.identifiers) identifiersByPath.set(path, ids);
    return {
      plan: result.plan,
      instances: result.instances.map((i) => ({
        sopInstanceUID: i.sopInstanceUID,
        lines: i.lines.length,
        phi: i.lines.filter((l) => l.classification.class === 'phi').length,
        framesRead: i.framesRead.length,
        skipped: i.skipped,
      })),
      unreadable: result.unreadable,
      failed: [...result.failed],
    };
  },
  async check(originalPath, output) {
    const ids = identifiersByPath.get(originalPath);
    if (!ids) return undefined;
    // An output that cannot be read again is as blocking as one that still shows identifiers.
    try {
      return checkWarning(await checkOutput(ocr(), output, ids));
    } catch (e) {
      return `BLOCKING: burned-in text could not be checked after redaction: ${(e as Error).message}`;
    }
  },
  async dispose() {
    await engine?.terminate();
    engine = undefined;
  },
};

Comlink.expose(api);
