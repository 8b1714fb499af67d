/**
 * Generates src/core/detect/templates.generated.ts — built-in device templates (known regions of
 * burned-in text by manufacturer, model and image size) — from RSNA CTP's two pixel anonymizer
 * scripts in ../shared/standard/ctp/:
 *
 *   DicomPixelAnonymizer.script          (the script CTP is configured with; 52 signatures)
 *   example-dicom-pixel-anonymizer.script (CTP's fallback, an older version; 44 signatures)
 *
 * Script format: section banners (CT, PET/CT, US, ...) between lines of asterisks; every entry
 * is `{ signature } (x,y,w,h) (x,y,w,h) ...`; all other text is comment. A signature is a
 * boolean expression over header attributes — `Keyword.method("value")` or
 * `[gggg,eeee].method("value")`, combined with `*` (and), `+` (or), `!` (not) and parentheses.
 *
 * Output: the union of both scripts. Entries with the same signature are merged (their regions
 * united, duplicates dropped), so a template lists every source it came from. Each template
 * keeps its parsed condition (which the engine evaluates), the raw signature text, and a
 * summary of what a device scope can express (manufacturer, model, rows, columns, modality);
 * conditions on other attributes are listed as text in `otherConditions`.
 *
 * Run: `npx tsx scripts/generate-ctp-templates.ts` (prints counts). The build function is pure
 * and exported so a test can regenerate in memory and compare with the file on disk.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DICTIONARY_EXACT } from '../src/core/dicom/dictionary.generated.ts';
import { standardDir, writeGenerated } from './standard-source.ts';

export const SCRIPTS = ['DicomPixelAnonymizer.script', 'example-dicom-pixel-anonymizer.script'] as const;
export const OUTPUT = 'src/core/detect/templates.generated.ts';

export type Method =
  | 'equals' | 'equalsIgnoreCase' | 'contains' | 'containsIgnoreCase'
  | 'startsWith' | 'startsWithIgnoreCase' | 'endsWith' | 'endsWithIgnoreCase' | 'matches';
const METHODS = new Set<string>(['equals', 'equalsIgnoreCase', 'contains', 'containsIgnoreCase', 'startsWith', 'startsWithIgnoreCase', 'endsWith', 'endsWithIgnoreCase', 'matches']);

export type Expr =
  | { op: 'and'; args: Expr[] }
  | { op: 'or'; args: Expr[] }
  | { op: 'not'; arg: Expr }
  | { op: 'test'; tag: number; keyword: string; method: Method; value: string };

export interface ParsedEntry {
  section: string;
  label: string;
  signature: string;
  condition: Expr;
  regions: [number, number, number, number][];
}

const KEYWORD_TO_TAG = new Map<string, number>(Object.entries(DICTIONARY_EXACT).map(([tag, e]) => [e[1], Number(tag)]));

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');
const tagText = (tag: number): string => `(${hex4(Math.floor(tag / 0x10000))},${hex4(tag & 0xffff)})`;

/** Recursive-descent parser for one signature. */
export function parseSignature(text: string): Expr {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (what: string): never => {
    throw new Error(`signature ${JSON.stringify(text.trim())}: ${what} at character ${i}`);
  };
  const expr = (): Expr => {
    const args = [term()];
    ws();
    while (text[i] === '+') {
      i++;
      args.push(term());
      ws();
    }
    return args.length === 1 ? args[0] : { op: 'or', args };
  };
  const term = (): Expr => {
    const args = [factor()];
    ws();
    while (text[i] === '*') {
      i++;
      args.push(factor());
      ws();
    }
    return args.length === 1 ? args[0] : { op: 'and', args };
  };
  const factor = (): Expr => {
    ws();
    if (text[i] === '!') {
      i++;
      return { op: 'not', arg: factor() };
    }
    if (text[i] === '(') {
      i++;
      const e = expr();
      ws();
      if (text[i] !== ')') fail('expected ")"');
      i++;
      return e;
    }
    return test();
  };
  const test = (): Expr => {
    ws();
    let tag: number;
    let keyword: string;
    if (text[i] === '[') {
      const m = /^\[([0-9a-fA-F]{4}),([0-9a-fA-F]{4})\]/.exec(text.slice(i));
      if (!m) return fail('expected [gggg,eeee]');
      tag = parseInt(m[1], 16) * 0x10000 + parseInt(m[2], 16);
      keyword = DICTIONARY_EXACT[tag]?.[1] ?? tagText(tag);
      i += m[0].length;
    } else {
      const m = /^[A-Za-z][A-Za-z0-9]*/.exec(text.slice(i));
      if (!m) return fail('expected an attribute keyword');
      keyword = m[0];
      const t = KEYWORD_TO_TAG.get(keyword);
      if (t === undefined) return fail(`unknown attribute keyword "${keyword}"`);
      tag = t;
      i += m[0].length;
    }
    if (text[i] !== '.') fail('expected "."');
    i++;
    const mm = /^[A-Za-z]+/.exec(text.slice(i));
    if (!mm || !METHODS.has(mm[0])) return fail(`unknown method "${mm?.[0] ?? ''}"`);
    i += mm[0].length;
    ws();
    if (text[i] !== '(') fail('expected "("');
    i++;
    ws();
    const sm = /^"((?:[^"\\]|\\.)*)"/.exec(text.slice(i));
    if (!sm) return fail('expected a quoted value');
    i += sm[0].length;
    ws();
    if (text[i] !== ')') fail('expected ")"');
    i++;
    return { op: 'test', tag, keyword, method: mm[0] as Method, value: sm[1].replace(/\\(.)/g, '$1') };
  };
  const e = expr();
  ws();
  if (i < text.length) fail('unexpected text');
  return e;
}

