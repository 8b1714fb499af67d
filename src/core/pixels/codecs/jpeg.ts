/**
 * The JPEG family (ITU T.81): baseline, extended, spectral selection / progressive (retired
 * 4.53/4.55) and lossless. The codestream's own SOF marker picks the decoder, not the transfer
 * syntax label, so a mislabelled file still decodes right:
 *   - 8-bit DCT (SOF0/1/2, arithmetic SOF9/10): libjpeg-turbo (wasm);
 *   - 12-bit DCT, and 8-bit RGB stored without a colour transform that libjpeg would wrongly
 *     convert: Veil's own decoder (./jpeg-dct.ts);
 *   - lossless (SOF3, processes 14 and 14 SV1): @cornerstonejs/jpeg-lossless-decoder-js.
 * There is no lossless JPEG encoder in the codec packages (libjpeg-turbo's wasm encoder is
 * baseline-only), so nothing here encodes.
 */
import { Decoder as LosslessDecoder } from '@cornerstonejs/jpeg-lossless-decoder-js';
import { decodeJpegDct } from './jpeg-dct.ts';
import { discardCodecAfter, loadCodec } from './loader.ts';
import { signExtend, pixelsFromBytes, newPixelArray } from './layout.ts';
import { PixelDataError, type DecodedFrame, type ImageInfo, type PixelArray } from './types.ts';

export interface JpegHeader {
  /** SOF marker (0xC0 baseline … 0xC3 lossless, 0xF7 JPEG-LS). */
  sof: number;
  precision: number;
  width: number;
  height: number;
  componentIds: number[];
  /** [horizontal, vertical] sampling factor per component. */
  sampling: [number, number][];
  jfif: boolean;
  /** Adobe APP14 colour transform flag (0 none, 1 YCbCr, 2 YCCK), when the marker is present. */
  adobeTransform?: number;
}

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf, 0xf7]);

/** Reads the markers up to the first scan. Throws PixelDataError when there is no frame header. */
export function readJpegHeader(b: Uint8Array): JpegHeader {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) throw new PixelDataError('JPEG codestream does not start with an SOI marker');
  let i = 2;
  let jfif = false;
  let adobeTransform: number | undefined;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) {
      i++; // tolerate stray fill bytes between segments
      continue;
    }
    const marker = b[i + 1];
    if (marker === 0xff || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += marker === 0xff ? 1 : 2;
      continue;
    }
    const len = (b[i + 2] << 8) | b[i + 3];
    const seg = i + 4;
    if (marker === 0xe0 && b[seg] === 0x4a && b[seg + 1] === 0x46 && b[seg + 2] === 0x49 && b[seg + 3] === 0x46) jfif = true;
    if (marker === 0xee && len >= 12 && String.fromCharCode(b[seg], b[seg + 1], b[seg + 2], b[seg + 3], b[seg + 4]) === 'Adobe') {
      adobeTransform = b[seg + 11];
    }
    if (SOF_MARKERS.has(marker)) {
      const count = b[seg + 5];
      const componentIds: number[] = [];
      const sampling: [number, number][] = [];
      for (let c = 0; c < count; c++) {
        componentIds.push(b[seg + 6 + c * 3]);
        const hv = b[seg + 7 + c * 3];
        sampling.push([hv >> 4, hv & 15]);
      }
      return {
        sof: marker,
        precision: b[seg],
        height: (b[seg + 1] << 8) | b[seg + 2],
        width: (b[seg + 3] << 8) | b[seg + 4],
        componentIds,
        sampling,
        jfif,
        adobeTransform,
      };
    }
    if (marker === 0xda || marker === 0xd9) break;
    i += 2 + len;
  }
  throw new PixelDataError('JPEG codestream has no frame header (SOF) before its first scan: it is damaged');
}

