/**
 * The redaction plan: which rectangles of which images get painted over before export. The app
 * builds it in the viewer (from the loaded ORIGINAL files), imports and exports it as JSON, and
 * the CLI reads it with `--boxes plan.json`. Same plan, same engine, same output bytes.
 *
 * Format (version 1):
 *
 *   {
 *     "version": 1,
 *     "boxes": [
 *       {
 *         "id": "b1",                       // unique within the plan; shown in the report
 *         "x": 0, "y": 0,                   // top-left corner, image pixel coordinates (column, row), 0-based
 *         "width": 640, "height": 40,       // in pixels, at least 1; parts outside the image are ignored
 *         "frames": "all",                  // or a list of 0-based frame numbers, e.g. [0, 3]
 *         "scope": { "kind": "instance", "sopInstanceUID": "1.2.3..." },
 *                                           // or { "kind": "series", "seriesInstanceUID": "1.2.3..." }
 *                                           // or { "kind": "device", "manufacturer": "ACME",
 *                                           //      "model": "Scan 5", "rows": 480, "columns": 640 }
 *         "source": "user",                 // "user" | "ocr" | "template"
 *         "status": "accepted",             // optional: "proposed" | "accepted" | "rejected"
 *         "label": "patient name",          // optional, free text for the person reviewing
 *         "kinds": ["patient name part"],   // optional: what found it, categories only (counted in the report)
 *         "confidence": 0.93                // optional, 0..1, for OCR proposals
 *       }
 *     ],
 *     "reviewed": { "sopInstanceUIDs": ["1.2.3..."] }   // optional
 *   }
 *
 * Rules:
 * - UIDs in scopes and in "reviewed" are the ORIGINAL UIDs (the plan is made before
 *   de-identification), so one plan can be re-applied to the same originals with any session.
 * - Device scope matches images whose Rows and Columns are equal to the scope's and whose
 *   Manufacturer (0008,0070) and Manufacturer's Model Name (0008,1090), where the scope names
 *   them, are equal ignoring case and surrounding spaces. Left out means "any".
 * - What is painted: boxes with status "accepted", and boxes without a status whose source is
 *   "user" or "template". "proposed" and "rejected" boxes, and OCR boxes without a status,
 *   are not painted (OCR proposals need a person to accept them).
 * - Burned In Annotation (0028,0301) is set to NO, and Clean Pixel Data (DCM 113101) is added to
 *   the de-identification method codes, only for images that had a box painted or that are
 *   listed in "reviewed" (a person looked at the pixels and found nothing to remove).
 */

export type FrameSelection = 'all' | number[];

export type BoxScope =
  | { kind: 'instance'; sopInstanceUID: string }
  | { kind: 'series'; seriesInstanceUID: string }
  | { kind: 'device'; manufacturer?: string; model?: string; rows: number; columns: number };

export type BoxSource = 'user' | 'ocr' | 'template';
export type BoxStatus = 'proposed' | 'accepted' | 'rejected';

export interface RedactionBox {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  frames: FrameSelection;
  scope: BoxScope;
  source: BoxSource;
  status?: BoxStatus;
  label?: string;
  /**
   * What found the text, as categories that never hold it ("patient name part", "date", "free
   * text: phone"; detect/burned-in-kinds.ts): the report counts painted boxes by them.
   */
  kinds?: string[];
  confidence?: number;
}

export interface RedactionPlan {
  version: 1;
  boxes: RedactionBox[];
  reviewed?: { sopInstanceUIDs: string[] };
}

/** What a scope is matched against: the ORIGINAL image's identifiers and geometry. */
export interface ImageIdentity {
  sopInstanceUID: string;
  seriesInstanceUID: string;
  manufacturer?: string;
  model?: string;
  rows: number;
  columns: number;
}

export class PlanError extends Error {
  override name = 'PlanError';
}

const BOX_KEYS = new Set(['id', 'x', 'y', 'width', 'height', 'frames', 'scope', 'source', 'status', 'label', 'kinds', 'confidence']);
const SCOPE_KEYS: Record<string, Set<string>> = {
  instance: new Set(['kind', 'sopInstanceUID']),
  series: new Set(['kind', 'seriesInstanceUID']),
  device: new Set(['kind', 'manufacturer', 'model', 'rows', 'columns']),
};
const UID = /^[0-9]+(\.[0-9]+)*$/;
/** Larger than any image DICOM can describe (Rows and Columns are 16-bit). */
const MAX_COORD = 0xffff;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown): string => (v === undefined ? 'missing' : `${JSON.stringify(v)}`.slice(0, 60));

function int(v: unknown, where: string, min: number, max = MAX_COORD): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new PlanError(`${where}: must be a whole number from ${min} to ${max}, not ${describe(v)}`);
  }
  return v;
}

function text(v: unknown, where: string, allowEmpty = false): string {
  if (typeof v !== 'string' || (!allowEmpty && v.trim() === '')) throw new PlanError(`${where}: must be ${allowEmpty ? 'a string' : 'a non-empty string'}, not ${describe(v)}`);
  return v;
}

