/**
 * One cornerstone stack viewport and its tools, behind a small API the React viewer calls:
 * show a stack, step through it, choose what the left mouse button does, window/level, zoom,
 * pan, invert, reset, and convert between canvas and image pixel coordinates.
 *
 * Mouse: the left button does the chosen tool (window/level by default); the middle button
 * pans, the right button zooms and the wheel scrolls through the stack, whatever is chosen.
 * In box mode the viewer takes the left button itself (see BoxLayer) and cornerstone's tools
 * keep the others.
 */
import type { Types } from '@cornerstonejs/core';
import { RENDERING_ENGINE_ID, TOOL_GROUP_ID, core, initCornerstone, tools } from './cornerstone.ts';
import { carriedProperties, usableVoi } from './view-properties.ts';

export type PrimaryTool = 'windowLevel' | 'pan' | 'zoom' | 'box';

/** What the heads-up display shows about the image on screen. */
export interface ViewInfo {
  index: number;
  imageId?: string;
  /** Window width / centre of the VOI on screen. */
  window?: { width: number; center: number };
  invert: boolean;
  /** 1 = fitted to the viewport. */
  zoom: number;
  /** Where the image is drawn, in CSS pixels relative to the viewport element. */
  imageRect?: { left: number; top: number; width: number; height: number };
}

let instances = 0;

