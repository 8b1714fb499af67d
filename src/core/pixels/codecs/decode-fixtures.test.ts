/**
 * Every image in the shared corpus (transfer-syntax, color, multiframe, burned-in, misc) is
 * decoded frame by frame and compared with an independent decoder (DCMTK, GDCM, OpenJPH's
 * ojph_expand, libjxl's djxl, zlib): lossless sources must match exactly, lossy ones must have
 * the same size and layout and differ only by rounding. odd/ files must fail with a clear error.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DicomReadError, readPart10 } from '../../dicom/reader.ts';
import { fixturesDir, readManifest } from '../../../../tests/helpers/fixtures.ts';
import { compare, independentDecode, independentSamples, type Difference } from '../../../../tests/helpers/independent-decoder.ts';
import { frameFragments, imageInfo, nativeFrame, pixelElement } from '../frames.ts';
import { decodeFrame, PixelDataError, transferSyntaxSupport, type DecodedFrame } from './index.ts';

const IMAGE_DIRS = ['transfer-syntax/', 'color/', 'multiframe/', 'burned-in/', 'misc/'];
const rows = readManifest().filter((r) => IMAGE_DIRS.some((d) => r.path.startsWith(d)));

/** At most 8 frames of a long multi-frame image: first, second, a spread through the middle, last. */
function sampleFrames(n: number): number[] {
  if (n <= 12) return [...Array(n).keys()];
  const picks = new Set([0, 1, n - 1]);
  for (let k = 1; k <= 5; k++) picks.add(Math.floor((k * n) / 6));
  return [...picks].sort((a, b) => a - b);
}

/**
 * Lossy sources: decoders may round IDCT / colour conversion differently. Allowed, in sample
 * units: mean |difference| and largest |difference|. (Measured: every lossy fixture is within ±1.)
 */
const LOSSY_MEAN_ABS = 0.25;
const LOSSY_MAX_ABS = 2;

interface Row {
  path: string;
  ts: string;
  frames: string;
  tool: string;
  result: string;
}
const report: Row[] = [];

afterAll(() => {
  const lines = report.map((r) => `${r.path.padEnd(62)} ${transferSyntaxSupport(r.ts).name.padEnd(44)} ${r.frames.padEnd(7)} ${r.tool.padEnd(24)} ${r.result}`);
  console.log(`\nDecoded vs independent decoder (${report.length} images)\n${lines.join('\n')}`);
});

const describeDiff = (d: Difference): string => (d.differing === 0 ? 'exact' : `${d.differing}/${d.samples} differ, max ${d.maxAbs}, mean ${d.meanAbs.toFixed(3)}`);