/** Entries of one script, in order. */
export function parseScript(text: string): ParsedEntry[] {
  const entries: ParsedEntry[] = [];
  const lines = text.replace(/\r\n?/g, '\n');
  let section = '';
  let comment: string[] = [];
  let lastLabel = '';
  let i = 0;
  const flushComment = (chunk: string) => {
    const parts = chunk.split('\n').map((l) => l.trim()).filter((l) => l);
    for (let k = 0; k < parts.length; k++) {
      const l = parts[k];
      if (/^\*+$/.test(l)) {
        // A banner: asterisks, the section name, asterisks.
        if (k + 2 < parts.length + 1 && parts[k + 1] && !/^\*+$/.test(parts[k + 1]) && /^\*+$/.test(parts[k + 2] ?? '')) {
          section = parts[k + 1];
          comment = [];
          lastLabel = '';
          k += 2;
        }
        continue;
      }
      comment.push(l);
    }
  };
  while (i < lines.length) {
    const open = lines.indexOf('{', i);
    if (open < 0) break;
    flushComment(lines.slice(i, open));
    const close = lines.indexOf('}', open);
    if (close < 0) throw new Error(`unclosed "{" at character ${open}`);
    const signature = lines.slice(open + 1, close).replace(/\s+/g, ' ').trim();
    let at = close + 1;
    const regions: [number, number, number, number][] = [];
    const region = /^\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)/;
    for (let m = region.exec(lines.slice(at)); m; m = region.exec(lines.slice(at))) {
      regions.push([Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])]);
      at += m[0].length;
    }
    if (regions.length === 0) throw new Error(`signature {${signature}} has no (x,y,w,h) region after it`);
    if (!section) throw new Error(`signature {${signature}} comes before any section banner`);
    // Only the comment lines since the banner matter once a section starts: the script's header is not a label.
    const label = comment.length ? comment.join(' / ') : lastLabel;
    entries.push({ section, label, signature, condition: parseSignature(signature), regions });
    lastLabel = label;
    comment = [];
    i = at;
  }
  return entries;
}

export interface DeviceSummary {
  modality?: string;
  manufacturer?: string;
  model?: string;
  rows?: number;
  columns?: number;
}

/** What a device scope can say about a condition: only the top-level "and" of simple tests. */
export function summarize(e: Expr): { device: DeviceSummary; other: string[] } {
  const device: DeviceSummary = {};
  const other: string[] = [];
  const parts = e.op === 'and' ? e.args : [e];
  for (const p of parts) {
    if (p.op === 'test') {
      const ci = p.method === 'containsIgnoreCase' || p.method === 'contains' || p.method === 'equals' || p.method === 'equalsIgnoreCase';
      if (p.keyword === 'Manufacturer' && ci && device.manufacturer === undefined) { device.manufacturer = p.value; continue; }
      if (p.keyword === 'ManufacturerModelName' && ci && device.model === undefined) { device.model = p.value; continue; }
      if (p.keyword === 'Modality' && ci && device.modality === undefined) { device.modality = p.value; continue; }
      if ((p.keyword === 'Rows' || p.keyword === 'Columns') && p.method === 'equals' && /^\d+$/.test(p.value)) {
        device[p.keyword === 'Rows' ? 'rows' : 'columns'] = Number(p.value);
        continue;
      }
    }
    other.push(exprText(p));
  }
  return { device, other };
}

