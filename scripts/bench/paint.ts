/**
 * Pixel redaction benchmark: paint + write time per frame for
 *   - a 500-frame 512×512 16-bit multi-frame (native), and
 *   - a 20-frame 640×480 RGB ultrasound cine, native and RLE Lossless (decode → paint → re-encode).
 * Each case is timed with one box on every frame and, as the baseline, with no box (header-only
 * de-identification of the same file); the difference is what painting costs. Medians over runs.
 *
 *   npx tsx scripts/bench/paint.ts [--runs N]
 */
import { Dataset, EMPTY } from '../../src/core/dicom/dataset.ts';
import { T } from '../../src/core/dicom/tags.ts';
import { setString, setUint16 } from '../../src/core/dicom/values.ts';
import { writePart10 } from '../../src/core/dicom/writer.ts';
import { createSession, deidentifyFileAsync } from '../../src/core/deidentify.ts';
import { encodeFrame } from '../../src/core/pixels/codecs/index.ts';
import type { RedactionPlan } from '../../src/core/pixels/plan.ts';
import { useNodeCodecs } from '../../src/cli/codec-loader.ts';

// Core has no codec loader of its own: the benchmark runs in Node, as the CLI does.
useNodeCodecs();

const RLE = '1.2.840.10008.1.2.5';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

interface Case {
  name: string;
  bytes: Uint8Array;
  frames: number;
  sopInstanceUID: string;
}

function header(sop: string, sopClass: string, rows: number, columns: number, frames: number, rgb: boolean): Dataset {
  const ds = new Dataset();
  setString(ds, T.SOPClassUID, sopClass, 'UI');
  setString(ds, T.SOPInstanceUID, sop, 'UI');
  setString(ds, T.StudyInstanceUID, `${sop}.1`, 'UI');
  setString(ds, T.SeriesInstanceUID, `${sop}.2`, 'UI');
  setString(ds, T.PatientName, 'BENCH^PAINT', 'PN');
  setString(ds, T.PatientID, 'BENCH-1', 'LO');
  setString(ds, T.Modality, rgb ? 'US' : 'XA', 'CS');
  setUint16(ds, T.SamplesPerPixel, rgb ? 3 : 1);
  setString(ds, T.PhotometricInterpretation, rgb ? 'RGB' : 'MONOCHROME2', 'CS');
  if (rgb) setUint16(ds, 0x00280006, 0);
  setString(ds, T.NumberOfFrames, String(frames), 'IS');
  setUint16(ds, T.Rows, rows);
  setUint16(ds, T.Columns, columns);
  setUint16(ds, T.BitsAllocated, rgb ? 8 : 16);
  setUint16(ds, 0x00280101, rgb ? 8 : 12);
  setUint16(ds, 0x00280102, rgb ? 7 : 11);
  setUint16(ds, 0x00280103, 0);
  return ds;
}

function grayFrames(rows: number, columns: number, frames: number): Uint8Array {
  const px = new Uint16Array(rows * columns * frames);
  for (let f = 0, i = 0; f < frames; f++) for (let y = 0; y < rows; y++) for (let x = 0; x < columns; x++) px[i++] = (x * 7 + y * 3 + f * 11) & 0xfff;
  return new Uint8Array(px.buffer);
}

function rgbFrame(rows: number, columns: number, f: number): Uint8Array {
  const px = new Uint8Array(rows * columns * 3);
  for (let y = 0, i = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      const v = ((x - 320) ** 2 + (y - 240) ** 2 < 200 ** 2 ? 120 + ((x + y + f) % 60) : 10) & 0xff;
      px[i++] = v;
      px[i++] = v;
      px[i++] = y < 40 ? 255 : v; // a bright banner where a name would be
    }
  }
  return px;
}

