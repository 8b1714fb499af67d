/**
 * What the app shows of a defacing (core/deface/preview.ts, ui/deface/camera.ts): the volume
 * after the patches is exactly what the export writes, the mid-sagittal slice puts the face on the
 * left and the top of the head up whatever the acquisition plane, and the 3-D camera looks the
 * patient in the face at yaw 0.
 */
import { describe, expect, it } from 'vitest';
import { applyPatches, midSagittalSlice, volumeGeometry } from '../../src/core/deface/preview.ts';
import type { FramePatch, Volume } from '../../src/core/deface/types.ts';
import { volumeFromSeries } from '../../src/core/deface/volume.ts';
import { cameraFor, skinPreset, volumeCentre } from '../../src/ui/deface/camera.ts';
import { readSeries } from './helpers.ts';

/** 4×4 row-major index → patient matrix from three axis vectors (mm per voxel) and an origin. */
function matrix(i: number[], j: number[], k: number[], origin: number[]): Float64Array {
  return Float64Array.from([i[0], j[0], k[0], origin[0], i[1], j[1], k[1], origin[1], i[2], j[2], k[2], origin[2], 0, 0, 0, 1]);
}

/**
 * A 20×20×20 CT-like box of soft tissue (40 HU) in air, with one bright marker voxel placed at the
 * patient point (0, −9, +9) mm from the centre (anterior and superior): where it lands in the slice
 * tells the orientation.
 */
function markedVolume(indexToPatient: Float64Array): { volume: Volume; marker: number } {
  const n = 20;
  const data = new Float32Array(n * n * n).fill(40);
  // Find the voxel nearest the marker point by brute force (any orientation).
  const centre = [0, 1, 2].map((r) => indexToPatient[4 * r] * 9.5 + indexToPatient[4 * r + 1] * 9.5 + indexToPatient[4 * r + 2] * 9.5 + indexToPatient[4 * r + 3]);
  const target = [centre[0], centre[1] - 9, centre[2] + 9];
  let best = 0;
  let bestDist = Infinity;
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) {
    const p = [0, 1, 2].map((r) => indexToPatient[4 * r] * i + indexToPatient[4 * r + 1] * j + indexToPatient[4 * r + 2] * k + indexToPatient[4 * r + 3]);
    const d = Math.hypot(p[0] - target[0], p[1] - target[1], p[2] - target[2]);
    if (d < bestDist) {
      bestDist = d;
      best = i + n * j + n * n * k;
    }
  }
  data[best] = 2000;
  return { volume: { dims: [n, n, n], indexToPatient, data, modality: 'CT', slices: Array.from({ length: n }, (_, k) => ({ path: `s${k}`, frame: 0 })) }, marker: best };
}

describe('mid-sagittal slice', () => {
  const orientations: [string, Float64Array][] = [
    // Axial: columns toward the patient's left, rows toward posterior, slices toward the head.
    ['axial', matrix([1, 0, 0], [0, 1, 0], [0, 0, 1], [-10, -10, -10])],
    // Axial stored the other way round (rows toward anterior, slices toward the feet).
    ['axial, flipped', matrix([1, 0, 0], [0, -1, 0], [0, 0, -1], [-10, 10, 10])],
    // Sagittal acquisition: columns toward posterior, rows toward the feet, slices toward the left.
    ['sagittal', matrix([0, 1, 0], [0, 0, -1], [1, 0, 0], [-10, -10, 10])],
    // Coronal acquisition with 2 mm slices.
    ['coronal', matrix([1, 0, 0], [0, 0, -1], [0, 2, 0], [-10, -20, 10])],
  ];
  for (const [name, m] of orientations) {
    it(`puts the face on the left and the top of the head up (${name})`, () => {
      const { volume, marker } = markedVolume(m);
      const after = volume.data.slice();
      after[marker] = -1000;
      const slice = midSagittalSlice(volume, after, undefined);
      const at = slice.before.indexOf(255);
      expect(at).toBeGreaterThanOrEqual(0);
      const x = at % slice.width;
      const y = Math.floor(at / slice.width);
      // The marker is 9 mm anterior and 9 mm superior of the centre: well left of and above the middle.
      expect(x * slice.spacing[0]).toBeLessThan((slice.width * slice.spacing[0]) / 2 - 6);
      expect(y * slice.spacing[1]).toBeLessThan((slice.height * slice.spacing[1]) / 2 - 6);
      // The changed voxel shows in the region and in the after image.
      expect(slice.region[at]).toBe(1);
      expect(slice.after[at]).toBe(0);
    });
  }
});

