/**
 * Mouse editing of redaction boxes over the cornerstone viewport: draw (box mode), select,
 * move, and resize by the handles of the selected box. Positions go from the mouse to image
 * pixel coordinates through the controller (cornerstone's canvas → world → image index), so a
 * box means the same pixels whatever the zoom, pan or window.
 *
 * It listens on the stage in the capture phase: a left-button press it uses (on a box, a handle,
 * or anywhere in box mode) never reaches cornerstone's tools; every other press, the middle and
 * right buttons and the wheel go on to them (window/level, pan, zoom, scroll).
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { PixelRect } from '../state/plan-edit.ts';
import type { ViewerController } from './controller.ts';

export type Handle = 'nw' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w';
export const HANDLES: readonly Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

/** Half the size of a handle's hit area, in CSS pixels. */
const HANDLE_HIT = 7;
/** A press that moves less than this (CSS pixels) is a click, not a new box. */
const MIN_DRAG = 4;

export interface EditableBox {
  id: string;
  rect: PixelRect;
}

export interface BoxEditingOptions {
  stage: RefObject<HTMLDivElement | null>;
  element: RefObject<HTMLDivElement | null>;
  controller: ViewerController | undefined;
  /** False while the preview shows the output: nothing to edit there. */
  enabled: boolean;
  drawMode: boolean;
  /** Boxes on the image on screen, bottom to top. */
  boxes: readonly EditableBox[];
  selectedId?: string;
  /** Image size, to keep boxes inside it. */
  rows: number;
  columns: number;
  onSelect(id: string | undefined): void;
  onCreate(rect: PixelRect): void;
  onChange(id: string, rect: PixelRect): void;
}

type Drag =
  | { kind: 'draw'; start: [number, number]; startCanvas: [number, number]; clicked?: string }
  | { kind: 'move'; id: string; start: [number, number]; orig: PixelRect }
  | { kind: 'resize'; id: string; handle: Handle; orig: PixelRect };

export interface Draft {
  /** The box being changed (undefined while drawing a new one). */
  id?: string;
  rect: PixelRect;
}

/** Canvas corners of a box (CSS pixels relative to the viewport element). */
export function canvasRect(controller: ViewerController, r: PixelRect): { left: number; top: number; right: number; bottom: number } | undefined {
  const a = controller.pixelToCanvas([r.x, r.y]);
  const b = controller.pixelToCanvas([r.x + r.width, r.y + r.height]);
  if (!a || !b) return undefined;
  return { left: Math.min(a[0], b[0]), top: Math.min(a[1], b[1]), right: Math.max(a[0], b[0]), bottom: Math.max(a[1], b[1]) };
}

export function handlePoints(c: { left: number; top: number; right: number; bottom: number }): Record<Handle, [number, number]> {
  const mx = (c.left + c.right) / 2;
  const my = (c.top + c.bottom) / 2;
  return {
    nw: [c.left, c.top], n: [mx, c.top], ne: [c.right, c.top], e: [c.right, my],
    se: [c.right, c.bottom], s: [mx, c.bottom], sw: [c.left, c.bottom], w: [c.left, my],
  };
}

const CURSORS: Record<Handle, string> = { nw: 'nwse-resize', se: 'nwse-resize', ne: 'nesw-resize', sw: 'nesw-resize', n: 'ns-resize', s: 'ns-resize', e: 'ew-resize', w: 'ew-resize' };

/** Edges in pixel coordinates → a whole-pixel rectangle inside the image (at least 1×1). */
function fromEdges(x0: number, y0: number, x1: number, y1: number, rows: number, columns: number): PixelRect {
  let l = Math.round(Math.min(x0, x1));
  let r = Math.round(Math.max(x0, x1));
  let t = Math.round(Math.min(y0, y1));
  let b = Math.round(Math.max(y0, y1));
  l = Math.max(0, Math.min(columns - 1, l));
  t = Math.max(0, Math.min(rows - 1, t));
  r = Math.max(l + 1, Math.min(columns, r));
  b = Math.max(t + 1, Math.min(rows, b));
  return { x: l, y: t, width: r - l, height: b - t };
}

function resized(orig: PixelRect, handle: Handle, p: [number, number], rows: number, columns: number): PixelRect {
  let x0 = orig.x, y0 = orig.y, x1 = orig.x + orig.width, y1 = orig.y + orig.height;
  if (handle.includes('w')) x0 = p[0];
  if (handle.includes('e')) x1 = p[0];
  if (handle.includes('n')) y0 = p[1];
  if (handle.includes('s')) y1 = p[1];
  return fromEdges(x0, y0, x1, y1, rows, columns);
}

function moved(orig: PixelRect, dx: number, dy: number, rows: number, columns: number): PixelRect {
  const x = Math.max(0, Math.min(columns - orig.width, orig.x + Math.round(dx)));
  const y = Math.max(0, Math.min(rows - orig.height, orig.y + Math.round(dy)));
  return { ...orig, x, y };
}

