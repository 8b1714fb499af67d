import { describe, expect, it } from 'vitest';
import type { FileEntry } from '../state/types.ts';
import { nextFrameInImage, stackFrames, stepImage, viewableImages } from './stack.ts';

const file = (id: number, frames: number, hasPixels = true): FileEntry =>
  ({ id, path: `f${id}`, file: new Blob([]), size: 0, status: 'ready', warnings: [], residual: [], summary: { frames, hasPixels, rows: 4, columns: 4 } }) as unknown as FileEntry;

describe('viewer stack', () => {
  const images = viewableImages([file(1, 1), file(2, 3), file(3, 1, false), file(4, 1)]);
  const stack = stackFrames(images);
  it('has one entry per frame of every image with pixels, in order', () => {
    expect(stack.map((s) => `${s.fileId}:${s.frame}`)).toEqual(['1:0', '2:0', '2:1', '2:2', '4:0']);
  });
  it('steps by image (keeping the frame where it can) and cycles frames for cine', () => {
    expect(stepImage(stack, 0, 1)).toBe(1);
    expect(stepImage(stack, 3, 1)).toBe(4);
    expect(stepImage(stack, 4, -1)).toBe(1);
    expect(stepImage(stack, 0, -1)).toBe(0);
    expect(nextFrameInImage(stack, 1)).toBe(2);
    expect(nextFrameInImage(stack, 3)).toBe(1);
    expect(nextFrameInImage(stack, 0)).toBe(0);
  });
});