export class ViewerController {
  private engine?: core.RenderingEngine;
  private readonly viewportId: string;
  private readonly toolGroupId: string;
  private readonly engineId: string;
  private resizeObserver?: ResizeObserver;
  private primary: PrimaryTool = 'windowLevel';
  private destroyed = false;
  private stackIds: string[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly onEvent = () => this.notify();
  private readonly onError = (e: Event) => {
    const detail = (e as CustomEvent<{ error?: unknown; imageId?: string }>).detail;
    if (detail?.imageId && !this.stackIds.includes(detail.imageId)) return;
    this.failed(detail?.error);
  };
  lastError?: string;

  constructor(private readonly element: HTMLDivElement) {
    instances++;
    this.viewportId = `veil-stack-${instances}`;
    this.toolGroupId = `${TOOL_GROUP_ID}-${instances}`;
    this.engineId = `${RENDERING_ENGINE_ID}-${instances}`;
  }

  async start(): Promise<void> {
    await initCornerstone();
    if (this.destroyed) return;
    const engine = new core.RenderingEngine(this.engineId);
    this.engine = engine;
    engine.enableElement({
      viewportId: this.viewportId,
      type: core.Enums.ViewportType.STACK,
      element: this.element,
      defaultOptions: { background: [0, 0, 0] as Types.Point3 },
    });
    const group = tools.ToolGroupManager.createToolGroup(this.toolGroupId);
    if (!group) throw new Error('could not create the viewer tool group');
    for (const Tool of [tools.WindowLevelTool, tools.PanTool, tools.ZoomTool, tools.StackScrollTool]) group.addTool(Tool.toolName);
    group.addViewport(this.viewportId, this.engineId);
    this.applyBindings();
    const E = core.Enums.Events;
    for (const name of [E.IMAGE_RENDERED, E.STACK_NEW_IMAGE, E.CAMERA_MODIFIED, E.VOI_MODIFIED]) this.element.addEventListener(name, this.onEvent);
    core.eventTarget.addEventListener(E.IMAGE_LOAD_ERROR, this.onError);
    // The element has no context menu: the right button zooms.
    this.element.addEventListener('contextmenu', preventDefault);
    this.resizeObserver = new ResizeObserver(() => {
      if (!this.destroyed) this.engine?.resize(true, true);
      this.notify();
    });
    this.resizeObserver.observe(this.element);
  }

  get viewport(): core.StackViewport | undefined {
    return this.engine?.getViewport<core.StackViewport>(this.viewportId);
  }

  /** Calls `listener` after every render, image change, camera or VOI change. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  /** Shows `imageIds`, at `index`. Keeps zoom and pan when only some ids changed (preview). */
  async setStack(imageIds: string[], index: number): Promise<void> {
    const vp = this.viewport;
    if (!vp) return;
    this.lastError = undefined;
    const same = imageIds.length === this.stackIds.length && imageIds.every((id, i) => id === this.stackIds[i]);
    if (same) {
      await this.show(index);
      return;
    }
    const keep = this.stackIds.length === imageIds.length && this.stackIds.length > 0;
    const camera = keep ? vp.getCamera() : undefined;
    const props = keep ? vp.getProperties() : undefined;
    this.stackIds = [...imageIds];
    try {
      await vp.setStack(imageIds, Math.max(0, Math.min(index, imageIds.length - 1)));
    } catch (e) {
      this.failed(e);
      return;
    }
    if (this.destroyed) return;
    if (camera) vp.setCamera(camera);
    if (props) vp.setProperties(carriedProperties(props));
    vp.render();
  }

  async show(index: number): Promise<void> {
    const vp = this.viewport;
    if (!vp || index < 0 || index >= this.stackIds.length) return;
    if (vp.getCurrentImageIdIndex() === index) return;
    this.lastError = undefined;
    try {
      await vp.setImageIdIndex(index);
    } catch (e) {
      this.failed(e);
    }
  }

  /** A load or decode failure: shown over the viewport instead of an image. */
  private failed(e: unknown): void {
    const err = e as { message?: string; error?: { message?: string } } | string | undefined;
    this.lastError = typeof err === 'string' ? err : err?.message || err?.error?.message || 'the image could not be decoded';
    this.notify();
  }

  currentIndex(): number {
    return this.viewport?.getCurrentImageIdIndex() ?? 0;
  }

  setPrimaryTool(tool: PrimaryTool): void {
    this.primary = tool;
    this.applyBindings();
  }

  private applyBindings(): void {
    const group = tools.ToolGroupManager.getToolGroup(this.toolGroupId);
    if (!group) return;
    const M = tools.Enums.MouseBindings;
    const bindings: Record<string, { mouseButton: number }[]> = {
      [tools.WindowLevelTool.toolName]: [],
      [tools.PanTool.toolName]: [{ mouseButton: M.Auxiliary }],
      [tools.ZoomTool.toolName]: [{ mouseButton: M.Secondary }],
      [tools.StackScrollTool.toolName]: [{ mouseButton: M.Wheel }],
    };
    const primaryName =
      this.primary === 'windowLevel' ? tools.WindowLevelTool.toolName : this.primary === 'pan' ? tools.PanTool.toolName : this.primary === 'zoom' ? tools.ZoomTool.toolName : undefined;
    if (primaryName) bindings[primaryName].push({ mouseButton: M.Primary });
    for (const [name, b] of Object.entries(bindings)) {
      if (b.length) group.setToolActive(name, { bindings: b });
      else group.setToolPassive(name);
    }
  }

  render(): void {
    this.viewport?.render();
  }

  invert(): void {
    const vp = this.viewport;
    if (!vp) return;
    vp.setProperties({ invert: !vp.getProperties().invert });
    vp.render();
  }

  /** Fit to the viewport, default window and inversion (MONOCHROME1 shows as it should). */
  reset(): void {
    const vp = this.viewport;
    if (!vp) return;
    vp.resetCamera();
    vp.resetProperties();
    vp.render();
  }

  zoomBy(factor: number): void {
    const vp = this.viewport;
    if (!vp) return;
    vp.setZoom(vp.getZoom() * factor);
    vp.render();
  }

  /**
   * Canvas position (CSS pixels, relative to the viewport element) → image pixel coordinates:
   * column and row of pixel EDGES, so pixel (c, r) spans [c, c+1) × [r, r+1). Goes through
   * cornerstone's world coordinates and the image data's world-to-index transform (pixel centres
   * are whole index values, hence the half-pixel shift).
   */
  canvasToPixel(canvas: [number, number]): [number, number] | undefined {
    const vp = this.viewport;
    const data = vp?.getImageData();
    if (!vp || !data?.imageData) return undefined;
    const world = vp.canvasToWorld(canvas as Types.Point2);
    const index = core.utilities.transformWorldToIndexContinuous(data.imageData, world);
    return [index[0] + 0.5, index[1] + 0.5];
  }

  /** Image pixel-edge coordinates → canvas position (the inverse of canvasToPixel). */
  pixelToCanvas(pixel: [number, number]): [number, number] | undefined {
    const vp = this.viewport;
    const data = vp?.getImageData();
    if (!vp || !data?.imageData) return undefined;
    const world = core.utilities.transformIndexToWorld(data.imageData, [pixel[0] - 0.5, pixel[1] - 0.5, 0] as Types.Point3);
    const canvas = vp.worldToCanvas(world);
    return [canvas[0], canvas[1]];
  }

  info(): ViewInfo {
    const vp = this.viewport;
    if (!vp) return { index: 0, invert: false, zoom: 1 };
    const props = vp.getProperties();
    const voi = props.voiRange;
    const info: ViewInfo = {
      index: vp.getCurrentImageIdIndex(),
      imageId: vp.getCurrentImageId(),
      invert: !!props.invert,
      zoom: vp.getZoom(),
    };
    if (usableVoi(voi)) {
      info.window = { width: voi.upper - voi.lower, center: (voi.upper + voi.lower) / 2 };
    }
    const image = vp.getCornerstoneImage?.();
    if (image) {
      const a = this.pixelToCanvas([0, 0]);
      const b = this.pixelToCanvas([image.columns, image.rows]);
      if (a && b) {
        info.imageRect = { left: Math.min(a[0], b[0]), top: Math.min(a[1], b[1]), width: Math.abs(b[0] - a[0]), height: Math.abs(b[1] - a[1]) };
      }
    }
    return info;
  }

  destroy(): void {
    this.destroyed = true;
    this.listeners.clear();
    this.resizeObserver?.disconnect();
    const E = core.Enums.Events;
    for (const name of [E.IMAGE_RENDERED, E.STACK_NEW_IMAGE, E.CAMERA_MODIFIED, E.VOI_MODIFIED]) this.element.removeEventListener(name, this.onEvent);
    core.eventTarget.removeEventListener(E.IMAGE_LOAD_ERROR, this.onError);
    this.element.removeEventListener('contextmenu', preventDefault);
    try {
      tools.ToolGroupManager.destroyToolGroup(this.toolGroupId);
    } catch {
      // never created
    }
    try {
      this.engine?.destroy();
    } catch {
      // already gone
    }
    this.engine = undefined;
  }
}

function preventDefault(e: Event): void {
  e.preventDefault();
}