export function useBoxEditing(o: BoxEditingOptions): { draft?: Draft; cursor?: string } {
  const [draft, setDraft] = useState<Draft>();
  const [cursor, setCursor] = useState<string>();
  // The latest options, read by listeners that live as long as the stage.
  const opts = useRef(o);
  opts.current = o;
  const drag = useRef<Drag | undefined>(undefined);

  useEffect(() => {
    const stage = o.stage.current;
    if (!stage) return;

    const local = (e: MouseEvent): [number, number] | undefined => {
      const el = opts.current.element.current;
      if (!el) return undefined;
      const r = el.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    };

    /** What is under the mouse: a handle of the selected box, a box (topmost), or nothing. */
    const hit = (c: [number, number]): { id: string; handle?: Handle } | undefined => {
      const { controller, boxes, selectedId } = opts.current;
      if (!controller) return undefined;
      const selected = boxes.find((b) => b.id === selectedId);
      if (selected) {
        const cr = canvasRect(controller, selected.rect);
        if (cr) {
          const pts = handlePoints(cr);
          for (const h of HANDLES) {
            const [hx, hy] = pts[h];
            if (Math.abs(c[0] - hx) <= HANDLE_HIT && Math.abs(c[1] - hy) <= HANDLE_HIT) return { id: selected.id, handle: h };
          }
        }
      }
      for (let i = boxes.length - 1; i >= 0; i--) {
        const cr = canvasRect(controller, boxes[i].rect);
        if (cr && c[0] >= cr.left - 2 && c[0] <= cr.right + 2 && c[1] >= cr.top - 2 && c[1] <= cr.bottom + 2) return { id: boxes[i].id };
      }
      return undefined;
    };

    const onMove = (e: MouseEvent) => {
      const d = drag.current;
      const { controller, rows, columns } = opts.current;
      const c = local(e);
      if (!d || !controller || !c) return;
      const p = controller.canvasToPixel(c);
      if (!p) return;
      e.preventDefault();
      if (d.kind === 'draw') {
        setDraft({ rect: fromEdges(d.start[0], d.start[1], p[0], p[1], rows, columns) });
      } else if (d.kind === 'move') {
        setDraft({ id: d.id, rect: moved(d.orig, p[0] - d.start[0], p[1] - d.start[1], rows, columns) });
      } else {
        setDraft({ id: d.id, rect: resized(d.orig, d.handle, p, rows, columns) });
      }
    };

    const onUp = (e: MouseEvent) => {
      const d = drag.current;
      drag.current = undefined;
      window.removeEventListener('mousemove', onMove, true);
      window.removeEventListener('mouseup', onUp, true);
      const { controller, rows, columns, onCreate, onChange } = opts.current;
      const c = local(e);
      const p = c && controller?.canvasToPixel(c);
      setDraft(undefined);
      if (!d || !p || !c) return;
      if (d.kind === 'draw') {
        if (Math.hypot(c[0] - d.startCanvas[0], c[1] - d.startCanvas[1]) < MIN_DRAG) {
          // A click (no drag) on a box in draw mode selects it.
          if (d.clicked) opts.current.onSelect(d.clicked);
          return;
        }
        onCreate(fromEdges(d.start[0], d.start[1], p[0], p[1], rows, columns));
      } else if (d.kind === 'move') {
        const r = moved(d.orig, p[0] - d.start[0], p[1] - d.start[1], rows, columns);
        if (r.x !== d.orig.x || r.y !== d.orig.y) onChange(d.id, r);
      } else {
        const r = resized(d.orig, d.handle, p, rows, columns);
        if (r.x !== d.orig.x || r.y !== d.orig.y || r.width !== d.orig.width || r.height !== d.orig.height) onChange(d.id, r);
      }
    };

    const onDown = (e: MouseEvent) => {
      // cornerstone's tools keep the press from focusing the stage: focus it, so the keyboard
      // shortcuts (and not a control clicked before) get the next key.
      if (document.activeElement !== stage) stage.focus({ preventScroll: true });
      const { enabled, controller, drawMode, boxes, onSelect } = opts.current;
      if (!enabled || !controller || e.button !== 0 || drag.current) return;
      const c = local(e);
      const p = c && controller.canvasToPixel(c);
      if (!c || !p) return;
      const target = hit(c);
      // In draw mode a drag always draws a new box, over other boxes too (text often sits in a
      // proposal's corner); only the selected box's handles resize. Moving is for the other tools.
      if (target && (target.handle || !drawMode)) {
        const box = boxes.find((b) => b.id === target.id)!;
        onSelect(target.id);
        drag.current = target.handle ? { kind: 'resize', id: target.id, handle: target.handle, orig: box.rect } : { kind: 'move', id: target.id, start: p, orig: box.rect };
      } else if (drawMode) {
        onSelect(undefined);
        drag.current = { kind: 'draw', start: p, startCanvas: c, clicked: target?.id };
      } else {
        // An empty spot: deselect and let cornerstone's tool have the press.
        onSelect(undefined);
        return;
      }
      e.stopPropagation();
      e.preventDefault();
      window.addEventListener('mousemove', onMove, true);
      window.addEventListener('mouseup', onUp, true);
    };

    const onHover = (e: MouseEvent) => {
      if (drag.current) return;
      const { enabled, drawMode } = opts.current;
      const c = local(e);
      if (!enabled || !c) {
        setCursor(undefined);
        return;
      }
      const target = hit(c);
      setCursor(target?.handle ? CURSORS[target.handle] : drawMode ? 'crosshair' : target ? 'move' : undefined);
    };

    stage.addEventListener('mousedown', onDown, true);
    stage.addEventListener('mousemove', onHover);
    return () => {
      stage.removeEventListener('mousedown', onDown, true);
      stage.removeEventListener('mousemove', onHover);
      window.removeEventListener('mousemove', onMove, true);
      window.removeEventListener('mouseup', onUp, true);
    };
  }, [o.stage]);

  return { draft, cursor };
}