function uid(v: unknown, where: string): string {
  const s = text(v, where).trim();
  if (!UID.test(s) || s.length > 64) throw new PlanError(`${where}: not a DICOM UID (digits and dots, at most 64 characters): ${describe(v)}`);
  return s;
}

function noOtherKeys(o: Record<string, unknown>, allowed: Set<string>, where: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.has(k)) throw new PlanError(`${where}: unknown field "${k}" (allowed: ${[...allowed].join(', ')})`);
  }
}

function scopeOf(v: unknown, where: string): BoxScope {
  if (!isObject(v)) throw new PlanError(`${where}: must be an object with a "kind" ("instance", "series" or "device"), not ${describe(v)}`);
  const kind = v.kind;
  if (kind !== 'instance' && kind !== 'series' && kind !== 'device') {
    throw new PlanError(`${where}.kind: must be "instance", "series" or "device", not ${describe(kind)}`);
  }
  noOtherKeys(v, SCOPE_KEYS[kind], where);
  if (kind === 'instance') return { kind, sopInstanceUID: uid(v.sopInstanceUID, `${where}.sopInstanceUID`) };
  if (kind === 'series') return { kind, seriesInstanceUID: uid(v.seriesInstanceUID, `${where}.seriesInstanceUID`) };
  const scope: BoxScope = { kind, rows: int(v.rows, `${where}.rows`, 1), columns: int(v.columns, `${where}.columns`, 1) };
  if (v.manufacturer !== undefined) scope.manufacturer = text(v.manufacturer, `${where}.manufacturer`, true);
  if (v.model !== undefined) scope.model = text(v.model, `${where}.model`, true);
  return scope;
}

function framesOf(v: unknown, where: string): FrameSelection {
  if (v === 'all') return 'all';
  if (!Array.isArray(v) || v.length === 0) throw new PlanError(`${where}: must be "all" or a non-empty list of 0-based frame numbers, not ${describe(v)}`);
  const frames = v.map((f, i) => int(f, `${where}[${i}]`, 0, 0x7fffffff));
  return [...new Set(frames)].sort((a, b) => a - b);
}

function boxOf(v: unknown, where: string): RedactionBox {
  if (!isObject(v)) throw new PlanError(`${where}: must be an object, not ${describe(v)}`);
  noOtherKeys(v, BOX_KEYS, where);
  const source = v.source;
  if (source !== 'user' && source !== 'ocr' && source !== 'template') {
    throw new PlanError(`${where}.source: must be "user", "ocr" or "template", not ${describe(source)}`);
  }
  const box: RedactionBox = {
    id: text(v.id, `${where}.id`),
    x: int(v.x, `${where}.x`, 0),
    y: int(v.y, `${where}.y`, 0),
    width: int(v.width, `${where}.width`, 1),
    height: int(v.height, `${where}.height`, 1),
    frames: framesOf(v.frames, `${where}.frames`),
    scope: scopeOf(v.scope, `${where}.scope`),
    source,
  };
  if (v.status !== undefined) {
    if (v.status !== 'proposed' && v.status !== 'accepted' && v.status !== 'rejected') {
      throw new PlanError(`${where}.status: must be "proposed", "accepted" or "rejected", not ${describe(v.status)}`);
    }
    box.status = v.status;
  }
  if (v.label !== undefined) box.label = text(v.label, `${where}.label`, true);
  if (v.kinds !== undefined) {
    if (!Array.isArray(v.kinds)) throw new PlanError(`${where}.kinds: must be a list of words, not ${describe(v.kinds)}`);
    box.kinds = v.kinds.map((k, i) => text(k, `${where}.kinds[${i}]`));
  }
  if (v.confidence !== undefined) {
    if (typeof v.confidence !== 'number' || !(v.confidence >= 0 && v.confidence <= 1)) {
      throw new PlanError(`${where}.confidence: must be a number from 0 to 1, not ${describe(v.confidence)}`);
    }
    box.confidence = v.confidence;
  }
  return box;
}

/** Checks parsed JSON against the format above and returns it typed; throws a PlanError naming the first problem. */
export function validatePlan(json: unknown): RedactionPlan {
  if (!isObject(json)) throw new PlanError(`a redaction plan must be a JSON object with "version": 1 and "boxes", not ${describe(json)}`);
  noOtherKeys(json, new Set(['version', 'boxes', 'reviewed']), 'plan');
  if (json.version !== 1) throw new PlanError(`plan.version: must be 1 (the only version this tool reads), not ${describe(json.version)}`);
  if (!Array.isArray(json.boxes)) throw new PlanError(`plan.boxes: must be a list of boxes (it may be empty), not ${describe(json.boxes)}`);
  const boxes = json.boxes.map((b, i) => boxOf(b, `boxes[${i}]`));
  const seen = new Map<string, number>();
  boxes.forEach((b, i) => {
    const first = seen.get(b.id);
    if (first !== undefined) throw new PlanError(`boxes[${i}].id: "${b.id}" is already the id of boxes[${first}]; ids must be unique`);
    seen.set(b.id, i);
  });
  const plan: RedactionPlan = { version: 1, boxes };
  if (json.reviewed !== undefined) {
    const r = json.reviewed;
    if (!isObject(r)) throw new PlanError(`plan.reviewed: must be an object { "sopInstanceUIDs": [...] }, not ${describe(r)}`);
    noOtherKeys(r, new Set(['sopInstanceUIDs']), 'plan.reviewed');
    if (!Array.isArray(r.sopInstanceUIDs)) throw new PlanError(`plan.reviewed.sopInstanceUIDs: must be a list of UIDs, not ${describe(r.sopInstanceUIDs)}`);
    plan.reviewed = { sopInstanceUIDs: r.sopInstanceUIDs.map((u, i) => uid(u, `plan.reviewed.sopInstanceUIDs[${i}]`)) };
  }
  return plan;
}

