/**
 * JPEG XL (4.110 lossless, 4.111 JPEG recompression, 4.112 lossy) with libjxl. Colour decodes
 * to RGB (a recompressed YBR_FULL_422 JPEG comes back as RGB pixels, not as the JPEG bytes).
 * The libjxl encoder is used for 4.110 only, losslessly.
 */
import { describe } from './jpeg.ts';
import { discardCodecAfter, loadCodec } from './loader.ts';
import { maskTo, newPixelArray, pixelsFromBytes, signExtend } from './layout.ts';
import { PixelDataError, type DecodedFrame, type EncodedFrame, type ImageInfo, type PixelArray } from './types.ts';

export async function decodeJxl(codestream: Uint8Array, info: ImageInfo, lossyTs: boolean): Promise<DecodedFrame> {
  const codec = await loadCodec('libjxl');
  codec.messages.length = 0;
  const decoder = new codec.module.JpegXLDecoder();
  try {
    decoder.getEncodedBuffer(codestream.length).set(codestream);
    decoder.decode();
    const fi = decoder.getFrameInfo() as { width: number; height: number; bitsPerSample: number; componentCount: number };
    if (fi.width !== info.columns || fi.height !== info.rows) {
      throw new PixelDataError(`JPEG XL codestream is ${fi.width}×${fi.height} pixels but the image attributes say ${info.columns}×${info.rows}`);
    }
    if (fi.componentCount !== info.samplesPerPixel) {
      throw new PixelDataError(`JPEG XL codestream has ${fi.componentCount} component(s) but Samples per Pixel is ${info.samplesPerPixel}`);
    }
    if (fi.bitsPerSample > info.bitsAllocated) {
      throw new PixelDataError(`JPEG XL codestream has ${fi.bitsPerSample}-bit samples but Bits Allocated is ${info.bitsAllocated}`);
    }
    const raw = (decoder.getDecodedBuffer() as Uint8Array).slice();
    const bytesIn = fi.bitsPerSample <= 8 ? 1 : 2;
    const count = fi.width * fi.height * fi.componentCount;
    if (raw.length < count * bytesIn) throw new PixelDataError(`libjxl returned ${raw.length} bytes for ${count} samples`);
    let pixels: PixelArray = pixelsFromBytes(raw.subarray(0, count * bytesIn), bytesIn * 8, info.pixelRepresentation, false);
    if (bytesIn * 8 !== info.bitsAllocated) {
      const wide = newPixelArray(info.bitsAllocated, info.pixelRepresentation, false, count);
      for (let i = 0; i < count; i++) wide[i] = pixels[i];
      pixels = wide;
    }
    if (info.pixelRepresentation === 1) signExtend(pixels, info.bitsStored);
    return {
      pixels,
      rows: info.rows,
      columns: info.columns,
      samplesPerPixel: fi.componentCount,
      bitsAllocated: info.bitsAllocated,
      bitsStored: info.bitsStored,
      pixelRepresentation: info.pixelRepresentation,
      planarConfiguration: 0,
      photometric: fi.componentCount === 3 ? 'RGB' : info.photometric,
      lossy: lossyTs,
      floatPixels: false,
    };
  } catch (e) {
    discardCodecAfter('libjxl', e);
    if (e instanceof PixelDataError) throw e;
    throw new PixelDataError(`libjxl could not decode the JPEG XL codestream (${describe(e, codec.messages)}): it is damaged`);
  } finally {
    decoder.delete();
  }
}

/** Lossless JPEG XL: greyscale or RGB, 1–16 bits, unsigned. */
export async function encodeJxlLossless(frame: DecodedFrame): Promise<EncodedFrame> {
  if (frame.floatPixels || frame.bitsAllocated > 16) throw new PixelDataError(`JPEG XL encoding of ${frame.bitsAllocated}-bit samples is not supported`);
  if (frame.pixelRepresentation === 1) throw new PixelDataError('JPEG XL encoding of signed samples is not supported by the available encoder');
  if (frame.samplesPerPixel !== 1 && frame.samplesPerPixel !== 3) throw new PixelDataError(`JPEG XL encoding of ${frame.samplesPerPixel} samples per pixel is not supported`);
  const bits = Math.max(1, Math.min(frame.bitsStored, frame.bitsAllocated));
  let samples = maskTo(frame.pixels, bits);
  if (bits <= 8 && samples.BYTES_PER_ELEMENT !== 1) samples = Uint8Array.from(samples);
  const codec = await loadCodec('libjxl-encoder');
  codec.messages.length = 0;
  const encoder = new codec.module.JpegXLEncoder();
  try {
    const fi = { width: frame.columns, height: frame.rows, bitsPerSample: bits, componentCount: frame.samplesPerPixel, isSigned: false };
    const target = encoder.getDecodedBuffer(fi) as Uint8Array;
    const src = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
    if (target.length !== src.length) throw new PixelDataError(`JPEG XL encoder expected ${target.length} bytes, got ${src.length}`);
    target.set(src);
    encoder.setLossless(true);
    encoder.encode();
    const data = new Uint8Array(encoder.getEncodedBuffer() as Uint8Array);
    return { data, photometric: frame.photometric, planarConfiguration: 0 };
  } catch (e) {
    discardCodecAfter('libjxl-encoder', e);
    if (e instanceof PixelDataError) throw e;
    throw new PixelDataError(`libjxl could not encode the frame (${describe(e, codec.messages)})`);
  } finally {
    encoder.delete();
  }
}