describe('the volume after defacing', () => {
  it('is the original with exactly the patches, through each instance\'s rescale', async () => {
    const series = readSeries('ct-cranium');
    const volume = await volumeFromSeries(series);
    if ('refused' in volume) throw new Error(volume.refused);
    const k = 40;
    const { path, frame } = volume.slices[k];
    const patch: FramePatch = { frame, indices: Uint32Array.from([0, 1000, 30000]), storedValues: Int32Array.from([-1024, 7, 300]) };
    const sliceLength = volume.dims[0] * volume.dims[1];
    const after = applyPatches(volume, new Map([[path, [patch]]]), () => ({ slope: 2, intercept: -10 }));
    expect(after[k * sliceLength]).toBe(-2058);
    expect(after[k * sliceLength + 1000]).toBe(4);
    expect(after[k * sliceLength + 30000]).toBe(590);
    let differing = 0;
    for (let n = 0; n < after.length; n++) if (after[n] !== volume.data[n]) differing++;
    expect(differing).toBeLessThanOrEqual(3);
    // The original is left alone: the 3-D "before" view shows it.
    expect(volume.data[k * sliceLength + 1000]).not.toBe(4);
  });

  it('splits the geometry into origin, spacing and unit directions (the CT fixture)', async () => {
    const volume = await volumeFromSeries(readSeries('ct-cranium'));
    if ('refused' in volume) throw new Error(volume.refused);
    const g = volumeGeometry(volume);
    expect(g.spacing[0]).toBeCloseTo(0.957, 3);
    expect(g.spacing[1]).toBeCloseTo(0.957, 3);
    expect(g.spacing[2]).toBeCloseTo(1.5, 3);
    for (let a = 0; a < 3; a++) expect(Math.hypot(g.direction[3 * a], g.direction[3 * a + 1], g.direction[3 * a + 2])).toBeCloseTo(1, 6);
    expect(g.origin[0]).toBeCloseTo(-122, 3);
  });
});

describe('3-D view', () => {
  const centre: [number, number, number] = [5, -3, 40];
  it('looks the patient in the face at yaw 0, pitch 0, head up', () => {
    const c = cameraFor(0, 0, centre, 200);
    expect(c.position[1]).toBeLessThan(centre[1] - 100); // in front: anterior is −y
    expect(c.viewUp[2]).toBeCloseTo(1, 6);
    expect(c.focalPoint).toEqual(centre);
  });

  it('turns toward the patient\'s left side at yaw +90 and looks down from above at pitch +60', () => {
    expect(cameraFor(90, 0, centre, 200).position[0]).toBeGreaterThan(centre[0] + 100);
    const above = cameraFor(0, 60, centre, 200);
    expect(above.position[2]).toBeGreaterThan(centre[2] + 100);
    const dot = above.viewUp.reduce((s, v, i) => s + v * above.viewPlaneNormal[i], 0);
    expect(dot).toBeCloseTo(0, 9);
  });

  it('centres on the middle of the volume box', () => {
    const c = volumeCentre({ dims: [11, 21, 5], spacing: [1, 2, 3], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] });
    expect(c).toEqual([5, 20, 6]);
  });

  it('makes CT air clear and skin opaque', () => {
    const p = skinPreset({ modality: 'CT', range: [-1024, 2000] });
    const values = p.scalarOpacity.split(' ').map(Number);
    expect(values[0]).toBe(values.length - 1);
    const points: [number, number][] = [];
    for (let n = 1; n < values.length; n += 2) points.push([values[n], values[n + 1]]);
    const opacity = (hu: number) => {
      for (let n = 1; n < points.length; n++) {
        const [x0, y0] = points[n - 1];
        const [x1, y1] = points[n];
        if (hu <= x1) return y0 + ((y1 - y0) * (hu - x0)) / (x1 - x0);
      }
      return points[points.length - 1][1];
    };
    expect(opacity(-1000)).toBe(0);
    expect(opacity(-100)).toBe(1);
    expect(p.colorTransfer.split(' ').length - 1).toBe(Number(p.colorTransfer.split(' ')[0]));
  });
});
