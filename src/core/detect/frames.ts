/**
 * Frame access for detection: decoded samples of any frame of an instance, whatever its transfer
 * syntax, through the pixel layer (../pixels/frames.ts locates frames, ../pixels/codecs decodes
 * them). What detection needs on top: one interleaved sample array per frame, and native samples
 * cut to Bits Stored (old files keep overlay bits above High Bit, which would otherwise swamp the
 * VOI window).
 */
import type { Dataset } from '../dicom/dataset.ts';
import { encodingOf } from '../dicom/transfer-syntax.ts';
import { frameFragments, imageInfo, nativeFrame, pixelElement, PixelDataError, type ImageInfo } from '../pixels/frames.ts';
import { decodeFrame, type PixelArray } from '../pixels/codecs/index.ts';
import type { DecodedFrame } from './render.ts';

export interface FrameSource {
  width: number;
  height: number;
  frameCount: number;
  samplesPerPixel: number;
  photometric: string;
  /** Decoded samples of frame `index` (0-based). */
  frame(index: number): Promise<DecodedFrame>;
}

/** The pixels cannot be read: no pixels, an unsupported or damaged encoding. Detection skips such images and says why. */
export class FrameAccessError extends Error {
  override name = 'FrameAccessError';
}

export function frameSource(ds: Dataset, transferSyntaxUID: string): FrameSource {
  const el = pixelElement(ds);
  if (!el) throw new FrameAccessError('the instance has no image pixels');
  let info: ImageInfo;
  let streams: Uint8Array[] | undefined;
  try {
    info = imageInfo(ds);
    if (el.fragments || encodingOf(transferSyntaxUID).encapsulated) streams = frameFragments(el, info.numberOfFrames, ds);
  } catch (e) {
    throw new FrameAccessError(e instanceof Error ? e.message : String(e));
  }
  const native = !streams;
  return {
    width: info.columns,
    height: info.rows,
    frameCount: info.numberOfFrames,
    samplesPerPixel: info.samplesPerPixel,
    photometric: info.photometric,
    async frame(index) {
      if (index < 0 || index >= info.numberOfFrames) throw new FrameAccessError(`frame ${index} out of range (0..${info.numberOfFrames - 1})`);
      try {
        const bytes = streams ? streams[index] : nativeFrame(ds, index, info);
        const f = await decodeFrame(transferSyntaxUID, bytes, info);
        let data: ArrayLike<number> = f.pixels;
        if (native && !f.floatPixels && f.samplesPerPixel === 1 && f.bitsStored < f.bitsAllocated && f.bitsAllocated > 8) {
          data = cutToBitsStored(f.pixels, f.bitsStored, f.pixelRepresentation === 1);
        }
        return { width: f.columns, height: f.rows, samplesPerPixel: f.samplesPerPixel, data, photometric: f.photometric };
      } catch (e) {
        if (e instanceof PixelDataError) throw new FrameAccessError(e.message);
        throw e;
      }
    },
  };
}

/** Samples masked to their low `bits`, sign-extended when signed. */
function cutToBitsStored(pixels: PixelArray, bits: number, signed: boolean): Int32Array {
  const out = new Int32Array(pixels.length);
  const range = 2 ** bits;
  const half = range / 2;
  for (let i = 0; i < pixels.length; i++) {
    let v = ((pixels[i] % range) + range) % range;
    if (signed && v >= half) v -= range;
    out[i] = v;
  }
  return out;
}
