import { describe, expect, it } from 'vitest';
import { faceFraming, otsuThreshold, renderSkin, skinThreshold } from './render.ts';
import type { Volume } from './types.ts';

/**
 * A synthetic head in patient millimetres (LPS): a sphere of radius 60 at the origin, a "nose"
 * (small sphere) sticking out anteriorly (−y) at z = 10, and an "ear" on the patient's LEFT (+x)
 * only, so that a mirrored or upside-down rendering shows.
 */
function insideHead(x: number, y: number, z: number): boolean {
  if (x * x + y * y + z * z <= 60 * 60) return true;
  if (x * x + (y + 62) ** 2 + (z - 10) ** 2 <= 12 * 12) return true;
  return (x - 62) ** 2 + y * y + z * z <= 10 * 10;
}

const NOSE_TIP: [number, number, number] = [0, -74, 10];

/**
 * Samples the synthetic head on a grid whose index axes map to patient space by `axes` (each
 * column a patient direction scaled by the spacing) from `origin`: the same head stored as an
 * axial, a sagittal or a flipped acquisition.
 */
function syntheticVolume(modality: 'CT' | 'MR', axes: number[][], origin: number[], dims: [number, number, number]): Volume {
  const [nx, ny, nz] = dims;
  const data = new Float32Array(nx * ny * nz);
  const tissue = modality === 'CT' ? 40 : 200;
  const air = modality === 'CT' ? -1000 : 3;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const p = [0, 1, 2].map((r) => origin[r] + axes[r][0] * i + axes[r][1] * j + axes[r][2] * k);
        data[i + nx * (j + ny * k)] = insideHead(p[0], p[1], p[2]) ? tissue : air;
      }
    }
  }
  const indexToPatient = new Float64Array([
    axes[0][0], axes[0][1], axes[0][2], origin[0],
    axes[1][0], axes[1][1], axes[1][2], origin[1],
    axes[2][0], axes[2][1], axes[2][2], origin[2],
    0, 0, 0, 1,
  ]);
  return { dims, indexToPatient, data, modality, slices: [] };
}

const STEP = 2.5;
const N = 64;
const HALF = ((N - 1) * STEP) / 2;
/** Axial: i → +x, j → +y, k → +z. */
const axial = (modality: 'CT' | 'MR' = 'CT'): Volume =>
  syntheticVolume(modality, [[STEP, 0, 0], [0, STEP, 0], [0, 0, STEP]], [-HALF, -HALF, -HALF], [N, N, N]);
/** Sagittal, feet-first-like order: i → −y, j → −z, k → +x. */
const sagittal = (): Volume =>
  syntheticVolume('CT', [[0, 0, STEP], [-STEP, 0, 0], [0, -STEP, 0]], [-HALF, HALF, HALF], [N, N, N]);

/** Mean brightness of the lit pixels in a column range of the image. */
function litPixels(image: { rgb: Uint8Array; width: number }, fromCol: number, toCol: number): number {
  let count = 0;
  for (let n = 0; n < image.rgb.length / 3; n++) {
    const col = n % image.width;
    if (col >= fromCol && col < toCol && image.rgb[3 * n] > 0) count++;
  }
  return count;
}

describe('skin rendering', () => {
  it('frames the face on the nose tip, whatever order the voxels are stored in', () => {
    for (const volume of [axial(), sagittal()]) {
      const framing = faceFraming(volume);
      // Centre: 40 mm behind and 15 mm above the nose tip (within a probe pixel and a step).
      expect(Math.abs(framing.centre[0] - NOSE_TIP[0])).toBeLessThan(4);
      expect(Math.abs(framing.centre[1] - (NOSE_TIP[1] + 40))).toBeLessThan(4);
      expect(Math.abs(framing.centre[2] - (NOSE_TIP[2] + 15))).toBeLessThan(4);
    }
  });

  it('shows the patient\'s left on the image\'s right in the front view, as when facing someone', () => {
    const volume = axial();
    const image = renderSkin(volume, { yawDeg: 0, pitchDeg: 0 }, faceFraming(volume), 128);
    // The head (radius 60) spans ±60 mm of the 220 mm field; the left ear reaches to +72 mm.
    const mmToCol = (mm: number): number => Math.round(64 + (mm / 220) * 128);
    expect(litPixels(image, mmToCol(62), mmToCol(75))).toBeGreaterThan(20);
    expect(litPixels(image, mmToCol(-75), mmToCol(-62))).toBe(0);
  });

  it('renders the same image from an axial and a sagittal acquisition of the same head', () => {
    const fromAxial = axial();
    const fromSagittal = sagittal();
    for (const view of [{ yawDeg: 0, pitchDeg: 0 }, { yawDeg: 30, pitchDeg: 15 }]) {
      const a = renderSkin(fromAxial, view, faceFraming(fromAxial), 96);
      const b = renderSkin(fromSagittal, view, faceFraming(fromSagittal), 96);
      let differing = 0;
      for (let n = 0; n < a.rgb.length; n++) if (Math.abs(a.rgb[n] - b.rgb[n]) > 40) differing++;
      expect(differing / a.rgb.length).toBeLessThan(0.02);
      expect(litPixels(a, 0, 96)).toBeGreaterThan(96 * 96 * 0.2);
    }
  });

  it('puts the MR skin threshold between background and tissue', () => {
    const volume = axial('MR');
    const threshold = skinThreshold(volume);
    expect(otsuThreshold(volume.data)).toBeGreaterThan(3);
    expect(otsuThreshold(volume.data)).toBeLessThan(200);
    expect(threshold).toBeGreaterThan(3);
    expect(threshold).toBeLessThan(200);
  });
});
