/**
 * Redaction of one image's pixels: paints the plan's boxes (and built-in template boxes) on
 * every frame in scope with the image's darkest value, clears overlay bits hidden in unused high
 * bits of Pixel Data, and says what it did. Runs on the dataset BEFORE the header profile, so
 * scopes match original UIDs and the overlay attributes are still all there.
 *
 * Native pixel data is painted in a copy (the input is never modified). Encapsulated
 * (compressed) pixel data needs the codec layer: frames are decoded, painted and written back
 * losslessly — re-encoded with the same codec where one can encode, otherwise as explicit VR
 * little endian — and lossy sources are written uncompressed, never through a second lossy step.
 * An image with no box keeps its original pixel bytes exactly (except hidden overlay bits, which
 * are always cleared).
 *
 * Other pixels an instance may carry: Overlay Data (60xx,3000) — see overlays.ts; the Icon Image
 * Sequence (0088,0200), a thumbnail that can show the same burned-in text, is removed by the
 * basic profile (Table E.1-1: X, as PS3.15 Note 11 allows); Curve Data (50xx) likewise.
 */
import type { Dataset, DataElement } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { TS, outputTransferSyntax } from '../dicom/transfer-syntax.ts';
import { getNumber, getString, setString, setUint16 } from '../dicom/values.ts';
import { decodeFrame, encodeFrame, nativeBytes, transferSyntaxSupport, whyNoEncoder, type DecodedFrame, type EncodedFrame } from './codecs/index.ts';
import { bytesOf } from './codecs/layout.ts';
import { PixelDataError } from './codecs/types.ts';
import { encapsulate, frameFragments, framesCappedNote, framesHeldBy, imageInfo, joinNativeFrames } from './frames.ts';
import { pixelElement, readImagePixel } from './image-pixel.ts';
import { canonicalizeUnusedBits, clearOverlayPlanesInBoxes, highBitOverlays } from './overlays.ts';
import {
  clearWordBits, darkestFill, frameBits, paintRect,
  type Fill, type FillContext, type PixelLayout, type Rect,
} from './paint.ts';
import { hasInversePresentationLut, readPalette } from './display.ts';
import { clipBox, framesInScope, type CompiledPlan, type ImageIdentity, type RedactionBox } from './plan.ts';
import { applyPatches, patchProblem, patchesByFrame } from './patch.ts';
import type { FramePatch } from '../deface/types.ts';

export { pixelElement } from './image-pixel.ts';

/** The original image's identifiers and geometry, to match plan scopes and templates against. */
export function imageIdentity(ds: Dataset): ImageIdentity {
  return {
    sopInstanceUID: getString(ds, T.SOPInstanceUID)?.trim() ?? '',
    seriesInstanceUID: getString(ds, T.SeriesInstanceUID)?.trim() ?? '',
    manufacturer: getString(ds, T.Manufacturer)?.trim(),
    model: getString(ds, T.ManufacturerModelName)?.trim(),
    rows: readImagePixel(ds).rows ?? 0,
    columns: readImagePixel(ds).columns ?? 0,
  };
}

/** Pixel layout from the Image Pixel module; undefined when the dataset has no pixels. */
export function pixelLayout(ds: Dataset): PixelLayout | undefined {
  const a = readImagePixel(ds);
  const el = a.pixels;
  if (!el) return undefined;
  const { rows, columns } = a;
  if (!rows || !columns) return undefined;
  const float = a.float;
  const bitsAllocated = float ? (el.tag === T.FloatPixelData ? 32 : 64) : a.bitsAllocated ?? 0;
  const bitsStored = float ? bitsAllocated : a.bitsStored ?? bitsAllocated;
  return {
    rows,
    columns,
    samplesPerPixel: a.samplesPerPixel ?? 1,
    bitsAllocated,
    bitsStored,
    highBit: float ? bitsAllocated - 1 : a.highBit ?? bitsStored - 1,
    pixelRepresentation: a.pixelRepresentation ?? 0,
    planarConfiguration: a.planarConfiguration ?? 0,
    photometric: a.photometric ?? 'MONOCHROME2',
    float,
  };
}

