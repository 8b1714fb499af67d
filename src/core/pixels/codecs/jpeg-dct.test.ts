/**
 * Veil's own DCT JPEG decoder (used for 12-bit JPEG and for RGB stored without a colour
 * transform) against libjpeg: codestreams made by DCMTK's dcmcjpeg (12-bit extended, spectral
 * selection, progression; image sizes that are not multiples of 8) and by libjpeg-turbo's cjpeg
 * (restart intervals, progressive with successive approximation, subsampled components),
 * decoded by dcmdjpeg / djpeg. Allowed: ±1 (libjpeg's integer IDCT rounds differently).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPart10 } from '../../dicom/reader.ts';
import { fixturesDir } from '../../../../tests/helpers/fixtures.ts';
import { compare, have, independentDecode, independentSamples } from '../../../../tests/helpers/independent-decoder.ts';
import { frameFragments, imageInfo, nativeFrame, pixelElement } from '../frames.ts';
import { decodeFrame } from './index.ts';
import { decodeJpegDct } from './jpeg-dct.ts';

const work = mkdtempSync(join(tmpdir(), 'veil-jpeg-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!have('dcmcjpeg') || !have('dcmdjpeg'))('12-bit JPEG written by DCMTK', () => {
  const cases: Array<[string, string, string]> = [
    ['misc/MR-SIEMENS-DICOM-WithOverlays.dcm', '+ep', 'progressive, 484×484 (partial blocks)'],
    ['misc/MR-SIEMENS-DICOM-WithOverlays.dcm', '+es', 'spectral selection'],
    ['multiframe/emri_small_enhanced_MR.dcm', '+ee', 'extended, 10 frames'],
    ['misc/CR-MONO1-10-chest.dcm', '+ep', 'progressive, 10 bits stored'],
  ];
  for (const [source, mode, what] of cases) {
    it(`${source} ${mode} (${what})`, async () => {
      const out = join(work, `${source.replace(/\W+/g, '_')}${mode}.dcm`);
      execFileSync('dcmcjpeg', [mode, '+bt', '+q', '85', resolve(fixturesDir, source), out], { stdio: 'ignore' });
      const parsed = readPart10(new Uint8Array(readFileSync(out)));
      const info = imageInfo(parsed.dataset);
      const streams = frameFragments(pixelElement(parsed.dataset)!, info.numberOfFrames, parsed.dataset);
      const theirs = independentDecode(out, parsed.transferSyntaxUID);
      if ('unavailable' in theirs) throw new Error(theirs.unavailable);
      for (let i = 0; i < info.numberOfFrames; i++) {
        const mine = await decodeFrame(parsed.transferSyntaxUID, streams[i], info);
        const d = compare(mine.pixels, independentSamples(theirs, i, mine).values);
        expect(d.maxAbs, `frame ${i}: ${d.differing} differ`).toBeLessThanOrEqual(1);
        expect(d.meanAbs).toBeLessThan(0.2);
      }
    });
  }
});

/** 8-bit test image (PGM/PPM) from a native fixture. */
function pnm(source: string, colour: boolean): { path: string; width: number; height: number } {
  const parsed = readPart10(readFileSync(resolve(fixturesDir, source)));
  const info = imageInfo(parsed.dataset);
  const bytes = nativeFrame(parsed.dataset, 0, info);
  const header = `${colour ? 'P6' : 'P5'}\n${info.columns} ${info.rows}\n255\n`;
  const path = join(work, `${source.replace(/\W+/g, '_')}.${colour ? 'ppm' : 'pgm'}`);
  writeFileSync(path, Buffer.concat([Buffer.from(header, 'latin1'), Buffer.from(bytes)]));
  return { path, width: info.columns, height: info.rows };
}

function readPnmSamples(path: string): Uint8Array {
  const b = readFileSync(path);
  let fields = 0;
  let at = 0;
  while (fields < 4) {
    while (/\s/.test(String.fromCharCode(b[at]))) at++;
    while (!/\s/.test(String.fromCharCode(b[at]))) at++;
    fields++;
  }
  return new Uint8Array(b.subarray(at + 1));
}

describe.skipIf(!have('cjpeg') || !have('djpeg'))('8-bit JPEG written by libjpeg-turbo cjpeg', () => {
  const cases: Array<[string, boolean, string[], string]> = [
    ['burned-in/US_greyscale_deid_BIA_YES.dcm', false, ['-restart', '5B'], 'baseline, restart every 5 blocks'],
    ['burned-in/US_greyscale_deid_BIA_YES.dcm', false, ['-progressive', '-restart', '2'], 'progressive, restart every 2 rows'],
    ['misc/PET_CT_fusion_rgb_overlay.dcm', true, ['-rgb', '-progressive'], 'RGB without colour transform, progressive'],
    ['misc/PET_CT_fusion_rgb_overlay.dcm', true, ['-rgb', '-sample', '2x2,1x1,1x1', '-restart', '3B'], 'RGB, 4:2:0 sampled, restarts'],
  ];
  for (const [source, colour, args, what] of cases) {
    it(`${source} ${what}`, () => {
      const input = pnm(source, colour);
      const jpg = join(work, 'test.jpg');
      execFileSync('cjpeg', [...args, '-quality', '80', '-outfile', jpg, input.path]);
      const ref = join(work, colour ? 'ref.ppm' : 'ref.pgm');
      // -nosmooth: replicate chroma, as Veil's decoder does; -dct int: libjpeg's default IDCT.
      execFileSync('djpeg', ['-nosmooth', '-dct', 'int', '-outfile', ref, jpg]);
      const mine = decodeJpegDct(new Uint8Array(readFileSync(jpg)));
      expect([mine.width, mine.height, mine.precision, mine.components]).toEqual([input.width, input.height, 8, colour ? 3 : 1]);
      const d = compare(mine.data, readPnmSamples(ref));
      expect(d.maxAbs, `${d.differing}/${d.samples} differ`).toBeLessThanOrEqual(1);
      expect(d.meanAbs).toBeLessThan(0.2);
    });
  }

  it('rejects what it does not decode, by name', () => {
    const input = pnm('burned-in/US_greyscale_deid_BIA_YES.dcm', false);
    const jpg = join(work, 'arith.jpg');
    execFileSync('cjpeg', ['-arithmetic', '-outfile', jpg, input.path]);
    expect(() => decodeJpegDct(new Uint8Array(readFileSync(jpg)))).toThrow(/SOF marker 0xC9 is not supported/);
    const good = new Uint8Array(readFileSync(join(work, 'test.jpg')));
    expect(() => decodeJpegDct(good.subarray(0, 400))).toThrow(/no scan|damaged|truncated/);
  });
});
