/**
 * The same picture read once: a recogniser wrapper that hands back the words of an identical
 * earlier picture (same layout, same size, same bytes) instead of reading it again.
 *
 * In a cine whose clock changes, every extra frame read (detect.ts) re-reads the same doubtful
 * lines — a preset, a probe name — from crops whose pixels did not change: Tesseract is
 * deterministic, so the second reading would give the same words at the full price (a wide crop
 * costs 20–70 ms of CPU). Pictures are compared byte for byte, never by hash alone, so a hit is
 * always exactly the picture read before. Meant to live for one instance's detection; it keeps at
 * most `maxEntries` pictures of at most `maxPixels` each, so its memory stays small.
 */
import type { OcrEngine, RecognizeOptions, Word } from './ocr-engine.ts';

interface Entry {
  key: string;
  pixels: Uint8Array;
  words: Promise<Word[]>;
}

/** FNV-1a over every byte: cheap next to recognition, and only a first filter before the full comparison. */
function fingerprint(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 0x01000193);
  return h >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function memoizeRecognition(engine: OcrEngine, maxEntries = 24, maxPixels = 512 * 1024): OcrEngine {
  const entries: Entry[] = [];
  return {
    recognize(gray: Uint8Array, width: number, height: number, options: RecognizeOptions = {}): Promise<Word[]> {
      const n = width * height;
      if (n > maxPixels) return engine.recognize(gray, width, height, options);
      const pixels = gray.subarray(0, n);
      const key = `${options.singleLine ? 'line' : 'sparse'}:${width}x${height}:${fingerprint(pixels)}`;
      const hit = entries.find((e) => e.key === key && sameBytes(e.pixels, pixels));
      // Callers may change the words they get (read-frame.ts maps them to image coordinates): each gets its own copies.
      if (hit) return hit.words.then((ws) => ws.map((w) => ({ ...w })));
      const words = engine.recognize(gray, width, height, options);
      // A failed reading is not remembered: the next caller tries again.
      words.catch(() => {
        const i = entries.findIndex((e) => e.words === words);
        if (i >= 0) entries.splice(i, 1);
      });
      entries.push({ key, pixels: pixels.slice(), words });
      if (entries.length > maxEntries) entries.shift();
      return words.then((ws) => ws.map((w) => ({ ...w })));
    },
    terminate: () => engine.terminate(),
  };
}
