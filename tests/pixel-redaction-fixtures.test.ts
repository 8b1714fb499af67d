/**
 * Every image of the public corpus (transfer-syntax, color, multiframe, burned-in, misc) through
 * the engine with a known redaction box, then decoded again by independent tools (dicom-parser,
 * and GDCM's gdcmconv for anything not native little endian): the box is filled with the darkest
 * value on every frame in scope, and every other pixel is exactly as in the input.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSession, deidentifyFileAsync } from '../src/core/deidentify.ts';
import { decodeFrame, nativeBytes, transferSyntaxSupport } from '../src/core/pixels/codecs/index.ts';
import { frameFragments, imageInfo, joinNativeFrames, pixelElement as frameElement } from '../src/core/pixels/frames.ts';
import { stripCodestreamText } from '../src/core/pixels/codestream-strip.ts';
import { joinParts } from '../src/core/dicom/writer.ts';
import { readPart10 } from '../src/core/dicom/reader.ts';
import { T } from '../src/core/dicom/tags.ts';
import { getNumber, getString } from '../src/core/dicom/values.ts';
import type { RedactionBox, RedactionPlan } from '../src/core/pixels/plan.ts';
import type { WrittenOutcome } from '../src/core/outcome.ts';
import { fixturesDir, readManifest, repoRoot } from './helpers/fixtures.ts';
import {
  frameComplete, hasGdcm, referenceDecode, referenceFromBytes, sampleValue, sampleWord, type ReferenceImage,
} from './helpers/reference-pixels.ts';
import { independentDecode } from './helpers/independent-decoder.ts';

const FOLDERS = ['transfer-syntax/', 'color/', 'multiframe/', 'burned-in/', 'misc/'];
const NATIVE = new Set([
  '1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99', '',
]);
/** The codec layer (another engineer's work) decides whether compressed images can be painted yet. */
const CODECS_READY = existsSync(resolve(repoRoot, 'src/core/pixels/codecs/index.ts'));

const images = readManifest().filter((r) => FOLDERS.some((f) => r.path.startsWith(f)));

interface Subject {
  path: string;
  bytes: Uint8Array;
  sopInstanceUID?: string;
  rows: number;
  columns: number;
  frames: number;
}

function subject(path: string): Subject {
  const bytes = new Uint8Array(readFileSync(join(fixturesDir, path)));
  // Only to aim the box: which instance, how large. The checks below use independent readers.
  const ds = readPart10(bytes).dataset;
  const frames = getNumber(ds, T.NumberOfFrames) ?? 1;
  return {
    path,
    bytes,
    sopInstanceUID: getString(ds, T.SOPInstanceUID)?.trim() || undefined,
    rows: getNumber(ds, T.Rows) ?? 0,
    columns: getNumber(ds, T.Columns) ?? 0,
    frames: Number.isFinite(frames) && frames >= 1 ? Math.trunc(frames) : 1,
  };
}

/** A box in the upper middle of the image; on multi-frame images, the first and last frame only. */
export function knownBox(s: Subject): RedactionBox {
  return {
    id: 'known',
    x: Math.floor(s.columns * 0.25) + 1,
    y: Math.floor(s.rows * 0.2),
    width: Math.max(1, Math.floor(s.columns * 0.3)),
    height: Math.max(1, Math.floor(s.rows * 0.25)),
    frames: s.frames >= 3 ? [0, s.frames - 1] : 'all',
    scope: s.sopInstanceUID ? { kind: 'instance', sopInstanceUID: s.sopInstanceUID } : { kind: 'device', rows: s.rows, columns: s.columns },
    source: 'user',
    status: 'accepted',
  };
}

/** Luminance of a palette index (±1 for rounding in linear segments). */
function luminance(img: ReferenceImage, index: number): number {
  const p = img.palette!;
  const i = Math.min(Math.max(index - p.first, 0), p.red.length - 1);
  return 0.299 * p.red[i] + 0.587 * p.green[i] + 0.114 * p.blue[i];
}
const darkest = new WeakMap<ReferenceImage, number>();
function darkestLuminance(img: ReferenceImage): number {
  const known = darkest.get(img);
  if (known !== undefined) return known;
  let lum = Infinity;
  for (let i = 0; i < img.palette!.red.length; i++) lum = Math.min(lum, luminance(img, img.palette!.first + i));
  darkest.set(img, lum);
  return lum;
}

