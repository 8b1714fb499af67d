/**
 * Decode and encode single frames for every transfer syntax the dicom-image-loader codecs handle.
 *
 *   const info = imageInfo(ds);                                     // ../frames.ts
 *   const streams = frameFragments(pixelElement(ds)!, info.numberOfFrames, ds);   // encapsulated
 *   const frame = await decodeFrame(ts, streams[i], info);          // or nativeFrame(ds, i) for native
 *   …paint frame.pixels…
 *   const out = await encodeFrame(ts, frame);                       // undefined: write it uncompressed
 *
 * Codec modules are loaded on first use and cached (see ./loader.ts).
 */
import { deflateSync } from 'fflate';
import { InflateLimitError, describeBytes, inflateCapped } from '../../dicom/inflate.ts';
import { decodeHtj2k, decodeJ2k, encodeHtj2kLossless, encodeJ2kLossless } from './j2k.ts';
import { decodeJpeg } from './jpeg.ts';
import { decodeJpegLs, encodeJpegLs } from './jpegls.ts';
import { decodeJxl, encodeJxlLossless } from './jxl.ts';
import { bytesOf, bytesPerSample, deinterleave, nativeFrameBytes, packBits, pixelsFromBytes, unpackBits, upsampleYbr422, withPlanar } from './layout.ts';
import { decodeRle, encodeRle } from './rle.ts';
import { T } from '../../dicom/tags.ts';
import { TS, transferSyntaxInfo, type TransferSyntaxInfo } from '../../dicom/transfer-syntax.ts';
import { PixelDataError, type DecodedFrame, type DecodeOptions, type EncodedFrame, type ImageInfo, type PixelArray } from './types.ts';

export { PixelDataError, type DecodedFrame, type DecodeOptions, type EncodedFrame, type ImageInfo, type PixelArray } from './types.ts';
export { setCodecLoader, loadCodec, type CodecLoader, type WasmCodecName } from './loader.ts';
export { readJpegHeader, type JpegHeader } from './jpeg.ts';
export { bytesOf } from './layout.ts';

/**
 * What the codec packages can write back losslessly, by transfer syntax (the syntaxes themselves,
 * their families and lossiness are in dicom/transfer-syntax.ts).
 */
const ENCODERS: Readonly<Record<string, string>> = {
  [TS.ImplicitVRLittleEndian]: 'native',
  [TS.ExplicitVRLittleEndian]: 'native',
  [TS.DeflatedExplicitVRLittleEndian]: 'native',
  [TS.ExplicitVRBigEndian]: 'native (the reader already swapped to little endian)',
  '1.2.840.10008.1.2.1.98': 'native',
  '1.2.840.10008.1.2.8.1': 'fflate deflate',
  '1.2.840.10008.1.2.5': 'Veil RLE (PS3.5 Annex G)',
  '1.2.840.10008.1.2.4.80': 'CharLS',
  '1.2.840.10008.1.2.4.90': 'OpenJPEG',
  '1.2.840.10008.1.2.4.201': 'OpenJPH',
  '1.2.840.10008.1.2.4.202': 'OpenJPH (RPCL, TLM)',
  '1.2.840.10008.1.2.4.110': 'libjxl',
};

const NO_LOSSY = 'lossy transfer syntax: never re-encoded (a second lossy step); write uncompressed';

/** Why a syntax the codecs decode cannot be written back, for the report. */
function whyNotEncodable(s: TransferSyntaxInfo): string {
  if (s.lossy) return NO_LOSSY;
  if (s.family === 'jpeg') return 'no lossless JPEG encoder in the codec packages; write uncompressed';
  if (s.family === 'j2k') return 'no Part 2 encoder in the codec packages; write uncompressed';
  return `no encoder for ${s.name} in the codec packages; write uncompressed`;
}

export interface TransferSyntaxSupport {
  uid: string;
  name: string;
  /** Frames of this syntax can be decoded. */
  decode: boolean;
  /** Frames can be written back in this syntax (losslessly) by encodeFrame. */
  encode: boolean;
  /** The syntax is lossy: redacted frames must be written uncompressed. */
  lossy: boolean;
  /** Encapsulated Pixel Data (split it with frameFragments) rather than native. */
  encapsulated: boolean;
  /** Which library does the work, or why not. */
  note: string;
}

