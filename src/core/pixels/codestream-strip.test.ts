/**
 * Stripping text from compressed frames, on the real corpus: every compressed fixture decodes
 * to the same pixels after stripping as before (nothing but marker segments and boxes moved),
 * the input bytes are never written to, and what stays outside entropy-coded data is read by the
 * residual scan. The spliced-text cases through the whole command are in
 * tests/fail-closed/codestream-text.test.ts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir, readManifest } from '../../../tests/helpers/fixtures.ts';
import { KIND } from '../audit/identifiers.ts';
import { scanResidual } from '../audit/residual.ts';
import { DicomReadError, readPart10 } from '../dicom/reader.ts';
import { createSession, deidentifyFileAsync } from '../deidentify.ts';
import { joinParts } from '../dicom/writer.ts';
import { getString } from '../dicom/values.ts';
import { decodeFrame } from './codecs/index.ts';
import { codestreamFamily, stripCodestreamText } from './codestream-strip.ts';
import { frameFragments, imageInfo, pixelElement } from './frames.ts';
import { stripJ2kCodestream } from './j2k-segments.ts';

const compressed = readManifest().filter((r) => ['jpeg', 'j2k', 'jxl'].includes(codestreamFamily(r.transferSyntaxUID)));

const cat = (...parts: Uint8Array[]): Uint8Array => joinParts(parts);

async function decodeSome(ts: string, ds: Parameters<typeof imageInfo>[0]): Promise<Uint8Array[]> {
  const info = imageInfo(ds);
  const frames = frameFragments(pixelElement(ds)!, info.numberOfFrames, ds);
  const picks = [...new Set([0, Math.floor(frames.length / 2), frames.length - 1])];
  const out: Uint8Array[] = [];
  for (const f of picks) {
    const d = await decodeFrame(ts, frames[f], info, { planar: false });
    out.push(new Uint8Array(d.pixels.buffer, d.pixels.byteOffset, d.pixels.byteLength).slice());
  }
  return out;
}

describe('stripCodestreamText on every compressed fixture', () => {
  it.each(compressed.map((r) => [r.path, r.transferSyntaxUID]))('%s: pixels unchanged, input untouched', async (path, ts) => {
    const file = readFileSync(resolve(fixturesDir, path)); // a Node Buffer, as the CLI reads it
    const hash = createHash('sha256').update(file).digest('hex');
    let parsed;
    try {
      parsed = readPart10(file);
    } catch (e) {
      if (e instanceof DicomReadError) return; // odd/ files the reader refuses: not this module's concern
      throw e;
    }
    const original = readPart10(new Uint8Array(file));
    const result = stripCodestreamText(parsed.dataset, ts);
    expect(result.error, path).toBeUndefined();
    expect(createHash('sha256').update(file).digest('hex'), `${path}: input bytes unchanged`).toBe(hash);
    let before: Uint8Array[];
    try {
      before = await decodeSome(ts, original.dataset);
    } catch {
      return; // damaged on purpose (odd/): stripping cannot make it decode
    }
    const after = await decodeSome(result.transferSyntaxUID, parsed.dataset);
    expect(after.length).toBe(before.length);
    after.forEach((a, i) => expect(Buffer.from(a).equals(Buffer.from(before[i])), `${path}: sampled frame ${i}`).toBe(true));
    // Stripping twice changes nothing more: the output holds nothing left to strip.
    const again = stripCodestreamText(parsed.dataset, result.transferSyntaxUID);
    expect(again.warnings, path).toEqual([]);
  }, 120_000);
});

describe('JPEG 2000 tile-part lengths', () => {
  it('rewrites Psot and the TLM table when a tile-part header loses a COM segment', async () => {
    const parsed = readPart10(new Uint8Array(readFileSync(resolve(fixturesDir, 'transfer-syntax/CTImage_j2k_lossless.dcm'))));
    const info = imageInfo(parsed.dataset);
    const cs = frameFragments(pixelElement(parsed.dataset)!, 1, parsed.dataset)[0];
    const sizEnd = 4 + ((cs[4] << 8) | cs[5]);
    let sot = sizEnd;
    while (!(cs[sot] === 0xff && cs[sot + 1] === 0x90)) sot += 2 + ((cs[sot + 2] << 8) | cs[sot + 3]);
    const psot = new DataView(cs.buffer, cs.byteOffset).getUint32(sot + 6);
    const com = cat(new Uint8Array([0xff, 0x64, 0, 14, 0, 1]), new TextEncoder().encode('Dr Nobody'), new Uint8Array(1));
    // TLM: Ztlm 0, Stlm SP=1 (32-bit lengths) ST=0 (no tile index): one entry, the tile-part's length.
    const tlm = new Uint8Array([0xff, 0x55, 0, 8, 0, 0x40, 0, 0, 0, 0]);
    new DataView(tlm.buffer).setUint32(6, psot + com.length);
    const sotSeg = cs.slice(sot, sot + 12);
    new DataView(sotSeg.buffer).setUint32(6, psot + com.length);
    const input = cat(cs.subarray(0, sizEnd), tlm, cs.subarray(sizEnd, sot), sotSeg, com, cs.subarray(sot + 12));

    const out = stripJ2kCodestream(input);
    expect(out.removed).toContain('COM in tile-part header');
    const b = out.bytes;
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let at = 2;
    let tlmValue = -1;
    while (v.getUint16(at) !== 0xff90) {
      if (v.getUint16(at) === 0xff55) tlmValue = v.getUint32(at + 6);
      at += 2 + v.getUint16(at + 2);
    }
    const newPsot = v.getUint32(at + 6);
    expect(b[at + newPsot]).toBe(0xff);
    expect(b[at + newPsot + 1]).toBe(0xd9); // the tile-part ends right at EOC
    expect(tlmValue).toBe(newPsot);
    const expected = await decodeFrame(parsed.transferSyntaxUID, cs, info);
    const got = await decodeFrame(parsed.transferSyntaxUID, b, info);
    expect(Buffer.from(got.pixels.buffer).equals(Buffer.from(expected.pixels.buffer))).toBe(true);
  });
});

describe('residual scan of what stays in compressed frames', () => {
  it('finds an identifier in a kept segment (an ICC profile of a JPEG frame)', () => {
    const parsed = readPart10(new Uint8Array(readFileSync(resolve(fixturesDir, 'transfer-syntax/JPEGBaseline_1s_1f_u_08_08.dcm'))));
    const el = pixelElement(parsed.dataset)!;
    const frame = frameFragments(el, 1, parsed.dataset)[0];
    const icc = cat(new TextEncoder().encode('ICC_PROFILE\0'), new Uint8Array([1, 1]), new TextEncoder().encode('desc Quillfeather Harriet'));
    const app2 = cat(new Uint8Array([0xff, 0xe2, (icc.length + 2) >> 8, (icc.length + 2) & 0xff]), icc);
    el.fragments = [new Uint8Array(0), cat(frame.subarray(0, 2), app2, frame.subarray(2))];
    expect(stripCodestreamText(parsed.dataset, parsed.transferSyntaxUID).warnings).toEqual([]); // ICC is kept on purpose
    const findings = scanResidual(parsed.dataset, [{ kind: KIND.patientName, value: 'Quillfeather' }]);
    expect(findings.map((f) => f.where)).toEqual(['(7FE0,0010) PixelData frame 1 codestream marker segments']);
  });
});

describe('frames re-encoded by pixel redaction', () => {
  it.each([
    ['transfer-syntax/CTImage_j2k_lossless.dcm', 'JPEG 2000 (OpenJPEG)'],
    ['transfer-syntax/HTJ2KLossless_08_RGB.dcm', 'HTJ2K (OpenJPH)'],
  ])('%s: the encoder\'s own comment segments are stripped too (%s)', async (path) => {
    const bytes = new Uint8Array(readFileSync(resolve(fixturesDir, path)));
    const sop = getString(readPart10(bytes).dataset, 0x00080018)!.trim();
    const outcome = await deidentifyFileAsync({ path: 'in.dcm', bytes }, createSession({ passphrase: 'strip tests' }), {
      plan: { version: 1, boxes: [{ id: 'b', x: 0, y: 0, width: 8, height: 8, frames: 'all', scope: { kind: 'instance', sopInstanceUID: sop }, source: 'user' }] },
    });
    expect(outcome.status).toBe('written');
    if (outcome.status !== 'written') return;
    expect(outcome.pixels?.encoding).toBe('re-encoded');
    const out = readPart10(joinParts(outcome.parts));
    const frame = frameFragments(pixelElement(out.dataset)!, 1, out.dataset)[0];
    // No COM (FF64) marker segment left in the main or tile-part headers.
    const again = stripJ2kCodestream(frame);
    expect(again.removed).toEqual([]);
  }, 120_000);
});
