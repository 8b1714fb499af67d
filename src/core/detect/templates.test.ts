import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OUTPUT, SCRIPTS, buildTemplates, parseScript, parseSignature, readScripts } from '../../../scripts/generate-ctp-templates.ts';
import { repoRoot } from '../../../scripts/standard-source.ts';
import { evaluate, matchingTemplates, templatesFor, TEMPLATES } from './templates.ts';

describe('built-in device templates (RSNA CTP pixel anonymizer scripts)', () => {
  const texts = readScripts();

  it('the generated file is what the generator makes from the scripts now', () => {
    expect(readFileSync(`${repoRoot}/${OUTPUT}`, 'utf8')).toBe(buildTemplates(texts).source);
  });

  it('keeps the licence notice', () => {
    const source = readFileSync(`${repoRoot}/${OUTPUT}`, 'utf8');
    expect(source).toMatch(/© Radiological Society of North America, RSNA Public License/);
    expect(source).toMatch(/RSNA-PUBLIC-LICENSE\.txt/);
  });

  it('parses every signature of both scripts and unites them', () => {
    const { counts } = buildTemplates(texts);
    expect(counts[SCRIPTS[0]]).toBe(52);
    expect(counts[SCRIPTS[1]]).toBe(44);
    expect(counts.templates).toBe(TEMPLATES.length);
    expect(TEMPLATES.length).toBe(54); // 42 in both, 10 only in the newer script, 2 only in the older
    // Every region of every entry of either script is in the union, under the same signature.
    for (const name of SCRIPTS) {
      for (const e of parseScript(texts[name])) {
        const t = TEMPLATES.find((x) => x.signature.replace(/\s+/g, '') === e.signature.replace(/\s+/g, ''));
        expect(t, e.signature).toBeDefined();
        for (const r of e.regions) expect(t!.regions).toContainEqual(r);
      }
    }
    // The one signature whose region differs between the scripts keeps both regions.
    const logiq = TEMPLATES.find((t) => t.signature.includes('LOGIQ9'))!;
    expect(logiq.regions).toEqual([[0, 0, 640, 40], [60, 0, 606, 60]]);
    expect(logiq.sources).toEqual([...SCRIPTS]);
  });

  it('summarises what a device scope can say and keeps the rest as text', () => {
    const iu22 = TEMPLATES.find((t) => t.signature.includes('iU22') && t.signature.includes('"480"'))!;
    expect(iu22.device).toEqual({ model: 'iU22', rows: 480 });
    expect(iu22.otherConditions).toEqual([]);
    const siemensCt = TEMPLATES.find((t) => t.label.startsWith('SIEMENS / CT Dose'))!;
    expect(siemensCt.device).toMatchObject({ modality: 'CT', manufacturer: 'SIEMENS', rows: 860 });
    expect(siemensCt.otherConditions).toEqual(['ImageType.containsIgnoreCase("SECONDARY")']);
  });

  it('evaluates and, or, not, tags in brackets, and says "unknown" rather than guess', () => {
    const e = parseSignature('Manufacturer.containsIgnoreCase("acme") * ( [0008,103E].contains("A") + !SeriesDescription.equals("B") )');
    expect(evaluate(e, { manufacturer: 'ACME Corp', rows: 1, columns: 1, attribute: () => 'B' })).toBe(false);
    expect(evaluate(e, { manufacturer: 'ACME Corp', rows: 1, columns: 1, attribute: () => 'xAx' })).toBe(true);
    expect(evaluate(e, { manufacturer: 'ACME Corp', rows: 1, columns: 1 })).toBeUndefined();
    expect(evaluate(e, { manufacturer: 'Other', rows: 1, columns: 1 })).toBe(false);
    expect(() => parseSignature('Foo.contains("x")')).toThrow(/unknown attribute keyword "Foo"/);
  });

  it('proposes boxes for a matching device, scoped to that device', () => {
    const boxes = templatesFor({ manufacturer: 'Philips Medical Systems', model: 'iU22 xMATRIX', rows: 480, columns: 640, modality: 'US', attribute: () => '' });
    expect(boxes).toHaveLength(1);
    expect(boxes[0]).toMatchObject({
      x: 0, y: 0, width: 640, height: 47, frames: 'all', source: 'template', status: 'proposed',
      scope: { kind: 'device', manufacturer: 'Philips Medical Systems', model: 'iU22 xMATRIX', rows: 480, columns: 640 },
    });
    expect(templatesFor({ manufacturer: 'Philips', model: 'iU22', rows: 481, columns: 640, attribute: () => '' })).toEqual([]);
  });

  it('without other attributes, a template that needs them is not proposed (the app passes them)', () => {
    const subject = { manufacturer: 'SIEMENS', model: 'Biograph', rows: 512, columns: 512, modality: 'PT' };
    expect(matchingTemplates(subject).map((t) => t.id)).toEqual([]);
    expect(matchingTemplates({ ...subject, attribute: (tag: number) => (tag === 0x60000022 ? 'Siemens MedCom Object Graphics' : '') }).map((t) => t.label))
      .toEqual(['SIEMENS / This is an overlay']);
  });
});
