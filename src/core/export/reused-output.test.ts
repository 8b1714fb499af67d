/**
 * De-identify once: the output load keeps for a file, under the options export will use, is the
 * export's output — the same bytes, CRC, report outcome and mapping records as de-identifying
 * the whole file again — and the options key cannot be made from anything it cannot see.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSession, deidentifyFileAsync, type Session, type SessionOptions } from '../deidentify.ts';
import { readPart10 } from '../dicom/reader.ts';
import { joinParts } from '../dicom/writer.ts';
import { deriveSessionKey } from '../header/keys.ts';
import { crc32 } from './crc32.ts';
import { MappingLog } from './mapping.ts';
import { canonicalJson, keepOutput, keptPieces, optionsKey } from './reused-output.ts';
import { findReusedPixels, pixelsChanged } from './reused-pixels.ts';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/dicom/', import.meta.url));
const read = (name: string) => new Uint8Array(readFileSync(FIXTURES + name));
const key = deriveSessionKey('kept-output-test');
/** The shape of the app's export options: an empty plan, pixel review required. */
const options: SessionOptions = { key, plan: { version: 1, boxes: [] }, pixelReview: { require: true } };

describe('de-identify once: the kept output', () => {
  it('is byte for byte what de-identifying the whole file again writes, with the same report row and mapping', async () => {
    const file = read('transfer-syntax/CTImage_explicit_vr_le.dcm');
    // Load: its own mapping log per file, as the engine worker does.
    const loadSession = createSession(options);
    const perFile: Session = { ...loadSession, mapping: new MappingLog() };
    const loaded = await deidentifyFileAsync({ path: 'study/ct.dcm', bytes: file }, perFile);
    if (loaded.status !== 'written') throw new Error(loaded.reason);
    const reused = findReusedPixels(file, readPart10(file), loaded.parts, pixelsChanged(loaded.pixels));
    expect(reused).toBeDefined();
    const { parts, ...outcome } = loaded;
    const kept = keepOutput(file, reused!, parts, { key: 'k', outcome, mapping: perFile.mapping!.snapshot() });
    expect(kept).toBeDefined();
    // Only the header is held: the pixels stay a range of the input.
    expect(kept!.before.length + kept!.after.length).toBeLessThan(10_000);

    // Export, as before: a fresh session, the whole file read.
    const exportSession = createSession(options);
    const direct = await deidentifyFileAsync({ path: 'study/ct.dcm', bytes: file }, exportSession);
    if (direct.status !== 'written') throw new Error(direct.reason);
    const expected = joinParts(direct.parts);
    const pieces = keptPieces(kept!, reused!);
    const bytes = joinParts(pieces.map((p) => (p instanceof Uint8Array ? p : file.subarray(p.start, p.end))));
    expect(Buffer.compare(bytes, expected)).toBe(0);
    expect(kept!.crc).toBe(crc32(expected));
    const { parts: _p, ...directOutcome } = direct;
    expect(kept!.outcome).toEqual(directOutcome);
    expect(kept!.mapping).toEqual(exportSession.mapping!.snapshot());
    expect(kept!.mapping!.patients.length).toBe(1);
  });

  it('is not kept when the output does not hold the reused pixel range as it is', async () => {
    const file = read('transfer-syntax/CTImage_explicit_vr_le.dcm');
    const out = await deidentifyFileAsync({ path: 'x.dcm', bytes: file }, createSession(options));
    if (out.status !== 'written') throw new Error(out.reason);
    const reused = findReusedPixels(file, readPart10(file), out.parts, false)!;
    const facts = { key: 'k', outcome: { ...out, parts: undefined } };
    // A range that is not where the output took the pixels from.
    expect(keepOutput(file, { ...reused, start: reused.start + 2 }, out.parts, facts)).toBeUndefined();
    // An output without a view of the input (pixels copied, painted…).
    expect(keepOutput(file, reused, out.parts.map((p) => p.slice()), facts)).toBeUndefined();
  });
});

describe('the options key', () => {
  it('does not depend on the order of fields, and treats an undefined field as absent', () => {
    expect(canonicalJson({ a: 1, b: { c: [1, 'x'], d: undefined } })).toBe(canonicalJson({ b: { c: [1, 'x'] }, a: 1 }));
    expect(optionsKey(key, { a: 1, b: 2 }, 'p')).toBe(optionsKey(key, { b: 2, a: 1 }, 'p'));
  });

  it('changes with the session key, the path, and any value anywhere in the options', () => {
    const base = optionsKey(key, { plan: { boxes: [{ x: 1 }] }, bytes: new Uint8Array([1, 2]) }, 'p');
    expect(optionsKey(deriveSessionKey('another'), { plan: { boxes: [{ x: 1 }] }, bytes: new Uint8Array([1, 2]) }, 'p')).not.toBe(base);
    expect(optionsKey(key, { plan: { boxes: [{ x: 1 }] }, bytes: new Uint8Array([1, 2]) }, 'q')).not.toBe(base);
    expect(optionsKey(key, { plan: { boxes: [{ x: 2 }] }, bytes: new Uint8Array([1, 2]) }, 'p')).not.toBe(base);
    expect(optionsKey(key, { plan: { boxes: [{ x: 1 }] }, bytes: new Uint8Array([1, 3]) }, 'p')).not.toBe(base);
    expect(optionsKey(key, { plan: { boxes: [{ x: 1 }] }, bytes: new Uint16Array([1, 2]) }, 'p')).not.toBe(base);
    expect(optionsKey(key, { plan: { boxes: [{ x: 1 }] }, bytes: new Uint8Array([1, 2]), extra: false }, 'p')).not.toBe(base);
  });

  it('refuses what it cannot see into, rather than key it by nothing', () => {
    expect(() => canonicalJson({ f: () => 1 })).toThrow();
    expect(() => canonicalJson({ when: new Date(0) })).toThrow();
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
    class Hidden {
      constructor(readonly secret = 1) {}
    }
    expect(() => canonicalJson(new Hidden())).toThrow();
  });
});
