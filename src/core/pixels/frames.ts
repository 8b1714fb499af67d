/**
 * The frame layer: what an image's attributes say about its pixels, and where each frame's
 * bytes are — per-frame codestreams for encapsulated Pixel Data, per-frame views (or bit-exact
 * copies, for 1-bit data) for native Pixel Data. Nothing here decodes; see ./codecs/index.ts.
 */
import type { DataElement, Dataset } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { nativeFrameBytes, packBits, unpackBits } from './codecs/layout.ts';
import { PixelDataError, type ImageInfo } from './codecs/types.ts';
import { pixelElement, readImagePixel } from './image-pixel.ts';
import { joinParts } from '../dicom/writer.ts';

export { PixelDataError, type ImageInfo } from './codecs/types.ts';
export { pixelElement } from './image-pixel.ts';

/**
 * The Image Pixel attributes (read by image-pixel.ts), checked for decoding. Throws PixelDataError
 * when the image cannot be described (no Rows/Columns/Bits Allocated, or values no decoder could
 * honour); tolerates the common omissions (Bits Stored, High Bit, Pixel Representation, Samples
 * per Pixel, Photometric).
 */
export function imageInfo(ds: Dataset): ImageInfo {
  const warnings: string[] = [];
  const a = readImagePixel(ds);
  const pixels = a.pixels;
  const pixelDataTag = pixels?.tag ?? T.PixelData;
  const floatPixels = pixelDataTag !== T.PixelData;

  const rows = a.rows;
  const columns = a.columns;
  if (!rows || !columns) throw new PixelDataError('the image has no Rows or Columns: its pixels cannot be located');
  const bitsAllocated = a.bitsAllocated ?? (pixelDataTag === T.DoubleFloatPixelData ? 64 : pixelDataTag === T.FloatPixelData ? 32 : undefined);
  if (!bitsAllocated) throw new PixelDataError('the image has no Bits Allocated: its pixels cannot be located');
  if (![1, 8, 16, 32, 64].includes(bitsAllocated)) {
    throw new PixelDataError(`Bits Allocated ${bitsAllocated} is not supported (packed ${bitsAllocated}-bit pixels); only 1, 8, 16, 32 and 64`);
  }
  if (bitsAllocated === 64 && !floatPixels) throw new PixelDataError('Bits Allocated 64 is only valid for Double Float Pixel Data');
  const samplesPerPixel = a.samplesPerPixel ?? 1;
  if (samplesPerPixel < 1 || samplesPerPixel > 4) throw new PixelDataError(`Samples per Pixel ${samplesPerPixel} is not supported`);
  const bitsStored = Math.min(a.bitsStored ?? bitsAllocated, bitsAllocated);
  const highBit = a.highBit ?? bitsStored - 1;
  const pixelRepresentation = floatPixels ? 0 : a.pixelRepresentation === 1 ? 1 : 0;
  const planarConfiguration = samplesPerPixel > 1 && a.planarConfiguration === 1 ? 1 : 0;
  const photometric = a.photometric || (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2');

  let numberOfFrames = 1;
  const nfText = a.numberOfFramesText;
  if (nfText) {
    const n = Number(nfText);
    if (Number.isInteger(n) && n >= 1) numberOfFrames = n;
    else {
      // An unreadable count must not hide frames from redaction: count them from the data.
      const counted = pixels ? countFrames(pixels, { rows, columns, samplesPerPixel, bitsAllocated, photometric }) : undefined;
      numberOfFrames = counted ?? 1;
      warnings.push(`Number of Frames '${nfText}' is not a number; ${counted ? `${counted} frame(s) counted from the pixel data` : 'read as 1'}`);
    }
  }
  if (pixels) {
    // The declared count is untrusted: everything that walks frames (painting, decoding, OCR)
    // sizes its work by it, so it never exceeds what the pixel data can hold.
    const held = framesHeldBy(pixels, frameBitsOf({ rows, columns, samplesPerPixel, bitsAllocated, photometric }));
    if (numberOfFrames > held) {
      warnings.push(framesCappedNote(numberOfFrames, held));
      numberOfFrames = held;
    }
  }
  let pixelPaddingValue: number | undefined;
  const padding = ds.get(T.PixelPaddingValue);
  if (padding && padding.value.length >= 2) {
    const v = new DataView(padding.value.buffer, padding.value.byteOffset, padding.value.byteLength);
    pixelPaddingValue = padding.vr === 'SS' || (padding.vr !== 'US' && pixelRepresentation === 1) ? v.getInt16(0, true) : v.getUint16(0, true);
  }
  return {
    rows, columns, samplesPerPixel, bitsAllocated, bitsStored, highBit, pixelRepresentation, planarConfiguration,
    photometric, numberOfFrames, pixelPaddingValue, pixelDataTag, floatPixels, warnings,
  };
}

type FrameGeometry = Pick<ImageInfo, 'rows' | 'columns' | 'samplesPerPixel' | 'bitsAllocated' | 'photometric'>;

/** Bits one native frame takes (1-bit frames are packed, so bits rather than bytes). */
function frameBitsOf(info: FrameGeometry): number {
  return info.bitsAllocated === 1 ? info.rows * info.columns * info.samplesPerPixel : nativeFrameBytes(info) * 8;
}

/**
 * The most frames the pixel element can hold: one per fragment when encapsulated (a frame takes
 * at least one fragment), else the value length over the frame size, a partial last frame
 * counted (reading it then fails as truncated, as it should). At least 1.
 */
export function framesHeldBy(el: DataElement, frameBits: number): number {
  if (el.fragments) return Math.max(1, el.fragments.length - 1);
  if (!(frameBits > 0)) return 1;
  return Math.max(1, Math.ceil((el.value.length * 8) / frameBits));
}

/** The report's words for a Number of Frames larger than the pixel data. */
export function framesCappedNote(declared: number, held: number): string {
  return `Number of Frames ${declared} is more than the Pixel Data holds; ${held} frame(s) used`;
}

function countFrames(el: DataElement, info: Pick<ImageInfo, 'rows' | 'columns' | 'samplesPerPixel' | 'bitsAllocated' | 'photometric'>): number | undefined {
  if (el.fragments) {
    const data = el.fragments.slice(1).filter((f) => f.length > 0);
    const starts = data.filter(startsCodestream).length;
    return starts || undefined;
  }
  if (info.bitsAllocated === 1) {
    const bits = info.rows * info.columns * info.samplesPerPixel;
    const n = Math.floor((el.value.length * 8) / bits);
    return n >= 1 ? n : undefined;
  }
  const size = nativeFrameBytes(info);
  const n = Math.floor(el.value.length / size);
  return n >= 1 ? n : undefined;
}

// ---------------------------------------------------------------------------------------------
// Encapsulated Pixel Data

const u32le = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

/** Does this fragment begin a codestream (JPEG SOI, JPEG 2000 SOC / JP2 signature box, JPEG XL)? */
function startsCodestream(f: Uint8Array): boolean {
  if (f.length < 2) return false;
  if (f[0] === 0xff && f[1] === 0xd8) return true; // JPEG / JPEG-LS SOI
  if (f[0] === 0xff && f[1] === 0x4f && f[2] === 0xff && f[3] === 0x51) return true; // J2K SOC + SIZ
  if (f[0] === 0xff && f[1] === 0x0a) return true; // JPEG XL codestream
  if (f.length >= 12 && u32le(f, 0) === 0x0c000000) {
    const box = String.fromCharCode(f[4], f[5], f[6], f[7]);
    return box === 'jP  ' || box === 'JXL '; // JP2 / JPEG XL container
  }
  return false;
}

/** An RLE frame header (PS3.5 G.5): 1–15 segments, the first right after the 64-byte header. */
function startsRle(f: Uint8Array): boolean {
  if (f.length < 64) return false;
  const n = u32le(f, 0);
  return n >= 1 && n <= 15 && u32le(f, 4) === 64;
}


/**
 * Maps frame start offsets (bytes from the first fragment's Item tag, as the Basic and Extended
 * Offset Tables give them) to fragment indices. Undefined when an offset does not fall on a
 * fragment boundary, or the offsets are not increasing: such a table is wrong and is ignored.
 */
function offsetsToFragmentIndices(data: Uint8Array[], offsets: number[]): number[] | undefined {
  const position = new Map<number, number>();
  let at = 0;
  data.forEach((f, i) => {
    position.set(at, i);
    at += 8 + f.length; // item lengths as read: even in a valid file
  });
  const indices: number[] = [];
  for (let i = 0; i < offsets.length; i++) {
    const index = position.get(offsets[i]);
    if (index === undefined || (i > 0 && index <= indices[i - 1])) return undefined;
    indices.push(index);
  }
  return indices;
}

function groupByStarts(data: Uint8Array[], starts: number[]): Uint8Array[] {
  return starts.map((s, i) => joinParts(data.slice(s, i + 1 < starts.length ? starts[i + 1] : data.length)));
}

function readOffsets64(el: DataElement | undefined): number[] | undefined {
  if (!el || el.value.length < 8 || el.value.length % 8 !== 0) return undefined;
  const v = new DataView(el.value.buffer, el.value.byteOffset, el.value.byteLength);
  const out: number[] = [];
  for (let i = 0; i < el.value.length; i += 8) out.push(Number(v.getBigUint64(i, true)));
  return out;
}

/**
 * Splits encapsulated Pixel Data into one codestream per frame (PS3.5 A.4). In order of trust:
 * the Extended Offset Table (7FE0,0001)/(7FE0,0002) when `ds` has one; the Basic Offset Table
 * when it is not empty; one fragment per frame when the counts match; every fragment as one
 * frame for a single-frame image; else a split wherever a fragment starts a new codestream
 * (JPEG SOI, JPEG 2000 SOC or JP2 box, JPEG XL signature, RLE header). An offset table that
 * does not fit the fragments is ignored, not trusted. A frame spread over several fragments
 * comes back as one concatenated copy; a frame in one fragment as a view of it.
 *
 * Throws PixelDataError when the frames cannot be told apart.
 */
export function frameFragments(pixelElement: DataElement, numberOfFrames: number, ds?: Dataset): Uint8Array[] {
  const fragments = pixelElement.fragments;
  if (!fragments) throw new PixelDataError('Pixel Data is not encapsulated');
  const n = Math.max(1, Math.trunc(numberOfFrames));
  const bot = fragments[0] ?? new Uint8Array(0);
  const data = fragments.slice(1);
  if (data.length === 0 || data.every((f) => f.length === 0)) throw new PixelDataError('encapsulated Pixel Data has no fragments: the image is empty');

  // Extended Offset Table: 64-bit offsets, plus exact lengths (which exclude trailing padding).
  const eot = readOffsets64(ds?.get(T.ExtendedOffsetTable));
  if (eot && eot.length === n) {
    const indices = offsetsToFragmentIndices(data, eot);
    if (indices) {
      const lengths = readOffsets64(ds?.get(T.ExtendedOffsetTableLengths));
      return groupByStarts(data, indices).map((f, i) =>
        lengths && lengths.length === n && lengths[i] <= f.length ? f.subarray(0, lengths[i]) : f,
      );
    }
  }

  // Basic Offset Table: 32-bit offsets, one per frame.
  if (bot.length >= 4 && bot.length % 4 === 0) {
    const offsets: number[] = [];
    for (let i = 0; i < bot.length; i += 4) offsets.push(u32le(bot, i));
    if (offsets.length === n && offsets[0] === 0) {
      const indices = offsetsToFragmentIndices(data, offsets);
      if (indices) return groupByStarts(data, indices);
    }
  }

  if (data.length === n) return data;
  if (n === 1) return [joinParts(data)];

  // No usable table: split where codestreams start. Empty fragments are padding.
  const nonEmpty = data.filter((f) => f.length > 0);
  if (nonEmpty.length === n) return nonEmpty;
  let starts: number[] = [];
  nonEmpty.forEach((f, i) => {
    if (startsCodestream(f)) starts.push(i);
  });
  if (starts.length !== n) {
    const rle: number[] = [];
    nonEmpty.forEach((f, i) => {
      if (startsRle(f)) rle.push(i);
    });
    if (rle.length === n) starts = rle;
  }
  if (starts.length === n && starts[0] === 0) return groupByStarts(nonEmpty, starts);
  throw new PixelDataError(
    `cannot tell the ${n} frames apart: ${data.length} fragment(s), ${bot.length ? 'a Basic Offset Table that does not fit them' : 'no offset table'}, and ${starts.length} fragment(s) that start a codestream`,
  );
}

/**
 * Builds encapsulated Pixel Data fragments ([Basic Offset Table, ...one fragment per frame]) from
 * per-frame codestreams, in the form DataElement.fragments holds. The writer pads odd fragments;
 * the offsets here account for that. The table is left empty when it cannot hold the offsets
 * (over 4 GiB); the writer should then add an Extended Offset Table.
 */
export function encapsulate(frames: Uint8Array[]): Uint8Array[] {
  let total = 0;
  const offsets: number[] = [];
  for (const f of frames) {
    offsets.push(total);
    total += 8 + f.length + (f.length & 1);
  }
  if (total > 0xffffffff) return [new Uint8Array(0), ...frames];
  const bot = new Uint8Array(frames.length * 4);
  const v = new DataView(bot.buffer);
  offsets.forEach((o, i) => v.setUint32(i * 4, o, true));
  return [bot, ...frames];
}

// ---------------------------------------------------------------------------------------------
// Native Pixel Data

/** Where frame `index` lies in native Pixel Data, in bits (1-bit data) and bytes. */
export function nativeFrameExtent(info: ImageInfo, index: number): { bitOffset: number; bitLength: number } {
  if (info.bitsAllocated === 1) {
    const bits = info.rows * info.columns * info.samplesPerPixel;
    return { bitOffset: index * bits, bitLength: bits };
  }
  const bytes = nativeFrameBytes(info);
  return { bitOffset: index * bytes * 8, bitLength: bytes * 8 };
}

/**
 * Frame `index` of native Pixel Data (or Float / Double Float Pixel Data), little endian as the
 * reader left it. A view into the dataset's value for byte-aligned frames — writes to it change
 * the dataset. 1-bit frames that do not start on a byte boundary (frames of rows × columns not a
 * multiple of 8) come back as a COPY re-aligned so the frame's first pixel is bit 0; write such a
 * frame back with writeNativeFrame. Throws PixelDataError for a frame the value does not hold.
 */
export function nativeFrame(ds: Dataset, index: number, info: ImageInfo = imageInfo(ds)): Uint8Array {
  const el = pixelElement(ds);
  if (!el) throw new PixelDataError('the dataset has no Pixel Data');
  if (el.fragments) throw new PixelDataError('Pixel Data is encapsulated; use frameFragments');
  return nativeFrameOf(el.value, info, index);
}

/** nativeFrame over a raw native Pixel Data value. */
export function nativeFrameOf(value: Uint8Array, info: ImageInfo, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index >= info.numberOfFrames) {
    throw new PixelDataError(`frame ${index} does not exist: the image has ${info.numberOfFrames} frame(s)`);
  }
  const { bitOffset, bitLength } = nativeFrameExtent(info, index);
  const end = bitOffset + bitLength;
  if (end > value.length * 8) {
    const need = Math.ceil(end / 8);
    throw new PixelDataError(`Pixel Data is ${value.length} bytes but frame ${index + 1} of ${info.numberOfFrames} needs ${need}: the pixel data is truncated`);
  }
  if (bitOffset % 8 === 0) return value.subarray(bitOffset / 8, Math.ceil(end / 8));
  return packBits(unpackBits(value, bitLength, bitOffset));
}

