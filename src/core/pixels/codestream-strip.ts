/**
 * Encapsulated frames carry no text: every frame that is about to be written is walked marker by
 * marker (JPEG, JPEG-LS), marker segment by marker segment (JPEG 2000, HTJ2K) or box by box (JP2,
 * JPEG XL), and whatever can hold free text — comments, application segments, metadata boxes —
 * is cut out without re-encoding: entropy-coded data is copied byte for byte, so the decoded
 * pixels do not change. When a frame changes, the fragments are rebuilt one per frame and the
 * Basic Offset Table, or the Extended Offset Table when the file has one, is rewritten to match.
 *
 * Fail closed: a frame whose structure cannot be followed, video (MPEG-2, H.264, HEVC: user data
 * and SEI messages are not parsed) and encapsulated transfer syntaxes not known here fail the
 * file with a reason. RLE, Deflated Image Frame Compression and encapsulated uncompressed frames
 * have no place for text outside their samples.
 */
import type { Dataset } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { getNumber } from '../dicom/values.ts';
import { CodestreamError, type StrippedFrame } from './codestream-parts.ts';
import { PixelDataError } from './codecs/types.ts';
import { encapsulate, frameFragments, pixelElement } from './frames.ts';
import { isJp2, stripJ2kCodestream, stripJp2 } from './j2k-segments.ts';
import { stripJpeg } from './jpeg-segments.ts';
import { stripJxl } from './jxl-boxes.ts';

const EXTENDED_OFFSET_TABLE = 0x7fe00001;
const EXTENDED_OFFSET_TABLE_LENGTHS = 0x7fe00002;
const JPEG_XL_JPEG_RECOMPRESSION = '1.2.840.10008.1.2.4.111';
const JPEG_XL = '1.2.840.10008.1.2.4.112';

type Family = 'jpeg' | 'j2k' | 'jxl' | 'no-markers' | 'video' | 'unknown';

export function codestreamFamily(ts: string): Family {
  if (/^1\.2\.840\.10008\.1\.2\.4\.(5[0-9]|6[0-5]|70|80|81)$/.test(ts)) return 'jpeg';
  if (/^1\.2\.840\.10008\.1\.2\.4\.(9[0-3]|20[1-3])$/.test(ts) || ts === '3.2.840.10008.1.2.4.96') return 'j2k';
  if (/^1\.2\.840\.10008\.1\.2\.4\.11[0-2]$/.test(ts)) return 'jxl';
  if (ts === '1.2.840.10008.1.2.5' || ts === '1.2.840.10008.1.2.8.1' || ts === '1.2.840.10008.1.2.1.98') return 'no-markers';
  if (/^1\.2\.840\.10008\.1\.2\.4\.10[0-9](\.1)?$/.test(ts)) return 'video';
  return 'unknown';
}

/** Strips one frame by what it starts with, within what its transfer syntax allows. */
function stripFrame(family: Family, frame: Uint8Array): StrippedFrame {
  if (family === 'jpeg') return stripJpeg(frame);
  if (family === 'j2k') return isJp2(frame) ? stripJp2(frame) : stripJ2kCodestream(frame);
  return stripJxl(frame);
}

function frameCountOf(ds: Dataset): number {
  const n = getNumber(ds, T.NumberOfFrames);
  return n !== undefined && Number.isFinite(n) && n >= 1 ? Math.trunc(n) : 1;
}

/** The frames of the image in `ds`, or why they cannot be told apart. */
function framesOf(ds: Dataset): Uint8Array[] {
  const el = pixelElement(ds)!;
  return frameFragments(el, frameCountOf(ds), ds);
}

export interface CodestreamStrip {
  /** Set when the frames cannot be checked: the file must not be written. */
  error?: string;
  warnings: string[];
  /** The transfer syntax to write (changes only when JPEG XL reconstruction data had to go). */
  transferSyntaxUID: string;
}

/** "frame 1", "frames 1, 3", "12 of 96 frames" (1-based). */
function framesText(list: readonly number[], total: number): string {
  if (total === 1) return 'the frame';
  if (list.length === total) return `all ${total} frames`;
  if (list.length > 6) return `${list.length} of ${total} frames`;
  return `frame${list.length === 1 ? '' : 's'} ${list.map((f) => f + 1).join(', ')}`;
}

/** A 64-bit little-endian table (OV), as the Extended Offset Table and its Lengths hold. */
function ov(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setBigUint64(i * 8, BigInt(x), true));
  return out;
}

/** Puts the frames back as fragments, one per frame, with offset tables that match. */
function reencapsulate(ds: Dataset, frames: Uint8Array[]): void {
  const el = pixelElement(ds)!;
  if (ds.has(EXTENDED_OFFSET_TABLE)) {
    // With an Extended Offset Table the Basic Offset Table must be empty (PS3.5 A.4).
    const offsets: number[] = [];
    let at = 0;
    for (const f of frames) {
      offsets.push(at);
      at += 8 + f.length + (f.length & 1);
    }
    el.fragments = [new Uint8Array(0), ...frames];
    ds.set({ tag: EXTENDED_OFFSET_TABLE, vr: 'OV', value: ov(offsets) });
    ds.set({ tag: EXTENDED_OFFSET_TABLE_LENGTHS, vr: 'OV', value: ov(frames.map((f) => f.length)) });
  } else {
    el.fragments = encapsulate(frames);
  }
}

