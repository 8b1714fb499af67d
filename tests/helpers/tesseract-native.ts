/**
 * An independent reader for the check after redaction: Debian's native Tesseract (package
 * tesseract-ocr, the `tesseract` command), not the wasm build Veil ships. Tests only.
 *
 * It reads the picture as a viewer shows it and its inverse, enlarged for small images, with
 * sparse-text page segmentation, and returns everything it read as one string.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodePgm, invert, resample, type Gray8 } from '../../src/core/detect/render.ts';

let available: boolean | undefined;

/** Whether the `tesseract` command is installed (CI installs the Debian package tesseract-ocr). */
export function nativeTesseractAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync('tesseract', ['--version'], { encoding: 'utf8' });
    available = r.status === 0;
  }
  return available;
}

/** Text native Tesseract reads in a grayscale picture (both polarities). */
export function readWithNativeTesseract(gray: Gray8): string {
  if (!nativeTesseractAvailable()) {
    throw new Error('native Tesseract is not installed: apt-get install tesseract-ocr (the after-redaction check needs it)');
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'veil-native-ocr-'));
  try {
    const scale = Math.max(gray.width, gray.height) < 1000 ? 2 : Math.max(gray.width, gray.height) > 1600 ? 0.75 : 1;
    const big = resample(gray, scale);
    const texts: string[] = [];
    for (const [name, pic] of [['plain', big], ['inverse', invert(big)]] as const) {
      const file = path.join(dir, `${name}.pgm`);
      writeFileSync(file, encodePgm(pic));
      const r = spawnSync('tesseract', [file, 'stdout', '--psm', '11', '-l', 'eng'], {
        encoding: 'utf8',
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
        timeout: 60_000,
      });
      if (r.status !== 0) throw new Error(`tesseract failed: ${r.stderr}`);
      texts.push(r.stdout);
    }
    return texts.join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
