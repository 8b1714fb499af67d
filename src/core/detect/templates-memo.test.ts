import { describe, expect, it } from 'vitest';
import { TEMPLATES, matchingTemplates, type TemplateSubject } from './templates.ts';

/** Subjects from the templates' own devices (so that many match), and variations that do not. */
function subjects(): TemplateSubject[] {
  const out: TemplateSubject[] = [];
  for (const t of TEMPLATES) {
    const { manufacturer, model, rows = 512, columns = 512, modality } = t.device;
    out.push({ manufacturer, model, rows, columns, modality, attribute: () => '' });
    out.push({ manufacturer, model, rows: rows + 1, columns, modality, attribute: () => '' });
    out.push({ manufacturer, model, rows, columns, modality, attribute: () => undefined });
    out.push({ manufacturer: manufacturer?.toUpperCase(), model, rows, columns, attribute: (tag) => (tag === 0x00080070 ? 'x' : 'ORIGINAL') });
  }
  return out;
}

describe('built-in templates, matched once per distinct set of tested values', () => {
  it('match exactly what evaluating every template for every image matches', () => {
    let matched = 0;
    for (const s of [...subjects(), ...subjects()]) {
      const remembered = matchingTemplates(s).map((t) => t.id);
      // A copy of the list is not the built-in one: evaluated every time, as before.
      expect(remembered).toEqual(matchingTemplates(s, [...TEMPLATES]).map((t) => t.id));
      if (remembered.length) matched++;
    }
    expect(matched).toBeGreaterThan(TEMPLATES.length);
  });

  it('an attribute that cannot be read is evaluated as before, template by template', () => {
    const t = TEMPLATES.find((x) => x.device.manufacturer && x.device.rows)!;
    const s: TemplateSubject = {
      manufacturer: t.device.manufacturer, model: t.device.model, rows: t.device.rows!, columns: t.device.columns ?? 512, modality: t.device.modality,
      attribute: () => { throw new Error('unreadable'); },
    };
    let direct: unknown;
    try {
      direct = matchingTemplates(s, [...TEMPLATES]).map((x) => x.id);
    } catch (e) {
      direct = (e as Error).message;
    }
    let remembered: unknown;
    try {
      remembered = matchingTemplates(s).map((x) => x.id);
    } catch (e) {
      remembered = (e as Error).message;
    }
    expect(remembered).toEqual(direct);
  });
});
