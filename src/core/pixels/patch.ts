/**
 * Writing per-pixel changes (defacing's FramePatches) into native pixel data, the way paint.ts
 * writes rectangles: each value becomes the whole stored word at its place, so the bits around
 * Bits Stored keep the file's convention (sign extension for negative signed values, zeros
 * otherwise).
 *
 * Patches only make sense on one-sample greyscale integer images (CT, MR): anything else is
 * refused with a reason, never written half-patched.
 */
import type { FramePatch } from '../deface/types.ts';
import { valueRange, valueWord, writeWord, type PixelLayout } from './paint.ts';

/** Why these patches cannot be written into an image of this layout; undefined when they can. */
export function patchProblem(patches: readonly FramePatch[], layout: PixelLayout, frames: number): string | undefined {
  if (layout.float) return 'the image holds floating-point pixels';
  if (layout.samplesPerPixel !== 1) return `the image has ${layout.samplesPerPixel} samples per pixel (defacing writes greyscale CT and MR)`;
  if (![8, 16, 32].includes(layout.bitsAllocated)) return `Bits Allocated ${layout.bitsAllocated} is not supported`;
  const pixels = layout.rows * layout.columns;
  const [lo, hi] = valueRange(layout);
  for (const p of patches) {
    if (!Number.isInteger(p.frame) || p.frame < 0 || p.frame >= frames) return `a change names frame ${p.frame + 1} but the image has ${frames}`;
    if (p.indices.length !== p.storedValues.length) return `frame ${p.frame + 1}: ${p.indices.length} pixel positions but ${p.storedValues.length} values`;
    for (let i = 0; i < p.indices.length; i++) {
      if (p.indices[i] >= pixels) return `frame ${p.frame + 1}: pixel ${p.indices[i]} lies outside the ${layout.columns}×${layout.rows} image`;
      const v = p.storedValues[i];
      if (v < lo || v > hi) return `frame ${p.frame + 1}: value ${v} does not fit ${layout.bitsStored} stored bits (${lo}…${hi})`;
    }
  }
  return undefined;
}

/** Patches grouped by 0-based frame (several patches for one frame are applied in order). */
export function patchesByFrame(patches: readonly FramePatch[]): Map<number, FramePatch[]> {
  const byFrame = new Map<number, FramePatch[]>();
  for (const p of patches) {
    const list = byFrame.get(p.frame);
    if (list) list.push(p);
    else byFrame.set(p.frame, [p]);
  }
  return byFrame;
}

/**
 * Writes one frame's patches into `buf` (native little-endian samples; the frame starts at
 * `frameStartBit`). Checked first with patchProblem. Returns how many pixels were written.
 */
export function applyPatches(buf: Uint8Array, frameStartBit: number, layout: PixelLayout, patches: readonly FramePatch[]): number {
  const bits = layout.bitsAllocated;
  let written = 0;
  // The usual layout (High Bit = Bits Stored − 1): the word is the value's two's complement cut
  // to Bits Allocated — sign extension above High Bit included — so no per-pixel arithmetic.
  if (bits === 16 && layout.highBit === layout.bitsStored - 1 && frameStartBit % 8 === 0) {
    const base = frameStartBit >>> 3;
    for (const p of patches) {
      const { indices, storedValues } = p;
      for (let i = 0; i < indices.length; i++) {
        const at = base + indices[i] * 2;
        const v = storedValues[i];
        buf[at] = v & 0xff;
        buf[at + 1] = (v >> 8) & 0xff;
      }
      written += indices.length;
    }
    return written;
  }
  for (const p of patches) {
    for (let i = 0; i < p.indices.length; i++) {
      writeWord(buf, frameStartBit + p.indices[i] * bits, bits, valueWord(p.storedValues[i], layout));
    }
    written += p.indices.length;
  }
  return written;
}
