/**
 * JPEG 2000 (OpenJPEG) and High-Throughput JPEG 2000 (OpenJPH; OpenJPEG as a second opinion).
 * Both decoders undo the codestream's multiple-component transform, so YBR_RCT / YBR_ICT
 * frames come out as RGB. Both encoders are used losslessly only (reversible 5/3 wavelet, one
 * quality layer): JPEG 2000 colour gets the reversible colour transform, so the dataset must then
 * say YBR_RCT (PS3.5 8.2.4). Neither wrapper handles colour above 8 bits when encoding; those
 * frames get no encoder (the caller writes them uncompressed).
 */
import { describe, endsWithMarker } from './jpeg.ts';
import { discardCodecAfter, loadCodec, type LoadedCodec, type WasmCodecName } from './loader.ts';
import { maskTo, newPixelArray, pixelsFromBytes, signExtend } from './layout.ts';
import { PixelDataError, type DecodedFrame, type EncodedFrame, type ImageInfo, type PixelArray } from './types.ts';

interface J2kFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}

function decodedPhotometric(info: ImageInfo): string {
  if (info.samplesPerPixel === 1) return info.photometric;
  if (info.photometric === 'YBR_RCT' || info.photometric === 'YBR_ICT') return 'RGB';
  return info.photometric.replace(/_422$/, '');
}

function toFrame(raw: Uint8Array, fi: J2kFrameInfo, info: ImageInfo, lossy: boolean, library: string): DecodedFrame {
  if (fi.width !== info.columns || fi.height !== info.rows) {
    throw new PixelDataError(`${library}: the codestream is ${fi.width}×${fi.height} pixels but the image attributes say ${info.columns}×${info.rows}`);
  }
  if (fi.componentCount !== info.samplesPerPixel) {
    throw new PixelDataError(`${library}: the codestream has ${fi.componentCount} component(s) but Samples per Pixel is ${info.samplesPerPixel}`);
  }
  if (fi.bitsPerSample > info.bitsAllocated) {
    throw new PixelDataError(`${library}: the codestream has ${fi.bitsPerSample}-bit samples but Bits Allocated is ${info.bitsAllocated}`);
  }
  const bytesIn = fi.bitsPerSample <= 8 ? 1 : 2;
  const count = fi.width * fi.height * fi.componentCount;
  if (raw.length < count * bytesIn) throw new PixelDataError(`${library} returned ${raw.length} bytes for ${count} samples`);
  let pixels: PixelArray;
  if (bytesIn * 8 === info.bitsAllocated) {
    pixels = pixelsFromBytes(raw, info.bitsAllocated, info.pixelRepresentation, false);
  } else {
    const src = bytesIn === 1 ? (fi.isSigned ? new Int8Array(raw.buffer, raw.byteOffset, count) : raw) : pixelsFromBytes(raw, 16, fi.isSigned ? 1 : 0, false);
    pixels = newPixelArray(info.bitsAllocated, info.pixelRepresentation, false, count);
    for (let i = 0; i < count; i++) pixels[i] = src[i];
  }
  // A codestream that says unsigned in a signed image (seen in the wild) carries two's complement
  // patterns: sign-extend from Bits Stored, as for every other codec.
  if (info.pixelRepresentation === 1) signExtend(pixels, info.bitsStored);
  return {
    pixels,
    rows: info.rows,
    columns: info.columns,
    samplesPerPixel: info.samplesPerPixel,
    bitsAllocated: info.bitsAllocated,
    bitsStored: info.bitsStored,
    pixelRepresentation: info.pixelRepresentation,
    planarConfiguration: 0,
    photometric: decodedPhotometric(info),
    lossy,
    floatPixels: false,
  };
}

async function decodeOpenJpeg(codestream: Uint8Array, info: ImageInfo, lossyTs: boolean): Promise<DecodedFrame> {
  const codec = await loadCodec('openjpeg');
  codec.messages.length = 0;
  const decoder = new codec.module.J2KDecoder();
  try {
    decoder.getEncodedBuffer(codestream.length).set(codestream);
    decoder.decode();
    const fi = decoder.getFrameInfo() as J2kFrameInfo;
    if (!fi.width || !fi.height) throw new PixelDataError(`OpenJPEG could not decode the JPEG 2000 codestream (${describe(undefined, codec.messages) || 'no image'}): it is damaged`);
    const reversible = decoder.getIsReversible() as boolean;
    const raw = (decoder.getDecodedBuffer() as Uint8Array).slice();
    return toFrame(raw, fi, info, lossyTs || !reversible, 'OpenJPEG');
  } catch (e) {
    discardCodecAfter('openjpeg', e);
    if (e instanceof PixelDataError) throw e;
    throw new PixelDataError(`OpenJPEG could not decode the JPEG 2000 codestream (${describe(e, codec.messages)}): it is damaged`);
  } finally {
    decoder.delete();
  }
}

