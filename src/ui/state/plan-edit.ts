/**
 * Editing the redaction plan (src/core/pixels/plan.ts): the viewer's boxes are the plan itself,
 * in ORIGINAL-identity scopes and image pixel coordinates. Pure functions on plain data, so the
 * store can keep every version for undo/redo and the tests can check each rule.
 */
import { isPhiOcrBox } from '../../core/pixels/review-status.ts';
import { isPaintable, scopeMatches, type BoxScope, type FrameSelection, type ImageIdentity, type RedactionBox, type RedactionPlan } from '../../core/pixels/plan.ts';

export type { BoxScope, ImageIdentity, RedactionBox, RedactionPlan };

/** What the viewer offers as a box's reach. */
export type ScopeChoice = 'frame' | 'instance' | 'series' | 'device';

export const SCOPE_LABELS: Record<ScopeChoice, string> = {
  frame: 'This frame',
  instance: 'This image (all frames)',
  series: 'This series',
  device: 'Same device & size',
};

export const SCOPE_HELP: Record<ScopeChoice, string> = {
  frame: 'Only the frame on screen',
  instance: 'Every frame of this image',
  series: 'Every image of this series',
  device: 'Every image with the same manufacturer, model, rows and columns',
};

export const emptyPlan = (): RedactionPlan => ({ version: 1, boxes: [] });

/** A rectangle in image pixel coordinates: columns x..x+width-1, rows y..y+height-1. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The scope and frames of a new box drawn on `image`, frame `frame` (0-based). */
export function scopeFor(choice: ScopeChoice, image: ImageIdentity, frame: number): { scope: BoxScope; frames: FrameSelection } {
  switch (choice) {
    case 'frame':
      return { scope: { kind: 'instance', sopInstanceUID: image.sopInstanceUID }, frames: [frame] };
    case 'instance':
      return { scope: { kind: 'instance', sopInstanceUID: image.sopInstanceUID }, frames: 'all' };
    case 'series':
      return { scope: { kind: 'series', seriesInstanceUID: image.seriesInstanceUID }, frames: 'all' };
    case 'device': {
      const scope: BoxScope = { kind: 'device', rows: image.rows, columns: image.columns };
      if (image.manufacturer) scope.manufacturer = image.manufacturer;
      if (image.model) scope.model = image.model;
      return { scope, frames: 'all' };
    }
  }
}

/** Which of the viewer's choices a box's scope is. */
export function scopeChoiceOf(box: RedactionBox): ScopeChoice {
  if (box.scope.kind === 'series') return 'series';
  if (box.scope.kind === 'device') return 'device';
  return box.frames === 'all' ? 'instance' : 'frame';
}

/** A short description of a box's reach, for the list. */
export function describeScope(box: RedactionBox): string {
  const s = box.scope;
  if (s.kind === 'series') return 'every image of the series';
  if (s.kind === 'device') {
    const who = [s.manufacturer, s.model].filter(Boolean).join(' ') || 'any device';
    return `${who}, ${s.columns}×${s.rows}`;
  }
  if (box.frames === 'all') return 'this image, all frames';
  return box.frames.length === 1 ? `this image, frame ${box.frames[0] + 1}` : `this image, frames ${box.frames.map((f) => f + 1).join(', ')}`;
}

/** Whether a box applies to frame `frame` of `image` (scope and frames; any status). */
export function boxApplies(box: RedactionBox, image: ImageIdentity, frame: number): boolean {
  if (!scopeMatches(box.scope, image)) return false;
  return box.frames === 'all' || box.frames.includes(frame);
}

/** How a box shows in the viewer: painted on export, waiting for a decision, or rejected. */
export type BoxState = 'paint' | 'proposed' | 'rejected';

export function boxState(box: RedactionBox): BoxState {
  if (box.status === 'rejected') return 'rejected';
  return isPaintable(box) ? 'paint' : 'proposed';
}

/** Boxes of the plan that apply to this frame of this image, in plan order. */
export function boxesOn(plan: RedactionPlan, image: ImageIdentity, frame: number): RedactionBox[] {
  return plan.boxes.filter((b) => boxApplies(b, image, frame));
}

