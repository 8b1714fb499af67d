/**
 * A small synthetic CT series with known patient data: signed 16-bit slices whose every pixel
 * value is known (a ramp, so a changed pixel can never equal its neighbour by chance), written
 * native or compressed (RLE, JPEG-LS lossless) with Veil's own encoders — the tests read the
 * outputs back with independent decoders (tests/helpers/reference-pixels.ts).
 */
import { encodeFrame, type DecodedFrame } from '../../src/core/pixels/codecs/index.ts';
import { encodePart10, type Element } from '../synthetic/encoder.ts';

export const RLE_LOSSLESS = '1.2.840.10008.1.2.5';
export const JPEG_LS_LOSSLESS = '1.2.840.10008.1.2.4.80';
export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
export const PATIENT_NAME = 'Facey^Florence';

export interface SeriesSpec {
  seriesUID: string;
  slices: number;
  rows?: number;
  columns?: number;
  modality?: 'CT' | 'MR' | 'CR';
  /** Explicit VR little endian (default), RLE or JPEG-LS lossless. */
  encoding?: 'native' | 'rle' | 'jpeg-ls';
  /** Slice spacing in mm (default 2). */
  spacing?: number;
  /** Body Part Examined (default HEAD). */
  bodyPart?: string;
}

/** The stored value of pixel (row, column) of slice k: distinct along rows and columns. */
export const rampValue = (k: number, row: number, column: number, columns: number): number => -1000 + k * 7 + row * columns + column;

export function sliceValues(spec: SeriesSpec, k: number): Int16Array {
  const rows = spec.rows ?? 24;
  const columns = spec.columns ?? 20;
  const v = new Int16Array(rows * columns);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) v[r * columns + c] = rampValue(k, r, c, columns);
  return v;
}

const str = (tag: number, vr: string, value: string): Element => ({ tag, vr, value });

/** One slice as a Part 10 file. */
export async function sliceFile(spec: SeriesSpec, k: number): Promise<Uint8Array> {
  const rows = spec.rows ?? 24;
  const columns = spec.columns ?? 20;
  const spacing = spec.spacing ?? 2;
  const sop = `${spec.seriesUID}.${k + 1}`;
  const values = sliceValues(spec, k);
  const encoding = spec.encoding ?? 'native';
  const pixelModule: Element[] = [
    { tag: 0x00280002, vr: 'US', value: [1] },
    str(0x00280004, 'CS', 'MONOCHROME2'),
    { tag: 0x00280010, vr: 'US', value: [rows] },
    { tag: 0x00280011, vr: 'US', value: [columns] },
    { tag: 0x00280100, vr: 'US', value: [16] },
    { tag: 0x00280101, vr: 'US', value: [16] },
    { tag: 0x00280102, vr: 'US', value: [15] },
    { tag: 0x00280103, vr: 'US', value: [1] },
  ];
  const bytes = new Uint8Array(values.buffer.slice(0));
  let pixelData: Element;
  let declared: string | undefined;
  if (encoding === 'native') pixelData = { tag: 0x7fe00010, vr: 'OW', value: bytes };
  else {
    declared = encoding === 'rle' ? RLE_LOSSLESS : JPEG_LS_LOSSLESS;
    const frame: DecodedFrame = {
      pixels: values, rows, columns, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1,
      planarConfiguration: 0, photometric: 'MONOCHROME2', lossy: false, floatPixels: false,
    };
    const encoded = await encodeFrame(declared, frame);
    if (!encoded) throw new Error(`no encoder for ${encoding}`);
    pixelData = { tag: 0x7fe00010, vr: 'OB', value: new Uint8Array(0), fragments: [new Uint8Array(0), encoded.data] };
  }
  const modality = spec.modality ?? 'CT';
  return encodePart10({
    sopClassUID: CT_IMAGE_STORAGE,
    sopInstanceUID: sop,
    transferSyntax: 'explicit-le',
    declaredTransferSyntaxUID: declared,
    dataset: [
      str(0x00080016, 'UI', CT_IMAGE_STORAGE),
      str(0x00080018, 'UI', sop),
      str(0x00080020, 'DA', '20240131'),
      str(0x00080060, 'CS', modality),
      str(0x00100010, 'PN', PATIENT_NAME),
      str(0x00100020, 'LO', 'FACE-0042'),
      str(0x00100030, 'DA', '19610203'),
      str(0x00180015, 'CS', spec.bodyPart ?? 'HEAD'),
      str(0x00180050, 'DS', String(spacing)),
      str(0x0020000d, 'UI', '1.2.826.0.1.3680043.99998.7.1'),
      str(0x0020000e, 'UI', spec.seriesUID),
      str(0x00200013, 'IS', String(k + 1)),
      str(0x00200032, 'DS', `-20\\-24\\${(k * spacing).toFixed(1)}`),
      str(0x00200037, 'DS', '1\\0\\0\\0\\1\\0'),
      str(0x00280030, 'DS', '0.8\\0.9'),
      str(0x00281052, 'DS', '0'),
      str(0x00281053, 'DS', '1'),
      ...pixelModule,
      pixelData,
    ],
  });
}

export async function seriesFiles(spec: SeriesSpec): Promise<{ name: string; bytes: Uint8Array }[]> {
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (let k = 0; k < spec.slices; k++) out.push({ name: `${spec.seriesUID.split('.').pop()}/IM${String(k + 1).padStart(3, '0')}.dcm`, bytes: await sliceFile(spec, k) });
  return out;
}
