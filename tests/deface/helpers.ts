import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { readPart10 } from '../../src/core/dicom/reader.ts';
import type { FramePatch, SeriesInstance, Volume } from '../../src/core/deface/types.ts';
import { Dataset } from '../../src/core/dicom/dataset.ts';
import { T } from '../../src/core/dicom/tags.ts';
import { setString, setUint16 } from '../../src/core/dicom/values.ts';
import { displayParams } from '../../src/core/pixels/display.ts';
import { repoRoot } from '../helpers/fixtures.ts';

export const headsDir = resolve(repoRoot, '..', 'shared', 'fixtures', 'heads');

export function readSeries(folder: string): SeriesInstance[] {
  const dir = resolve(headsDir, folder);
  return readdirSync(dir).filter((f) => f.endsWith('.dcm')).sort().map((f) => {
    const path = resolve(dir, f);
    const parsed = readPart10(new Uint8Array(readFileSync(path)));
    return { path, dataset: parsed.dataset, transferSyntaxUID: parsed.transferSyntaxUID };
  });
}

/**
 * A volume written as a single-frame MR series (16-bit unsigned, native little endian), one
 * instance per k, with Image Position/Orientation and Pixel Spacing from the volume's geometry:
 * how a sagittal or coronal acquisition of the same head reaches volumeFromSeries.
 */
export function seriesFromVolume(dims: [number, number, number], indexToPatient: Float64Array, data: Float32Array, prefix: string): SeriesInstance[] {
  const [nx, ny, nz] = dims;
  const column = (c: number): number[] => [indexToPatient[c], indexToPatient[4 + c], indexToPatient[8 + c]];
  const norm = (v: number[]): number => Math.hypot(v[0], v[1], v[2]);
  const [rowDir, colDir] = [column(0), column(1)];
  const iop = [...rowDir.map((x) => x / norm(rowDir)), ...colDir.map((x) => x / norm(colDir))].map((x) => x.toFixed(6)).join('\\');
  const series: SeriesInstance[] = [];
  for (let k = 0; k < nz; k++) {
    const ds = new Dataset();
    setString(ds, T.Modality, 'MR', 'CS');
    setString(ds, T.SeriesDescription, 'T1 HEAD', 'LO');
    const ipp = [0, 1, 2].map((r) => indexToPatient[r * 4 + 2] * k + indexToPatient[r * 4 + 3]);
    setString(ds, T.ImagePositionPatient, ipp.map((x) => x.toFixed(4)).join('\\'), 'DS');
    setString(ds, T.ImageOrientationPatient, iop, 'DS');
    // Pixel Spacing: between rows (along the column direction) \ between columns.
    setString(ds, T.PixelSpacing, `${norm(colDir).toFixed(4)}\\${norm(rowDir).toFixed(4)}`, 'DS');
    setUint16(ds, T.Rows, ny);
    setUint16(ds, T.Columns, nx);
    setUint16(ds, T.SamplesPerPixel, 1);
    setString(ds, T.PhotometricInterpretation, 'MONOCHROME2', 'CS');
    setUint16(ds, T.BitsAllocated, 16);
    setUint16(ds, T.BitsStored, 16);
    setUint16(ds, T.HighBit, 15);
    setUint16(ds, T.PixelRepresentation, 0);
    const pixels = new Uint16Array(nx * ny);
    for (let n = 0; n < nx * ny; n++) pixels[n] = Math.max(0, Math.round(data[k * nx * ny + n]));
    ds.set({ tag: T.PixelData, vr: 'OW', value: new Uint8Array(pixels.buffer) });
    series.push({ path: `${prefix}${String(k).padStart(3, '0')}.dcm`, dataset: ds, transferSyntaxUID: '1.2.840.10008.1.2.1' });
  }
  return series;
}

/** The volume's modality values after the patches are applied (stored → modality through each instance's rescale). */
export function applyPatches(volume: Volume, instances: readonly SeriesInstance[], patches: Map<string, FramePatch[]>): Float32Array {
  const out = Float32Array.from(volume.data);
  const perSlice = volume.dims[0] * volume.dims[1];
  const byPath = new Map(instances.map((inst) => [inst.path, inst]));
  volume.slices.forEach((slice, k) => {
    const p = displayParams(byPath.get(slice.path)!.dataset);
    for (const patch of patches.get(slice.path) ?? []) {
      if (patch.frame !== slice.frame) continue;
      patch.indices.forEach((at, q) => (out[k * perSlice + at] = patch.storedValues[q] * p.rescaleSlope + p.rescaleIntercept));
    }
  });
  return out;
}
