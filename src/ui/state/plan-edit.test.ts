import { describe, expect, it } from 'vitest';
import { compilePlan, validatePlan } from '../../core/pixels/plan.ts';
import {
  acceptAll, addBox, boxState, boxesOn, carryForward, countProposals, emptyPlan, mergeProposals, nextBoxId,
  removeBox, rescopeBox, scopeChoiceOf, scopeFor, setReviewed, setStatus, updateBox,
  type ImageIdentity, type RedactionBox,
} from './plan-edit.ts';

const img = (n: number, over: Partial<ImageIdentity> = {}): ImageIdentity => ({
  sopInstanceUID: `1.2.3.${n}`, seriesInstanceUID: '1.2.9', manufacturer: 'ACME', model: 'Scan 5', rows: 480, columns: 640, ...over,
});
const user = (id: string, image: ImageIdentity, frames: 'all' | number[] = 'all'): RedactionBox => ({
  id, x: 10, y: 20, width: 100, height: 30, frames, scope: { kind: 'instance', sopInstanceUID: image.sopInstanceUID }, source: 'user',
});

describe('plan editing', () => {
  it('makes the four scopes from the image on screen, each valid plan JSON', () => {
    const a = img(1);
    expect(scopeFor('frame', a, 3)).toEqual({ scope: { kind: 'instance', sopInstanceUID: '1.2.3.1' }, frames: [3] });
    expect(scopeFor('instance', a, 3).frames).toBe('all');
    expect(scopeFor('series', a, 0).scope).toEqual({ kind: 'series', seriesInstanceUID: '1.2.9' });
    expect(scopeFor('device', a, 0).scope).toEqual({ kind: 'device', manufacturer: 'ACME', model: 'Scan 5', rows: 480, columns: 640 });
    let plan = emptyPlan();
    for (const c of ['frame', 'instance', 'series', 'device'] as const) {
      plan = addBox(plan, { id: nextBoxId(plan), x: 0, y: 0, width: 5, height: 5, ...scopeFor(c, a, 1), source: 'user' });
    }
    expect(validatePlan(JSON.parse(JSON.stringify(plan))).boxes.map(scopeChoiceOf)).toEqual(['frame', 'instance', 'series', 'device']);
    expect(plan.boxes.map((b) => b.id)).toEqual(['u1', 'u2', 'u3', 'u4']);
  });

  it('finds the boxes of one frame of one image, by scope and frames', () => {
    const a = img(1);
    const b = img(2, { manufacturer: 'acme ', model: 'SCAN 5' });
    let plan = addBox(emptyPlan(), user('f', a, [2]));
    plan = addBox(plan, { ...user('s', a), scope: { kind: 'series', seriesInstanceUID: '1.2.9' } });
    plan = addBox(plan, { ...user('d', a), ...scopeFor('device', a, 0) });
    expect(boxesOn(plan, a, 2).map((x) => x.id)).toEqual(['f', 's', 'd']);
    expect(boxesOn(plan, a, 0).map((x) => x.id)).toEqual(['s', 'd']);
    // Device scope: manufacturer and model ignoring case and spaces, same size.
    expect(boxesOn(plan, b, 0).map((x) => x.id)).toEqual(['s', 'd']);
    expect(boxesOn(plan, img(3, { rows: 481, seriesInstanceUID: '7' }), 0)).toEqual([]);
  });

  it('moves, resizes, rescopes, accepts, rejects and deletes without touching the other boxes', () => {
    const a = img(1);
    let plan = addBox(addBox(emptyPlan(), user('u1', a)), user('u2', a));
    const before = plan.boxes[1];
    plan = updateBox(plan, 'u1', { x: 50, width: 7 });
    expect(plan.boxes[0]).toMatchObject({ x: 50, y: 20, width: 7 });
    expect(plan.boxes[1]).toBe(before);
    plan = rescopeBox(plan, 'u1', 'series', a, 0);
    expect(plan.boxes[0].scope).toEqual({ kind: 'series', seriesInstanceUID: '1.2.9' });
    expect(updateBox(plan, 'nope', { x: 1 })).toBe(plan);
    plan = removeBox(plan, 'u2');
    expect(plan.boxes.map((b) => b.id)).toEqual(['u1']);
  });

  it('keeps proposals apart: merged once, painted only once accepted, accept-all accepts them all', () => {
    const a = img(1);
    const t: RedactionBox = { id: 'template:x', x: 0, y: 0, width: 640, height: 30, ...scopeFor('device', a, 0), source: 'template', status: 'proposed' };
    const o: RedactionBox = { ...t, id: 'ocr:1', source: 'ocr', status: undefined };
    let plan = mergeProposals(emptyPlan(), [t, o, t]);
    expect(plan.boxes.map((b) => [b.id, boxState(b)])).toEqual([['template:x', 'proposed'], ['ocr:1', 'proposed']]);
    expect(compilePlan(plan).boxesFor(a)).toEqual([]);
    plan = setStatus(plan, 'template:x', 'rejected');
    // A decision survives the same proposal coming again (more files of the device loaded).
    expect(mergeProposals(plan, [t])).toBe(plan);
    expect(mergeProposals(emptyPlan(), [t], new Set(['template:x'])).boxes).toEqual([]);
    expect(countProposals(plan)).toBe(1);
    plan = acceptAll(plan);
    expect(plan.boxes.map(boxState)).toEqual(['rejected', 'paint']);
    expect(compilePlan(plan).boxesFor(a).map((b) => b.id)).toEqual(['ocr:1']);
  });

  it('carries the boxes of one image forward to the next image of the same size, as DicomCleaner does', () => {
    const a = img(1);
    const b = img(2);
    let plan = addBox(emptyPlan(), user('u1', a));
    plan = addBox(plan, { ...user('u2', a), status: 'rejected' });
    const carried = carryForward(plan, a, b);
    const copies = carried.boxes.filter((x) => x.scope.kind === 'instance' && x.scope.sopInstanceUID === b.sopInstanceUID);
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ x: 10, y: 20, width: 100, height: 30, source: 'user' });
    expect(copies[0].id).not.toBe('u1');
    // Not again once the image has boxes of its own; not to another size; not onto itself.
    expect(carryForward(carried, a, b)).toBe(carried);
    expect(carryForward(plan, a, img(3, { rows: 600 }))).toBe(plan);
    expect(carryForward(plan, a, a)).toBe(plan);
  });

  it('marks images reviewed, and takes the mark away', () => {
    let plan = setReviewed(emptyPlan(), '1.2.3', true);
    expect(plan.reviewed).toEqual({ sopInstanceUIDs: ['1.2.3'] });
    expect(setReviewed(plan, '1.2.3', true)).toBe(plan);
    plan = setReviewed(plan, '1.2.3', false);
    expect(plan.reviewed).toBeUndefined();
  });
});
