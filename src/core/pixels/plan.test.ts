import { describe, expect, it } from 'vitest';
import { clipBox, compilePlan, framesInScope, isPaintable, parsePlan, serializePlan, validatePlan, type RedactionBox } from './plan.ts';

const box = (over: Partial<RedactionBox> = {}): RedactionBox => ({
  id: 'b1', x: 10, y: 20, width: 30, height: 40, frames: 'all',
  scope: { kind: 'instance', sopInstanceUID: '1.2.3.4' }, source: 'user', ...over,
});

describe('validatePlan', () => {
  it('accepts the documented format and returns it typed', () => {
    const json = {
      version: 1,
      boxes: [
        box(),
        box({ id: 'b2', frames: [3, 0, 3], scope: { kind: 'series', seriesInstanceUID: '1.2.3.5' }, source: 'ocr', status: 'proposed', confidence: 0.5, label: 'name', kinds: ['patient name part', 'free text: phone'] }),
        box({ id: 'b3', scope: { kind: 'device', manufacturer: 'ACME', model: 'X1', rows: 480, columns: 640 }, source: 'template', status: 'accepted' }),
      ],
      reviewed: { sopInstanceUIDs: ['1.2.3.9'] },
    };
    const plan = validatePlan(json);
    expect(plan.boxes).toHaveLength(3);
    expect(plan.boxes[1].frames).toEqual([0, 3]); // sorted, duplicates dropped
    expect(plan.boxes[1].kinds).toEqual(['patient name part', 'free text: phone']);
    expect(plan.reviewed?.sopInstanceUIDs).toEqual(['1.2.3.9']);
    expect(validatePlan(JSON.parse(serializePlan(plan)))).toEqual(plan);
  });

  it.each([
    [null, /must be a JSON object/],
    [{ version: 2, boxes: [] }, /plan\.version: must be 1/],
    [{ version: 1 }, /plan\.boxes: must be a list/],
    [{ version: 1, boxes: [], extra: 1 }, /plan: unknown field "extra"/],
    [{ version: 1, boxes: [{ ...box(), widht: 3 }] }, /boxes\[0\]: unknown field "widht"/],
    [{ version: 1, boxes: [box({ x: -1 })] }, /boxes\[0\]\.x: must be a whole number from 0/],
    [{ version: 1, boxes: [box({ width: 1.5 })] }, /boxes\[0\]\.width: must be a whole number from 1/],
    [{ version: 1, boxes: [box({ frames: [] })] }, /boxes\[0\]\.frames: must be "all" or a non-empty list/],
    [{ version: 1, boxes: [box({ frames: [0, -2] })] }, /boxes\[0\]\.frames\[1\]/],
    [{ version: 1, boxes: [box({ source: 'robot' as never })] }, /boxes\[0\]\.source: must be "user", "ocr" or "template"/],
    [{ version: 1, boxes: [box({ status: 'maybe' as never })] }, /boxes\[0\]\.status/],
    [{ version: 1, boxes: [box({ scope: { kind: 'study' } as never })] }, /boxes\[0\]\.scope\.kind: must be "instance", "series" or "device"/],
    [{ version: 1, boxes: [box({ scope: { kind: 'instance', sopInstanceUID: 'abc' } })] }, /sopInstanceUID: not a DICOM UID/],
    [{ version: 1, boxes: [box({ scope: { kind: 'device', rows: 0, columns: 4 } })] }, /scope\.rows/],
    [{ version: 1, boxes: [box(), box()] }, /boxes\[1\]\.id: "b1" is already the id of boxes\[0\]/],
    [{ version: 1, boxes: [box({ confidence: 2 })] }, /confidence: must be a number from 0 to 1/],
    [{ version: 1, boxes: [box({ kinds: 'date' as never })] }, /boxes\[0\]\.kinds: must be a list of words/],
    [{ version: 1, boxes: [box({ kinds: ['date', 3] as never })] }, /boxes\[0\]\.kinds\[1\]: must be a non-empty string/],
    [{ version: 1, boxes: [], reviewed: { sopInstanceUIDs: 'x' } }, /plan\.reviewed\.sopInstanceUIDs: must be a list/],
  ])('rejects %j with a clear message', (json, message) => {
    expect(() => validatePlan(json)).toThrow(message);
  });

  it('parsePlan says when the text is not JSON', () => {
    expect(() => parsePlan('{ "version": 1,')).toThrow(/not valid JSON/);
  });
});

describe('which boxes apply', () => {
  it('paints accepted boxes and status-less user/template boxes only', () => {
    expect(isPaintable(box())).toBe(true);
    expect(isPaintable(box({ source: 'template' }))).toBe(true);
    expect(isPaintable(box({ source: 'ocr' }))).toBe(false);
    expect(isPaintable(box({ source: 'ocr', status: 'accepted' }))).toBe(true);
    expect(isPaintable(box({ status: 'proposed' }))).toBe(false);
    expect(isPaintable(box({ status: 'rejected' }))).toBe(false);
  });

  it('matches instance, series and device scopes against the original image, in plan order', () => {
    const plan = compilePlan(validatePlan({
      version: 1,
      boxes: [
        box({ id: 'device', scope: { kind: 'device', manufacturer: ' acme ', rows: 480, columns: 640 } }),
        box({ id: 'series', scope: { kind: 'series', seriesInstanceUID: '1.2.3.5' } }),
        box({ id: 'instance' }),
        box({ id: 'other', scope: { kind: 'instance', sopInstanceUID: '1.2.3.99' } }),
        box({ id: 'model', scope: { kind: 'device', model: 'Y', rows: 480, columns: 640 } }),
        box({ id: 'size', scope: { kind: 'device', rows: 600, columns: 800 } }),
        box({ id: 'rejected', status: 'rejected' }),
      ],
      reviewed: { sopInstanceUIDs: ['1.2.3.4'] },
    }));
    const image = { sopInstanceUID: '1.2.3.4', seriesInstanceUID: '1.2.3.5', manufacturer: 'ACME', model: 'X', rows: 480, columns: 640 };
    expect(plan.boxesFor(image).map((b) => b.id)).toEqual(['device', 'series', 'instance']);
    expect(plan.isReviewed('1.2.3.4')).toBe(true);
    expect(plan.isReviewed('1.2.3.5')).toBe(false);
  });

  it('clips boxes to the image and picks the frames in scope', () => {
    expect(clipBox({ x: 600, y: 470, width: 100, height: 100 }, 480, 640)).toEqual({ x: 600, y: 470, width: 40, height: 10 });
    expect(clipBox({ x: 640, y: 0, width: 10, height: 10 }, 480, 640)).toBeUndefined();
    expect(framesInScope(box({ frames: [0, 2, 7] }), 3)).toEqual({ frames: [0, 2], missing: [7] });
    expect(framesInScope(box(), 3).frames).toEqual([0, 1, 2]);
  });
});