export function exprText(e: Expr): string {
  switch (e.op) {
    case 'and': return e.args.map((a) => (a.op === 'or' ? `(${exprText(a)})` : exprText(a))).join(' * ');
    case 'or': return e.args.map(exprText).join(' + ');
    case 'not': return `!${e.arg.op === 'test' ? exprText(e.arg) : `(${exprText(e.arg)})`}`;
    case 'test': return `${e.keyword}.${e.method}(${JSON.stringify(e.value)})`;
  }
}

export interface UnionTemplate extends ParsedEntry {
  id: string;
  sources: string[];
}

/** Union of the scripts' entries, merged by signature (canonical text), in first-seen order. */
export function unite(scripts: { name: string; entries: ParsedEntry[] }[]): UnionTemplate[] {
  const byKey = new Map<string, UnionTemplate>();
  for (const { name, entries } of scripts) {
    for (const e of entries) {
      const key = exprText(e.condition);
      const have = byKey.get(key);
      if (!have) {
        byKey.set(key, { ...e, regions: [...e.regions], id: '', sources: [name] });
        continue;
      }
      if (!have.sources.includes(name)) have.sources.push(name);
      for (const r of e.regions) if (!have.regions.some((q) => q.every((v, k) => v === r[k]))) have.regions.push(r);
    }
  }
  const list = [...byKey.values()];
  list.forEach((t, k) => (t.id = `ctp-${String(k + 1).padStart(3, '0')}`));
  return list;
}

const LICENCE = `// GENERATED by scripts/generate-ctp-templates.ts — do not edit by hand.
//
// Derived from the RSNA Clinical Trial Processor (CTP) pixel anonymizer scripts
// (github:johnperry/CTP, snapshot 361e90f8032fbb343000f3397159ae24a001229a):
//   source/files/scripts/DicomPixelAnonymizer.script
//   source/files/examples/example-dicom-pixel-anonymizer.script
// © Radiological Society of North America, RSNA Public License (RSNA MIRC Public License
// Version 2.0; full text in shared/standard/ctp/RSNA-PUBLIC-LICENSE.txt, which must travel with
// this file). Modified by the Veil project: both scripts parsed, merged into one list and
// converted to TypeScript data; regions and signatures are otherwise as published.
//
// From the scripts: "It is the responsibility of the user to review DICOM images to be sure that
// all areas of PHI are removed from an image before it is considered anonymized."
`;

export function buildTemplates(texts: Record<string, string>): { source: string; counts: Record<string, number> } {
  const scripts = SCRIPTS.map((name) => ({ name, entries: parseScript(texts[name]) }));
  const union = unite(scripts);
  const out = union.map((t) => {
    const { device, other } = summarize(t.condition);
    return {
      id: t.id,
      section: t.section,
      label: t.label,
      sources: t.sources,
      signature: t.signature,
      condition: t.condition,
      device,
      otherConditions: other,
      regions: t.regions,
    };
  });
  const counts: Record<string, number> = {};
  for (const s of scripts) counts[s.name] = s.entries.length;
  counts.templates = out.length;
  counts.inBoth = union.filter((t) => t.sources.length === 2).length;
  counts.regions = out.reduce((n, t) => n + t.regions.length, 0);
  counts.fullyExpressedAsDevice = out.filter((t) => t.otherConditions.length === 0).length;
  const body = out.map((t) => `  ${JSON.stringify(t)},`).join('\n');
  const source = `${LICENCE}
import type { DeviceTemplate } from './templates.ts';

/** ${counts.templates} templates: the union of ${SCRIPTS.map((s) => `${s} (${counts[s]} signatures)`).join(' and ')}. */
export const CTP_TEMPLATES: readonly DeviceTemplate[] = [
${body}
];
`;
  return { source, counts };
}

export function readScripts(): Record<string, string> {
  return Object.fromEntries(SCRIPTS.map((s) => [s, readFileSync(resolve(standardDir, 'ctp', s), 'latin1')]));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { source, counts } = buildTemplates(readScripts());
  writeGenerated(OUTPUT, source);
  console.log(`wrote ${OUTPUT}`);
  for (const [k, v] of Object.entries(counts)) console.log(`  ${k}: ${v}`);
}
