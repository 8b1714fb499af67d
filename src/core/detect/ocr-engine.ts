/**
 * Text recognition behind one small interface, and its tesseract.js implementation.
 *
 * The engine is configured with LOCAL paths only: worker script, wasm core and language data
 * come from the app's own origin in the browser (public/tesseract/…) and from node_modules in
 * Node (see src/cli/ocr-node.ts). The language cache is off (`cacheMethod: 'none'`): nothing is written
 * to IndexedDB or to disk, and nothing is read from a cache a previous version left behind.
 *
 * A small pool of recognisers runs the jobs. tesseract.js's own createScheduler cannot retire a
 * worker, and a WebAssembly heap only grows, so the pool here is our own: it hands each job to an
 * idle recogniser and, after `recycleAfter` jobs, terminates that recogniser and starts a fresh
 * one, which keeps memory flat over thousands of images. A job counts by its picture's size: a
 * crop of a few words (detection reads only the bands that hold ink) counts as a fraction of a
 * whole picture, down to a quarter, so that small crops do not pay the ~1 s restart of a
 * recogniser (model load) as often as whole pictures do.
 */
import type Tesseract from 'tesseract.js';
import { encodePgm } from './render.ts';

/**
 * The tesseract.js module, passed in rather than imported here: the browser app's bundle imports
 * it (Vite), Node loads the installed package at run time (src/cli/ocr-node.ts) — bundling it into the CLI
 * would break its Node worker, which finds its files relative to its own module.
 */
export type TesseractModule = Pick<typeof Tesseract, 'createWorker'>;

/** One recognised word, in the pixel coordinates of the picture that was passed in. */
export interface Word {
  text: string;
  /** 0..100 */
  confidence: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** The recogniser's own line grouping (block/paragraph/line), when it gives one. */
  line?: string;
}

export interface RecognizeOptions {
  /** Read the picture as one line of text (a crop round a line already found) instead of sparse text. */
  singleLine?: boolean;
}

export interface OcrEngine {
  /** Reads an 8-bit grayscale picture (row by row, width × height bytes). */
  recognize(gray: Uint8Array, width: number, height: number, options?: RecognizeOptions): Promise<Word[]>;
  /** Stops every recogniser; the engine may not be used afterwards. */
  terminate(): Promise<void>;
}

export interface TesseractEngineOptions {
  /** tesseract.js itself (see TesseractModule). */
  tesseract: TesseractModule;
  /** Folder (URL in the browser, path in Node) that holds eng.traineddata.gz. */
  langPath: string;
  /** tesseract.js worker script (browser: a same-origin URL; Node: leave out). */
  workerPath?: string;
  /** Folder of the tesseract.js-core wasm builds (browser; Node loads the installed package). */
  corePath?: string;
  /** Where a language cache would go; unused with the cache off, but never the working directory. */
  cachePath?: string;
  /** Recognisers running at once (default 2). */
  workers?: number;
  /** Jobs a recogniser runs before it is replaced by a fresh one (default 100; see jobWeight). */
  recycleAfter?: number;
}

type TessWorker = Tesseract.Worker;

interface Slot {
  worker?: Promise<TessWorker>;
  jobs: number;
  busy: boolean;
}

interface Job {
  image: Uint8Array;
  /** What the job counts towards recycling (jobWeight). */
  weight: number;
  singleLine: boolean;
  resolve: (words: Word[]) => void;
  reject: (e: unknown) => void;
}

const LSTM_ONLY = 1 as Tesseract.OEM;