/** A fresh id: "u1", "u2", … the first not in the plan. */
export function nextBoxId(plan: RedactionPlan, prefix = 'u'): string {
  const used = new Set(plan.boxes.map((b) => b.id));
  let n = plan.boxes.length + 1;
  for (let i = 1; i <= n; i++) if (!used.has(`${prefix}${i}`)) return `${prefix}${i}`;
  while (used.has(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
}

export function addBox(plan: RedactionPlan, box: RedactionBox): RedactionPlan {
  return { ...plan, boxes: [...plan.boxes, box] };
}

export function updateBox(plan: RedactionPlan, id: string, patch: Partial<Omit<RedactionBox, 'id'>>): RedactionPlan {
  let changed = false;
  const boxes = plan.boxes.map((b) => {
    if (b.id !== id) return b;
    changed = true;
    return { ...b, ...patch };
  });
  return changed ? { ...plan, boxes } : plan;
}

export function removeBox(plan: RedactionPlan, id: string): RedactionPlan {
  const boxes = plan.boxes.filter((b) => b.id !== id);
  return boxes.length === plan.boxes.length ? plan : { ...plan, boxes };
}

/** Changes a box's reach, keeping where it is; the image it was drawn on names the scope. */
export function rescopeBox(plan: RedactionPlan, id: string, choice: ScopeChoice, image: ImageIdentity, frame: number): RedactionPlan {
  const { scope, frames } = scopeFor(choice, image, frame);
  return updateBox(plan, id, { scope, frames });
}

export function setStatus(plan: RedactionPlan, id: string, status: 'accepted' | 'rejected' | 'proposed'): RedactionPlan {
  return updateBox(plan, id, { status });
}

/** Accepts every proposal (template, OCR) in the plan. */
export function acceptAll(plan: RedactionPlan): RedactionPlan {
  if (!plan.boxes.some((b) => boxState(b) === 'proposed')) return plan;
  return { ...plan, boxes: plan.boxes.map((b) => (boxState(b) === 'proposed' ? { ...b, status: 'accepted' as const } : b)) };
}

/**
 * What a proposal covers: "phi" — a device template's patient-data region or text OCR read as
 * PHI; "other" — other text OCR read (measurements, labels), painted only by its own choice.
 */
export const proposalKind = (b: RedactionBox): 'phi' | 'other' => (b.source === 'ocr' && !isPhiOcrBox(b) ? 'other' : 'phi');

/** Proposals of one kind that reach any of these images (the series on screen). */
export function proposalsFor(plan: RedactionPlan, images: readonly ImageIdentity[], kind: 'phi' | 'other'): RedactionBox[] {
  return plan.boxes.filter((b) => boxState(b) === 'proposed' && proposalKind(b) === kind && images.some((img) => scopeMatches(b.scope, img)));
}

/** Accepts the proposals of one kind on these images (by default: the PHI proposals of the series on screen). */
export function acceptProposals(plan: RedactionPlan, images: readonly ImageIdentity[], kind: 'phi' | 'other' = 'phi'): RedactionPlan {
  const ids = new Set(proposalsFor(plan, images, kind).map((b) => b.id));
  if (ids.size === 0) return plan;
  return { ...plan, boxes: plan.boxes.map((b) => (ids.has(b.id) ? { ...b, status: 'accepted' as const } : b)) };
}

export const countProposals = (plan: RedactionPlan): number => plan.boxes.filter((b) => boxState(b) === 'proposed').length;

/**
 * Adds proposals (templates, OCR) not in the plan yet (by id), and not dismissed before. A box
 * the person already accepted, rejected or moved keeps their decision.
 */
export function mergeProposals(plan: RedactionPlan, proposals: readonly RedactionBox[], dismissed: ReadonlySet<string> = new Set()): RedactionPlan {
  const have = new Set(plan.boxes.map((b) => b.id));
  const fresh: RedactionBox[] = [];
  for (const p of proposals) {
    if (have.has(p.id) || dismissed.has(p.id)) continue;
    have.add(p.id);
    fresh.push(p.status ? p : { ...p, status: 'proposed' });
  }
  return fresh.length ? { ...plan, boxes: [...plan.boxes, ...fresh] } : plan;
}

/**
 * DicomCleaner's carry-forward: stepping from one image to the next image of the same size, the
 * boxes drawn for the previous image alone (instance scope, not rejected, not a pending
 * proposal) are copied to the next one — unless it has boxes of its own already. Series and
 * device boxes need no copy: they already apply. Returns the same plan when nothing is copied.
 */
export function carryForward(plan: RedactionPlan, from: ImageIdentity, to: ImageIdentity): RedactionPlan {
  if (from.sopInstanceUID === to.sopInstanceUID) return plan;
  if (from.rows !== to.rows || from.columns !== to.columns) return plan;
  const own = (img: ImageIdentity) => plan.boxes.filter((b) => b.scope.kind === 'instance' && b.scope.sopInstanceUID === img.sopInstanceUID);
  if (own(to).length > 0) return plan;
  const copies = own(from).filter((b) => boxState(b) === 'paint');
  if (copies.length === 0) return plan;
  let next = plan;
  for (const b of copies) {
    const copy: RedactionBox = { ...b, id: nextBoxId(next), scope: { kind: 'instance', sopInstanceUID: to.sopInstanceUID } };
    if (b.source !== 'user') copy.status = 'accepted';
    next = addBox(next, copy);
  }
  return next;
}

export function isReviewed(plan: RedactionPlan, sopInstanceUID: string): boolean {
  return plan.reviewed?.sopInstanceUIDs.includes(sopInstanceUID) ?? false;
}

/** Marks an instance as looked at (no burned-in text to remove), or takes the mark away. */
export function setReviewed(plan: RedactionPlan, sopInstanceUID: string, on: boolean): RedactionPlan {
  const list = plan.reviewed?.sopInstanceUIDs ?? [];
  const has = list.includes(sopInstanceUID);
  if (has === on) return plan;
  const next = on ? [...list, sopInstanceUID] : list.filter((u) => u !== sopInstanceUID);
  const out: RedactionPlan = { version: 1, boxes: plan.boxes };
  if (next.length) out.reviewed = { sopInstanceUIDs: next };
  return out;
}