/**
 * Cuts text-carrying segments and boxes out of every encapsulated frame of `ds` (in place: the
 * pixel element gets new fragments only when something had to go). `transferSyntaxUID` is the
 * one the file is about to be written in.
 */
export function stripCodestreamText(ds: Dataset, transferSyntaxUID: string): CodestreamStrip {
  const result: CodestreamStrip = { warnings: [], transferSyntaxUID };
  const el = pixelElement(ds);
  if (!el?.fragments) return result;
  const family = codestreamFamily(transferSyntaxUID);
  if (family === 'no-markers') return result;
  if (family === 'video') {
    result.error = `video pixel data (transfer syntax ${transferSyntaxUID}) can carry text in its stream (MPEG user data, H.264/HEVC SEI messages) that cannot be checked; not written`;
    return result;
  }
  if (family === 'unknown') {
    result.error = `encapsulated pixel data in transfer syntax ${transferSyntaxUID} cannot be checked for text hidden in its codestream; not written`;
    return result;
  }
  let frames: Uint8Array[];
  try {
    frames = framesOf(ds);
  } catch (e) {
    const why = e instanceof PixelDataError ? e.message : (e as Error).message;
    result.error = `the compressed frames cannot be checked for embedded text (${why}); not written`;
    return result;
  }
  const removedIn = new Map<string, number[]>();
  // Fragment bytes that belong to no frame (past an Extended Offset Table length, say) would be
  // written unread: rebuilding the fragments from the frames drops them. One pad byte per fragment is normal.
  const fragmentBytes = el.fragments.slice(1).reduce((n, f) => n + f.length, 0);
  const frameBytes = frames.reduce((n, f) => n + f.length, 0);
  let changed = fragmentBytes - frameBytes > el.fragments.length - 1;
  if (changed) removedIn.set('bytes outside every frame', []);
  let droppedReconstruction = false;
  const out: Uint8Array[] = [];
  for (let f = 0; f < frames.length; f++) {
    let s: StrippedFrame;
    try {
      s = stripFrame(family, frames[f]);
    } catch (e) {
      const why = e instanceof CodestreamError ? e.message : `unexpected error (${(e as Error).message})`;
      result.error = `frame ${f + 1} of ${frames.length}: ${why}, so it cannot be checked for embedded text; not written`;
      return result;
    }
    if (s.bytes !== frames[f]) changed = true;
    if (s.droppedJpegReconstruction) droppedReconstruction = true;
    for (const what of new Set(s.removed)) {
      const list = removedIn.get(what);
      if (list) list.push(f);
      else removedIn.set(what, [f]);
    }
    out.push(s.bytes);
  }
  if (!changed) return result;
  reencapsulate(ds, out);
  const what = [...removedIn].map(([kind, list]) => (list.length ? `${kind} (${framesText(list, frames.length)})` : kind)).join('; ');
  result.warnings.push(`compressed frames: removed segments and boxes that can carry text: ${what}; image data copied byte for byte, offset table rewritten`);
  if (droppedReconstruction && transferSyntaxUID === JPEG_XL_JPEG_RECOMPRESSION) {
    result.transferSyntaxUID = JPEG_XL;
    result.warnings.push('JPEG XL JPEG reconstruction data (which holds the original JPEG\'s comment and application segments) removed: written as JPEG XL (1.2.840.10008.1.2.4.112), pixels unchanged');
  }
  return result;
}

/**
 * The bytes of each output frame that lie outside entropy-coded data (marker segments,
 * container boxes), for the residual scan. Frames that cannot be split or parsed give nothing
 * here: stripCodestreamText has already refused such files.
 */
export function codestreamHeaderBytes(ds: Dataset, transferSyntaxUID?: string): { frame: number; bytes: Uint8Array[] }[] {
  const el = pixelElement(ds);
  if (!el?.fragments) return [];
  let frames: Uint8Array[];
  try {
    frames = framesOf(ds);
  } catch {
    return [];
  }
  const out: { frame: number; bytes: Uint8Array[] }[] = [];
  frames.forEach((frame, i) => {
    const family: Family = transferSyntaxUID ? codestreamFamily(transferSyntaxUID) : sniff(frame);
    if (family !== 'jpeg' && family !== 'j2k' && family !== 'jxl') return;
    try {
      out.push({ frame: i, bytes: stripFrame(family, frame).headers });
    } catch {
      // Unparseable: refused by stripCodestreamText before anything is written.
    }
  });
  return out;
}

/** The codestream family a frame's first bytes announce. */
function sniff(f: Uint8Array): Family {
  if (f[0] === 0xff && f[1] === 0xd8) return 'jpeg';
  if ((f[0] === 0xff && f[1] === 0x4f) || isJp2(f)) return 'j2k';
  if ((f[0] === 0xff && f[1] === 0x0a) || (f[4] === 0x4a && f[5] === 0x58 && f[6] === 0x4c && f[7] === 0x20)) return 'jxl';
  return 'unknown';
}