export function frameCount(ds: Dataset): number {
  const n = getNumber(ds, T.NumberOfFrames);
  return n !== undefined && Number.isFinite(n) && n >= 1 ? Math.trunc(n) : 1;
}

function fillContext(ds: Dataset, l: PixelLayout): FillContext {
  const ctx: FillContext = {};
  const padEl = ds.get(T.PixelPaddingValue);
  if (padEl && padEl.value.length >= 2 && !l.float) {
    const v = new DataView(padEl.value.buffer, padEl.value.byteOffset, padEl.value.byteLength);
    // US or SS by Pixel Representation; implicit VR files read it as US, so decide by the image.
    ctx.paddingValue = l.pixelRepresentation === 1 ? v.getInt16(0, true) : v.getUint16(0, true);
  }
  if (hasInversePresentationLut(ds)) ctx.inverse = true;
  if (l.photometric === 'PALETTE COLOR') ctx.palette = readPalette(ds, l.pixelRepresentation === 1);
  return ctx;
}

/** A box as painted on one image. */
export interface PaintedBox {
  id: string;
  source: RedactionBox['source'];
  /** What found the text (RedactionBox.kinds), for the report's counts. */
  kinds?: string[];
  /** The rectangle painted (clipped to the image; widened to pixel pairs for YBR_FULL_422). */
  rect: Rect;
  /** How many frames it was painted on. */
  frames: number;
}

/** What the pixel step did to one image, for the report and the app. */
export interface PixelRedaction {
  painted: PaintedBox[];
  /** Distinct frames that had at least one box painted. */
  framesPainted: number;
  /** How the fill value was chosen (first painted frame). */
  fill?: string;
  /**
   * unchanged: original pixel bytes; native: uncompressed data painted in place;
   * re-encoded: decoded, painted, encoded again with the same lossless codec;
   * decompressed: decoded, painted, written as explicit VR little endian.
   */
  encoding: 'unchanged' | 'native' | 're-encoded' | 'decompressed';
  transferSyntaxUID: string;
  /** Overlay groups whose bits in Pixel Data were cleared, e.g. ["6000", "6002"]. */
  overlayBitsCleared: string[];
  /** Overlay Data planes (kept by an override) cleared under the boxes. */
  overlayPlanesCleared: string[];
  /** Defacing written into this image: frames changed and pixels written (absent when no patch applied). */
  defaced?: { frames: number; pixels: number };
}

export interface RedactResult {
  /** Set when the image could not be redacted as asked: the file must not be written. */
  error?: string;
  redaction: PixelRedaction;
  warnings: string[];
}

export interface RedactOptions {
  /** Boxes that apply to this image (already matched and accepted). */
  boxes: readonly RedactionBox[];
  /** Per-pixel changes to write (defacing, see deface/types.ts): new stored values at pixel indices. */
  patches?: readonly FramePatch[];
}

interface Prepared {
  el: DataElement;
  layout: PixelLayout;
  frames: number;
  overlays: ReturnType<typeof highBitOverlays>;
  /** Native Pixel Data has bits set outside Bits Stored (see canonicalizeUnusedBits). */
  unusedBits: boolean;
  /** Rectangles to paint, by 0-based frame. */
  plan: Map<number, { box: RedactionBox; rect: Rect }[]>;
  /** Pixel changes to write, by 0-based frame (after the boxes). */
  patches: Map<number, FramePatch[]>;
  redaction: PixelRedaction;
  warnings: string[];
}