describe('decodeFrame on every image fixture, against an independent decoder', () => {
  for (const row of rows) {
    it(row.path, async () => {
      const file = resolve(fixturesDir, row.path);
      const parsed = readPart10(readFileSync(file));
      const ds = parsed.dataset;
      const ts = parsed.transferSyntaxUID;
      const el = pixelElement(ds);
      expect(el, 'pixel data').toBeDefined();
      const info = imageInfo(ds);
      const indices = sampleFrames(info.numberOfFrames);
      const streams = el!.fragments ? frameFragments(el!, info.numberOfFrames, ds) : undefined;
      if (streams) expect(streams.length).toBe(info.numberOfFrames);

      const mine = new Map<number, DecodedFrame>();
      for (const i of indices) {
        const frame = await decodeFrame(ts, streams ? streams[i] : nativeFrame(ds, i, info), info);
        expect(frame.rows).toBe(info.rows);
        expect(frame.columns).toBe(info.columns);
        expect(frame.pixels.length).toBe(info.rows * info.columns * frame.samplesPerPixel);
        expect(frame.planarConfiguration).toBe(0);
        mine.set(i, frame);
      }

      const support = transferSyntaxSupport(ts);
      const theirs = independentDecode(file, ts, indices);
      if ('unavailable' in theirs) {
        report.push({ path: row.path, ts, frames: `${indices.length}/${info.numberOfFrames}`, tool: '-', result: `decoded; NOT compared: ${theirs.unavailable}` });
        // DCMTK and GDCM are required; only the HTJ2K / JPEG XL tools may be missing.
        expect(theirs.unavailable).toMatch(/ojph_expand|djxl|opj_decompress/);
        return;
      }
      expect(theirs.rows).toBe(info.rows);
      expect(theirs.columns).toBe(info.columns);

      // Codecs rebuild only Bits Stored bits (and sign-extend); byte-exact syntaxes keep every bit.
      const byteExact = /^1\.2\.840\.10008\.1\.2(\.1|\.2|\.1\.99|\.5|\.8\.1)?$/.test(ts);
      const bits = byteExact || info.floatPixels ? undefined : info.bitsStored;
      let worst: Difference | undefined;
      for (const [i, frame] of mine) {
        const ref = independentSamples(theirs, i, frame);
        expect(frame.photometric, `frame ${i} photometric`).toBe(ref.photometric);
        const d = compare(frame.pixels, ref.values, bits);
        if (!worst || d.meanAbs > worst.meanAbs || d.differing > worst.differing) worst = d;
        if (support.lossy) {
          expect(d.samples).toBe(ref.values.length);
          expect(d.meanAbs, `frame ${i}: ${describeDiff(d)}`).toBeLessThanOrEqual(LOSSY_MEAN_ABS);
          expect(d.maxAbs, `frame ${i}: ${describeDiff(d)}`).toBeLessThanOrEqual(LOSSY_MAX_ABS);
        } else {
          expect(d.differing, `frame ${i}: ${describeDiff(d)} (first at sample ${d.firstAt})`).toBe(0);
        }
      }
      report.push({ path: row.path, ts, frames: `${indices.length}/${info.numberOfFrames}`, tool: theirs.tool, result: `${support.lossy ? 'lossy' : 'lossless'}: ${describeDiff(worst!)}` });
    });
  }
});