/**
 * Writes frame `index` (bytes laid out as nativeFrame returns them) into a native Pixel Data
 * value, bit-exactly for 1-bit frames that share a byte with their neighbours.
 */
export function writeNativeFrame(target: Uint8Array, info: ImageInfo, index: number, frame: Uint8Array): void {
  const { bitOffset, bitLength } = nativeFrameExtent(info, index);
  if (bitOffset + bitLength > target.length * 8) throw new PixelDataError(`frame ${index} does not fit in ${target.length} bytes of Pixel Data`);
  if (bitOffset % 8 === 0 && bitLength % 8 === 0) {
    target.set(frame.subarray(0, bitLength / 8), bitOffset / 8);
    return;
  }
  for (let i = 0; i < bitLength; i++) {
    const bit = bitOffset + i;
    const on = (frame[i >>> 3] >>> (i & 7)) & 1;
    if (on) target[bit >>> 3] |= 1 << (bit & 7);
    else target[bit >>> 3] &= ~(1 << (bit & 7));
  }
}

/**
 * Joins native frames (each as encodeFrame/nativeFrame lays it out) into one Pixel Data value,
 * 1-bit frames packed back to back at bit level as PS3.5 8.1.1 requires, padded to even length.
 */
export function joinNativeFrames(frames: Uint8Array[], info: Pick<ImageInfo, 'rows' | 'columns' | 'samplesPerPixel' | 'bitsAllocated'>): Uint8Array {
  if (info.bitsAllocated === 1) {
    const bits = info.rows * info.columns * info.samplesPerPixel;
    const bytes = Math.ceil((bits * frames.length) / 8);
    const out = new Uint8Array(bytes + (bytes & 1));
    frames.forEach((f, k) => {
      if (bits % 8 === 0) out.set(f.subarray(0, bits / 8), (k * bits) / 8);
      else for (let i = 0; i < bits; i++) if ((f[i >>> 3] >>> (i & 7)) & 1) out[(k * bits + i) >>> 3] |= 1 << ((k * bits + i) & 7);
    });
    return out;
  }
  let n = 0;
  for (const f of frames) n += f.length;
  const out = new Uint8Array(n + (n & 1));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}
