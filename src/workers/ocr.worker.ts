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
import { checkOutput, detectAndPlan } from '../core/detect/pipeline.ts';
import type { DetectSettings } from '../core/detect/detect.ts';
import type { RedactionCheck } from '../core/detect/check-redacted.ts';
import type { OcrIdentifiers } from '../core/detect/identifier-match.ts';
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
  /** The ORIGINAL files' identifiers by input path, for the export's after-redaction check. */
  identifiers: [string, OcrIdentifiers][];
  /** Inputs whose pixels were read: the ones the export reads again. */
  read: string[];
}

export interface OcrWorkerApi {
  detect(inputs: InputRef[], settings: DetectSettings, onProgress?: (p: OcrProgress) => void): Promise<OcrDetectResult>;
  /**
   * Reads a de-identified output again: text matching the original's identifiers `ids` (from
   * detect) still readable. The export's run decides what that means (core/export/ocr-gate.ts).
   */
  check(output: Blob, ids: OcrIdentifiers, settings: DetectSettings): Promise<RedactionCheck>;
  dispose(): Promise<void>;
}

let engine: OcrEngine | undefined;

function ocr(): OcrEngine {
  // The app's base URL (any sub-path): the worker's own URL is under assets/, one level below it.
  const base = new URL('../', self.location.href).href;
  engine ??= createTesseractEngine({ tesseract: Tesseract, ...browserTesseractPaths(base), workers: 1 });
  return engine;
}

const api: OcrWorkerApi = {
  async detect(inputs, settings, onProgress) {
    // An input is read more than once (listed, then opened again when its pixels are read):
    // progress counts each input once, so it never says "5/3".
    const seen = new Set<string>();
    const result = await detectAndPlan(
      ocr(),
      inputs.map((input) => ({
        path: input.path,
        read: async () => {
          const bytes = new Uint8Array(await input.file.arrayBuffer());
          if (!seen.has(input.path)) {
            seen.add(input.path);
            onProgress?.({ done: seen.size, total: inputs.length });
          }
          return bytes;
        },
      })),
      settings,
    );
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
      identifiers: [...result.identifiers],
      read: [...result.read],
    };
  },
  async check(output, ids, settings) {
    return checkOutput(ocr(), new Uint8Array(await output.arrayBuffer()), ids, settings);
  },
  async dispose() {
    await engine?.terminate();
    engine = undefined;
  },
};

Comlink.expose(api);
