/**
 * What the page and the defacing worker say to each other (through comlink). The worker reads
 * the series' files itself (Blobs travel by reference), builds the volume, registers it and
 * computes the face region; the page gets back the per-file patches the export writes and what
 * the previews need, their buffers transferred, never copied.
 */
import type { DefaceMode, FaceCheckOutcome, FramePatch } from '../core/deface/types.ts';
import type { SagittalSlice } from '../core/deface/preview.ts';
import type { InputRef } from './protocol.ts';

export type { DefaceMode, FaceCheckOutcome, FramePatch };

/** Whether a series is a head volume Veil can deface (isHeadSeries), and why not. */
export interface HeadCheck {
  head: boolean;
  reason?: string;
  /** false: a head (by its own description) that is not one regular volume the engine can deface. */
  defaceable?: boolean;
}

export interface DefaceRequest {
  mode: DefaceMode;
  /** Remove (or blur) the ears too; undefined: the engine's default for the mode. */
  ears?: boolean;
}

/** The 2-D preview's slice, as the engine cuts it (midSagittalSlice): one definition for both sides. */
export type SlicePreview = SagittalSlice;

/** The volume before and after, for the 3-D rendering (patient LPS geometry, modality values). */
export interface VolumePreview {
  dims: [number, number, number];
  spacing: [number, number, number];
  origin: [number, number, number];
  /** Row-major 3×3: the directions of i, j and k in patient space (columns of indexToPatient). */
  direction: number[];
  modality: 'CT' | 'MR';
  before: Float32Array;
  after: Float32Array;
  /** The value range of `before` (for an MR transfer function). */
  range: [number, number];
}

export interface DefaceResult {
  status: 'defaced' | 'declined';
  reason?: string;
  mode: DefaceMode;
  changedVoxels: number;
  /** Input path → the frames that change, in stored values, as the export writes them. */
  patches: [string, FramePatch[]][];
  registration?: { similarity: number; floor: number };
  faceCheck?: FaceCheckOutcome;
  /** Why the automatic face check could not run (the result then needs a person's look and override). */
  faceCheckError?: string;
  slice?: SlicePreview;
  volume?: VolumePreview;
  /** How long the engine took (milliseconds), shown to the user and measured in the e2e. */
  elapsedMs: number;
}

export interface DefaceWorkerApi {
  headCheck(inputs: InputRef[]): Promise<HeadCheck>;
  deface(inputs: InputRef[], request: DefaceRequest, onProgress: (fraction: number, stage: string) => void): Promise<DefaceResult>;
}