/** Would libjpeg convert these three components from YCbCr to RGB? (jdapimin.c default_decompress_parms) */
function libjpegConvertsColour(h: JpegHeader): boolean {
  if (h.jfif) return true;
  if (h.adobeTransform !== undefined) return h.adobeTransform !== 0;
  const [a, b, c] = h.componentIds;
  return !(a === 0x52 && b === 0x47 && c === 0x42); // 'R','G','B' → no conversion; anything else → YCbCr
}

const throwText = (e: unknown): string => (e instanceof Error ? e.message : typeof e === 'string' ? e : 'decoder error');

/** Decodes one frame of any JPEG process the packages handle. `lossyTs` is the label's verdict. */
export async function decodeJpeg(codestream: Uint8Array, info: ImageInfo, lossyTs: boolean): Promise<DecodedFrame> {
  const h = readJpegHeader(codestream);
  if (h.width !== info.columns || h.height !== info.rows) {
    throw new PixelDataError(`JPEG codestream is ${h.width}×${h.height} pixels but the image attributes say ${info.columns}×${info.rows}`);
  }
  const components = h.componentIds.length;
  if (components !== info.samplesPerPixel) {
    throw new PixelDataError(`JPEG codestream has ${components} component(s) but Samples per Pixel is ${info.samplesPerPixel}`);
  }
  if (components !== 1 && components !== 3) throw new PixelDataError(`JPEG with ${components} components is not supported`);
  if (h.precision > info.bitsAllocated) {
    throw new PixelDataError(`JPEG codestream has ${h.precision}-bit samples but Bits Allocated is ${info.bitsAllocated}`);
  }

  let samples: PixelArray;
  let photometric = info.photometric === 'YBR_FULL_422' || info.photometric === 'YBR_PARTIAL_422' ? info.photometric.replace('_422', '') : info.photometric;
  let lossy = lossyTs;
  if (h.sof === 0xc3) {
    samples = decodeLossless(codestream, h, info);
  } else if (h.sof === 0xc0 || h.sof === 0xc1 || h.sof === 0xc2 || h.sof === 0xc9 || h.sof === 0xca) {
    lossy = true;
    const rawRgb = components === 3 && info.photometric === 'RGB' && !h.jfif && h.adobeTransform === undefined && libjpegConvertsColour(h);
    if (h.precision === 8 && !rawRgb) {
      samples = await decodeTurbo(codestream, info);
      if (components === 3 && libjpegConvertsColour(h)) photometric = 'RGB';
    } else if (h.sof === 0xc9 || h.sof === 0xca) {
      throw new PixelDataError(`arithmetic-coded ${h.precision}-bit JPEG is not supported by the available decoders`);
    } else {
      samples = decodeDct(codestream, h, info);
    }
  } else if (h.sof === 0xf7) {
    throw new PixelDataError('the codestream is JPEG-LS, not JPEG: the transfer syntax is mislabelled');
  } else {
    throw new PixelDataError(`JPEG process with SOF marker 0x${h.sof.toString(16).toUpperCase()} (hierarchical or arithmetic lossless) is not supported`);
  }

  if (info.pixelRepresentation === 1) signExtend(samples, info.bitsStored);
  return {
    pixels: samples,
    rows: info.rows,
    columns: info.columns,
    samplesPerPixel: components,
    bitsAllocated: info.bitsAllocated,
    bitsStored: info.bitsStored,
    pixelRepresentation: info.pixelRepresentation,
    planarConfiguration: 0,
    photometric: components === 1 ? info.photometric : photometric,
    lossy,
    floatPixels: false,
  };
}

/** Widens 8-bit output into the image's sample type (e.g. 8-bit JPEG in 16 allocated bits). */
function toImageSamples(values: Uint8Array | Uint16Array, info: ImageInfo): PixelArray {
  const out = newPixelArray(info.bitsAllocated, info.pixelRepresentation, false, values.length);
  if (out.BYTES_PER_ELEMENT === values.BYTES_PER_ELEMENT) {
    new Uint8Array(out.buffer).set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  } else {
    for (let i = 0; i < values.length; i++) out[i] = values[i];
  }
  return out;
}

