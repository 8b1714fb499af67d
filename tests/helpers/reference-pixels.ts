/**
 * Reads pixels with tools that share no code with Veil's engine: dicom-parser (npm) for the
 * dataset, and GDCM's `gdcmconv --raw` (Debian) to decompress, byte-swap or inflate first when the
 * file is not already native little endian. Sample access below is written from PS3.5 directly,
 * not from src/core/pixels.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';

export interface ReferenceImage {
  transferSyntaxUID: string;
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRepresentation: number;
  planarConfiguration: number;
  photometric: string;
  frames: number;
  float: boolean;
  pixelData: Uint8Array;
  paddingValue?: number;
  presentationInverse: boolean;
  palette?: { first: number; red: number[]; green: number[]; blue: number[] };
  burnedInAnnotation?: string;
  methodCodes: string[];
}

/** DCMTK's decompressors, by transfer syntax, for what GDCM cannot read. */
const DCMTK_DECODER: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': 'dcmdjpeg', '1.2.840.10008.1.2.4.51': 'dcmdjpeg', '1.2.840.10008.1.2.4.57': 'dcmdjpeg', '1.2.840.10008.1.2.4.70': 'dcmdjpeg',
  '1.2.840.10008.1.2.4.80': 'dcmdjpls', '1.2.840.10008.1.2.4.81': 'dcmdjpls', '1.2.840.10008.1.2.5': 'dcmdrle',
};

const NATIVE_LE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']);

let gdcmAvailable: boolean | undefined;
export function hasGdcm(): boolean {
  if (gdcmAvailable === undefined) {
    try {
      execFileSync('gdcmconv', ['--version'], { stdio: 'ignore' });
      gdcmAvailable = true;
    } catch {
      gdcmAvailable = false;
    }
  }
  return gdcmAvailable;
}

/** Transfer syntax of a Part 10 file, via dicom-parser. */
export function transferSyntaxOf(bytes: Uint8Array): string {
  const ds = dicomParser.parseDicom(bytes, { untilTag: 'x00020010' });
  return (ds.string('x00020010') ?? '').trim();
}

