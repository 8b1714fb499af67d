/**
 * A minimal, test-only volume loader for the two fixture heads (../shared/fixtures/heads): both
 * are single-frame, native, axial series with one orientation and even slice steps. The engine's
 * own volumeFromSeries (branch deface-engine) is the real loader, with every check a clinical
 * series needs; this one exists so the face check can be tested before that lands, and it refuses
 * whatever it does not understand instead of guessing.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { readPart10 } from '../../src/core/dicom/reader.ts';
import { T } from '../../src/core/dicom/tags.ts';
import { getNumber, getString } from '../../src/core/dicom/values.ts';
import { imageInfo, nativeFrame } from '../../src/core/pixels/frames.ts';
import type { Volume } from '../../src/core/deface/types.ts';
import { repoRoot } from './fixtures.ts';

export const headsDir = process.env.VEIL_HEADS ?? resolve(repoRoot, '..', 'shared', 'fixtures', 'heads');

const numbers = (text: string | undefined): number[] => (text ?? '').split('\\').map(Number);

export function loadHeadSeries(folder: string): Volume {
  const dir = resolve(headsDir, folder);
  const slices = readdirSync(dir)
    .filter((name) => name.endsWith('.dcm'))
    .map((name) => {
      const path = resolve(dir, name);
      const { dataset } = readPart10(readFileSync(path));
      return { path, dataset, position: numbers(getString(dataset, T.ImagePositionPatient)) };
    });
  if (slices.length < 2) throw new Error(`${folder}: fewer than two slices`);
  const first = slices[0].dataset;
  const orientation = numbers(getString(first, T.ImageOrientationPatient));
  const [rowSpacing, columnSpacing] = numbers(getString(first, T.PixelSpacing));
  const row = orientation.slice(0, 3);
  const column = orientation.slice(3, 6);
  const normal = [row[1] * column[2] - row[2] * column[1], row[2] * column[0] - row[0] * column[2], row[0] * column[1] - row[1] * column[0]];
  const along = (p: number[]): number => p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2];
  slices.sort((a, b) => along(a.position) - along(b.position));
  const steps = slices.slice(1).map((s, n) => along(s.position) - along(slices[n].position));
  const step = steps[0];
  if (steps.some((s) => Math.abs(s - step) > 0.01 * Math.abs(step))) throw new Error(`${folder}: uneven slice steps`);

  const info = imageInfo(first);
  if (info.samplesPerPixel !== 1 || info.bitsAllocated % 8 !== 0) throw new Error(`${folder}: not single-sample 8/16-bit pixels`);
  const nx = info.columns;
  const ny = info.rows;
  const nz = slices.length;
  const data = new Float32Array(nx * ny * nz);
  slices.forEach((slice, k) => {
    const sliceInfo = imageInfo(slice.dataset);
    if (sliceInfo.rows !== ny || sliceInfo.columns !== nx) throw new Error(`${folder}: mixed slice sizes`);
    const slope = getNumber(slice.dataset, T.RescaleSlope) ?? 1;
    const intercept = getNumber(slice.dataset, T.RescaleIntercept) ?? 0;
    const bytes = nativeFrame(slice.dataset, 0, sliceInfo);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let n = 0; n < nx * ny; n++) {
      let stored: number;
      if (sliceInfo.bitsAllocated === 8) stored = sliceInfo.pixelRepresentation ? view.getInt8(n) : view.getUint8(n);
      else stored = sliceInfo.pixelRepresentation ? view.getInt16(2 * n, true) : view.getUint16(2 * n, true);
      data[k * nx * ny + n] = stored * slope + intercept;
    }
  });

  const origin = slices[0].position;
  const sliceStep = normal.map((c) => c * step);
  // Column i moves along the row direction by the column spacing; row j along the column direction.
  const indexToPatient = new Float64Array([
    row[0] * columnSpacing, column[0] * rowSpacing, sliceStep[0], origin[0],
    row[1] * columnSpacing, column[1] * rowSpacing, sliceStep[1], origin[1],
    row[2] * columnSpacing, column[2] * rowSpacing, sliceStep[2], origin[2],
    0, 0, 0, 1,
  ]);
  const modality = getString(first, T.Modality)?.trim();
  if (modality !== 'CT' && modality !== 'MR') throw new Error(`${folder}: modality ${modality} is neither CT nor MR`);
  return { dims: [nx, ny, nz], indexToPatient, data, modality, slices: slices.map((s) => ({ path: s.path, frame: 0 })) };
}