/** Works out what to do to an image; undefined `prepared` means there is nothing to do. */
function prepare(ds: Dataset, transferSyntaxUID: string, options: RedactOptions): { prepared?: Prepared; done: RedactResult } {
  const warnings: string[] = [];
  const redaction: PixelRedaction = {
    painted: [], framesPainted: 0, encoding: 'unchanged', transferSyntaxUID: outputTransferSyntax(transferSyntaxUID),
    overlayBitsCleared: [], overlayPlanesCleared: [],
  };
  const done: RedactResult = { redaction, warnings };
  const el = pixelElement(ds);
  const layout = pixelLayout(ds);
  const patchList = (options.patches ?? []).filter((p) => p.indices.length > 0);
  if (patchList.length && (!el || !layout)) {
    // A defaced series whose image cannot be located: its face would leave as it came.
    return { done: { ...done, error: defaceError('the image has no pixels that can be located (Pixel Data, Rows or Columns missing)') } };
  }
  if (!el || !layout) {
    if (el && options.boxes.length > 0) {
      // Pixels are there but cannot be located: writing them would let the boxed text out.
      return { done: { ...done, error: `${options.boxes.length} redaction box(es) apply but Rows or Columns is missing or zero, so the pixels cannot be located; not written, so no burned-in text leaves unredacted` } };
    }
    if (options.boxes.length > 0) warnings.push(`redaction: ${options.boxes.length} box(es) apply but the instance has no image pixels; nothing painted`);
    return { done };
  }
  // Boxes on "all" frames are planned frame by frame: the declared count must not exceed what
  // the pixel data holds, or a forged Number of Frames sizes the plan (and the heap) at will.
  const declared = frameCount(ds);
  const frames = Math.min(declared, framesHeldBy(el, frameBits(layout)));
  if (frames < declared) warnings.push(framesCappedNote(declared, frames));
  const overlays = highBitOverlays(ds, layout);
  if (overlays.inside.length) {
    warnings.push(`overlay group(s) ${overlays.inside.join(', ')} declare bits inside Bits Stored; left as image data`);
  }
  const problem = patchList.length ? patchProblem(patchList, layout, frames) : undefined;
  if (problem) return { done: { ...done, error: defaceError(problem) } };
  const patches = patchesByFrame(patchList);
  const plan = new Map<number, { box: RedactionBox; rect: Rect }[]>();
  for (const box of options.boxes) {
    const rect = clipBox(box, layout.rows, layout.columns);
    if (!rect) {
      warnings.push(`redaction: box ${box.id} lies outside the ${layout.columns}×${layout.rows} image; nothing painted`);
      continue;
    }
    const { frames: inScope, missing } = framesInScope(box, frames);
    if (missing.length) warnings.push(`redaction: box ${box.id} names frame(s) ${missing.join(', ')} but the image has ${frames}; those were skipped`);
    for (const f of inScope) {
      const list = plan.get(f);
      if (list) list.push({ box, rect });
      else plan.set(f, [{ box, rect }]);
    }
  }
  // Bits outside Bits Stored are checked in every native image, declared as an overlay or not.
  const unusedBits = !el.fragments && canonicalizeUnusedBits(el.value, layout, true) > 0;
  if (plan.size === 0 && patches.size === 0 && overlays.positions.length === 0 && !unusedBits) return { done };
  return { prepared: { el, layout, frames, overlays, unusedBits, plan, patches, redaction, warnings }, done };
}

/** The file is not written when its defacing cannot be: the face would leave unchanged. */
function defaceError(why: string): string {
  return `defacing could not be written into this image: ${why}; not written, so the face does not leave`;
}

/** Whether the image must change for a reason other than hidden overlay bits (boxes or defacing). */
const mustChange = (p: Prepared): boolean => p.plan.size > 0 || p.patches.size > 0;

/** The frames the boxes or the defacing change, in order. */
const changedFrames = (p: Prepared): number[] => [...new Set([...p.plan.keys(), ...p.patches.keys()])].sort((a, b) => a - b);

/** Why the pixel step could not do what it must: boxes, defacing, or both. */
function changeError(p: Prepared, why: string): string {
  if (p.plan.size === 0) return defaceError(why);
  const boxes = `redaction boxes could not be painted: ${why}; not written, so no burned-in text leaves unredacted`;
  return p.patches.size ? `${boxes} (nor its defacing written)` : boxes;
}

