/**
 * The one display pipeline: thumbnails, the picture OCR reads and the redaction fill agree on
 * what a person sees. The case that used to split them: a MONOCHROME1 radiograph that also
 * declares Presentation LUT Shape INVERSE (the DX IOD requires both together). Redaction treated
 * the two as a double inversion and painted with the lowest value — white on this image.
 */
import { describe, expect, it } from 'vitest';
import { createSession, deidentifyFileAsync } from '../deidentify.ts';
import { Dataset } from '../dicom/dataset.ts';
import { readPart10 } from '../dicom/reader.ts';
import { T } from '../dicom/tags.ts';
import { setString, setUint16 } from '../dicom/values.ts';
import { joinParts, writePart10 } from '../dicom/writer.ts';
import { toGray8 } from '../detect/render.ts';
import type { WrittenOutcome } from '../outcome.ts';
import { makeThumbnail } from '../summary/thumbnail.ts';
import { displayParams, grayLevels, paletteRgb, readPalette, voiRange } from './display.ts';

const DX = '1.2.840.10008.5.1.4.1.1.1.1';
const SOP = '2.25.4242';
const SIZE = 32;

/** A 32×32 12-bit MONOCHROME1 radiograph: values rise left to right; "text" would be at the top left. */
function radiograph(inverse: boolean): Uint8Array {
  const ds = new Dataset();
  setString(ds, T.SOPClassUID, DX, 'UI');
  setString(ds, T.SOPInstanceUID, SOP, 'UI');
  setString(ds, T.StudyInstanceUID, '2.25.4242.1', 'UI');
  setString(ds, T.SeriesInstanceUID, '2.25.4242.2', 'UI');
  setString(ds, T.PatientName, 'DOE^JANE', 'PN');
  setString(ds, T.PatientID, 'MRN-0042', 'LO');
  setString(ds, T.Modality, 'DX', 'CS');
  setUint16(ds, T.SamplesPerPixel, 1);
  setString(ds, T.PhotometricInterpretation, 'MONOCHROME1', 'CS');
  setUint16(ds, T.Rows, SIZE);
  setUint16(ds, T.Columns, SIZE);
  setUint16(ds, T.BitsAllocated, 16);
  setUint16(ds, T.BitsStored, 12);
  setUint16(ds, T.HighBit, 11);
  setUint16(ds, T.PixelRepresentation, 0);
  if (inverse) setString(ds, T.PresentationLUTShape, 'INVERSE', 'CS');
  const px = new Uint16Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) px[y * SIZE + x] = 100 + x * 120;
  ds.set({ tag: T.PixelData, vr: 'OW', value: new Uint8Array(px.buffer) });
  return writePart10({ dataset: ds, transferSyntaxUID: '1.2.840.10008.1.2.1', sopClassUID: DX, sopInstanceUID: SOP });
}

describe('the display pipeline', () => {
  it('shows MONOCHROME1 with an INVERSE presentation LUT once inverted, not twice', () => {
    for (const inverse of [false, true]) {
      const ds = readPart10(radiograph(inverse)).dataset;
      const p = displayParams(ds);
      expect(p.inverted).toBe(true);
      const levels = grayLevels([100, 3820], p, voiRange([100, 3820], p));
      expect([...levels]).toEqual([255, 0]); // the lowest value is white, the highest black
    }
  });

  for (const inverse of [false, true]) {
    it(`a painted box is black in the thumbnail and in the OCR picture (MONOCHROME1${inverse ? ' + INVERSE' : ''})`, async () => {
      const plan = {
        version: 1 as const,
        boxes: [{ id: 'name', x: 0, y: 0, width: 8, height: 4, frames: 'all' as const, scope: { kind: 'instance' as const, sopInstanceUID: SOP }, source: 'user' as const }],
      };
      const outcome = (await deidentifyFileAsync({ path: 'dx.dcm', bytes: radiograph(inverse) }, createSession({ passphrase: 'display' }), { plan })) as WrittenOutcome;
      expect(outcome.status).toBe('written');
      expect(outcome.pixels?.fill).toMatch(/highest value/);
      const out = readPart10(joinParts(outcome.parts));

      const thumb = makeThumbnail(out.dataset, out.transferSyntaxUID, SIZE)!;
      for (let y = 0; y < 4; y++) for (let x = 0; x < 8; x++) expect(thumb.rgba[(y * SIZE + x) * 4], `thumbnail (${x},${y})`).toBe(0);
      expect(thumb.rgba[(10 * SIZE + 1) * 4]).toBeGreaterThan(200); // unpainted low values stay light

      const el = out.dataset.get(T.PixelData)!;
      const samples = new Uint16Array(el.value.buffer.slice(el.value.byteOffset, el.value.byteOffset + el.value.byteLength));
      const gray = toGray8({ width: SIZE, height: SIZE, samplesPerPixel: 1, data: samples, photometric: 'MONOCHROME1' }, displayParams(out.dataset));
      for (let y = 0; y < 4; y++) for (let x = 0; x < 8; x++) expect(gray.data[y * SIZE + x], `OCR picture (${x},${y})`).toBe(0);
    });
  }

  it('reads 8-bit and 16-bit palettes to the same colours', () => {
    const palette = (bits: 8 | 16): Dataset => {
      const ds = new Dataset();
      setString(ds, T.PhotometricInterpretation, 'PALETTE COLOR', 'CS');
      const entries = [0, 128, 255];
      for (const [d, data] of [
        [T.RedPaletteColorLookupTableDescriptor, T.RedPaletteColorLookupTableData],
        [T.GreenPaletteColorLookupTableDescriptor, T.GreenPaletteColorLookupTableData],
        [T.BluePaletteColorLookupTableDescriptor, T.BluePaletteColorLookupTableData],
      ]) {
        ds.set({ tag: d, vr: 'US', value: new Uint8Array(new Uint16Array([3, 0, bits]).buffer) });
        const words = new Uint16Array(entries.map((e) => (bits === 16 ? e * 257 : e)));
        ds.set({ tag: data, vr: 'OW', value: new Uint8Array(words.buffer) });
      }
      return ds;
    };
    for (const bits of [8, 16] as const) {
      const p = readPalette(palette(bits))!;
      expect([0, 1, 2].map((i) => paletteRgb(p, i)[0])).toEqual([0, 128, 255]);
      expect(paletteRgb(p, 99)[0]).toBe(255); // past the table: the last entry
    }
  });
});
