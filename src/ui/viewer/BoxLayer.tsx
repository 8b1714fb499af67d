/**
 * The boxes drawn over the image: an SVG the size of the viewport, redrawn after every render
 * (zoom, pan, scroll), each box placed from its image pixel coordinates through cornerstone's
 * coordinate transforms. Purely visual: the mouse goes through it (useBoxEditing listens on
 * the stage).
 *
 * Solid red: painted on export (a person drew or accepted it). Dashed amber: a proposal
 * (template or OCR) waiting for a decision. The selected box has handles.
 */
import type { RedactionBox } from '../state/plan-edit.ts';
import { boxState, type PixelRect } from '../state/plan-edit.ts';
import type { ViewerController } from './controller.ts';
import { HANDLES, canvasRect, handlePoints, type Draft } from './useBoxEditing.ts';

export interface BoxLayerProps {
  controller: ViewerController;
  boxes: readonly RedactionBox[];
  selectedId?: string;
  draft?: Draft;
  /** Changes on every render of the viewport, so the layer follows zoom and pan. */
  renderTick: number;
  /** Output preview: outlines only, no labels or handles. */
  quiet?: boolean;
}

export function boxTitle(box: RedactionBox): string {
  if (box.source === 'user') return `Box ${box.id}`;
  if (box.source === 'template') return box.label ? box.label.replace(/^CTP /, 'Template · ') : 'Template';
  return box.label ? `Text · ${box.label}` : 'Detected text';
}

export function BoxLayer({ controller, boxes, selectedId, draft, quiet }: BoxLayerProps) {
  const shown: { box?: RedactionBox; rect: PixelRect; kind: string; selected: boolean; id: string }[] = [];
  for (const b of boxes) {
    const state = boxState(b);
    if (state === 'rejected') continue;
    const rect = draft?.id === b.id ? draft.rect : b;
    shown.push({ box: b, rect, kind: state, selected: b.id === selectedId, id: b.id });
  }
  if (draft && !draft.id) shown.push({ rect: draft.rect, kind: 'draft', selected: false, id: '__draft' });
  const rects = new Map(shown.map((x) => [x.id, canvasRect(controller, x.rect)]));
  const labels = new LabelPlacer([...rects.entries()].flatMap(([id, r]) => (r ? [{ id, l: r.left, t: r.top, r: r.right, b: r.bottom }] : [])));
  return (
    <svg className={`box-layer${quiet ? ' is-quiet' : ''}`} aria-hidden="true">
      {shown.map((s) => {
        const c = rects.get(s.id);
        if (!c) return null;
        const w = Math.max(1, c.right - c.left);
        const h = Math.max(1, c.bottom - c.top);
        const label = s.box ? `${s.box.source === 'user' ? s.box.id : s.box.source === 'ocr' ? 'text' : 'template'}${s.kind === 'proposed' ? '?' : ''}` : `${s.rect.width}×${s.rect.height}`;
        return (
          <g key={s.id} className={`box box-${s.kind}${s.selected ? ' is-selected' : ''}`} data-box-id={s.box?.id}>
            <rect className="box-fill" x={c.left} y={c.top} width={w} height={h} />
            <rect className="box-edge" x={c.left} y={c.top} width={w} height={h} />
            {!quiet
              ? (() => {
                  const at = labels.place(s.id, c, label);
                  return at ? (
                    <text className="box-label" x={at.x} y={at.y}>
                      {label}
                    </text>
                  ) : null;
                })()
              : null}
            {s.selected && !quiet
              ? HANDLES.map((hnd) => {
                  const [x, y] = handlePoints(c)[hnd];
                  return <rect key={hnd} className="box-handle" x={x - 4} y={y - 4} width={8} height={8} />;
                })
              : null}
          </g>
        );
      })}
    </svg>
  );
}

type Area = { l: number; t: number; r: number; b: number };

/**
 * Puts each box's label just above its top-left corner, or below it, or inside its top-right
 * corner — the first place that covers neither an earlier label nor another box; no label when
 * none is free (the list beside the viewer names every box anyway).
 */
class LabelPlacer {
  private readonly taken: Area[] = [];

  constructor(private readonly boxes: (Area & { id: string })[]) {}

  place(id: string, c: { left: number; top: number; right: number; bottom: number }, text: string): { x: number; y: number } | undefined {
    const w = text.length * 6.5 + 4;
    const h = 13;
    const candidates = [
      { x: c.left + 3, y: c.top - 4 },
      { x: c.left + 3, y: c.bottom + 13 },
      { x: c.right - w - 3, y: c.top + 13 },
    ].filter((p) => p.y - h >= 0);
    for (const p of candidates) {
      const r = { l: p.x, t: p.y - h + 2, r: p.x + w, b: p.y + 3 };
      const hits = (o: Area) => r.l < o.r && r.r > o.l && r.t < o.b && r.b > o.t;
      if (this.taken.some(hits) || this.boxes.some((o) => o.id !== id && hits(o))) continue;
      this.taken.push(r);
      return p;
    }
    return undefined;
  }
}