/** Paints one frame's rectangles into `buf` (a frame or all of native Pixel Data) and records them. */
function paintFrame(
  p: Prepared, buf: Uint8Array, startBit: number, layout: PixelLayout, ctx: FillContext, frame: number,
  painted: Map<string, PaintedBox>, paintedRects: Map<number, Rect[]>,
): void {
  const patches = p.patches.get(frame);
  if (patches) {
    // Defacing first: the boxes' darkest fill is then chosen from the frame as it leaves.
    const d = (p.redaction.defaced ??= { frames: 0, pixels: 0 });
    d.frames++;
    d.pixels += applyPatches(buf, startBit, layout, patches);
  }
  const list = p.plan.get(frame);
  if (!list) return;
  const fill: Fill = darkestFill(buf, startBit, layout, ctx);
  p.redaction.fill ??= fill.how;
  const rects: Rect[] = [];
  for (const { box, rect } of list) {
    const done = paintRect(buf, startBit, layout, rect, fill);
    rects.push(done);
    const known = painted.get(box.id);
    if (known) known.frames++;
    else painted.set(box.id, { id: box.id, source: box.source, ...(box.kinds?.length ? { kinds: [...box.kinds] } : {}), rect: done, frames: 1 });
  }
  paintedRects.set(frame, rects);
}

function overlayBitsNote(p: Prepared): string {
  return `overlay plane(s) ${p.overlays.groups.join(', ')} stored in unused high bit(s) ${p.overlays.positions.join(', ')} of Pixel Data cleared (they can hold burned-in text); the pixel bytes differ from the input there`;
}

/** After painting: summary, overlay planes under the boxes, report lines. */
function finish(ds: Dataset, p: Prepared, painted: Map<string, PaintedBox>, paintedRects: Map<number, Rect[]>): void {
  const r = p.redaction;
  r.painted = [...painted.values()];
  r.framesPainted = paintedRects.size;
  if (r.painted.length) {
    r.overlayPlanesCleared = clearOverlayPlanesInBoxes(ds, p.frames, paintedRects);
    p.warnings.push(describePainted(r));
    if (p.layout.photometric === 'YBR_FULL_422' && !p.el.fragments) p.warnings.push('redaction: boxes widened to whole pixel pairs (YBR_FULL_422 shares colour between two pixels)');
    if (r.overlayPlanesCleared.length) p.warnings.push(`overlay plane(s) ${r.overlayPlanesCleared.join(', ')} (kept by the profile) cleared under the boxes`);
  }
  if (r.defaced) p.warnings.push(`defacing: ${r.defaced.pixels} pixel(s) changed on ${r.defaced.frames} frame(s)`);
}

function redactNative(ds: Dataset, p: Prepared): RedactResult {
  try {
    return paintNative(ds, p);
  } catch (e) {
    // Attributes no painter can honour (Bits Allocated 7…): boxes that cannot be painted block the file.
    if (!(e instanceof PixelDataError)) throw e;
    if (!mustChange(p)) {
      p.warnings.push(`overlay bits in unused high bits of Pixel Data (group ${p.overlays.groups.join(', ')}) could not be cleared: ${e.message}`);
      return { redaction: p.redaction, warnings: p.warnings };
    }
    return { error: changeError(p, e.message), redaction: p.redaction, warnings: p.warnings };
  }
}