/** What Veil can do with a transfer syntax. */
export function transferSyntaxSupport(uid: string): TransferSyntaxSupport {
  const s = transferSyntaxInfo(uid);
  if (!s) {
    return {
      uid, name: uid, decode: false, encode: false, lossy: true, encapsulated: true,
      note: /^1\.2\.840\.10008\.1\.2\.4\.10[0-8]$/.test(uid) ? 'MPEG video: not decodable by the codec packages' : 'unknown transfer syntax: no decoder',
    };
  }
  return {
    uid, name: s.name, decode: true, encode: uid in ENCODERS, lossy: s.lossy, encapsulated: s.family !== 'native',
    note: uid in ENCODERS ? `encoder: ${ENCODERS[uid]}` : whyNotEncodable(s),
  };
}

/** Largest decoded frame: far above real images (a 4096² RGB 16-bit frame is 96 MiB). */
export const MAX_DECODED_FRAME_BYTES = 1 << 30;

// --- decoding --------------------------------------------------------------------------------

/**
 * Decodes one frame. `codestream` is one entry of frameFragments() for encapsulated syntaxes, or
 * nativeFrame() for native ones (little endian, as the reader leaves big-endian data).
 * Rejects with PixelDataError, whose message can go into a report, when the frame cannot be
 * decoded: damaged data, attributes that contradict the codestream, unsupported features.
 */
export async function decodeFrame(ts: string, codestream: Uint8Array, info: ImageInfo, options: DecodeOptions = {}): Promise<DecodedFrame> {
  const s = transferSyntaxInfo(ts);
  if (!s) throw new PixelDataError(`${transferSyntaxSupport(ts).note} (${ts})`);
  if (codestream.length === 0) throw new PixelDataError('the frame is empty');
  // Decoders allocate by the image attributes, which are untrusted: a forged 65535×65535 must
  // not claim gigabytes before the codestream is even looked at.
  const frameBytes = info.rows * info.columns * info.samplesPerPixel * Math.max(1, Math.ceil(info.bitsAllocated / 8));
  if (frameBytes > MAX_DECODED_FRAME_BYTES) {
    throw new PixelDataError(`a ${info.columns}×${info.rows} frame of ${info.samplesPerPixel} sample(s) would take ${describeBytes(frameBytes)} decoded, more than the ${describeBytes(MAX_DECODED_FRAME_BYTES)} Veil decodes`);
  }
  let frame: DecodedFrame;
  switch (s.family) {
    case 'native':
    case 'encapsulated-native':
      frame = decodeNative(codestream, info);
      break;
    case 'deflate':
      frame = decodeNative(inflate(codestream, nativeFrameBytes(info)), info);
      break;
    case 'rle':
      frame = decodeRleFrame(codestream, info);
      break;
    case 'jpeg':
      frame = await decodeJpeg(codestream, info, s.lossy);
      break;
    case 'jpeg-ls':
      frame = await decodeJpegLs(codestream, info, s.lossy);
      break;
    case 'j2k':
      frame = await decodeJ2k(codestream, info, s.lossy);
      break;
    case 'htj2k':
      frame = await decodeHtj2k(codestream, info, s.lossy);
      break;
    case 'jxl':
      frame = await decodeJxl(codestream, info, s.lossy);
      break;
  }
  return withPlanar(frame, options.planar);
}

/**
 * A deflated frame never needs to inflate to much more than the frame it holds: past that (plus
 * slack for padding) it is refused, so a small frame cannot claim gigabytes.
 */
function inflate(data: Uint8Array, frameBytes: number): Uint8Array {
  const limit = frameBytes + (1 << 20);
  const capped = (bytes: Uint8Array): Uint8Array => {
    try {
      return inflateCapped(bytes, limit);
    } catch (e) {
      if (e instanceof InflateLimitError) throw new PixelDataError(`the deflated frame inflates to more than ${describeBytes(limit)} although the frame holds ${frameBytes} bytes: refused`);
      throw e;
    }
  };
  try {
    return capped(data);
  } catch (raw) {
    if (raw instanceof PixelDataError) throw raw;
    // A zlib wrapper (2-byte header, 4-byte Adler-32 trailer) where raw deflate belongs: accept it.
    if (data.length > 6 && (data[0] & 0x0f) === 8 && ((data[0] << 8) | data[1]) % 31 === 0) {
      try {
        return capped(data.subarray(2, data.length - 4));
      } catch (e) {
        if (e instanceof PixelDataError) throw e;
      }
    }
    throw new PixelDataError(`the deflated frame could not be inflated (${(raw as Error).message}): it is damaged`);
  }
}