export function createTesseractEngine(options: TesseractEngineOptions): OcrEngine {
  const size = Math.max(1, options.workers ?? 2);
  const recycleAfter = Math.max(0.25, options.recycleAfter ?? 100);
  const slots: Slot[] = Array.from({ length: size }, () => ({ jobs: 0, busy: false }));
  const queue: Job[] = [];
  let stopped = false;

  const start = (): Promise<TessWorker> => {
    const workerOptions: Partial<Tesseract.WorkerOptions> = {
      langPath: options.langPath,
      cacheMethod: 'none',
      gzip: true,
      // Errors come back through the job's promise; without a handler tesseract.js would throw
      // them on the worker's message event, where nobody can catch them.
      errorHandler: () => {},
      logger: () => {},
    };
    if (options.workerPath) workerOptions.workerPath = options.workerPath;
    if (options.corePath) workerOptions.corePath = options.corePath;
    if (options.cachePath) workerOptions.cachePath = options.cachePath;
    // A worker script given by URL is started as it is, not through a blob: URL (the app's CSP has no blob:).
    if (options.workerPath) workerOptions.workerBlobURL = false;
    return options.tesseract.createWorker('eng', LSTM_ONLY, workerOptions).then(async (w) => {
      await w.setParameters({
        // Page segmentation 11: sparse text, as burned-in annotations are.
        tessedit_pageseg_mode: '11' as Tesseract.PSM,
        // Polarity is handled before recognition (contrast.ts); Tesseract's own retry of every
        // low-confidence word inverted doubles the time for nothing.
        tessedit_do_invert: '0',
        // Burned-in text has no print resolution; a fixed one silences the estimate and its log line.
        user_defined_dpi: '150',
        // Tesseract's diagnostics ("Detected 12 diacritics") go nowhere instead of to stderr.
        debug_file: '/dev/null',
      });
      return w;
    });
  };

  const pump = (): void => {
    for (const slot of slots) {
      if (stopped || queue.length === 0) return;
      if (slot.busy) continue;
      const job = queue.shift()!;
      slot.busy = true;
      if (!slot.worker) {
        slot.worker = start();
        slot.jobs = 0;
      }
      const current = slot.worker;
      current
        .then((w) =>
          w.recognize(
            job.image as unknown as Tesseract.ImageLike,
            // Parameters given with a job apply to it alone (tesseract.js restores them after).
            (job.singleLine ? { tessedit_pageseg_mode: '7' } : {}) as Partial<Tesseract.RecognizeOptions>,
            { text: false, tsv: true },
          ),
        )
        .then((r) => job.resolve(parseTsv((r.data as { tsv?: string | null }).tsv ?? '')))
        .catch((e: unknown) => {
          job.reject(e instanceof Error ? e : new Error(`text recognition failed: ${String(e)}`));
          // A recogniser that failed may be broken: replace it.
          slot.jobs = recycleAfter;
        })
        .finally(() => {
          slot.jobs += job.weight;
          if (slot.jobs >= recycleAfter && slot.worker === current) {
            slot.worker = undefined;
            void current.then((w) => w.terminate()).catch(() => {});
          }
          slot.busy = false;
          pump();
        });
    }
  };

  return {
    recognize(gray, width, height, options = {}) {
      if (stopped) return Promise.reject(new Error('the text recogniser has been stopped'));
      const image = encodePgm({ width, height, data: gray.subarray(0, width * height) });
      return new Promise<Word[]>((resolve, reject) => {
        queue.push({ image, weight: jobWeight(width * height), singleLine: options.singleLine === true, resolve, reject });
        pump();
      });
    },
    async terminate() {
      stopped = true;
      for (const job of queue.splice(0)) job.reject(new Error('the text recogniser has been stopped'));
      await Promise.all(
        slots.map(async (slot) => {
          const w = slot.worker;
          slot.worker = undefined;
          if (w) await w.then((x) => x.terminate()).catch(() => {});
        }),
      );
    },
  };
}

/** Pixels of a whole picture as the first pass reads it (a 640×480 frame enlarged twice, half of it): one job. */
const WHOLE_PICTURE = 640_000;

/** A job's share of a recogniser's life: its picture's size against a whole picture's, from a quarter to one. */
export function jobWeight(pixels: number): number {
  return Math.min(1, Math.max(0.25, pixels / WHOLE_PICTURE));
}

/** Words (level 5 rows) of Tesseract's TSV output. */
export function parseTsv(tsv: string): Word[] {
  const words: Word[] = [];
  for (const row of tsv.split('\n')) {
    if (!row.startsWith('5\t')) continue;
    const c = row.split('\t');
    if (c.length < 12) continue;
    const text = c.slice(11).join('\t').trim();
    if (!text) continue;
    const left = Number(c[6]);
    const top = Number(c[7]);
    const width = Number(c[8]);
    const height = Number(c[9]);
    words.push({
      text,
      confidence: Math.max(0, Number(c[10])),
      x0: left,
      y0: top,
      x1: left + width,
      y1: top + height,
      line: `${c[2]}.${c[3]}.${c[4]}`,
    });
  }
  return words;
}

/**
 * Same-origin asset URLs for the browser build, relative to the app's base URL: the worker
 * script, the wasm core folder and the language folder under public/tesseract/.
 */
export function browserTesseractPaths(baseUrl: string): Required<Pick<TesseractEngineOptions, 'workerPath' | 'corePath' | 'langPath'>> {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return {
    workerPath: `${base}tesseract/worker.min.js`,
    corePath: `${base}tesseract/core`,
    langPath: `${base}tesseract/lang`,
  };
}
