/**
 * JPEG-LS (ISO 14495-1) with CharLS: decode both the lossless (4.80) and near-lossless (4.81)
 * transfer syntaxes; encode lossless only (NEAR = 0), sample-interleaved for colour.
 * JPEG-LS knows no sign: signed images carry their two's complement bit patterns in Bits Stored
 * bits, so decoded samples are sign-extended and samples to encode are masked.
 */
import { discardCodecAfter, loadCodec } from './loader.ts';
import { describe, endsWithMarker, readJpegHeader } from './jpeg.ts';
import { bytesOf, interleave, maskTo, newPixelArray, pixelsFromBytes, signExtend } from './layout.ts';
import { PixelDataError, type DecodedFrame, type EncodedFrame, type ImageInfo } from './types.ts';

function charlsMessage(module: { getExceptionMessage?: (e: number) => string }, e: unknown, messages: string[]): string {
  if (typeof e === 'number' && module.getExceptionMessage) {
    try {
      const m: unknown = module.getExceptionMessage(e);
      return Array.isArray(m) ? m.filter(Boolean).join(': ') : String(m);
    } catch {
      /* fall through */
    }
  }
  return describe(e, messages);
}

export async function decodeJpegLs(codestream: Uint8Array, info: ImageInfo, lossyTs: boolean): Promise<DecodedFrame> {
  // Size check before CharLS allocates for whatever the frame header claims.
  const h = readJpegHeader(codestream);
  if (h.sof !== 0xf7) throw new PixelDataError(`the codestream is not JPEG-LS (SOF marker 0x${h.sof.toString(16).toUpperCase()}): the transfer syntax is mislabelled`);
  if (h.width !== info.columns || h.height !== info.rows) {
    throw new PixelDataError(`JPEG-LS codestream is ${h.width}×${h.height} pixels but the image attributes say ${info.columns}×${info.rows}`);
  }
  // CharLS takes seconds to give up on a truncated stream: refuse one without its EOI first.
  if (!endsWithMarker(codestream, 0xd9)) throw new PixelDataError('JPEG-LS codestream has no EOI marker at its end: it is truncated');
  const codec = await loadCodec('charls');
  codec.messages.length = 0;
  const decoder = new codec.module.JpegLSDecoder();
  try {
    decoder.getEncodedBuffer(codestream.length).set(codestream);
    decoder.decode();
    const fi = decoder.getFrameInfo() as { width: number; height: number; bitsPerSample: number; componentCount: number };
    if (fi.width !== info.columns || fi.height !== info.rows) {
      throw new PixelDataError(`JPEG-LS codestream is ${fi.width}×${fi.height} pixels but the image attributes say ${info.columns}×${info.rows}`);
    }
    if (fi.componentCount !== info.samplesPerPixel) {
      throw new PixelDataError(`JPEG-LS codestream has ${fi.componentCount} component(s) but Samples per Pixel is ${info.samplesPerPixel}`);
    }
    if (fi.bitsPerSample > info.bitsAllocated) {
      throw new PixelDataError(`JPEG-LS codestream has ${fi.bitsPerSample}-bit samples but Bits Allocated is ${info.bitsAllocated}`);
    }
    const interleaveMode = decoder.getInterleaveMode() as number;
    const near = decoder.getNearLossless() as number;
    const raw = (decoder.getDecodedBuffer() as Uint8Array).slice();
    const bytesIn = fi.bitsPerSample <= 8 ? 1 : 2;
    let pixels = pixelsFromBytes(raw, bytesIn * 8, info.pixelRepresentation, false);
    if (bytesIn * 8 !== info.bitsAllocated) {
      const wide = newPixelArray(info.bitsAllocated, info.pixelRepresentation, false, pixels.length);
      for (let i = 0; i < pixels.length; i++) wide[i] = pixels[i];
      pixels = wide;
    }
    // Interleave mode 0 (none) leaves the components one after another.
    if (fi.componentCount > 1 && interleaveMode === 0) pixels = interleave(pixels, fi.componentCount);
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
      photometric: info.photometric.replace(/_422$/, ''),
      lossy: lossyTs || near > 0,
      floatPixels: false,
    };
  } catch (e) {
    discardCodecAfter('charls', e);
    if (e instanceof PixelDataError) throw e;
    throw new PixelDataError(`CharLS could not decode the JPEG-LS codestream (${charlsMessage(codec.module, e, codec.messages)}): it is damaged`);
  } finally {
    decoder.delete();
  }
}

/** Lossless JPEG-LS of an interleaved 8- or 16-bit frame, 2..16 bits per sample. */
export async function encodeJpegLs(frame: DecodedFrame): Promise<EncodedFrame> {
  if (frame.floatPixels || frame.bitsAllocated > 16) throw new PixelDataError(`JPEG-LS cannot hold ${frame.bitsAllocated}-bit samples`);
  const bits = Math.max(2, Math.min(frame.bitsStored, frame.bitsAllocated));
  let samples = maskTo(frame.pixels, bits);
  // CharLS takes ceil(bits / 8) bytes per sample: narrow 8-bit data held in 16 allocated bits.
  if (bits <= 8 && samples.BYTES_PER_ELEMENT !== 1) samples = Uint8Array.from(samples);
  const codec = await loadCodec('charls-encoder');
  codec.messages.length = 0;
  const encoder = new codec.module.JpegLSEncoder();
  try {
    const fi = { width: frame.columns, height: frame.rows, bitsPerSample: bits, componentCount: frame.samplesPerPixel, isSigned: false };
    const target = encoder.getDecodedBuffer(fi) as Uint8Array;
    const src = bytesOf(samples);
    if (target.length !== src.length) throw new PixelDataError(`JPEG-LS encoder expected ${target.length} bytes, got ${src.length}`);
    target.set(src);
    encoder.setNearLossless(0);
    encoder.setInterleaveMode(frame.samplesPerPixel > 1 ? 2 : 0); // 2: sample-interleaved, as the buffer is
    encoder.encode();
    const data = new Uint8Array(encoder.getEncodedBuffer() as Uint8Array);
    return { data, photometric: frame.photometric, planarConfiguration: 0 };
  } catch (e) {
    discardCodecAfter('charls-encoder', e);
    if (e instanceof PixelDataError) throw e;
    throw new PixelDataError(`CharLS could not encode the frame (${charlsMessage(codec.module, e, codec.messages)})`);
  } finally {
    encoder.delete();
  }
}