async function decodeOpenJph(codestream: Uint8Array, info: ImageInfo, lossyTs: boolean): Promise<DecodedFrame> {
  const codec = await loadCodec('openjph');
  codec.messages.length = 0;
  const decoder = new codec.module.HTJ2KDecoder();
  try {
    decoder.getEncodedBuffer(codestream.length).set(codestream);
    decoder.decode();
    const fi = decoder.getFrameInfo() as J2kFrameInfo;
    if (!fi.width || !fi.height) {
      const last = typeof decoder.getLastErrorMessage === 'function' ? String(decoder.getLastErrorMessage() ?? '') : '';
      throw new PixelDataError(`OpenJPH could not decode the HTJ2K codestream (${last || describe(undefined, codec.messages) || 'no image'}): it is damaged`);
    }
    const reversible = decoder.getIsReversible() as boolean;
    const raw = (decoder.getDecodedBuffer() as Uint8Array).slice();
    return toFrame(raw, fi, info, lossyTs || !reversible, 'OpenJPH');
  } catch (e) {
    discardCodecAfter('openjph', e);
    if (e instanceof PixelDataError) throw e;
    throw new PixelDataError(`OpenJPH could not decode the HTJ2K codestream (${describe(e, codec.messages)}): it is damaged`);
  } finally {
    decoder.delete();
  }
}

/**
 * Checks a bare codestream's SIZ against the attributes before any decoder allocates for it, so
 * a damaged or hostile size field is refused instead of exhausting memory. (JP2-wrapped streams,
 * seen in the wild, are left to the decoder.)
 */
function checkSiz(b: Uint8Array, info: ImageInfo, what: string): void {
  if (b.length < 2 || b[0] !== 0xff || b[1] !== 0x4f) {
    const jp2 = b.length >= 12 && b[4] === 0x6a && b[5] === 0x50 && b[6] === 0x20 && b[7] === 0x20;
    if (!jp2) throw new PixelDataError(`${what} codestream does not start with an SOC marker: it is damaged`);
    return;
  }
  if (b.length < 42 || b[2] !== 0xff || b[3] !== 0x51) throw new PixelDataError(`${what} codestream has no SIZ marker after SOC: it is damaged`);
  const u32 = (at: number): number => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  const width = u32(8) - u32(16);
  const height = u32(12) - u32(20);
  const components = (b[40] << 8) | b[41];
  if (width !== info.columns || height !== info.rows) {
    throw new PixelDataError(`${what}: the codestream is ${width}×${height} pixels but the image attributes say ${info.columns}×${info.rows}: the pixel data is damaged or mislabelled`);
  }
  if (components !== info.samplesPerPixel) {
    throw new PixelDataError(`${what}: the codestream has ${components} component(s) but Samples per Pixel is ${info.samplesPerPixel}`);
  }
}

/** JPEG 2000 decoders return what they can of a cut-short codestream: say so. */
function noteTruncation(frame: DecodedFrame, codestream: Uint8Array, what: string): DecodedFrame {
  if (endsWithMarker(codestream, 0xd9)) return frame;
  return { ...frame, warnings: [...(frame.warnings ?? []), `${what} codestream does not end with an EOC marker: it may be truncated, and was decoded as far as it goes`] };
}

export async function decodeJ2k(codestream: Uint8Array, info: ImageInfo, lossyTs: boolean): Promise<DecodedFrame> {
  checkSiz(codestream, info, 'JPEG 2000');
  return noteTruncation(await decodeOpenJpeg(codestream, info, lossyTs), codestream, 'JPEG 2000');
}

/** HTJ2K with OpenJPH; when OpenJPH refuses a codestream, OpenJPEG (which also reads HT) tries. */
export async function decodeHtj2k(codestream: Uint8Array, info: ImageInfo, lossyTs: boolean): Promise<DecodedFrame> {
  checkSiz(codestream, info, 'HTJ2K');
  let frame: DecodedFrame;
  try {
    frame = await decodeOpenJph(codestream, info, lossyTs);
  } catch (first) {
    try {
      frame = await decodeOpenJpeg(codestream, info, lossyTs);
    } catch {
      throw first;
    }
  }
  return noteTruncation(frame, codestream, 'HTJ2K');
}

// --- encoding --------------------------------------------------------------------------------

/** Samples an encoder that reads ceil(bits / 8)-byte values may see: masked (unsigned) or sign-extended from `bits` (signed). */
function encoderSamples(frame: DecodedFrame, bits: number): PixelArray {
  if (frame.pixelRepresentation === 1) {
    const out = frame.pixels instanceof Int16Array ? frame.pixels.slice() : Int16Array.from(frame.pixels as ArrayLike<number>);
    signExtend(out, bits);
    return out;
  }
  const masked = maskTo(frame.pixels, bits);
  return bits <= 8 && masked.BYTES_PER_ELEMENT !== 1 ? Uint8Array.from(masked) : masked;
}

