/**
 * The UI's handle on burned-in text detection: starts the OCR worker for one run, reports
 * progress, returns the proposed boxes, and stops the worker (tesseract's memory goes with it).
 */
import * as Comlink from 'comlink';
import type { OcrIdentifiers } from '../core/detect/identifier-match.ts';
import type { DetectSettings } from '../core/detect/detect.ts';
import type { RedactionCheck } from '../core/detect/check-redacted.ts';
import type { OcrDetectResult, OcrProgress, OcrWorkerApi } from './ocr.worker.ts';
import type { InputRef } from './protocol.ts';

export type { OcrDetectResult, OcrProgress };

export async function detectText(inputs: readonly InputRef[], settings: DetectSettings, onProgress: (p: OcrProgress) => void): Promise<OcrDetectResult> {
  const worker = new Worker(new URL('./ocr.worker.ts', import.meta.url), { type: 'module', name: 'veil-ocr' });
  const api = Comlink.wrap<OcrWorkerApi>(worker);
  try {
    return await api.detect([...inputs], settings, Comlink.proxy(onProgress));
  } finally {
    await api.dispose().catch(() => undefined);
    worker.terminate();
  }
}

/**
 * An OCR worker for an export's after-redaction check: `read` reads one output again; `dispose`
 * stops the worker. Started only when detection ran, so an export without it loads no tesseract.
 */
export function startOutputReader(settings: DetectSettings): { read: (output: Blob, ids: OcrIdentifiers) => Promise<RedactionCheck>; dispose: () => Promise<void> } {
  const worker = new Worker(new URL('./ocr.worker.ts', import.meta.url), { type: 'module', name: 'veil-ocr-check' });
  const api = Comlink.wrap<OcrWorkerApi>(worker);
  return {
    read: (output, ids) => api.check(output, ids, settings),
    async dispose() {
      await api.dispose().catch(() => undefined);
      worker.terminate();
    },
  };
}