function paintNative(ds: Dataset, p: Prepared): RedactResult {
  const { el, layout, redaction, warnings } = p;
  const bitsPerFrame = frameBits(layout);
  const available = Math.floor((el.value.length * 8) / bitsPerFrame);
  const buf = el.value.slice(); // the input is never modified
  if (p.overlays.positions.length) {
    clearWordBits(buf, Math.floor(el.value.length / (layout.bitsAllocated / 8)), layout.bitsAllocated, p.overlays.positions);
    redaction.overlayBitsCleared = p.overlays.groups;
    warnings.push(overlayBitsNote(p));
  }
  const stray = p.unusedBits ? canonicalizeUnusedBits(buf, layout) : 0;
  if (stray) {
    const how = layout.pixelRepresentation === 1 ? 'made uniform (zero, or the sign where most negative pixels carry it, so values stay as viewers read them)' : 'cleared';
    warnings.push(`Pixel Data had bits set outside Bits Stored (High Bit ${layout.highBit}, ${layout.bitsStored} bits stored) in ${stray} sample(s) that no overlay declares; ${how}, as such bits can hold hidden overlays or text`);
  }
  const ctx = fillContext(ds, layout);
  const painted = new Map<string, PaintedBox>();
  const paintedRects = new Map<number, Rect[]>();
  for (const f of changedFrames(p)) {
    if (f >= available) {
      // Frames are capped by what the data holds, so this frame is there in part: its bytes
      // would be written, but where its rows lie cannot be trusted enough to paint them.
      throw new PixelDataError(`frame ${f + 1} is only partly in the Pixel Data (${el.value.length} bytes hold ${available} complete frame(s) of ${layout.rows}×${layout.columns}): the pixel data is truncated or the image attributes are wrong`);
    }
    paintFrame(p, buf, f * bitsPerFrame, layout, ctx, f, painted, paintedRects);
  }
  el.value = buf;
  finish(ds, p, painted, paintedRects);
  if (redaction.painted.length || redaction.defaced || redaction.overlayBitsCleared.length || stray) redaction.encoding = 'native';
  return { redaction, warnings };
}


/** The layout of a frame as a codec decoded it (values in the low Bits Stored bits; 1-bit as bytes). */
function decodedLayout(f: DecodedFrame, source: PixelLayout): PixelLayout {
  const oneBit = f.bitsAllocated === 1;
  return {
    rows: f.rows,
    columns: f.columns,
    samplesPerPixel: f.samplesPerPixel,
    bitsAllocated: oneBit ? 8 : f.bitsAllocated,
    bitsStored: oneBit ? 1 : f.bitsStored,
    highBit: oneBit ? 0 : f.bitsStored - 1,
    pixelRepresentation: f.pixelRepresentation,
    planarConfiguration: f.planarConfiguration,
    photometric: f.photometric,
    float: f.floatPixels || source.float,
  };
}

/**
 * Redacts the image in `ds` (in place: the pixel element gets a new value; the input bytes are
 * not touched). `transferSyntaxUID` is the input's; the result says which to write. Native pixel
 * data is painted in a copy; compressed frames are decoded, painted and written
 * back — re-encoded losslessly with the same codec where it can encode (frames without a box
 * keep their original codestreams when the colour model stays the same), otherwise as Explicit
 * VR Little Endian; lossy sources are always written uncompressed, never through a second lossy
 * step.
 */
export async function redactPixelsAsync(ds: Dataset, transferSyntaxUID: string, options: RedactOptions): Promise<RedactResult> {
  const { prepared: p, done } = prepare(ds, transferSyntaxUID, options);
  if (!p) return done;
  if (!p.el.fragments) return redactNative(ds, p);
  try {
    return await redactEncapsulated(ds, transferSyntaxUID, p);
  } catch (e) {
    const why = e instanceof PixelDataError ? e.message : `unexpected decoder error: ${(e as Error).message}`;
    if (!mustChange(p)) {
      p.warnings.push(`overlay bits in unused high bits of Pixel Data (group ${p.overlays.groups.join(', ')}) could not be cleared: ${why}`);
      return { redaction: p.redaction, warnings: p.warnings };
    }
    return { error: changeError(p, why), redaction: p.redaction, warnings: p.warnings };
  }
}

