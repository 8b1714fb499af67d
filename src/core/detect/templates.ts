/**
 * Built-in device templates: regions where known devices burn text into their images (RSNA
 * CTP's pixel anonymizer scripts, both versions, merged; see templates.generated.ts and
 * scripts/generate-ctp-templates.ts). When an image matches a template, its regions are
 * proposed as redaction boxes (source "template", status "proposed"): a person accepts them in
 * the app, or the engine paints them directly when asked to (`applyTemplates`).
 *
 * Unlike CTP, which blanks the regions of the FIRST matching signature only, every matching
 * template proposes its regions (identical boxes once): more protective, and a person reviews.
 */
import type { Dataset } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { elementText, getNumber } from '../dicom/values.ts';
import type { BoxScope, RedactionBox } from '../pixels/plan.ts';
import { CTP_TEMPLATES } from './templates.generated.ts';
import { readImagePixel } from '../pixels/image-pixel.ts';

export type TemplateMethod =
  | 'equals' | 'equalsIgnoreCase' | 'contains' | 'containsIgnoreCase'
  | 'startsWith' | 'startsWithIgnoreCase' | 'endsWith' | 'endsWithIgnoreCase' | 'matches';

export type TemplateCondition =
  | { op: 'and'; args: TemplateCondition[] }
  | { op: 'or'; args: TemplateCondition[] }
  | { op: 'not'; arg: TemplateCondition }
  | { op: 'test'; tag: number; keyword: string; method: TemplateMethod; value: string };

export interface DeviceTemplate {
  id: string;
  /** Script section: CT, PET/CT, US, CR / DR, NM, OTHER. */
  section: string;
  /** The script's comment above the entry (vendor, device, what the image is). */
  label: string;
  /** Which CTP script(s) the template came from. */
  sources: readonly string[];
  /** The signature as written in the script. */
  signature: string;
  condition: TemplateCondition;
  /** What a device scope can express: "contains" for manufacturer and model, exact rows and columns. */
  device: { modality?: string; manufacturer?: string; model?: string; rows?: number; columns?: number };
  /** Parts of the condition a device scope cannot express (kept as text, evaluated by the engine). */
  otherConditions: readonly string[];
  /** (x, y, width, height) in pixels. */
  regions: readonly (readonly [number, number, number, number])[];
}

export const TEMPLATES: readonly DeviceTemplate[] = CTP_TEMPLATES;

/** What an image offers to match against. */
export interface TemplateSubject {
  manufacturer?: string;
  model?: string;
  rows: number;
  columns: number;
  modality?: string;
  /**
   * Any other attribute, by tag: its text value ('' when the image does not have it), or
   * undefined when the caller cannot tell. A condition on an attribute nobody can tell about is
   * unknown, and a template whose match stays unknown is not proposed.
   */
  attribute?: (tag: number) => string | undefined;
}

function valueOf(s: TemplateSubject, tag: number): string | undefined {
  switch (tag) {
    case T.Manufacturer: if (s.manufacturer !== undefined) return s.manufacturer; break;
    case T.ManufacturerModelName: if (s.model !== undefined) return s.model; break;
    case T.Rows: return String(s.rows);
    case T.Columns: return String(s.columns);
    case T.Modality: if (s.modality !== undefined) return s.modality; break;
  }
  return s.attribute?.(tag);
}

function test(method: TemplateMethod, actual: string, expected: string): boolean {
  const a = actual.toLowerCase();
  const e = expected.toLowerCase();
  switch (method) {
    case 'equals': return actual === expected;
    case 'equalsIgnoreCase': return a === e;
    case 'contains': return actual.includes(expected);
    case 'containsIgnoreCase': return a.includes(e);
    case 'startsWith': return actual.startsWith(expected);
    case 'startsWithIgnoreCase': return a.startsWith(e);
    case 'endsWith': return actual.endsWith(expected);
    case 'endsWithIgnoreCase': return a.endsWith(e);
    case 'matches': try { return new RegExp(`^(?:${expected})$`).test(actual); } catch { return false; }
  }
}

/** Three-valued evaluation: true, false, or undefined (not enough known). */
export function evaluate(c: TemplateCondition, s: TemplateSubject): boolean | undefined {
  switch (c.op) {
    case 'test': {
      const v = valueOf(s, c.tag);
      return v === undefined ? undefined : test(c.method, v.trim(), c.value);
    }
    case 'not': {
      const v = evaluate(c.arg, s);
      return v === undefined ? undefined : !v;
    }
    case 'and': {
      let unknown = false;
      for (const a of c.args) {
        const v = evaluate(a, s);
        if (v === false) return false;
        if (v === undefined) unknown = true;
      }
      return unknown ? undefined : true;
    }
    case 'or': {
      let unknown = false;
      for (const a of c.args) {
        const v = evaluate(a, s);
        if (v === true) return true;
        if (v === undefined) unknown = true;
      }
      return unknown ? undefined : false;
    }
  }
}

