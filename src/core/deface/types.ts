/**
 * Defacing: the contract between the parts that build it, so each can be written and tested on
 * its own. The engine (volume, registration, face region, brain guard, modes) produces a
 * DefaceOutcome; the face check renders and inspects volumes; the write-back turns FramePatches
 * into pixels through the redaction path; the hosts (CLI, app worker) supply the registration and
 * face-detector back ends, because @itk-wasm/elastix and the detector's tensor library load
 * differently in Node and in a browser. Everything here is DOM- and Node-free.
 *
 * Coordinates: patient millimetres are DICOM LPS (x toward the patient's left, y toward posterior,
 * z toward head). Template millimetres are LPS too (MNI/Colin27 RAS with x and y negated).
 * Matrices are 4×4, row-major, in a Float64Array of 16, acting on column vectors [x y z 1].
 */
import type { Dataset } from '../dicom/dataset.ts';

export type DefaceMode = 'remove' | 'blur' | 'soft';

export interface DefaceOptions {
  mode: DefaceMode;
  /** Remove (or blur) the ears too. Default: true for remove/blur, false for soft (soft keeps the pre-auricular points). */
  ears?: boolean;
  /** Progress for the app: a fraction 0..1 and what is being done. */
  onProgress?: (fraction: number, stage: string) => void;
}

/** One instance of the series as a host hands it in: its input path and its ORIGINAL parsed header (before the profile). */
export interface SeriesInstance {
  path: string;
  dataset: Dataset;
  transferSyntaxUID: string;
}

/** A scalar 3-D volume on a regular grid. Voxel (i, j, k): i along a row (columns), j down the rows, k across slices. */
export interface Volume {
  dims: [number, number, number];
  /** Voxel index → patient (LPS) millimetres. */
  indexToPatient: Float64Array;
  /** Modality values (Hounsfield units for CT), i fastest, then j, then k. */
  data: Float32Array;
  modality: 'CT' | 'MR';
  /** Where each k came from: the instance path and the frame within it. */
  slices: readonly { path: string; frame: number }[];
}

/** The change to one frame of one instance: pixel indices within the frame (row-major) and their new STORED values. */
export interface FramePatch {
  frame: number;
  indices: Uint32Array;
  storedValues: Int32Array;
}

/** A registration back end (elastix in both hosts): rigid then affine, Mattes mutual information. */
export interface Registrar {
  /**
   * Registers `moving` onto `fixed`, starting from `initialFixedToMoving`, and returns the
   * transform that maps FIXED physical points to MOVING physical points (ITK's convention).
   */
  register(fixed: RegistrationImage, moving: RegistrationImage, initialFixedToMoving: Float64Array): Promise<{ fixedToMoving: Float64Array }>;
  /**
   * Optional: the same back end restricted to one stage with its own pyramid depth, so the
   * multi-start search can try each start with a quick similarity (or rigid) run and refine only the best with an
   * affine one. Without it every start runs the full rigid-then-affine `register`.
   */
  stage?(stage: 'rigid' | 'similarity' | 'affine', resolutions: number): Registrar;
}

/** An image as the registration back end takes it: physical space given by origin, spacing and direction (row-major 3×3). */
export interface RegistrationImage {
  dims: [number, number, number];
  spacing: [number, number, number];
  origin: [number, number, number];
  direction: Float64Array;
  data: Float32Array;
}

/** A face detector over an RGB image (the check renders the skin surface and asks this). */
export interface FaceDetector {
  /** Scores (0..1) of every face found; an empty array when none. */
  detect(rgb: Uint8Array, width: number, height: number): Promise<number[]>;
}

export interface FaceCheckView {
  /** Rotation about the patient's vertical axis (yaw) and the left–right axis (pitch), degrees; 0/0 = from the front. */
  yawDeg: number;
  pitchDeg: number;
  /** Best face score in this view; 0 when none. */
  score: number;
}

export interface FaceCheckOutcome {
  faceFound: boolean;
  views: FaceCheckView[];
}

export interface DefaceOutcome {
  status: 'defaced' | 'declined';
  /** Declined: one sentence for the user and both reports ("not one regular 3-D head volume: …", "needs manual review: …"). */
  reason?: string;
  mode: DefaceMode;
  /** Input path → the frames that change (instances without changes are absent). */
  patches: Map<string, FramePatch[]>;
  /** Template millimetres → patient millimetres, and the final similarity (higher is better) against its calibrated floor. */
  registration?: { templateToPatient: Float64Array; similarity: number; floor: number };
  changedVoxels: number;
  /** The subject volume before defacing, and the face region over it (1 = changed), for previews and the face check. */
  volume?: Volume;
  region?: Uint8Array;
  faceCheck?: FaceCheckOutcome;
  /** Region voxels the brain guard took out of the region (inside the dilated template brain). */
  guardedVoxels?: number;
}