/**
 * The values (one per sample) a painted pixel must hold: black for colour, the darkest palette
 * colour, else Pixel Padding Value where set, else the darkest value of the OUTPUT frame (which,
 * outside the box, is the input frame: painting with the frame's minimum keeps the minimum).
 */
function expectedFill(output: ReferenceImage, frame: number): number[] {
  const mid = 2 ** (output.bitsStored - 1);
  switch (output.photometric) {
    case 'RGB': return [0, 0, 0];
    case 'YBR_FULL': case 'YBR_FULL_422': return [0, mid, mid];
    case 'PALETTE COLOR': return [NaN]; // checked by luminance
  }
  const whiteIsLow = (output.photometric === 'MONOCHROME1') !== output.presentationInverse;
  if (output.paddingValue !== undefined && !output.float) {
    const lo = output.pixelRepresentation ? -(2 ** (output.bitsStored - 1)) : 0;
    const hi = output.pixelRepresentation ? 2 ** (output.bitsStored - 1) - 1 : 2 ** output.bitsStored - 1;
    if (output.paddingValue >= lo && output.paddingValue <= hi) return [output.paddingValue];
  }
  let best = whiteIsLow ? -Infinity : Infinity;
  for (let r = 0; r < output.rows; r++) {
    for (let c = 0; c < output.columns; c++) {
      const v = sampleValue(output, frame, r, c, 0);
      if (whiteIsLow ? v > best : v < best) best = v;
    }
  }
  return [best];
}

interface Check {
  boxPixels: number;
  outsideCompared: number;
  mismatchesOutside: number;
  wrongInBox: number;
  /** Largest difference outside the box (lossy sources). */
  maxDifference: number;
  meanDifference: number;
  firstProblem?: string;
}

const clamp8 = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
/** JPEG (JFIF) YCbCr → RGB, for comparing a YBR reference decode with an RGB output. */
function ybrToRgb(y: number, cb: number, cr: number): number[] {
  return [clamp8(y + 1.402 * (cr - 128)), clamp8(y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128)), clamp8(y + 1.772 * (cb - 128))];
}

interface CompareOptions {
  /** Bits cleared in the output on purpose (overlays hidden in high bits). */
  maskBits?: number[];
  /** The source was lossy (written uncompressed from a decode): compare values with a tolerance. */
  lossy?: boolean;
  /** The source was decoded (compressed): compare values, not stored words. */
  decoded?: boolean;
}

/**
 * Compares output with input: inside the box on frames in scope every sample has the fill value;
 * everywhere else the output is the input (stored words for native sources, values for decoded
 * lossless ones, values within a tolerance for lossy ones).
 */
function compare(input: ReferenceImage, output: ReferenceImage, box: RedactionBox, options: CompareOptions = {}): Check {
  const check: Check = { boxPixels: 0, outsideCompared: 0, mismatchesOutside: 0, wrongInBox: 0, maxDifference: 0, meanDifference: 0 };
  let x0 = box.x;
  let x1 = Math.min(input.columns, box.x + box.width);
  if (input.photometric === 'YBR_FULL_422') {
    x0 -= x0 % 2;
    x1 = Math.min(input.columns, x1 + (x1 % 2));
  }
  const y0 = box.y;
  const y1 = Math.min(input.rows, box.y + box.height);
  const inScope = (f: number) => box.frames === 'all' || box.frames.includes(f);
  let mask = 0xffffffff;
  for (const b of options.maskBits ?? []) mask &= ~(1 << b);
  const samples = output.photometric === 'PALETTE COLOR' ? 1 : output.samplesPerPixel;
  const convert = input.samplesPerPixel === 3 && input.photometric.startsWith('YBR') && output.photometric === 'RGB';
  const tolerance = options.lossy ? 8 * 2 ** Math.max(0, output.bitsStored - 8) : 0;
  let sum = 0;
  for (let f = 0; f < input.frames; f++) {
    if (!frameComplete(input, f) || !frameComplete(output, f)) continue;
    const fill = inScope(f) ? expectedFill(output, f) : [];
    for (let r = 0; r < input.rows; r++) {
      for (let c = 0; c < input.columns; c++) {
        const inBox = inScope(f) && r >= y0 && r < y1 && c >= x0 && c < x1;
        if (inBox) check.boxPixels++;
        const reference = convert
          ? ybrToRgb(sampleValue(input, f, r, c, 0), sampleValue(input, f, r, c, 1), sampleValue(input, f, r, c, 2))
          : undefined;
        for (let k = 0; k < samples; k++) {
          if (inBox) {
            const v = sampleValue(output, f, r, c, k);
            const ok = output.photometric === 'PALETTE COLOR'
              ? Math.abs(luminance(input, v) - darkestLuminance(input)) <= 2
              : v === fill[k] || (Number.isNaN(v) && Number.isNaN(fill[k]));
            if (!ok) {
              check.wrongInBox++;
              check.firstProblem ??= `frame ${f} (${c},${r}) sample ${k}: ${v}, expected ${fill[k]}`;
            }
            continue;
          }
          check.outsideCompared++;
          let a: number;
          let b: number;
          if (options.decoded || options.lossy) {
            a = reference ? reference[k] : sampleValue(input, f, r, c, k);
            b = sampleValue(output, f, r, c, k);
          } else {
            a = sampleWord(input, f, r, c, k);
            b = sampleWord(output, f, r, c, k);
            if (!input.float && input.bitsAllocated >= 8) a = (a & mask) >>> 0;
          }
          if (Number.isNaN(a) && Number.isNaN(b)) continue;
          const d = Math.abs(a - b);
          sum += d;
          if (d > check.maxDifference) check.maxDifference = d;
          if (d > tolerance) {
            check.mismatchesOutside++;
            check.firstProblem ??= `frame ${f} (${c},${r}) sample ${k} outside the box: ${b}, input ${a}`;
          }
        }
      }
    }
  }
  check.meanDifference = check.outsideCompared ? sum / check.outsideCompared : 0;
  return check;
}

