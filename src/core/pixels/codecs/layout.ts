/**
 * Sample-layout helpers shared by every codec: typed arrays for a given bit depth, sign
 * extension, planar ↔ interleaved, YBR_FULL_422 chroma upsampling and 1-bit packing.
 * All multi-byte samples are little endian (every JavaScript engine Veil runs on is).
 */
import { PixelDataError, type DecodedFrame, type ImageInfo, type PixelArray } from './types.ts';

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('Veil pixel code assumes a little-endian platform');
}

export const bytesPerSample = (bitsAllocated: number): number => (bitsAllocated <= 8 ? 1 : bitsAllocated / 8);

/** A zeroed sample array of the type an image's Bits Allocated / Pixel Representation call for. */
export function newPixelArray(bitsAllocated: number, pixelRepresentation: number, floatPixels: boolean, length: number): PixelArray {
  if (floatPixels) return bitsAllocated === 64 ? new Float64Array(length) : new Float32Array(length);
  switch (bitsAllocated) {
    case 1:
    case 8:
      return new Uint8Array(length);
    case 16:
      return pixelRepresentation === 1 ? new Int16Array(length) : new Uint16Array(length);
    case 32:
      return pixelRepresentation === 1 ? new Int32Array(length) : new Uint32Array(length);
    default:
      throw new PixelDataError(`Bits Allocated ${bitsAllocated} is not supported (only 1, 8, 16, 32 and Float 32/64)`);
  }
}

/** Copies little-endian sample bytes into a fresh, aligned array of the right type. */
export function pixelsFromBytes(bytes: Uint8Array, bitsAllocated: number, pixelRepresentation: number, floatPixels: boolean): PixelArray {
  const size = bytesPerSample(bitsAllocated);
  const out = newPixelArray(bitsAllocated, pixelRepresentation, floatPixels, Math.floor(bytes.length / size));
  new Uint8Array(out.buffer).set(bytes.subarray(0, out.length * size));
  return out;
}

/** The bytes of a sample array (a view, no copy). */
export const bytesOf = (a: PixelArray): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Sign-extends two's complement values held in the low `bitsStored` bits, in place. */
export function signExtend(a: PixelArray, bitsStored: number): void {
  if (!(a instanceof Int16Array || a instanceof Int32Array)) return;
  const width = a instanceof Int16Array ? 16 : 32;
  if (bitsStored >= width || bitsStored <= 0) return;
  const shift = 32 - bitsStored;
  for (let i = 0; i < a.length; i++) a[i] = (a[i] << shift) >> shift;
}

/** Keeps the low `bits` bits of every sample (what an encoder that knows only `bits` bits may see). */
export function maskTo(a: PixelArray, bits: number): PixelArray {
  if (a instanceof Float32Array || a instanceof Float64Array) return a;
  const width = a.BYTES_PER_ELEMENT * 8;
  if (bits >= width) return a;
  const mask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
  const out = a instanceof Int16Array ? new Uint16Array(a.length) : a instanceof Int32Array ? new Uint32Array(a.length) : new (a.constructor as { new (n: number): PixelArray })(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] & mask;
  return out;
}

/** Colour-by-plane → colour-by-pixel. */
export function interleave<T extends PixelArray>(src: T, samples: number): T {
  if (samples === 1) return src;
  const n = src.length / samples;
  const out = new (src.constructor as { new (n: number): T })(src.length);
  for (let s = 0; s < samples; s++) {
    const base = s * n;
    for (let i = 0; i < n; i++) out[i * samples + s] = src[base + i];
  }
  return out;
}

/** Colour-by-pixel → colour-by-plane. */
export function deinterleave<T extends PixelArray>(src: T, samples: number): T {
  if (samples === 1) return src;
  const n = src.length / samples;
  const out = new (src.constructor as { new (n: number): T })(src.length);
  for (let s = 0; s < samples; s++) {
    const base = s * n;
    for (let i = 0; i < n; i++) out[base + i] = src[i * samples + s];
  }
  return out;
}

/** Puts a decoded frame's colour in the layout the caller asked for. */
export function withPlanar(frame: DecodedFrame, planar: boolean | undefined): DecodedFrame {
  const want: 0 | 1 = planar && frame.samplesPerPixel > 1 ? 1 : 0;
  if (frame.planarConfiguration === want || frame.samplesPerPixel === 1) return { ...frame, planarConfiguration: frame.samplesPerPixel > 1 ? want : 0 };
  const pixels = want === 1 ? deinterleave(frame.pixels, frame.samplesPerPixel) : interleave(frame.pixels, frame.samplesPerPixel);
  return { ...frame, pixels, planarConfiguration: want };
}

/**
 * Native YBR_FULL_422 (PS3.3 C.7.6.3.1.2: Y1 Y2 Cb Cr for each horizontal pair of pixels) →
 * interleaved YBR_FULL, each pair's Cb/Cr repeated. Exact: no sample value changes.
 * An odd last column, which the standard does not allow but writers produce, takes its own group.
 */
export function upsampleYbr422(src: Uint8Array, rows: number, columns: number): Uint8Array {
  const pairs = Math.ceil(columns / 2);
  const rowIn = pairs * 4;
  if (src.length < rows * rowIn) {
    throw new PixelDataError(`YBR_FULL_422 frame holds ${src.length} bytes but ${rows}×${columns} pixels need ${rows * rowIn}`);
  }
  const out = new Uint8Array(rows * columns * 3);
  for (let y = 0; y < rows; y++) {
    let i = y * rowIn;
    let o = y * columns * 3;
    for (let x = 0; x < columns; x += 2) {
      const y1 = src[i], y2 = src[i + 1], cb = src[i + 2], cr = src[i + 3];
      out[o] = y1; out[o + 1] = cb; out[o + 2] = cr;
      if (x + 1 < columns) { out[o + 3] = y2; out[o + 4] = cb; out[o + 5] = cr; }
      i += 4;
      o += 6;
    }
  }
  return out;
}

/** Bits (first pixel in the least significant bit, PS3.5 8.1.1) → one byte per pixel. */
export function unpackBits(src: Uint8Array, count: number, bitOffset = 0): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const bit = bitOffset + i;
    out[i] = (src[bit >>> 3] >>> (bit & 7)) & 1;
  }
  return out;
}

/** One byte per pixel (non-zero = 1) → packed bits, first pixel in the least significant bit. */
export function packBits(values: ArrayLike<number>, count = values.length): Uint8Array {
  const out = new Uint8Array(Math.ceil(count / 8));
  for (let i = 0; i < count; i++) if (values[i]) out[i >>> 3] |= 1 << (i & 7);
  return out;
}

/** Bytes of one native frame; for 1-bit data, the bytes a frame occupies when it starts on a byte boundary. */
export function nativeFrameBytes(info: Pick<ImageInfo, 'rows' | 'columns' | 'samplesPerPixel' | 'bitsAllocated' | 'photometric'>): number {
  if (info.bitsAllocated === 1) return Math.ceil((info.rows * info.columns * info.samplesPerPixel) / 8);
  if (info.photometric === 'YBR_FULL_422' && info.samplesPerPixel === 3 && info.bitsAllocated === 8) {
    return info.rows * Math.ceil(info.columns / 2) * 4;
  }
  return info.rows * info.columns * info.samplesPerPixel * bytesPerSample(info.bitsAllocated);
}
