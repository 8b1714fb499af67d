import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/core/dicom/dataset.ts';
import { T } from '../../src/core/dicom/tags.ts';
import { setString, setUint16 } from '../../src/core/dicom/values.ts';
import { apply } from '../../src/core/deface/affine.ts';
import { isHeadSeries, volumeFromSeries } from '../../src/core/deface/volume.ts';
import { decideSeries } from '../../src/core/deface/series-plan.ts';
import type { SeriesInstance } from '../../src/core/deface/types.ts';
import { useNodeCodecs } from '../../src/cli/codec-loader.ts';
import { readSeries } from './helpers.ts';

useNodeCodecs();

function slice(n: number, opts: { z?: number; iop?: string; rows?: number; modality?: string; description?: string } = {}): SeriesInstance {
  const ds = new Dataset();
  setString(ds, T.Modality, opts.modality ?? 'CT', 'CS');
  setString(ds, T.ImagePositionPatient, `-100\\-100\\${opts.z ?? n * 5}`, 'DS');
  setString(ds, T.ImageOrientationPatient, opts.iop ?? '1\\0\\0\\0\\1\\0', 'DS');
  setString(ds, T.PixelSpacing, '0.8\\0.8', 'DS');
  setString(ds, T.SeriesDescription, opts.description ?? 'HEAD', 'LO');
  setUint16(ds, T.Rows, opts.rows ?? 256);
  setUint16(ds, T.Columns, 256);
  return { path: `s${n}`, dataset: ds, transferSyntaxUID: '1.2.840.10008.1.2.1' };
}
const stack = (n: number, f: (i: number) => SeriesInstance = (i) => slice(i)): SeriesInstance[] => Array.from({ length: n }, (_, i) => f(i));

describe('volumeFromSeries refuses what is not one regular head volume', () => {
  it.each([
    ['too few slices', stack(10), /10 slice\(s\), at least 20/],
    ['a localiser mixed in', [...stack(30), slice(99, { iop: '0\\1\\0\\0\\0\\-1' })], /mixed orientations/],
    ['uneven gaps', stack(30, (i) => slice(i, { z: i < 15 ? i * 5 : i * 5 + 3 })), /uneven gaps/],
    ['mixed geometry', [...stack(29), slice(29, { rows: 128 })], /mixed image sizes/],
    ['too short a stack', stack(25, (i) => slice(i, { z: i * 2 })), /cover 48 mm/],
    ['not CT or MR', stack(30, (i) => slice(i, { modality: 'PT' })), /only CT and MR/],
  ])('%s', async (_name, series, reason) => {
    const out = await volumeFromSeries(series);
    expect('refused' in out && out.refused).toMatch(reason);
  });

  it('isHeadSeries says no to a chest and yes to a head', () => {
    expect(isHeadSeries(stack(30, (i) => slice(i, { description: 'CHEST' })))).toMatch(/not a head/);
    expect(isHeadSeries(stack(30))).toBe(true);
  });

  it('the engine and the series plan read the same head words: a sinus CT is offered, and declined when it cannot be defaced', () => {
    // A sinus or orbit CT shows the face: the engine must offer it, and the plan must treat a broken one as a head.
    expect(isHeadSeries(stack(30, (i) => slice(i, { description: 'CT NASENNEBENHOEHLEN SINUS' })))).toBe(true);
    expect(decideSeries(stack(10, (i) => slice(i, { description: 'ORBIT' })), isHeadSeries)).toMatchObject({ kind: 'decline' });
    expect(decideSeries(stack(10, (i) => slice(i, { description: 'CHEST' })), isHeadSeries)).toMatchObject({ kind: 'skip' });
  });
});

describe('volumeFromSeries on the fixture heads', () => {
  it('builds the head CT in Hounsfield units, sorted along the slice normal', async () => {
    const series = readSeries('ct-cranium').reverse();
    const v = await volumeFromSeries(series);
    if ('refused' in v) throw new Error(v.refused);
    expect(v.dims).toEqual([256, 256, 108]);
    expect(v.modality).toBe('CT');
    // Sorted inferior → superior whatever the input order, 1.5 mm apart.
    expect(apply(v.indexToPatient, [0, 0, 1])[2] - apply(v.indexToPatient, [0, 0, 0])[2]).toBeCloseTo(1.5, 3);
    let min = Infinity;
    let max = -Infinity;
    for (const x of v.data) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).toBeLessThan(-900); // air
    expect(max).toBeGreaterThan(1000); // bone
  });

  it('builds the Colin MR in LPS: voxel (90, 91, 71) is the template origin', async () => {
    const v = await volumeFromSeries(readSeries('mr-colin27'));
    if ('refused' in v) throw new Error(v.refused);
    expect(v.dims).toEqual([181, 217, 181]);
    expect(apply(v.indexToPatient, [90, 91, 71]).map((x) => Math.round(x))).toEqual([0, 0, 0]);
  });
});