async function makeCases(): Promise<Case[]> {
  const cases: Case[] = [];
  {
    const sop = '2.25.1001';
    const ds = header(sop, '1.2.840.10008.5.1.4.1.1.12.1', 512, 512, 500, false);
    ds.set({ tag: T.PixelData, vr: 'OW', value: grayFrames(512, 512, 500) });
    cases.push({ name: '500-frame 512² 16-bit, native', bytes: writePart10({ dataset: ds, transferSyntaxUID: EXPLICIT_LE, sopClassUID: '1.2.840.10008.5.1.4.1.1.12.1', sopInstanceUID: sop }), frames: 500, sopInstanceUID: sop });
  }
  const rgbFrames = Array.from({ length: 20 }, (_, f) => rgbFrame(480, 640, f));
  {
    const sop = '2.25.1002';
    const ds = header(sop, '1.2.840.10008.5.1.4.1.1.3.1', 480, 640, 20, true);
    const all = new Uint8Array(rgbFrames.reduce((n, f) => n + f.length, 0));
    rgbFrames.forEach((f, i) => all.set(f, i * f.length));
    ds.set({ tag: T.PixelData, vr: 'OB', value: all });
    cases.push({ name: '20-frame 640×480 RGB cine, native', bytes: writePart10({ dataset: ds, transferSyntaxUID: EXPLICIT_LE, sopClassUID: '1.2.840.10008.5.1.4.1.1.3.1', sopInstanceUID: sop }), frames: 20, sopInstanceUID: sop });
  }
  {
    const sop = '2.25.1003';
    const ds = header(sop, '1.2.840.10008.5.1.4.1.1.3.1', 480, 640, 20, true);
    const encoded: Uint8Array[] = [];
    for (const f of rgbFrames) {
      const e = await encodeFrame(RLE, {
        pixels: f, rows: 480, columns: 640, samplesPerPixel: 3, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0,
        planarConfiguration: 0, photometric: 'RGB', lossy: false, floatPixels: false,
      })!;
      encoded.push(e.data);
    }
    ds.set({ tag: T.PixelData, vr: 'OB', value: EMPTY, fragments: [new Uint8Array(0), ...encoded] });
    cases.push({ name: '20-frame 640×480 RGB cine, RLE Lossless', bytes: writePart10({ dataset: ds, transferSyntaxUID: RLE, sopClassUID: '1.2.840.10008.5.1.4.1.1.3.1', sopInstanceUID: sop }), frames: 20, sopInstanceUID: sop });
  }
  return cases;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(c: Case, withBox: boolean): Promise<number> {
  const plan: RedactionPlan = {
    version: 1,
    boxes: withBox ? [{ id: 'banner', x: 0, y: 0, width: 400, height: 40, frames: 'all', scope: { kind: 'instance', sopInstanceUID: c.sopInstanceUID }, source: 'user', status: 'accepted' }] : [],
  };
  const session = createSession({ plan });
  const t = performance.now();
  const out = await deidentifyFileAsync({ path: c.name, bytes: c.bytes }, session);
  const ms = performance.now() - t;
  if (out.status !== 'written') throw new Error(`${c.name}: ${out.status}: ${out.reason}`);
  if (withBox && !out.warnings.some((w) => /paint/i.test(w))) throw new Error(`${c.name}: no painting reported: ${out.warnings.join('; ')}`);
  return ms;
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--runs');
  const runs = at >= 0 ? Number(process.argv[at + 1]) : 5;
  const cases = await makeCases();
  console.log(`\nveil bench: pixel redaction (paint + write), ${runs} runs, medians\n`);
  console.log('case                                         frames   header-only ms   with box ms   paint+write ms/frame');
  for (const c of cases) {
    await time(c, true); // warm-up: codecs loaded, JIT warm
    const base: number[] = [];
    const boxed: number[] = [];
    for (let r = 0; r < runs; r++) {
      base.push(await time(c, false));
      boxed.push(await time(c, true));
    }
    const perFrame = (median(boxed) - median(base)) / c.frames;
    console.log(
      `${c.name.padEnd(44)} ${String(c.frames).padStart(6)} ${median(base).toFixed(1).padStart(16)} ${median(boxed).toFixed(1).padStart(13)} ${perFrame.toFixed(2).padStart(22)}`,
    );
  }
  console.log('\npaint+write ms/frame = (median with a box on every frame − median header-only) / frames');
}

await main();
