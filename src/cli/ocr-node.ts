/**
 * The tesseract.js engine as Node runs it (a host adapter: it lives here, not in core, because it
 * reaches node_modules and the temp folder through Node's built-ins) (CLI, tests, benchmarks): tesseract.js's Node worker
 * thread, the wasm core from the installed tesseract.js-core, and English from the installed
 * @tesseract.js-data/eng — all from node_modules, nothing fetched, nothing cached on disk.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createTesseractEngine, type OcrEngine, type TesseractEngineOptions, type TesseractModule } from '../core/detect/ocr-engine.ts';

const require = createRequire(import.meta.url);

/** The folder of the installed LSTM-only ("best_int") English model, eng.traineddata.gz. */
export function nodeLangPath(): string {
  return path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
}

/**
 * tesseract.js's Node worker script, named explicitly: its own default is found relative to the
 * module, which a bundle (the CLI's dist-cli/veil.mjs) moves.
 */
export function nodeWorkerPath(): string {
  return require.resolve('tesseract.js/src/worker-script/node/index.js');
}

export function createNodeOcrEngine(options: Partial<TesseractEngineOptions> = {}): OcrEngine {
  return createTesseractEngine({
    // Loaded at run time from node_modules, never bundled (see TesseractModule).
    tesseract: require('tesseract.js') as TesseractModule,
    langPath: nodeLangPath(),
    workerPath: nodeWorkerPath(),
    cachePath: path.join(os.tmpdir(), 'veil-ocr-cache'),
    workers: Math.max(1, Math.min(2, os.availableParallelism?.() ?? os.cpus().length)),
    ...options,
  });
}
