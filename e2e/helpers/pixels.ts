/**
 * Reading pixel values in the tests, independently of the app's engine: dicom-parser for the
 * dataset, a few lines of PackBits for RLE Lossless, and the Palette Color LUTs. Enough to
 * compare exported pixels with the originals and to know what the viewer should be showing.
 */
import dicomParser from 'dicom-parser';

type DS = dicomParser.DataSet;

export interface Frame {
  rows: number;
  columns: number;
  samples: number;
  bitsAllocated: number;
  photometric: string;
  transferSyntax: string;
  /** Values by (row, column, sample), interleaved (sample fastest). */
  get(row: number, col: number, sample?: number): number;
}

const RLE = '1.2.840.10008.1.2.5';
const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2']);

export function parse(bytes: Uint8Array): DS {
  return dicomParser.parseDicom(bytes);
}

/** PackBits segments of one RLE frame → planes of bytes. */
function decodeRle(frame: Uint8Array, planeLength: number): Uint8Array[] {
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const n = dv.getUint32(0, true);
  const offsets = Array.from({ length: n }, (_, i) => dv.getUint32(4 + 4 * i, true));
  return offsets.map((start, i) => {
    const end = i + 1 < n ? offsets[i + 1] : frame.length;
    const out = new Uint8Array(planeLength);
    let o = 0;
    let p = start;
    while (p < end && o < planeLength) {
      const h = (frame[p++] << 24) >> 24;
      if (h >= 0) {
        for (let k = 0; k <= h && o < planeLength; k++) out[o++] = frame[p++];
      } else if (h !== -128) {
        const v = frame[p++];
        for (let k = 0; k < 1 - h && o < planeLength; k++) out[o++] = v;
      }
    }
    return out;
  });
}

/** Frame `index` (0-based) of a native or RLE image. */
export function readFrame(ds: DS, index = 0): Frame {
  const rows = ds.uint16('x00280010')!;
  const columns = ds.uint16('x00280011')!;
  const samples = ds.uint16('x00280002') ?? 1;
  const bitsAllocated = ds.uint16('x00280100')!;
  const planar = ds.uint16('x00280006') ?? 0;
  const photometric = (ds.string('x00280004') ?? '').trim();
  const transferSyntax = (ds.string('x00020010') ?? '').replace(/\0/g, '').trim();
  const el = ds.elements.x7fe00010;
  const count = rows * columns;
  const bytesPer = bitsAllocated / 8;
  let values: (i: number, s: number) => number;
  if (NATIVE.has(transferSyntax)) {
    const frameBytes = count * samples * bytesPer;
    const start = el.dataOffset + index * frameBytes;
    const buf = ds.byteArray;
    const big = transferSyntax === '1.2.840.10008.1.2.2';
    const at = (i: number, s: number) => (planar ? s * count + i : i * samples + s);
    values = bytesPer === 1
      ? (i, s) => buf[start + at(i, s)]
      : (i, s) => {
          const o = start + 2 * at(i, s);
          return big ? (buf[o] << 8) | buf[o + 1] : buf[o] | (buf[o + 1] << 8);
        };
  } else if (transferSyntax === RLE) {
    // RLE Lossless: exactly one fragment per frame (PS3.5 A.4.2).
    const frame = dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, index, 1);
    const planes = decodeRle(frame, count);
    values = bytesPer === 1
      ? (i, s) => planes[s][i]
      : (i, s) => (planes[2 * s][i] << 8) | planes[2 * s + 1][i];
  } else {
    throw new Error(`the tests read native and RLE pixel data only, not ${transferSyntax}`);
  }
  return {
    rows, columns, samples, bitsAllocated, photometric, transferSyntax,
    get: (row, col, sample = 0) => values(row * columns + col, sample),
  };
}

/** The Palette Color LUTs as 8-bit RGB, indexed by stored value. */
export function paletteRgb(ds: DS): (index: number) => [number, number, number] {
  const channel = (desc: string, data: string) => {
    const count = ds.uint16(desc, 0) || 65536;
    const first = ds.uint16(desc, 1) ?? 0;
    const bits = ds.uint16(desc, 2) ?? 16;
    const el = ds.elements[data];
    const values: number[] = [];
    for (let i = 0; i < count; i++) values.push(bits === 8 && el.length === count ? ds.byteArray[el.dataOffset + i] : ds.uint16(data, i)!);
    const max = Math.max(...values);
    const shift = max > 255 ? 8 : 0;
    return (index: number) => values[Math.max(0, Math.min(count - 1, index - first))] >> shift;
  };
  const r = channel('x00281101', 'x00281201');
  const g = channel('x00281102', 'x00281202');
  const b = channel('x00281103', 'x00281203');
  return (i) => [r(i), g(i), b(i)];
}

/** YBR_FULL → RGB (PS3.3 C.7.6.3.1.2), clamped to 0..255. */
export function ybrToRgb(y: number, cb: number, cr: number): [number, number, number] {
  const c = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  return [c(y + 1.402 * (cr - 128)), c(y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128)), c(y + 1.772 * (cb - 128))];
}

/** Whether the (2r+1)² neighbourhood of (row, col) holds one value per sample. */
export function isFlat(f: Frame, row: number, col: number, r: number): boolean {
  if (row - r < 0 || col - r < 0 || row + r >= f.rows || col + r >= f.columns) return false;
  for (let s = 0; s < f.samples; s++) {
    const v = f.get(row, col, s);
    for (let y = row - r; y <= row + r; y++) for (let x = col - r; x <= col + r; x++) if (f.get(y, x, s) !== v) return false;
  }
  return true;
}

/** Mean of sample 0 over the (2r+1)² neighbourhood. */
export function meanAround(f: Frame, row: number, col: number, r: number): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.max(0, row - r); y <= Math.min(f.rows - 1, row + r); y++) {
    for (let x = Math.max(0, col - r); x <= Math.min(f.columns - 1, col + r); x++) {
      sum += f.get(y, x);
      n++;
    }
  }
  return sum / n;
}

/** Spearman rank correlation of two equally long lists. */
export function rankCorrelation(a: readonly number[], b: readonly number[]): number {
  const rank = (v: readonly number[]) => {
    const order = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
      for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const mean = (ra.length - 1) / 2;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i] - mean) * (rb[i] - mean);
    da += (ra[i] - mean) ** 2;
    db += (rb[i] - mean) ** 2;
  }
  return num / Math.sqrt(da * db);
}
