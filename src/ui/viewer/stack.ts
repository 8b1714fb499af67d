/**
 * The viewer's stack: every frame of every image of a series, in series order (instance number,
 * then path), one entry per frame. Scrolling walks through it; instances and frames are both
 * steps of the same stack, and cine plays the frames of the image on screen.
 */
import type { FileEntry } from '../state/types.ts';

export interface StackFrame {
  fileId: number;
  /** 0-based frame of the file. */
  frame: number;
  /** Frames the file has. */
  frames: number;
  /** Position of the file among the series' images (0-based). */
  image: number;
}

/** Images of a series the viewer can show: loaded, with pixel data. */
export function viewableImages(instances: readonly FileEntry[]): FileEntry[] {
  return instances.filter((f) => f.status === 'ready' && f.summary?.hasPixels && (f.summary.rows ?? 0) > 0 && (f.summary.columns ?? 0) > 0);
}

export function stackFrames(images: readonly FileEntry[]): StackFrame[] {
  const out: StackFrame[] = [];
  images.forEach((f, image) => {
    const frames = Math.max(1, f.summary?.frames ?? 1);
    for (let frame = 0; frame < frames; frame++) out.push({ fileId: f.id, frame, frames, image });
  });
  return out;
}

/** Index of the first frame of image `image`, or -1. */
export function firstFrameOf(stack: readonly StackFrame[], image: number): number {
  return stack.findIndex((s) => s.image === image);
}

/** The stack index of the same frame in the previous (-1) or next (+1) image, clamped. */
export function stepImage(stack: readonly StackFrame[], index: number, delta: -1 | 1): number {
  const here = stack[index];
  if (!here) return index;
  const images = stack.length ? stack[stack.length - 1].image + 1 : 0;
  const target = Math.max(0, Math.min(images - 1, here.image + delta));
  if (target === here.image) return index;
  const first = firstFrameOf(stack, target);
  const frames = stack[first].frames;
  return first + Math.min(here.frame, frames - 1);
}

/** Next frame of the same image, wrapping around (cine). */
export function nextFrameInImage(stack: readonly StackFrame[], index: number): number {
  const here = stack[index];
  if (!here || here.frames <= 1) return index;
  return index - here.frame + ((here.frame + 1) % here.frames);
}