async function run(s: Subject, plan: RedactionPlan): Promise<WrittenOutcome> {
  const session = createSession({ passphrase: 'pixel tests' });
  const outcome = await deidentifyFileAsync({ path: s.path, bytes: s.bytes }, session, { plan });
  if (outcome.status !== 'written') throw new Error(`${s.path} not written: ${outcome.reason}`);
  return outcome;
}

/** Syntaxes GDCM (Debian's 3.0) cannot decode: for them the reference decode is the codec layer's. */
const GDCM_CANNOT = new Set(['1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.202', '1.2.840.10008.1.2.4.203', '1.2.840.10008.1.2.4.110', '1.2.840.10008.1.2.4.111', '1.2.840.10008.1.2.4.112', '1.2.840.10008.1.2.8.1']);

/**
 * For syntaxes GDCM lacks: OpenJPH / libjxl / zlib through the codec engineer's independent
 * decoder helper when those tools are installed, else the codec layer (src/core/pixels/codecs).
 */
async function codecReference(bytes: Uint8Array): Promise<ReferenceImage> {
  const base = referenceFromBytes(bytes);
  if (GDCM_CANNOT.has(base.transferSyntaxUID)) {
    const dir = mkdtempSync(join(tmpdir(), 'veil-px-'));
    try {
      writeFileSync(join(dir, 'f.dcm'), bytes);
      const img = independentDecode(join(dir, 'f.dcm'), base.transferSyntaxUID);
      if (!('unavailable' in img)) {
        return {
          ...base, photometric: img.photometric, planarConfiguration: img.planarConfiguration,
          samplesPerPixel: img.samplesPerPixel, bitsAllocated: img.bitsAllocated, pixelData: Buffer.concat(img.frames),
        };
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const parsed = readPart10(bytes);
  const ds = parsed.dataset;
  const info = imageInfo(ds);
  const el = frameElement(ds)!;
  const frames = el.fragments
    ? await Promise.all(frameFragments(el, info.numberOfFrames, ds).map((f) => decodeFrame(parsed.transferSyntaxUID, f, info)))
    : undefined;
  if (!frames) return base;
  const first = frames[0];
  return {
    ...base,
    photometric: first.photometric,
    planarConfiguration: first.planarConfiguration,
    pixelData: joinNativeFrames(frames.map((f) => nativeBytes(f)), info),
  };
}

const OVERLAY_FIXTURE = 'misc/overlay_bits_in_pixel_data_ovly_p01.dcm';
/**
 * Signed 12-bit pixels whose bits 12–15 are zero for most negative values and a copy of the sign
 * for others: a mix that could itself carry a bit plane, so the engine makes it uniform (issue 8,
 * item 1). The stored 12-bit values do not change.
 */
const MIXED_SIGN_FIXTURE = 'misc/mlut_18_modality_lut_seq.dcm';

describe('painting a known box on every image fixture', () => {
  it('covers the five image folders', () => {
    expect(images.length).toBe(84);
  });

  for (const row of images) {
    const native = NATIVE.has(row.transferSyntaxUID);
    const needsCodecs = !native && !CODECS_READY;
    const gdcmCannot = GDCM_CANNOT.has(row.transferSyntaxUID);
    const title = `${row.path}${needsCodecs ? ' — TODO: compressed pixel data waits for the codec layer (src/core/pixels/codecs)' : ''}${gdcmCannot ? ' (reference decode: OpenJPH / libjxl / zlib, or the codec layer; GDCM cannot read this syntax)' : ''}`;
    it.skipIf(needsCodecs || !hasGdcm())(title, async () => {
      const s = subject(row.path);
      const box = knownBox(s);
      const outcome = await run(s, { version: 1, boxes: [box] });
      const out = joinParts(outcome.parts);
      const input = gdcmCannot ? await codecReference(s.bytes) : referenceDecode(s.bytes);
      const output = gdcmCannot ? await codecReference(out) : referenceDecode(out);
      expect(output.rows).toBe(input.rows);
      expect(output.columns).toBe(input.columns);
      expect(outcome.pixels?.painted.map((p) => p.id)).toEqual(['known']);
      expect(outcome.warnings.join('\n')).toMatch(/redaction: painted 1 box/);
      const support = transferSyntaxSupport(row.transferSyntaxUID);
      const lossy = !native && support.lossy;
      if (native) expect(outcome.pixels?.encoding).toBe('native');
      else if (lossy) {
        expect(outcome.transferSyntaxUID).toBe('1.2.840.10008.1.2.1');
        expect(outcome.warnings.join('\n')).toMatch(/written as Explicit VR Little Endian after redaction: no second lossy step/);
      } else if (outcome.pixels?.encoding === 're-encoded') expect(outcome.transferSyntaxUID).toBe(row.transferSyntaxUID);
      else expect(outcome.transferSyntaxUID).toBe('1.2.840.10008.1.2.1');
      const check = compare(input, output, box, {
        maskBits: row.path === OVERLAY_FIXTURE ? [15, 14] : row.path === MIXED_SIGN_FIXTURE ? [15, 14, 13, 12] : [],
        lossy,
        decoded: !native,
      });
      expect(check.boxPixels, row.path).toBeGreaterThan(0);
      expect(check.wrongInBox, check.firstProblem).toBe(0);
      if (lossy) {
        // Another decoder's rounding: nearly every sample within a few levels, none far off on average.
        expect(check.mismatchesOutside / check.outsideCompared, check.firstProblem).toBeLessThan(0.01);
        expect(check.meanDifference).toBeLessThan(2 ** Math.max(0, output.bitsStored - 8));
      } else {
        expect(check.mismatchesOutside, check.firstProblem).toBe(0);
      }
      // The person's review is recorded: Burned In Annotation NO, Clean Pixel Data in the method codes.
      expect(output.burnedInAnnotation).toBe('NO');
      expect(output.methodCodes).toContain('113101');
    }, gdcmCannot ? 300_000 : 60_000); // JPEG XL / HTJ2K multi-frame: wasm re-encode of every frame plus two reference decodes
  }
});

describe('images without a box', () => {
  for (const row of images) {
    it.skipIf(row.path === OVERLAY_FIXTURE || row.path === MIXED_SIGN_FIXTURE)(`${row.path} keeps its pixel bytes and makes no Clean Pixel Data claim`, async () => {
      const s = subject(row.path);
      const session = createSession({ passphrase: 'pixel tests' });
      const outcome = await deidentifyFileAsync({ path: s.path, bytes: s.bytes }, session);
      if (outcome.status !== 'written') return; // odd files are covered elsewhere
      expect(outcome.pixels).toBeUndefined();
      const before = readPart10(s.bytes).dataset;
      const after = readPart10(joinParts(outcome.parts)).dataset;
      const a = before.get(T.PixelData) ?? before.get(0x7fe00008) ?? before.get(0x7fe00009);
      const b = after.get(T.PixelData) ?? after.get(0x7fe00008) ?? after.get(0x7fe00009);
      if (a?.fragments) {
        // Compressed frames lose their comment and metadata segments (issue 8, item 3: see
        // codestream-strip.test.ts for the decoded pixels); everything else is byte for byte.
        const stripped = readPart10(s.bytes);
        stripCodestreamText(stripped.dataset, stripped.transferSyntaxUID);
        const e = stripped.dataset.get(T.PixelData)!.fragments!;
        expect(b?.fragments?.length).toBe(e.length);
        e.forEach((f, i) => {
          const padded = f.length & 1 ? Buffer.concat([f, new Uint8Array(1)]) : f; // the writer pads odd fragments
          expect(Buffer.compare(padded, b!.fragments![i]), `fragment ${i}`).toBe(0);
        });
      } else expect(Buffer.compare(a!.value, b!.value)).toBe(0);
      // Burned In Annotation is kept; where it was absent on an image that needs pixel review
      // (issue 10: US, screen captures, templates…), the output says YES.
      const was = getString(before, T.BurnedInAnnotation)?.trim();
      const needsReview = outcome.pixelReview?.status === 'needs-review';
      expect(getString(after, T.BurnedInAnnotation)?.trim()).toBe(!was && needsReview ? 'YES' : was);
      const codes = (after.get(T.DeidentificationMethodCodeSequence)?.items ?? []).map((i) => getString(i, T.CodeValue));
      expect(codes).not.toContain('113101');
    });
  }
});

describe('overlay bits hidden in unused high bits of Pixel Data', () => {
  it('are made uniform in a signed image that mixes the two sign conventions, the 12-bit values unchanged', async () => {
    const s = subject(MIXED_SIGN_FIXTURE);
    const input = referenceDecode(s.bytes);
    const session = createSession({ passphrase: 'pixel tests' });
    const outcome = await deidentifyFileAsync({ path: s.path, bytes: s.bytes }, session);
    expect(outcome.status).toBe('written');
    const written = outcome as WrittenOutcome;
    expect(written.warnings.join('\n')).toMatch(/bits set outside Bits Stored \(High Bit 11/);
    const output = referenceDecode(joinParts(written.parts));
    const conventions = new Set<string>();
    for (let r = 0; r < input.rows; r++) {
      for (let c = 0; c < input.columns; c++) {
        const w = sampleWord(output, 0, r, c, 0);
        expect(w & 0x0fff).toBe(sampleWord(input, 0, r, c, 0) & 0x0fff);
        if (w & 0x0800) conventions.add((w & 0xf000) === 0 ? 'zero' : (w & 0xf000) === 0xf000 ? 'sign' : 'junk');
        else expect(w & 0xf000).toBe(0);
      }
    }
    expect(conventions.size).toBe(1);
    expect(conventions.has('junk')).toBe(false);
  });

  it('are cleared even without a box, and the report says the pixels changed', async () => {
    const s = subject(OVERLAY_FIXTURE);
    const input = referenceDecode(s.bytes);
    let setBefore = 0;
    for (let r = 0; r < input.rows; r++) for (let c = 0; c < input.columns; c++) if (sampleWord(input, 0, r, c, 0) & 0xc000) setBefore++;
    expect(setBefore).toBeGreaterThan(100); // the fixture really has text there

    const session = createSession({ passphrase: 'pixel tests' });
    const outcome = await deidentifyFileAsync({ path: s.path, bytes: s.bytes }, session);
    expect(outcome.status).toBe('written');
    const written = outcome as WrittenOutcome;
    expect(written.pixels?.overlayBitsCleared).toEqual(['6000', '6002']);
    expect(written.warnings.join('\n')).toMatch(/overlay plane\(s\) 6000, 6002 stored in unused high bit\(s\) 15, 14 of Pixel Data cleared/);
    const output = referenceDecode(joinParts(written.parts));
    let setAfter = 0;
    let changedImage = 0;
    for (let r = 0; r < input.rows; r++) {
      for (let c = 0; c < input.columns; c++) {
        const w = sampleWord(output, 0, r, c, 0);
        if (w & 0xc000) setAfter++;
        if ((w & 0x0fff) !== (sampleWord(input, 0, r, c, 0) & 0x0fff)) changedImage++;
      }
    }
    expect(setAfter).toBe(0);
    expect(changedImage).toBe(0);
    // Not reviewed, nothing painted: no claim about burned-in text.
    expect(output.methodCodes).not.toContain('113101');
  });
});