/** Native bytes of one frame → samples, exactly as stored (1-bit unpacked, YBR_FULL_422 upsampled). */
function decodeNative(bytes: Uint8Array, info: ImageInfo): DecodedFrame {
  const need = nativeFrameBytes(info);
  if (bytes.length < need) throw new PixelDataError(`the frame holds ${bytes.length} bytes but ${info.rows}×${info.columns} pixels need ${need}: the pixel data is truncated`);
  const base = {
    rows: info.rows, columns: info.columns, samplesPerPixel: info.samplesPerPixel, bitsAllocated: info.bitsAllocated,
    bitsStored: info.bitsStored, pixelRepresentation: info.pixelRepresentation, lossy: false, floatPixels: info.floatPixels,
  };
  if (info.bitsAllocated === 1) {
    return { ...base, pixels: unpackBits(bytes, info.rows * info.columns * info.samplesPerPixel), planarConfiguration: info.planarConfiguration, photometric: info.photometric };
  }
  if (info.photometric === 'YBR_FULL_422' && info.samplesPerPixel === 3 && info.bitsAllocated === 8) {
    return { ...base, pixels: upsampleYbr422(bytes, info.rows, info.columns), planarConfiguration: 0, photometric: 'YBR_FULL' };
  }
  const pixels = pixelsFromBytes(bytes.subarray(0, need), info.bitsAllocated, info.pixelRepresentation, info.floatPixels);
  return { ...base, pixels, planarConfiguration: info.planarConfiguration, photometric: info.photometric };
}

function decodeRleFrame(codestream: Uint8Array, info: ImageInfo): DecodedFrame {
  if (info.bitsAllocated === 1 || info.floatPixels) throw new PixelDataError(`RLE of ${info.bitsAllocated}-bit pixels is not supported`);
  const size = bytesPerSample(info.bitsAllocated);
  const planes = decodeRle(codestream, info.rows * info.columns, info.samplesPerPixel, size);
  const pixels = pixelsFromBytes(planes, info.bitsAllocated, info.pixelRepresentation, false);
  return {
    pixels, rows: info.rows, columns: info.columns, samplesPerPixel: info.samplesPerPixel, bitsAllocated: info.bitsAllocated,
    bitsStored: info.bitsStored, pixelRepresentation: info.pixelRepresentation,
    planarConfiguration: info.samplesPerPixel > 1 ? 1 : 0, // RLE segments are planes
    photometric: info.photometric.replace(/_422$/, ''), lossy: false, floatPixels: false,
  };
}

// --- encoding --------------------------------------------------------------------------------