/** Templates whose signature matches the image. */
export function matchingTemplates(subject: TemplateSubject, templates: readonly DeviceTemplate[] = TEMPLATES): DeviceTemplate[] {
  if (templates !== TEMPLATES) return templates.filter((t) => evaluate(t.condition, subject) === true);
  // The built-in templates test 14 attributes: images that agree on them (every image of a
  // series, of a device) match the same templates, worked out once (the engine asks for every file).
  builtInTags ??= testedTags(TEMPLATES);
  let key: string;
  try {
    key = JSON.stringify(builtInTags.map((tag) => valueOf(subject, tag) ?? null));
  } catch {
    // An attribute that cannot be read (a number of the wrong length): evaluated as before,
    // where only the templates that get as far as that attribute fail on it.
    return TEMPLATES.filter((t) => evaluate(t.condition, subject) === true);
  }
  let found = builtInMatches.get(key);
  if (!found) {
    found = TEMPLATES.filter((t) => evaluate(t.condition, subject) === true);
    if (builtInMatches.size >= MATCH_CACHE_LIMIT) builtInMatches.clear();
    builtInMatches.set(key, found);
  }
  return [...found];
}

let builtInTags: number[] | undefined;
const builtInMatches = new Map<string, DeviceTemplate[]>();
const MATCH_CACHE_LIMIT = 1000;

/** Every attribute a template condition tests (evaluate reads nothing else of the subject). */
function testedTags(templates: readonly DeviceTemplate[]): number[] {
  const tags = new Set<number>();
  const visit = (c: TemplateCondition): void => {
    if (c.op === 'test') tags.add(c.tag);
    else if (c.op === 'not') visit(c.arg);
    else c.args.forEach(visit);
  };
  for (const t of templates) visit(t.condition);
  return [...tags];
}

/**
 * Proposed boxes for an image: every region of every matching template, clipped to nothing
 * (the painter clips), identical rectangles once. Scope: every image of this device signature
 * (the image's own manufacturer, model, rows and columns), frames all.
 */
export function templatesFor(subject: TemplateSubject, templates: readonly DeviceTemplate[] = TEMPLATES): RedactionBox[] {
  const scope: BoxScope = { kind: 'device', rows: subject.rows, columns: subject.columns };
  if (subject.manufacturer !== undefined) scope.manufacturer = subject.manufacturer;
  if (subject.model !== undefined) scope.model = subject.model;
  const device = `${subject.manufacturer ?? ''}|${subject.model ?? ''}|${subject.columns}x${subject.rows}`;
  const seen = new Set<string>();
  const boxes: RedactionBox[] = [];
  for (const t of matchingTemplates(subject, templates)) {
    t.regions.forEach(([x, y, width, height], k) => {
      const key = `${x},${y},${width},${height}`;
      if (seen.has(key)) return;
      seen.add(key);
      boxes.push({
        id: `template:${t.id}:${k}:${device}`,
        x, y, width, height,
        frames: 'all',
        scope: { ...scope },
        source: 'template',
        status: 'proposed',
        label: `CTP ${t.section}: ${t.label}`.slice(0, 200),
      });
    });
  }
  return boxes;
}

/** A subject that reads any attribute from an original dataset (and its file meta, for group 0002). */
export function subjectFromDataset(ds: Dataset, meta?: Dataset): TemplateSubject {
  const text = (tag: number): string => {
    const source = tag >>> 16 === 0x0002 ? meta : ds;
    const el = source?.get(tag);
    return el && source ? elementText(el, source.charset).trim() : '';
  };
  return {
    manufacturer: text(T.Manufacturer),
    model: text(T.ManufacturerModelName),
    rows: readImagePixel(ds).rows ?? 0,
    columns: readImagePixel(ds).columns ?? 0,
    modality: text(T.Modality),
    attribute: (tag) => {
      if (tag >>> 16 === 0x0002 && !meta) return undefined;
      const el = (tag >>> 16 === 0x0002 ? meta : ds)?.get(tag);
      if (!el) return '';
      // Binary numbers (US, SS, …) as decimal text, the way CTP compares them.
      if (['US', 'SS', 'UL', 'SL', 'FL', 'FD'].includes(el.vr)) return String(getNumber(tag >>> 16 === 0x0002 ? meta! : ds, tag) ?? '');
      return text(tag);
    },
  };
}
