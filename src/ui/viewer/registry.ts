/**
 * Image ids for the user's files. The loader's file manager hands out `dicomfile:N` for a Blob;
 * each loaded original is added once (the id is reused when the viewer comes back to it), and
 * preview outputs are added and removed as they are made.
 */
import { addFile, frameImageIds, removeFile } from './cornerstone.ts';

const originals = new WeakMap<Blob, string>();

/** The base image id of a loaded original (added on first use). */
export function originalImageId(file: Blob): string {
  let id = originals.get(file);
  if (!id) {
    id = addFile(file);
    originals.set(file, id);
  }
  return id;
}

/** Image id of one frame (0-based) of a file with `frames` frames. */
export function frameImageId(base: string, frame: number, frames: number): string {
  return frames <= 1 ? base : `${base}?frame=${frame + 1}`;
}

/** A preview output: its own image ids, forgotten with releaseOutput. */
export function addOutput(blob: Blob): string {
  return addFile(blob);
}

export function releaseOutput(base: string, frames: number): void {
  removeFile(base, frameImageIds(base, frames));
}