function checkEncodable(frame: DecodedFrame, what: string): number {
  if (frame.floatPixels || frame.bitsAllocated > 16) throw new PixelDataError(`${what} encoding of ${frame.bitsAllocated}-bit samples is not supported`);
  if (frame.samplesPerPixel > 1 && frame.bitsAllocated > 8) {
    throw new PixelDataError(`${what} encoding of colour above 8 bits is not supported by the available encoder`);
  }
  const bits = Math.max(1, Math.min(frame.bitsStored, frame.bitsAllocated));
  // The wrappers read samples of 8 bits or fewer as unsigned bytes.
  if (frame.pixelRepresentation === 1 && bits <= 8) throw new PixelDataError(`${what} encoding of signed samples of 8 bits or fewer is not supported by the available encoder`);
  return bits;
}

/** Wavelet levels: 5, or fewer for small images (each level halves the smallest side). */
const decompositionsFor = (frame: DecodedFrame): number => Math.max(0, Math.min(5, Math.floor(Math.log2(Math.min(frame.rows, frame.columns)))));

function fillEncoder(encoder: { getDecodedBuffer(fi: object): Uint8Array }, fi: object, samples: PixelArray, what: string): void {
  const target = encoder.getDecodedBuffer(fi);
  const src = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  if (target.length !== src.length) throw new PixelDataError(`${what} encoder expected ${target.length} bytes, got ${src.length}`);
  target.set(src);
}

async function withEncoder<T>(name: WasmCodecName, what: string, run: (codec: LoadedCodec) => T): Promise<T> {
  const codec = await loadCodec(name);
  codec.messages.length = 0;
  try {
    return run(codec);
  } catch (e) {
    discardCodecAfter(name, e);
    if (e instanceof PixelDataError) throw e;
    throw new PixelDataError(`${what} encoding failed (${describe(e, codec.messages)})`);
  }
}

/** Lossless JPEG 2000 (reversible 5/3, one layer) with OpenJPEG. */
export function encodeJ2kLossless(frame: DecodedFrame): Promise<EncodedFrame> {
  const bits = checkEncodable(frame, 'JPEG 2000');
  const samples = encoderSamples(frame, bits);
  return withEncoder('openjpeg', 'JPEG 2000', (codec) => {
    const encoder = new codec.module.J2KEncoder();
    try {
      const fi = { width: frame.columns, height: frame.rows, bitsPerSample: bits, componentCount: frame.samplesPerPixel, isSigned: frame.pixelRepresentation === 1 };
      fillEncoder(encoder, fi, samples, 'JPEG 2000');
      encoder.setDecompositions(decompositionsFor(frame));
      encoder.setQuality(true, 1);
      encoder.setCompressionRatio(0, 0); // 0: no rate limit, i.e. every bit
      encoder.encode();
      const data = new Uint8Array(encoder.getEncodedBuffer() as Uint8Array);
      if (data.length < 4 || data[0] !== 0xff || data[1] !== 0x4f) throw new PixelDataError('OpenJPEG produced no codestream');
      // The wrapper applies the reversible colour transform to every multi-component image.
      return { data, photometric: frame.samplesPerPixel === 3 ? 'YBR_RCT' : frame.photometric, planarConfiguration: 0 as const };
    } finally {
      encoder.delete();
    }
  });
}

/** Lossless HTJ2K with OpenJPH; `rpcl` adds what 4.202 requires (RPCL order, TLM marker). */
export function encodeHtj2kLossless(frame: DecodedFrame, rpcl: boolean): Promise<EncodedFrame> {
  const bits = checkEncodable(frame, 'HTJ2K');
  const samples = encoderSamples(frame, bits);
  return withEncoder('openjph', 'HTJ2K', (codec) => {
    const encoder = new codec.module.HTJ2KEncoder();
    try {
      const colour = frame.samplesPerPixel === 3;
      const fi = {
        width: frame.columns, height: frame.rows, bitsPerSample: bits, componentCount: frame.samplesPerPixel,
        isSigned: frame.pixelRepresentation === 1, isUsingColorTransform: colour,
      };
      fillEncoder(encoder, fi, samples, 'HTJ2K');
      encoder.setDecompositions(decompositionsFor(frame));
      encoder.setQuality(true, 0);
      encoder.setProgressionOrder(2); // RPCL
      if (rpcl) encoder.setTLMMarker(true);
      encoder.encode();
      const data = new Uint8Array(encoder.getEncodedBuffer() as Uint8Array);
      if (data.length < 4 || data[0] !== 0xff || data[1] !== 0x4f) throw new PixelDataError('OpenJPH produced no codestream');
      return { data, photometric: colour ? 'YBR_RCT' : frame.photometric, planarConfiguration: 0 as const };
    } finally {
      encoder.delete();
    }
  });
}