async function decodeTurbo(codestream: Uint8Array, info: ImageInfo): Promise<PixelArray> {
  const codec = await loadCodec('libjpeg-turbo');
  codec.messages.length = 0;
  const decoder = new codec.module.JPEGDecoder();
  try {
    decoder.getEncodedBuffer(codestream.length).set(codestream);
    decoder.decode();
    const fi = decoder.getFrameInfo();
    if (fi.width !== info.columns || fi.height !== info.rows) throw new PixelDataError('libjpeg-turbo decoded a different size than the frame header says');
    const out = decoder.getDecodedBuffer() as Uint8Array;
    return toImageSamples(out.slice(), info);
  } catch (e) {
    discardCodecAfter('libjpeg-turbo', e);
    if (e instanceof PixelDataError) throw e;
    throw new PixelDataError(`libjpeg-turbo could not decode the JPEG codestream (${describe(e, codec.messages)}): it is damaged or uses an unsupported JPEG feature`);
  } finally {
    decoder.delete();
  }
}

function decodeDct(codestream: Uint8Array, h: JpegHeader, info: ImageInfo): PixelArray {
  if (h.precision !== 8 && h.precision !== 12) throw new PixelDataError(`${h.precision}-bit DCT JPEG is not valid (8 or 12 bits only)`);
  const image = decodeJpegDct(codestream);
  if (image.width !== info.columns || image.height !== info.rows) throw new PixelDataError('JPEG frame size changed while decoding: the codestream is damaged');
  return toImageSamples(image.data, info);
}

/**
 * Does the codestream end with marker 0xFF `code` (EOI 0xD9 for JPEG and JPEG-LS, EOC 0xD9 for
 * JPEG 2000)? Looks at the last 32 bytes: fragments are padded to even length and some encoders
 * leave a few stray bytes after the marker.
 */
export function endsWithMarker(b: Uint8Array, code: number): boolean {
  for (let i = b.length - 2; i >= Math.max(0, b.length - 32); i--) if (b[i] === 0xff && b[i + 1] === code) return true;
  return false;
}

function decodeLossless(codestream: Uint8Array, h: JpegHeader, info: ImageInfo): PixelArray {
  // The lossless decoder cannot tell a truncated stream from a complete one (it pads): check first.
  if (!endsWithMarker(codestream, 0xd9)) throw new PixelDataError('lossless JPEG codestream has no EOI marker at its end: it is truncated');
  const numBytes = info.bitsAllocated > 8 || h.precision > 8 ? 2 : 1;
  let out: Uint8Array | Uint16Array;
  try {
    const decoder = new LosslessDecoder();
    out = decoder.decode(codestream.buffer as ArrayBuffer, codestream.byteOffset, codestream.length, numBytes);
  } catch (e) {
    throw new PixelDataError(`the lossless JPEG codestream could not be decoded (${throwText(e)}): it is damaged`);
  }
  const expected = info.rows * info.columns * info.samplesPerPixel;
  if (out.length < expected) throw new PixelDataError(`the lossless JPEG codestream decoded to ${out.length} samples but the frame needs ${expected}`);
  const samples = out.length === expected ? out : out.subarray(0, expected);
  if (numBytes === 2 && info.bitsAllocated === 16) return pixelsFromBytes(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength), 16, info.pixelRepresentation, false);
  return toImageSamples(samples, info);
}

export function describe(e: unknown, messages: string[]): string {
  const printed = messages
    .filter((m) => /error|fail|invalid|corrupt/i.test(m))
    .slice(-2)
    .map((m) => m.replace(/^\[(ERROR|WARNING)\]\s*/i, ''))
    .join('; ');
  if (printed) return printed;
  if (typeof e === 'number') return `codec exception ${e}`;
  return throwText(e);
}