/** Can encodeFrame write this frame in this syntax? undefined if yes, else the reason. */
export function whyNoEncoder(ts: string, frame: Pick<DecodedFrame, 'samplesPerPixel' | 'bitsAllocated' | 'bitsStored' | 'pixelRepresentation' | 'floatPixels'>): string | undefined {
  const s = transferSyntaxInfo(ts);
  if (!s) return transferSyntaxSupport(ts).note;
  if (!(ts in ENCODERS)) return whyNotEncodable(s);
  if (frame.floatPixels && s.family !== 'native') return 'Float and Double Float Pixel Data are always native (uncompressed)';
  const bits = Math.min(frame.bitsStored, frame.bitsAllocated);
  switch (s.family) {
    case 'rle':
      if (frame.bitsAllocated === 1) return 'RLE cannot hold 1-bit pixels';
      if (frame.samplesPerPixel * bytesPerSample(frame.bitsAllocated) > 15) return 'RLE holds at most 15 byte segments';
      return undefined;
    case 'jpeg-ls':
      if (frame.floatPixels || frame.bitsAllocated > 16 || frame.bitsAllocated === 1) return `JPEG-LS cannot hold ${frame.bitsAllocated}-bit samples`;
      return undefined;
    case 'j2k':
    case 'htj2k':
      if (frame.floatPixels || frame.bitsAllocated > 16 || frame.bitsAllocated === 1) return `the JPEG 2000 encoders take 8- or 16-bit samples, not ${frame.bitsAllocated}`;
      if (frame.samplesPerPixel > 1 && frame.bitsAllocated > 8) return 'the JPEG 2000 encoder wrappers mishandle colour above 8 bits';
      if (frame.samplesPerPixel !== 1 && frame.samplesPerPixel !== 3) return `JPEG 2000 encoding of ${frame.samplesPerPixel} samples per pixel is not supported`;
      if (frame.pixelRepresentation === 1 && bits <= 8) return 'the JPEG 2000 encoder wrappers read samples of 8 bits or fewer as unsigned';
      return undefined;
    case 'jxl':
      if (frame.floatPixels || frame.bitsAllocated > 16 || frame.bitsAllocated === 1) return `the JPEG XL encoder takes 8- or 16-bit samples, not ${frame.bitsAllocated}`;
      if (frame.pixelRepresentation === 1) return 'the JPEG XL encoder takes unsigned samples only';
      if (frame.samplesPerPixel !== 1 && frame.samplesPerPixel !== 3) return `JPEG XL encoding of ${frame.samplesPerPixel} samples per pixel is not supported`;
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Encodes a decoded (and painted) frame losslessly for transfer syntax `ts`, or returns undefined
 * when there is no lossless encoder for it (lossy syntaxes, JPEG lossless, or a frame layout the
 * encoder cannot take — whyNoEncoder says which): the caller then writes the frame uncompressed,
 * in Explicit VR Little Endian. Native syntaxes return the frame's native bytes (1-bit frames
 * packed from bit 0; join frames with joinNativeFrames). Every new codestream is decoded again
 * and must give exactly the same samples: one decode per re-encoded frame, to catch encoder bugs
 * before they reach a user's files.
 */
export function encodeFrame(ts: string, frame: DecodedFrame): Promise<EncodedFrame> | undefined {
  if (whyNoEncoder(ts, frame) !== undefined) return undefined;
  return encodeChecked(ts, frame);
}

async function encodeChecked(ts: string, frame: DecodedFrame): Promise<EncodedFrame> {
  const s = transferSyntaxInfo(ts)!; // whyNoEncoder said it is one we encode
  const interleaved = withPlanar(frame, false);
  let out: EncodedFrame;
  switch (s.family) {
    case 'native':
    case 'encapsulated-native':
      return { data: nativeBytes(frame), photometric: frame.photometric, planarConfiguration: frame.planarConfiguration };
    case 'deflate':
      out = { data: deflateSync(nativeBytes(frame), { level: 6 }), photometric: frame.photometric, planarConfiguration: frame.planarConfiguration };
      break;
    case 'rle': {
      const planes = bytesOf(frame.samplesPerPixel > 1 && frame.planarConfiguration === 0 ? deinterleave(frame.pixels, frame.samplesPerPixel) : frame.pixels);
      const data = encodeRle(planes, frame.rows, frame.columns, frame.samplesPerPixel, bytesPerSample(frame.bitsAllocated));
      out = { data, photometric: frame.photometric, planarConfiguration: 0 };
      break;
    }
    case 'jpeg-ls':
      out = await encodeJpegLs(interleaved);
      break;
    case 'j2k':
      out = await encodeJ2kLossless(interleaved);
      break;
    case 'htj2k':
      out = await encodeHtj2kLossless(interleaved, ts === '1.2.840.10008.1.2.4.202');
      break;
    case 'jxl':
      out = await encodeJxlLossless(interleaved);
      break;
    default:
      throw new PixelDataError(`no encoder for ${s.name}`);
  }
  await verifyRoundTrip(ts, frame, out);
  return out;
}

/** Native little-endian bytes of a frame in its own planar configuration; 1-bit packed from bit 0. */
export function nativeBytes(frame: DecodedFrame): Uint8Array {
  if (frame.bitsAllocated === 1) return packBits(frame.pixels as Uint8Array);
  return bytesOf(frame.pixels).slice();
}

/** The ImageInfo that describes an encoded frame, for decoding it again. */
export function infoForFrame(frame: DecodedFrame, photometric = frame.photometric, planarConfiguration = frame.planarConfiguration): ImageInfo {
  return {
    rows: frame.rows, columns: frame.columns, samplesPerPixel: frame.samplesPerPixel, bitsAllocated: frame.bitsAllocated,
    bitsStored: frame.bitsStored, highBit: frame.bitsStored - 1, pixelRepresentation: frame.pixelRepresentation,
    planarConfiguration, photometric, numberOfFrames: 1, pixelDataTag: T.PixelData, floatPixels: frame.floatPixels, warnings: [],
  };
}

async function verifyRoundTrip(ts: string, frame: DecodedFrame, out: EncodedFrame): Promise<void> {
  const back = await decodeFrame(ts, out.data, infoForFrame(frame, out.photometric, out.planarConfiguration), { planar: frame.planarConfiguration === 1 });
  const a = comparable(frame);
  const b = comparable(back);
  if (a.length !== b.length) throw new PixelDataError(`re-encoded frame decodes to ${b.length} samples instead of ${a.length}`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) throw new PixelDataError(`re-encoded frame does not decode to the same pixels (sample ${i}: ${a[i]} became ${b[i]}); not written`);
  }
}

/** Samples as the encoders see them: stored bits only, so high bits outside Bits Stored do not count. */
function comparable(frame: DecodedFrame): PixelArray {
  const bits = Math.min(frame.bitsStored, frame.bitsAllocated);
  if (frame.floatPixels || bits >= 32 || frame.bitsAllocated === 1) return frame.pixels;
  const mask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
  const out = new Uint32Array(frame.pixels.length);
  for (let i = 0; i < out.length; i++) out[i] = (frame.pixels[i] as number) & mask;
  return out;
}
