import { describe, expect, it } from 'vitest';
import { readPart10 } from '../dicom/reader.ts';
import { makePhiStudy } from '../../../tests/synthetic/phi-study.ts';
import { Dataset } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { encodeText, setUint16 } from '../dicom/values.ts';
import { summarizeInstance } from './summary.ts';
import { makeThumbnail, thumbnailSize } from './thumbnail.ts';

const study = makePhiStudy();
const ct = study.files.find((f) => f.role === 'ct')!;

describe('summarizeInstance', () => {
  it('reads who, which study and series, and what kind of image', () => {
    const s = summarizeInstance(readPart10(ct.bytes));
    expect(s.patientId).toBe(study.patients.A.id);
    expect(s.studyInstanceUID).toBe(ct.studyInstanceUID);
    expect(s.seriesInstanceUID).toBe(ct.seriesInstanceUID);
    expect(s.sopInstanceUID).toBe(ct.sopInstanceUID);
    expect(s.modality).toBe('CT');
    expect(s.rows).toBe(16);
    expect(s.frames).toBe(1);
    expect(s.compressed).toBe(false);
    expect(s.hasPixels).toBe(true);
  });
});

function image(rows: number, cols: number, bits: 8 | 16, samples: number[], extra: (ds: Dataset) => void = () => undefined): Dataset {
  const ds = new Dataset();
  setUint16(ds, T.Rows, rows);
  setUint16(ds, T.Columns, cols);
  setUint16(ds, T.BitsAllocated, bits);
  setUint16(ds, 0x00280101, bits);
  setUint16(ds, T.SamplesPerPixel, 1);
  ds.set({ tag: T.PhotometricInterpretation, vr: 'CS', value: encodeText('MONOCHROME2', 'CS') });
  const value = new Uint8Array(samples.length * (bits / 8));
  const view = new DataView(value.buffer);
  samples.forEach((v, i) => (bits === 8 ? view.setUint8(i, v) : view.setInt16(i * 2, v, true)));
  ds.set({ tag: T.PixelData, vr: bits === 8 ? 'OB' : 'OW', value });
  extra(ds);
  return ds;
}

describe('makeThumbnail', () => {
  it('keeps the aspect ratio and never upscales', () => {
    expect(thumbnailSize(512, 512, 128)).toEqual({ width: 128, height: 128 });
    expect(thumbnailSize(256, 512, 128)).toEqual({ width: 128, height: 64 });
    expect(thumbnailSize(10, 20, 128)).toEqual({ width: 20, height: 10 });
  });

  it('windows a signed 16-bit image with the file VOI after the rescale', () => {
    // Hounsfield -1000 (air) .. 1000 (bone), window 0 ± 500 → black, mid grey, white.
    const ds = image(1, 3, 16, [0, 1000, 2000], (d) => {
      setUint16(d, 0x00280103, 1);
      d.set({ tag: 0x00281052, vr: 'DS', value: encodeText('-1000', 'DS') });
      d.set({ tag: 0x00281053, vr: 'DS', value: encodeText('1', 'DS') });
      d.set({ tag: 0x00281050, vr: 'DS', value: encodeText('0', 'DS') });
      d.set({ tag: 0x00281051, vr: 'DS', value: encodeText('1000', 'DS') });
    });
    const t = makeThumbnail(ds, '1.2.840.10008.1.2.1')!;
    expect([t.width, t.height]).toEqual([3, 1]);
    expect([t.rgba[0], t.rgba[4], t.rgba[8]]).toEqual([0, 128, 255]);
    expect(t.rgba[3]).toBe(255);
  });

  it('gives no thumbnail for compressed pixel data or a short pixel value', () => {
    expect(makeThumbnail(image(2, 2, 8, [1, 2, 3, 4]), '1.2.840.10008.1.2.4.50')).toBeUndefined();
    expect(makeThumbnail(image(4, 4, 8, [1, 2, 3, 4]), '1.2.840.10008.1.2.1')).toBeUndefined();
  });

  it('previews the synthetic CT slice', () => {
    const parsed = readPart10(ct.bytes);
    const t = makeThumbnail(parsed.dataset, parsed.transferSyntaxUID, 8)!;
    expect(t.width).toBe(8);
    expect(t.rgba.length).toBe(8 * 8 * 4);
  });
});
