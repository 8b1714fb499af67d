/**
 * Every image in ../shared/fixtures/dicom/burned-in/ through burned-in text detection, then
 * through --ocr-style redaction, then read again by an independent engine.
 *
 * For each fixture the text it holds is written down below (looked at, rendered with dcmtk's
 * dcm2pnm). `phi` lists what must end up inside an ACCEPTED (PHI) box — compared with the text
 * the box says it read, tolerating one OCR slip in long words; `gone` lists what native Tesseract
 * (Debian's tesseract-ocr, not the wasm build Veil ships) must no longer read in the redacted
 * output, and it must read none of the file's own identifiers there either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSession, deidentifyFileAsync } from '../../src/core/deidentify.ts';
import { joinParts } from '../../src/core/dicom/writer.ts';
import { readPart10 } from '../../src/core/dicom/reader.ts';
import { identifierMatches, ocrIdentifiers } from '../../src/core/detect/identifier-match.ts';
import { frameSource } from '../../src/core/detect/frames.ts';
import { createNodeOcrEngine } from '../../src/cli/ocr-node.ts';
import { checkOutput, checkWarning, detectAndPlan, type PlannedDetection } from '../../src/core/detect/pipeline.ts';
import { toGray8 } from '../../src/core/detect/render.ts';
import { displayParams } from '../../src/core/pixels/display.ts';
import type { OcrEngine } from '../../src/core/detect/ocr-engine.ts';
import { fixturesDir } from '../helpers/fixtures.ts';
import { nativeTesseractAvailable, readWithNativeTesseract } from '../helpers/tesseract-native.ts';
import { FIXTURES, labelHas } from './fixture-expectations.ts';
import { readableSecrets } from './measure.ts';
import { makeSynthetic } from './synthetic-images.ts';

const dir = path.join(fixturesDir, 'burned-in');
let engine: OcrEngine;
const summary: string[] = [];

beforeAll(() => {
  engine = createNodeOcrEngine({ workers: 2 });
});
afterAll(async () => {
  await engine.terminate();
  console.log(`burned-in fixtures (PHI boxes / all boxes, seconds):\n${summary.join('\n')}`);
});

describe('burned-in text detection on every burned-in fixture', () => {
  it('has a written-down expectation for every fixture in the folder', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(dir).filter((f) => f.endsWith('.dcm')).sort();
    expect(files).toEqual(FIXTURES.map((f) => f.file).sort());
  });

  for (const fx of FIXTURES) {
    it(`${fx.file}: PHI boxes found, and nothing identifying readable after redaction`, async () => {
      const bytes = new Uint8Array(readFileSync(path.join(dir, fx.file)));
      const started = performance.now();
      const detected: PlannedDetection = await detectAndPlan(engine, [{ path: fx.file, bytes }]);
      const seconds = (performance.now() - started) / 1000;
      const accepted = detected.plan.boxes.filter((b) => b.status === 'accepted');
      const labels = accepted.map((b) => b.label ?? '');
      summary.push(`  ${fx.file.padEnd(44)} ${String(accepted.length).padStart(2)} / ${String(detected.plan.boxes.length).padStart(2)}  ${seconds.toFixed(2)} s`);

      expect(detected.instances).toHaveLength(1);
      expect(detected.instances[0].skipped).toBeUndefined();
      for (const want of fx.phi) {
        expect(labels.some((l) => labelHas(l, want)), `"${want}" in a PHI box; PHI boxes: ${labels.join(' || ')}`).toBe(true);
      }
      if (fx.phi.length === 0) expect(labels, 'no PHI in this image').toEqual([]);
      for (const b of detected.plan.boxes) {
        expect(b.source).toBe('ocr');
        expect(b.scope.kind).toBe('instance');
      }

      // --ocr: paint the accepted boxes, de-identify, read the output again.
      const session = createSession();
      const outcome = await deidentifyFileAsync({ path: fx.file, bytes }, session, { plan: detected.plan });
      expect(outcome.status, outcome.status === 'written' ? '' : (outcome as { reason: string }).reason).toBe('written');
      if (outcome.status !== 'written') return;
      const out = joinParts(outcome.parts);
      const ids = detected.identifiers.get(fx.file)!;
      const check = await checkOutput(engine, out, ids);
      expect(check.findings, JSON.stringify(check.findings)).toEqual([]);

      const parsed = readPart10(out);
      const source = frameSource(parsed.dataset, parsed.transferSyntaxUID);
      const params = displayParams(parsed.dataset);
      const frames = [...new Set([0, source.frameCount - 1])];
      let native = '';
      for (const f of frames) native += `${readWithNativeTesseract(toGray8(await source.frame(f), params))}\n`;
      expect(readableSecrets(native, fx.gone), `native Tesseract still reads these in:\n${native}`).toEqual([]);
      const leaked = native.split('\n').flatMap((line) => identifierMatches(line, ids).map((i) => `${i.kind} ${i.value} in "${line}"`));
      expect(leaked, 'identifiers native Tesseract reads in the redacted output').toEqual([]);
    });
  }
});

describe('the check after redaction', () => {
  it('blocks an output whose burned-in identifiers were not painted over', async () => {
    const file = 'US_rgb_deid_no_BIA.dcm';
    const bytes = new Uint8Array(readFileSync(path.join(dir, file)));
    const outcome = await deidentifyFileAsync({ path: file, bytes }, createSession());
    expect(outcome.status).toBe('written');
    if (outcome.status !== 'written') return;
    const ids = ocrIdentifiers(readPart10(bytes).dataset);
    const check = await checkOutput(engine, joinParts(outcome.parts), ids);
    const kinds = check.findings.flatMap((f) => f.kinds);
    expect(kinds.some((k) => k.startsWith('patient name part')), JSON.stringify(check.findings)).toBe(true);
    expect(kinds.some((k) => k.startsWith('accession number')), JSON.stringify(check.findings)).toBe(true);
    expect(checkWarning(check)).toMatch(/^BLOCKING: /);
  });
});

describe('the check after redaction: contacts the header never named', () => {
  it('blocks an output that still shows a phone number or an e-mail address, and names only their kinds', async () => {
    // A 640×480 screen with a phone and an e-mail printed, none of it in the header, and a
    // clinical overlay; de-identified without any box, as if detection had missed them.
    const image = makeSynthetic({
      name: 'contacts', width: 640, height: 480, font: 'DejaVu-Sans', pointSize: 14, kind: 'gray8',
      background: { r: 0, g: 0, b: 0 }, foreground: { r: 235, g: 235, b: 235 },
      items: [
        { text: 'Tel 0161 496 0732', phi: true, x: 20, y: 20 },
        { text: 'j.smith@example.org', phi: true, x: 20, y: 430 },
        { text: 'Kidney L 10.2 cm', phi: false, x: 440, y: 20 },
      ],
    });
    const outcome = await deidentifyFileAsync({ path: 'contacts.dcm', bytes: image.bytes }, createSession());
    expect(outcome.status).toBe('written');
    if (outcome.status !== 'written') return;
    const check = await checkOutput(engine, joinParts(outcome.parts), ocrIdentifiers(readPart10(image.bytes).dataset));
    const kinds = check.findings.flatMap((f) => f.kinds);
    expect(kinds, JSON.stringify(check.findings)).toEqual(expect.arrayContaining(['free text: phone', 'free text: email']));
    const warning = checkWarning(check) ?? '';
    expect(warning).toMatch(/^BLOCKING: identifying burned-in text is still readable after redaction: .*free text: phone/);
    // The warning goes into the report, which ships with the data: kinds, never the text.
    for (const secret of ['0161', '0732', 'smith', 'example']) expect(warning).not.toContain(secret);
  });
});

describe('native Tesseract is there for the after-redaction check', () => {
  it('is installed (Debian package tesseract-ocr)', () => {
    expect(nativeTesseractAvailable()).toBe(true);
  });
});
