/**
 * The pixel step inside the engine: built-in templates, kept overlay planes, compressed images
 * painted (never refused for being compressed), and the input never changing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSession, deidentifyFileAsync } from '../src/core/deidentify.ts';
import { readPart10 } from '../src/core/dicom/reader.ts';
import { T } from '../src/core/dicom/tags.ts';
import { getString } from '../src/core/dicom/values.ts';
import { joinParts } from '../src/core/dicom/writer.ts';
import type { WrittenOutcome } from '../src/core/outcome.ts';
import type { RedactionPlan } from '../src/core/pixels/plan.ts';
import { defaultProfile } from '../src/core/profile/profile.ts';
import { fixturesDir } from './helpers/fixtures.ts';
import { referenceDecode, sampleValue } from './helpers/reference-pixels.ts';

const load = (path: string) => new Uint8Array(readFileSync(join(fixturesDir, path)));

describe('built-in templates in the engine', () => {
  it('paint the matching CTP region when applyTemplates is on, and only then', async () => {
    const path = 'burned-in/US_philips_palette_rle_TEST.dcm'; // Philips CX50, 600 × 800
    const bytes = load(path);
    const plain = await deidentifyFileAsync({ path, bytes }, createSession({ passphrase: 't' }));
    expect((plain as WrittenOutcome).pixels).toBeUndefined();

    const outcome = (await deidentifyFileAsync({ path, bytes }, createSession({ passphrase: 't', applyTemplates: true }))) as WrittenOutcome;
    expect(outcome.status).toBe('written');
    expect(outcome.pixels?.painted).toHaveLength(1);
    expect(outcome.pixels?.painted[0]).toMatchObject({ source: 'template', rect: { x: 0, y: 0, width: 800, height: 59 }, frames: 1 });
    expect(outcome.pixels?.encoding).toBe('re-encoded');
    const out = referenceDecode(joinParts(outcome.parts));
    const first = sampleValue(out, 0, 0, 0, 0);
    for (let y = 0; y < 59; y += 7) for (let x = 0; x < 800; x += 13) expect(sampleValue(out, 0, y, x, 0)).toBe(first);
  });
});

describe('overlay planes kept by a profile override', () => {
  it('are cleared under the boxes too', async () => {
    const path = 'misc/MR-SIEMENS-DICOM-WithOverlays.dcm';
    const bytes = load(path);
    const before = readPart10(bytes).dataset.get(0x60003000)!.value.slice();
    const setBits = (v: Uint8Array) => v.reduce((n, b) => n + ((b.toString(2).match(/1/g) ?? []).length), 0);
    expect(setBits(before)).toBeGreaterThan(0);
    const sop = getString(readPart10(bytes).dataset, T.SOPInstanceUID)!;
    const plan: RedactionPlan = { version: 1, boxes: [{ id: 'all', x: 0, y: 0, width: 484, height: 484, frames: 'all', scope: { kind: 'instance', sopInstanceUID: sop }, source: 'user' }] };
    const profile = { ...defaultProfile(), overrides: { '(6000,3000)': { action: 'keep' as const } } };
    const outcome = (await deidentifyFileAsync({ path, bytes }, createSession({ passphrase: 't', profile }), { plan })) as WrittenOutcome;
    expect(outcome.status).toBe('written');
    expect(outcome.pixels?.overlayPlanesCleared).toEqual(['6000']);
    const after = readPart10(joinParts(outcome.parts)).dataset.get(0x60003000)!.value;
    expect(setBits(after)).toBe(0);
    // The input is untouched.
    expect(Buffer.compare(readPart10(bytes).dataset.get(0x60003000)!.value, before)).toBe(0);
  });

  it('are removed by the basic profile anyway', async () => {
    const path = 'misc/MR-SIEMENS-DICOM-WithOverlays.dcm';
    const outcome = (await deidentifyFileAsync({ path, bytes: load(path) }, createSession({ passphrase: 't' }))) as WrittenOutcome;
    expect(readPart10(joinParts(outcome.parts)).dataset.has(0x60003000)).toBe(false);
  });
});

describe('the engine entry point', () => {
  // There is one de-identify path, and it decodes: a compressed image with a box is painted and
  // written back in its own transfer syntax (the synchronous twin that refused these is gone).
  it('paints a box on a compressed (RLE) image and keeps it compressed', async () => {
    const path = 'transfer-syntax/CTImage_rle.dcm';
    const bytes = load(path);
    const sop = getString(readPart10(bytes).dataset, T.SOPInstanceUID)!;
    const plan: RedactionPlan = { version: 1, boxes: [{ id: 'b', x: 0, y: 0, width: 10, height: 10, frames: 'all', scope: { kind: 'instance', sopInstanceUID: sop }, source: 'user' }] };
    const outcome = (await deidentifyFileAsync({ path, bytes }, createSession({ passphrase: 't' }), { plan })) as WrittenOutcome;
    expect(outcome.status).toBe('written');
    expect(outcome.pixels?.painted).toMatchObject([{ id: 'b', rect: { x: 0, y: 0, width: 10, height: 10 }, frames: 1 }]);
    expect(outcome.pixels?.encoding).toBe('re-encoded');
    expect(outcome.transferSyntaxUID).toBe('1.2.840.10008.1.2.5');
    const out = referenceDecode(joinParts(outcome.parts));
    const fill = sampleValue(out, 0, 0, 0, 0);
    for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) expect(sampleValue(out, 0, y, x, 0)).toBe(fill);
  });

  it('never changes the input bytes', async () => {
    for (const path of ['transfer-syntax/CTImage_explicit_vr_le.dcm', 'transfer-syntax/CTImage_jpeg_baseline_p1.dcm', 'misc/overlay_bits_in_pixel_data_ovly_p01.dcm']) {
      const bytes = load(path);
      const copy = bytes.slice();
      const sop = getString(readPart10(bytes).dataset, T.SOPInstanceUID)!;
      const plan: RedactionPlan = { version: 1, boxes: [{ id: 'b', x: 0, y: 0, width: 100, height: 100, frames: 'all', scope: { kind: 'instance', sopInstanceUID: sop }, source: 'user' }] };
      const outcome = await deidentifyFileAsync({ path, bytes }, createSession({ passphrase: 't' }), { plan });
      expect(outcome.status).toBe('written');
      expect(Buffer.compare(bytes, copy), path).toBe(0);
    }
  });

  it('a box on an instance without pixels paints nothing and claims nothing', async () => {
    const path = 'non-image/reportsi_basic_text_sr.dcm';
    const bytes = load(path);
    const sop = getString(readPart10(bytes).dataset, T.SOPInstanceUID)!;
    const plan: RedactionPlan = {
      version: 1,
      boxes: [{ id: 'b', x: 0, y: 0, width: 10, height: 10, frames: 'all', scope: { kind: 'instance', sopInstanceUID: sop }, source: 'user' }],
      reviewed: { sopInstanceUIDs: [sop] },
    };
    const outcome = (await deidentifyFileAsync({ path, bytes }, createSession({ passphrase: 't' }), { plan })) as WrittenOutcome;
    expect(outcome.warnings.join('\n')).toMatch(/no image pixels; nothing painted/);
    const ds = readPart10(joinParts(outcome.parts)).dataset;
    const codes = (ds.get(T.DeidentificationMethodCodeSequence)?.items ?? []).map((i) => getString(i, T.CodeValue));
    expect(codes).not.toContain('113101');
  });
});