async function redactEncapsulated(ds: Dataset, ts: string, p: Prepared): Promise<RedactResult> {
  const { redaction, warnings } = p;
  const support = transferSyntaxSupport(ts);
  if (!support.decode) throw new PixelDataError(`${support.name}: ${support.note}`);
  const info = imageInfo(ds);
  const streams = frameFragments(p.el, info.numberOfFrames, ds);
  const ctx = fillContext(ds, p.layout);
  const painted = new Map<string, PaintedBox>();
  const paintedRects = new Map<number, Rect[]>();
  const decoded = new Map<number, DecodedFrame>();
  const decode = async (f: number): Promise<DecodedFrame> => {
    let frame = decoded.get(f);
    if (!frame) {
      frame = await decodeFrame(ts, streams[f], info, { planar: false });
      decoded.set(f, frame);
    }
    return frame;
  };
  /** Decodes, clears hidden overlay bits and paints one frame. */
  const work = async (f: number): Promise<DecodedFrame> => {
    const had = decoded.has(f);
    const frame = await decode(f);
    if (had) return frame;
    const layout = decodedLayout(frame, p.layout);
    const bytes = bytesOf(frame.pixels);
    if (p.overlays.positions.length && layout.bitsAllocated >= 8 && !layout.float) {
      clearWordBits(bytes, frame.pixels.length, layout.bitsAllocated, p.overlays.positions);
    }
    paintFrame(p, bytes, 0, layout, ctx, f, painted, paintedRects);
    return frame;
  };
  const touched = p.overlays.positions.length ? streams.map((_, i) => i) : changedFrames(p).filter((f) => f < streams.length);
  for (const f of p.plan.keys()) if (f >= streams.length) warnings.push(`redaction: frame ${f} is missing from the Pixel Data (${streams.length} frame(s)); not painted`);
  // Defacing that cannot be written whole is not written at all.
  const lostPatch = [...p.patches.keys()].find((f) => f >= streams.length);
  if (lostPatch !== undefined) throw new PixelDataError(`frame ${lostPatch + 1} is missing from the Pixel Data (${streams.length} frame(s))`);
  for (const f of touched) await work(f);
  if (p.overlays.positions.length) {
    redaction.overlayBitsCleared = p.overlays.groups;
    warnings.push(overlayBitsNote(p));
  }

  const lossy = support.lossy || [...decoded.values()].some((d) => d.lossy);
  const sample = decoded.get(touched[0]);
  let encoded: Uint8Array[] | undefined;
  let encodedPhotometric = p.layout.photometric;
  let encodedPlanar = p.layout.planarConfiguration;
  let why = lossy ? 'no second lossy step' : support.encode ? '' : support.note;
  if (!lossy && support.encode && sample) {
    why = whyNoEncoder(ts, sample) ?? '';
    if (!why) {
      try {
        const out = new Map<number, EncodedFrame>();
        for (const f of touched) out.set(f, (await encodeFrame(ts, decoded.get(f)!))!);
        const first = out.get(touched[0])!;
        const sameModel = first.photometric === p.layout.photometric && (p.layout.samplesPerPixel === 1 || first.planarConfiguration === p.layout.planarConfiguration);
        if (!sameModel) {
          // The encoder writes another colour model: every frame must then be re-encoded to match.
          for (let f = 0; f < streams.length; f++) if (!out.has(f)) out.set(f, (await encodeFrame(ts, await work(f)))!);
        }
        // encodeFrame decodes every new codestream again and refuses one that does not give the
        // same samples, so a defaced frame never comes back with its face: it falls back below.
        encoded = streams.map((s, f) => out.get(f)?.data ?? s);
        encodedPhotometric = first.photometric;
        encodedPlanar = first.planarConfiguration;
      } catch (e) {
        why = `re-encoding failed (${(e as Error).message})`;
      }
    }
  }

  if (encoded) {
    p.el.fragments = encapsulate(encoded);
    setString(ds, T.PhotometricInterpretation, encodedPhotometric, 'CS');
    if (p.layout.samplesPerPixel > 1) setUint16(ds, T.PlanarConfiguration, encodedPlanar);
    ds.delete(T.ExtendedOffsetTable);
    ds.delete(T.ExtendedOffsetTableLengths);
    redaction.encoding = 're-encoded';
    redaction.transferSyntaxUID = ts;
    const n = decoded.size;
    const which = n === streams.length ? `all ${n} frame(s) re-encoded` : `${n} of ${streams.length} frame(s) re-encoded, the others keep their original codestreams`;
    warnings.push(`${support.name} source re-encoded losslessly with the same codec after redaction (${which})`);
  } else {
    // Uncompressed: every frame decoded (frames without a box are decoded as they are).
    for (let f = 0; f < streams.length; f++) await work(f);
    const frames = streams.map((_, f) => decoded.get(f)!);
    const first = frames[0];
    const natives = frames.map((f) => nativeBytes(f));
    const value = joinNativeFrames(natives, info);
    p.el.fragments = undefined;
    p.el.value = value;
    p.el.vr = info.bitsAllocated > 8 ? 'OW' : 'OB';
    setString(ds, T.PhotometricInterpretation, first.photometric, 'CS');
    if (first.samplesPerPixel > 1) setUint16(ds, T.PlanarConfiguration, first.planarConfiguration);
    ds.delete(T.ExtendedOffsetTable);
    ds.delete(T.ExtendedOffsetTableLengths);
    if (lossy && !ds.has(T.LossyImageCompression)) setString(ds, T.LossyImageCompression, '01', 'CS');
    redaction.encoding = 'decompressed';
    redaction.transferSyntaxUID = TS.ExplicitVRLittleEndian;
    const colour = first.photometric !== p.layout.photometric ? `; Photometric Interpretation ${p.layout.photometric} → ${first.photometric} as decoded` : '';
    warnings.push(`${support.name} source written as Explicit VR Little Endian after redaction: ${why || 'no encoder'}${colour}`);
  }
  finish(ds, p, painted, paintedRects);
  return { redaction, warnings };
}