describe('broken files (odd/) fail with a clear error, never a crash', () => {
  const odd = readManifest().filter((r) => r.path.startsWith('odd/'));
  for (const row of odd) {
    it(row.path, async () => {
      let parsed;
      try {
        parsed = readPart10(readFileSync(resolve(fixturesDir, row.path)));
      } catch (e) {
        expect(e).toBeInstanceOf(DicomReadError); // the reader's job, and it says why
        return;
      }
      const ds = parsed.dataset;
      const el = pixelElement(ds);
      if (!el || (!el.fragments && el.value.length === 0)) return; // no image
      const outcomes: string[] = [];
      try {
        const info = imageInfo(ds);
        const streams = el.fragments ? frameFragments(el, info.numberOfFrames, ds) : undefined;
        for (const i of sampleFrames(info.numberOfFrames)) {
          try {
            const frame = await decodeFrame(parsed.transferSyntaxUID, streams ? streams[i] : nativeFrame(ds, i, info), info);
            // Where an independent tool reads the file too, the pixels must agree.
            const theirs = independentDecode(resolve(fixturesDir, row.path), parsed.transferSyntaxUID, [i]);
            if ('unavailable' in theirs) outcomes.push('ok (not compared)');
            else {
              const ref = independentSamples(theirs, i, frame);
              const d = compare(frame.pixels, ref.values, info.bitsStored);
              expect(d.differing, `${theirs.tool}: ${describeDiff(d)}`).toBe(0);
              outcomes.push(`ok, ${theirs.tool}: exact`);
            }
          } catch (e) {
            expect(e).toBeInstanceOf(PixelDataError);
            expect((e as Error).message.length).toBeGreaterThan(10);
            expect((e as Error).message).not.toMatch(/^\d+$|undefined|\[object/);
            outcomes.push((e as Error).message);
          }
        }
      } catch (e) {
        expect(e).toBeInstanceOf(PixelDataError);
        outcomes.push((e as Error).message);
      }
      report.push({ path: row.path, ts: parsed.transferSyntaxUID, frames: '', tool: '(odd)', result: [...new Set(outcomes)].join(' | ') });
    });
  }

  it('names the damage in a J2K codestream that holds a sequence delimiter', async () => {
    const parsed = readPart10(readFileSync(resolve(fixturesDir, 'odd/JPEG2000-embedded-sequence-delimiter.dcm')));
    const info = imageInfo(parsed.dataset);
    const [stream] = frameFragments(pixelElement(parsed.dataset)!, 1, parsed.dataset);
    // Its SIZ marker is garbage: refused before any decoder allocates for it.
    await expect(decodeFrame(parsed.transferSyntaxUID, stream, info)).rejects.toThrow(/the codestream is 3722445056×1024 pixels but the image attributes say 256×1024: the pixel data is damaged/);
  });

  it('refuses packed 12-bit pixels by name', () => {
    const parsed = readPart10(readFileSync(resolve(fixturesDir, 'odd/MR_12bit_allocated_no_meta.dcm')));
    expect(() => imageInfo(parsed.dataset)).toThrow(/Bits Allocated 12 is not supported/);
  });

  it('truncated codestreams: an error for the JPEG family (fast), a warning for JPEG 2000', async () => {
    const cut = async (path: string) => {
      const parsed = readPart10(readFileSync(resolve(fixturesDir, path)));
      const info = imageInfo(parsed.dataset);
      const [stream] = frameFragments(pixelElement(parsed.dataset)!, info.numberOfFrames, parsed.dataset);
      return decodeFrame(parsed.transferSyntaxUID, stream.subarray(0, Math.floor(stream.length / 2)), info);
    };
    const started = performance.now();
    await expect(cut('transfer-syntax/CTImage_jpegls_lossless.dcm')).rejects.toThrow(/JPEG-LS codestream has no EOI marker at its end: it is truncated/);
    expect(performance.now() - started).toBeLessThan(1000); // CharLS alone takes seconds to give up
    await expect(cut('transfer-syntax/CTImage_jpeg_lossless_sv1.dcm')).rejects.toThrow(/lossless JPEG codestream has no EOI marker/);
    await expect(cut('transfer-syntax/CTImage_jpeg_baseline_p1.dcm')).rejects.toThrow(PixelDataError);
    await expect(cut('transfer-syntax/JPGExtended_12bit_NM.dcm')).rejects.toThrow(/ends in the middle of a scan: it is truncated/);
    await expect(cut('transfer-syntax/CTImage_rle.dcm')).rejects.toThrow(/truncated or damaged|outside the frame/);
    const ht = await cut('transfer-syntax/HTJ2KLossless_08_RGB.dcm');
    expect(ht.warnings?.[0]).toMatch(/does not end with an EOC marker: it may be truncated/);
  });

  it('a codestream OpenJPEG cannot parse is named as damaged', async () => {
    const parsed = readPart10(readFileSync(resolve(fixturesDir, 'transfer-syntax/CTImage_j2k_lossless.dcm')));
    const info = imageInfo(parsed.dataset);
    const [stream] = frameFragments(pixelElement(parsed.dataset)!, 1);
    const broken = stream.slice(0, 300); // headers intact, tile data cut short
    await expect(decodeFrame(parsed.transferSyntaxUID, broken, info)).rejects.toThrow(/OpenJPEG could not decode the JPEG 2000 codestream .*damaged/);
  });

  it('a codestream that contradicts the image attributes is an error, not garbage', async () => {
    const parsed = readPart10(readFileSync(resolve(fixturesDir, 'transfer-syntax/CTImage_j2k_lossless.dcm')));
    const info = { ...imageInfo(parsed.dataset), rows: 256 };
    const [stream] = frameFragments(pixelElement(parsed.dataset)!, 1);
    await expect(decodeFrame(parsed.transferSyntaxUID, stream, info)).rejects.toThrow(/512×512 pixels but the image attributes say 512×256/);
  });
});