/** Parses and validates plan text (what `--boxes` and the app's import read). */
export function parsePlan(jsonText: string): RedactionPlan {
  let json: unknown;
  try {
    json = JSON.parse(jsonText);
  } catch (e) {
    throw new PlanError(`not valid JSON: ${(e as Error).message}`);
  }
  return validatePlan(json);
}

/** Whether a box is painted: accepted, or a user/template box nobody rejected or left as a proposal. */
export function isPaintable(box: RedactionBox): boolean {
  if (box.status) return box.status === 'accepted';
  return box.source === 'user' || box.source === 'template';
}

const norm = (s: string | undefined): string => (s ?? '').trim().toLowerCase();

export function scopeMatches(scope: BoxScope, image: ImageIdentity): boolean {
  switch (scope.kind) {
    case 'instance':
      return scope.sopInstanceUID === image.sopInstanceUID;
    case 'series':
      return scope.seriesInstanceUID === image.seriesInstanceUID;
    case 'device':
      return (
        scope.rows === image.rows &&
        scope.columns === image.columns &&
        (scope.manufacturer === undefined || norm(scope.manufacturer) === norm(image.manufacturer)) &&
        (scope.model === undefined || norm(scope.model) === norm(image.model))
      );
  }
}

/** A plan indexed for looking up many images quickly (large studies, many boxes). */
export interface CompiledPlan {
  readonly plan: RedactionPlan;
  /** The boxes to paint on this image, in plan order. */
  boxesFor(image: ImageIdentity): RedactionBox[];
  /** Whether a person marked this (original) instance as reviewed. */
  isReviewed(sopInstanceUID: string): boolean;
}

export function compilePlan(plan: RedactionPlan): CompiledPlan {
  const byInstance = new Map<string, [number, RedactionBox][]>();
  const bySeries = new Map<string, [number, RedactionBox][]>();
  const device: [number, RedactionBox][] = [];
  const push = (m: Map<string, [number, RedactionBox][]>, k: string, e: [number, RedactionBox]) => {
    const list = m.get(k);
    if (list) list.push(e);
    else m.set(k, [e]);
  };
  plan.boxes.forEach((box, i) => {
    if (!isPaintable(box)) return;
    const s = box.scope;
    if (s.kind === 'instance') push(byInstance, s.sopInstanceUID, [i, box]);
    else if (s.kind === 'series') push(bySeries, s.seriesInstanceUID, [i, box]);
    else device.push([i, box]);
  });
  const reviewed = new Set(plan.reviewed?.sopInstanceUIDs ?? []);
  return {
    plan,
    boxesFor(image) {
      const hits = [
        ...(byInstance.get(image.sopInstanceUID) ?? []),
        ...(bySeries.get(image.seriesInstanceUID) ?? []),
        ...device.filter(([, b]) => scopeMatches(b.scope, image)),
      ];
      return hits.sort((a, b) => a[0] - b[0]).map(([, b]) => b);
    },
    isReviewed: (uid) => reviewed.has(uid),
  };
}

/** Frame numbers (0-based) a box applies to in an image of `frameCount` frames, and those it names that the image does not have. */
export function framesInScope(box: RedactionBox, frameCount: number): { frames: number[]; missing: number[] } {
  if (box.frames === 'all') return { frames: Array.from({ length: frameCount }, (_, i) => i), missing: [] };
  return { frames: box.frames.filter((f) => f < frameCount), missing: box.frames.filter((f) => f >= frameCount) };
}

/** The part of a box inside a rows × columns image, or undefined when none of it is. */
export function clipBox(box: { x: number; y: number; width: number; height: number }, rows: number, columns: number): { x: number; y: number; width: number; height: number } | undefined {
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const x1 = Math.min(columns, box.x + box.width);
  const y1 = Math.min(rows, box.y + box.height);
  if (x1 <= x0 || y1 <= y0) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The plan as JSON text, stable field order, for the app's export. */
export function serializePlan(plan: RedactionPlan): string {
  return `${JSON.stringify(validatePlan(JSON.parse(JSON.stringify(plan))), null, 2)}\n`;
}