/** One line for the report: which boxes, on how many frames, painted how. */
export function describePainted(r: PixelRedaction): string {
  const boxes = r.painted.map((p) => `${p.id} (${p.source}) on ${p.frames} frame${p.frames === 1 ? '' : 's'}`).join(', ');
  return `redaction: painted ${r.painted.length} box(es) on ${r.framesPainted} frame(s): ${boxes}; fill: ${r.fill ?? 'n/a'}`;
}

export interface ImageRedactionOptions {
  /** The redaction plan (compiled once per session: compilePlan). */
  plan?: CompiledPlan;
  /** Defacing to write into this image (its series was defaced: deface/types.ts). */
  patches?: readonly FramePatch[];
  /**
   * Also paint these boxes, as accepted: the regions of the built-in device templates the image
   * matches (detect/templates.ts), asked for only when the image has pixels. Passed in by the
   * caller, so the pixel layer does not import detection, which sits above it.
   */
  templateBoxes?: (ds: Dataset) => readonly RedactionBox[];
}

export interface ImageRedactionResult extends RedactResult {
  /** Pixels were painted or reviewed: Burned In Annotation NO and Clean Pixel Data (113101) apply. */
  cleanPixels: boolean;
}

/**
 * The pixel step of de-identification for one ORIGINAL dataset (before the header profile):
 * finds the plan's boxes for this image (and template boxes, when asked), paints them, clears
 * hidden overlay bits. Changes only the pixel element (and kept overlay planes) of `ds`.
 */
export async function redactImageAsync(ds: Dataset, transferSyntaxUID: string, options: ImageRedactionOptions = {}): Promise<ImageRedactionResult> {
  const { boxes, reviewed } = boxesForImage(ds, options);
  return withCleanFlag(ds, await redactPixelsAsync(ds, transferSyntaxUID, { boxes, patches: options.patches }), reviewed);
}

function boxesForImage(ds: Dataset, options: ImageRedactionOptions): { boxes: RedactionBox[]; reviewed: boolean } {
  const identity = imageIdentity(ds);
  const boxes: RedactionBox[] = options.plan ? options.plan.boxesFor(identity) : [];
  if (options.templateBoxes && pixelElement(ds)) {
    for (const b of options.templateBoxes(ds)) boxes.push({ ...b, status: 'accepted' });
  }
  return { boxes, reviewed: options.plan?.isReviewed(identity.sopInstanceUID) ?? false };
}

function withCleanFlag(ds: Dataset, result: RedactResult, reviewed: boolean): ImageRedactionResult {
  const hasPixels = pixelElement(ds) !== undefined;
  if (reviewed && result.redaction.painted.length === 0 && hasPixels && !result.error) result.warnings.push('redaction: pixels reviewed, no box needed');
  return { ...result, cleanPixels: !result.error && (result.redaction.painted.length > 0 || (reviewed && hasPixels)) };
}
