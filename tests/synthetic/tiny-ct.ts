/**
 * Tiny CT slices of one series (16×16 pixels, under 1 kB each) with a patient's identifiers,
 * for tests and benchmarks that need many files but not many bytes: picking 10,000 files
 * measures the page's handling of files, not reading gigabytes. Deterministic: slice i is the
 * same bytes on every run.
 */
import { Dataset } from '../../src/core/dicom/dataset.ts';
import { encodeText } from '../../src/core/dicom/values.ts';
import { writePart10 } from '../../src/core/dicom/writer.ts';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';
export const TINY_CT_SIDE = 16;

export const tinyCtName = (index: number): string => `CT${String(index + 1).padStart(6, '0')}.dcm`;

/** Slice `index` (0-based) of the series, as Part 10 bytes. */
export function tinyCtSlice(index: number): Uint8Array {
  const text = (ds: Dataset, tag: number, vr: string, value: string) => ds.set({ tag, vr, value: encodeText(value, vr) });
  const us = (ds: Dataset, tag: number, n: number) => ds.set({ tag, vr: 'US', value: new Uint8Array([n & 0xff, n >> 8]) });
  const sop = `2.25.4711${index + 1}`;
  const ds = new Dataset();
  text(ds, 0x00080016, 'UI', CT_IMAGE_STORAGE);
  text(ds, 0x00080018, 'UI', sop);
  text(ds, 0x00080020, 'DA', '20240317');
  text(ds, 0x00080060, 'CS', 'CT');
  text(ds, 0x00080080, 'LO', 'Saint Wendelin Regional Hospital');
  text(ds, 0x00100010, 'PN', 'PICKBENCH^HORTENSIA');
  text(ds, 0x00100020, 'LO', 'PID-4711-0815');
  text(ds, 0x00180015, 'CS', 'CHEST');
  text(ds, 0x0020000d, 'UI', '2.25.47110001');
  text(ds, 0x0020000e, 'UI', '2.25.47110002');
  text(ds, 0x00200013, 'IS', String(index + 1));
  text(ds, 0x00200032, 'DS', `0\\0\\${-index}`);
  text(ds, 0x00200037, 'DS', '1\\0\\0\\0\\1\\0');
  us(ds, 0x00280002, 1);
  text(ds, 0x00280004, 'CS', 'MONOCHROME2');
  us(ds, 0x00280010, TINY_CT_SIDE);
  us(ds, 0x00280011, TINY_CT_SIDE);
  text(ds, 0x00280030, 'DS', '0.7\\0.7');
  us(ds, 0x00280100, 16);
  us(ds, 0x00280101, 16);
  us(ds, 0x00280102, 15);
  us(ds, 0x00280103, 0);
  const pixels = new Uint8Array(TINY_CT_SIDE * TINY_CT_SIDE * 2).map((_, k) => (k * 7 + index) & 0xff);
  ds.set({ tag: 0x7fe00010, vr: 'OW', value: pixels });
  return writePart10({ dataset: ds, transferSyntaxUID: EXPLICIT_VR_LE, sopClassUID: CT_IMAGE_STORAGE, sopInstanceUID: sop });
}
