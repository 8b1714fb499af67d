/**
 * Pixel data read once: an export that de-identifies the header over a zero placeholder and
 * takes the pixel value as a range of the input writes exactly the bytes (and CRC) of an export
 * that reads the whole file — and refuses to do so wherever that would not hold.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSession, deidentifyFileAsync, type Session } from '../deidentify.ts';
import { readPart10 } from '../dicom/reader.ts';
import { getString } from '../dicom/values.ts';
import { T } from '../dicom/tags.ts';
import { joinParts } from '../dicom/writer.ts';
import { deriveSessionKey } from '../header/keys.ts';
import type { RedactionPlan } from '../pixels/plan.ts';
import { crc32 } from './crc32.ts';
import { findReusedPixels, pixelsChanged, reuseOutput, withPlaceholder, type OutputPiece, type ReusedPixels } from './reused-pixels.ts';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/dicom/', import.meta.url));
const read = (name: string) => new Uint8Array(readFileSync(FIXTURES + name));
const session = (plan?: RedactionPlan): Session => createSession({ key: deriveSessionKey('reuse-test'), plan });

/** What load finds for a file. */
async function load(bytes: Uint8Array): Promise<ReusedPixels | undefined> {
  const outcome = await deidentifyFileAsync({ path: 'x.dcm', bytes }, session());
  if (outcome.status !== 'written') throw new Error(outcome.reason);
  return findReusedPixels(bytes, readPart10(bytes), outcome.parts, pixelsChanged(outcome.pixels));
}

/** The output's bytes, ranges taken from the original file (as the zip writer takes Blob slices). */
const assemble = (pieces: OutputPiece[], file: Uint8Array) => joinParts(pieces.map((p) => (p instanceof Uint8Array ? p : file.subarray(p.start, p.end))));

describe('pixel data read once', () => {
  it('writes the same bytes and CRC as reading the whole file, keeping only the header', async () => {
    const file = read('transfer-syntax/CTImage_explicit_vr_le.dcm');
    const reused = await load(file);
    expect(reused).toBeDefined();
    expect(reused!.head.length + reused!.tail.length).toBeLessThan(10_000);
    expect(reused!.end - reused!.start).toBeGreaterThan(500_000);

    const direct = await deidentifyFileAsync({ path: 'x.dcm', bytes: file }, session());
    const placeholder = withPlaceholder(reused!).bytes;
    const again = await deidentifyFileAsync({ path: 'x.dcm', bytes: placeholder }, session());
    if (direct.status !== 'written' || again.status !== 'written') throw new Error('not written');
    const out = reuseOutput(placeholder, reused!, again.parts, pixelsChanged(again.pixels));
    expect(out).toBeDefined();
    const bytes = assemble(out!.pieces, file);
    expect(Buffer.compare(bytes, joinParts(direct.parts))).toBe(0);
    expect(out!.crc).toBe(crc32(bytes));
    expect(again.output).toBe(direct.output);
  });

  it('does not reuse pixels that need changing or that are not the input bytes', async () => {
    // Bits outside Bits Stored are cleared by the engine: the output's pixels are not the input's.
    expect(await load(read('misc/overlay_bits_in_pixel_data_ovly_p01.dcm'))).toBeUndefined();
    // Big endian: the reader swaps the words into a new buffer.
    expect(await load(read('transfer-syntax/CTImage_explicit_vr_be.dcm'))).toBeUndefined();
    // Encapsulated: fragments, not one value.
    expect(await load(read('transfer-syntax/CTImage_j2k.dcm'))).toBeUndefined();
  });

  it('refuses at export when a box is painted on the image, so the file is read again', async () => {
    const file = read('transfer-syntax/CTImage_explicit_vr_le.dcm');
    const reused = (await load(file))!;
    const sop = getString(readPart10(file).dataset, T.SOPInstanceUID)!;
    const plan: RedactionPlan = {
      version: 1,
      boxes: [{ id: 'b', x: 0, y: 0, width: 100, height: 20, frames: 'all', scope: { kind: 'instance', sopInstanceUID: sop }, source: 'user' }],
    };
    const placeholder = withPlaceholder(reused).bytes;
    const again = await deidentifyFileAsync({ path: 'x.dcm', bytes: placeholder }, session(plan));
    if (again.status !== 'written') throw new Error(again.reason);
    expect(reuseOutput(placeholder, reused, again.parts, pixelsChanged(again.pixels))).toBeUndefined();
    // Even if the caller ignored what the pixel step reported, the output holds no untouched placeholder.
    expect(reuseOutput(placeholder, reused, again.parts, false)).toBeUndefined();
  });

  it('refuses when the placeholder was written to', async () => {
    const file = read('transfer-syntax/CTImage_explicit_vr_le.dcm');
    const reused = (await load(file))!;
    const placeholder = withPlaceholder(reused).bytes;
    const again = await deidentifyFileAsync({ path: 'x.dcm', bytes: placeholder }, session());
    if (again.status !== 'written') throw new Error(again.reason);
    placeholder[reused.start + 10] = 1;
    expect(reuseOutput(placeholder, reused, again.parts, false)).toBeUndefined();
  });
});

describe('placeholders used again', () => {
  it('zeroes what an earlier file with a longer header left in the value range', () => {
    const size = 100;
    const first: ReusedPixels = { head: new Uint8Array(30).fill(7), tail: new Uint8Array(5).fill(8), start: 30, end: 95, crc: 0 };
    const spare = withPlaceholder(first);
    const second: ReusedPixels = { head: new Uint8Array(10).fill(9), tail: new Uint8Array(20).fill(6), start: 10, end: 80, crc: 0 };
    const again = withPlaceholder(second, spare);
    expect(again.bytes).toBe(spare.bytes);
    expect(again.bytes.length).toBe(size);
    expect(again.bytes.subarray(10, 80).every((b) => b === 0)).toBe(true);
    expect(again.bytes.subarray(0, 10).every((b) => b === 9)).toBe(true);
    expect(again.bytes.subarray(80).every((b) => b === 6)).toBe(true);
  });
});