/** Decodes a file (bytes) to native pixels independently; throws when no reference tool can. */
export function referenceDecode(bytes: Uint8Array): ReferenceImage {
  let ts = '';
  try {
    ts = transferSyntaxOf(bytes);
  } catch {
    ts = '';
  }
  let native = bytes;
  if (!NATIVE_LE.has(ts)) {
    if (!hasGdcm()) throw new Error('gdcmconv is not installed (apt-get install libgdcm-tools)');
    const dir = mkdtempSync(join(tmpdir(), 'veil-ref-'));
    try {
      writeFileSync(join(dir, 'in.dcm'), bytes);
      try {
        execFileSync('gdcmconv', ['--raw', join(dir, 'in.dcm'), join(dir, 'out.dcm')], { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        // GDCM gives up on some multi-fragment frames without an offset table; DCMTK reads them.
        const tool = DCMTK_DECODER[ts];
        if (!tool) throw e;
        execFileSync(tool, [join(dir, 'in.dcm'), join(dir, 'out.dcm')], { stdio: ['ignore', 'pipe', 'pipe'] });
      }
      native = new Uint8Array(readFileSync(join(dir, 'out.dcm')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return parseNative(native, ts);
}

/** The attributes of a file via dicom-parser, and its Pixel Data value as stored (for callers that decode it themselves). */
export function referenceFromBytes(bytes: Uint8Array): ReferenceImage {
  return parseNative(bytes, transferSyntaxOf(bytes));
}

function parseNative(bytes: Uint8Array, originalTs: string): ReferenceImage {
  const ds = dicomParser.parseDicom(bytes);
  const u16 = (t: string, d = 0) => (ds.elements[t] ? ds.uint16(t) ?? d : d);
  const str = (t: string) => ds.string(t)?.trim();
  const floatEl = ds.elements.x7fe00008 ?? ds.elements.x7fe00009;
  const el = ds.elements.x7fe00010 ?? floatEl;
  if (!el) throw new Error('no pixel data');
  const encapsulated = !!el.encapsulatedPixelData;
  const float = !ds.elements.x7fe00010 && !!floatEl;
  const bitsAllocated = float ? (ds.elements.x7fe00008 ? 32 : 64) : u16('x00280100');
  const bitsStored = float ? bitsAllocated : u16('x00280101', bitsAllocated);
  const pixelRepresentation = u16('x00280103');
  let paddingValue: number | undefined;
  if (ds.elements.x00280120) {
    const raw = ds.uint16('x00280120')!;
    paddingValue = pixelRepresentation === 1 && raw >= 0x8000 ? raw - 0x10000 : raw;
  }
  const palette = (() => {
    const ch = (d: string, data: string) => {
      const de = ds.elements[d];
      const da = ds.elements[data];
      if (!de || !da) return undefined;
      const count = ds.uint16(d, 0) || 65536;
      const first = ds.uint16(d, 1)!;
      const v: number[] = [];
      const b = bytes.subarray(da.dataOffset, da.dataOffset + da.length);
      if (b.length >= 2 * count) for (let i = 0; i < count; i++) v.push(b[2 * i] | (b[2 * i + 1] << 8));
      else for (let i = 0; i < count; i++) v.push(b[i] << 8);
      return { first, v };
    };
    const seg = (d: string, data: string) => {
      const de = ds.elements[d];
      const da = ds.elements[data];
      if (!de || !da) return undefined;
      const w: number[] = [];
      for (let i = 0; i + 1 < da.length; i += 2) w.push(bytes[da.dataOffset + i] | (bytes[da.dataOffset + i + 1] << 8));
      // Discrete and linear segments (PS3.3 C.7.9.2); indirect ones are not used by the corpus.
      const v: number[] = [];
      for (let i = 0; i < w.length;) {
        if (w[i] === 0) {
          v.push(...w.slice(i + 2, i + 2 + w[i + 1]));
          i += 2 + w[i + 1];
        } else if (w[i] === 1) {
          const from = v.length ? v[v.length - 1] : 0;
          for (let k = 1; k <= w[i + 1]; k++) v.push(from + ((w[i + 2] - from) * k) / w[i + 1]);
          i += 3;
        } else throw new Error(`segment type ${w[i]} not handled by the test helper`);
      }
      return { first: ds.uint16(d, 1)!, v };
    };
    const segmented = !ds.elements.x00281201 && !!ds.elements.x00281221;
    const r = segmented ? seg('x00281101', 'x00281221') : ch('x00281101', 'x00281201');
    const g = segmented ? seg('x00281102', 'x00281222') : ch('x00281102', 'x00281202');
    const b = segmented ? seg('x00281103', 'x00281223') : ch('x00281103', 'x00281203');
    return r && g && b ? { first: r.first, red: r.v, green: g.v, blue: b.v } : undefined;
  })();
  const methodCodes: string[] = [];
  for (const item of ds.elements.x00120064?.items ?? []) {
    const code = item.dataSet?.string('x00080100');
    if (code) methodCodes.push(code.trim());
  }
  const frames = Number(str('x00280008') ?? '1');
  return {
    transferSyntaxUID: originalTs,
    rows: u16('x00280010'),
    columns: u16('x00280011'),
    samplesPerPixel: u16('x00280002', 1),
    bitsAllocated,
    bitsStored,
    highBit: float ? bitsAllocated - 1 : u16('x00280102', bitsStored - 1),
    pixelRepresentation,
    planarConfiguration: u16('x00280006'),
    photometric: (str('x00280004') ?? 'MONOCHROME2').toUpperCase(),
    frames: Number.isFinite(frames) && frames >= 1 ? Math.trunc(frames) : 1,
    float,
    pixelData: encapsulated ? new Uint8Array(0) : bytes.slice(el.dataOffset, el.dataOffset + el.length),
    paddingValue,
    presentationInverse: str('x20500020') === 'INVERSE',
    palette,
    burnedInAnnotation: str('x00280301'),
    methodCodes,
  };
}

/** Samples stored per frame (YBR_FULL_422 keeps 2 per pixel). */
function samplesPerFrame(img: ReferenceImage): number {
  const perPixel = img.photometric === 'YBR_FULL_422' && img.samplesPerPixel === 3 ? 2 : img.samplesPerPixel;
  return img.rows * img.columns * perPixel;
}

/** The stored word of sample k of pixel (row, column) of a frame, unsigned; a float for float data. */
export function sampleWord(img: ReferenceImage, frame: number, row: number, column: number, k: number): number {
  const pixel = row * img.columns + column;
  let index: number;
  if (img.photometric === 'YBR_FULL_422' && img.samplesPerPixel === 3) {
    const pair = Math.floor(pixel / 2);
    index = k === 0 ? 4 * pair + (pixel % 2) : 4 * pair + 1 + k;
  } else if (img.planarConfiguration === 1 && img.samplesPerPixel > 1) {
    index = k * img.rows * img.columns + pixel;
  } else {
    index = pixel * img.samplesPerPixel + k;
  }
  const bit = (frame * samplesPerFrame(img) + index) * img.bitsAllocated;
  const d = img.pixelData;
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const byte = Math.floor(bit / 8);
  switch (img.bitsAllocated) {
    case 1: return (d[byte] >> (bit % 8)) & 1;
    case 8: return d[byte];
    case 16: return view.getUint16(byte, true);
    case 32: return img.float ? view.getFloat32(byte, true) : view.getUint32(byte, true);
    case 64: return view.getFloat64(byte, true);
    default: throw new Error(`bits allocated ${img.bitsAllocated}`);
  }
}

/** The value a word stands for (Bits Stored below High Bit, two's complement when signed). */
export function wordToValue(img: ReferenceImage, word: number): number {
  if (img.float || img.bitsAllocated === 1) return word;
  const shift = img.highBit + 1 - img.bitsStored;
  const stored = Math.floor(word / 2 ** shift) % 2 ** img.bitsStored;
  return img.pixelRepresentation === 1 && stored >= 2 ** (img.bitsStored - 1) ? stored - 2 ** img.bitsStored : stored;
}

export function sampleValue(img: ReferenceImage, frame: number, row: number, column: number, k: number): number {
  return wordToValue(img, sampleWord(img, frame, row, column, k));
}

/** Whether a frame is entirely present in the pixel data (some files are short). */
export function frameComplete(img: ReferenceImage, frame: number): boolean {
  return Math.ceil(((frame + 1) * samplesPerFrame(img) * img.bitsAllocated) / 8) <= img.pixelData.length;
}
