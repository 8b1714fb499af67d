/**
 * The image viewer (data-testid="viewer"): a cornerstone3D stack of the series' frames, with
 * window/level, zoom, pan, invert, reset, cine for multi-frame images and keyboard shortcuts,
 * and the redaction boxes of the plan drawn over it and edited with the mouse.
 *
 * The boxes are the store's redaction plan (ORIGINAL-identity scopes, image pixel coordinates);
 * this component only shows them and turns mouse gestures into plan edits. "Preview output"
 * swaps the image on screen for the de-identified output of that instance, made in a worker by
 * the same engine call the export makes and decoded by cornerstone from those bytes: what the
 * viewer shows then is what the zip will hold.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useAppState, useVeilStore } from '../state/hooks.ts';
import {
  addBox, acceptProposals, boxState, boxesOn, carryForward, nextBoxId, removeBox, scopeFor, setStatus, updateBox,
  type PixelRect, type ScopeChoice,
} from '../state/plan-edit.ts';
import type { SeriesNode } from '../state/tree.ts';
import type { FileEntry } from '../state/types.ts';
import type { PixelRedaction } from '../../workers/protocol.ts';
import { BoxLayer } from './BoxLayer.tsx';
import { PixelStatusLine } from '../components/PixelStatus.tsx';
import { BoxPanel } from './BoxPanel.tsx';
import { ViewerController, type PrimaryTool, type ViewInfo } from './controller.ts';
import { frameImageId, originalImageId } from './registry.ts';
import type { ShortcutAction } from './shortcuts.ts';
import { nextFrameInImage, stackFrames, stepImage, viewableImages } from './stack.ts';
import { useBoxEditing } from './useBoxEditing.ts';
import { useOutputPreview } from './useOutputPreview.ts';
import { useShortcutKeys } from './useShortcutKeys.ts';
import { ViewerToolbar } from './ViewerToolbar.tsx';

/** How the output's pixel data was written, for the preview banner. */
const ENCODING: Record<PixelRedaction['encoding'], string> = {
  unchanged: '',
  native: '',
  're-encoded': ', re-encoded losslessly',
  decompressed: ', written uncompressed',
};

/** Where each series was left, so coming back to it shows the same image. */
const positions = new Map<string, number>();

export default function Viewer({ series }: { series: SeriesNode }) {
  const images = useMemo(() => viewableImages(series.instances), [series.instances]);
  if (images.length === 0) {
    return (
      <div className="viewer-empty notice" data-testid="viewer-empty">
        No image of this series can be shown yet: {series.instances.length ? 'none of its instances has pixel data.' : 'nothing is loaded.'}
      </div>
    );
  }
  // Mounted once there is something to show, so cornerstone starts on a real element.
  return <StackViewer series={series} images={images} />;
}

function StackViewer({ series, images }: { series: SeriesNode; images: FileEntry[] }) {
  const store = useVeilStore();
  const plan = useAppState((s) => s.plan);
  const dialogOpen = useAppState((s) => s.export.dialogOpen);

  const stack = useMemo(() => stackFrames(images), [images]);
  const byId = useMemo(() => new Map(images.map((f) => [f.id, f])), [images]);

  const elementRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const [controller, setController] = useState<ViewerController>();
  const [startError, setStartError] = useState<string>();
  const [index, setIndex] = useState(() => Math.min(positions.get(series.key) ?? 0, Math.max(0, stack.length - 1)));
  const [info, setInfo] = useState<ViewInfo>();
  const [renderTick, setRenderTick] = useState(0);
  const [tool, setTool] = useState<PrimaryTool>('windowLevel');
  const [selectedId, setSelectedId] = useState<string>();
  const [newScope, setNewScope] = useState<ScopeChoice>('instance');
  const [carry, setCarry] = useState(true);
  const [preview, setPreview] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [fps, setFps] = useState(15);
  const [help, setHelp] = useState(false);

  const here = stack[Math.min(index, stack.length - 1)];
  const file = here ? byId.get(here.fileId) : undefined;
  const identity = file?.identity;
  const rows = file?.summary?.rows ?? 0;
  const columns = file?.summary?.columns ?? 0;
  const boxes = useMemo(() => (identity && here ? boxesOn(plan, identity, here.frame) : []), [plan, identity, here]);
  const seriesImages = useMemo(() => images.flatMap((f) => (f.identity ? [f.identity] : [])), [images]);
  const current = file;
  // Preview output: the de-identified output of the instance on screen, made as the export makes it.
  const output = useOutputPreview(store, preview, here?.fileId, plan, byId);
  const showingOutput = preview && output?.status === 'ready' && output.fileId === here?.fileId;

  // ---------------------------------------------------------------- cornerstone lifecycle
  useEffect(() => {
    const el = elementRef.current;
    if (!el) return;
    const c = new ViewerController(el);
    let live = true;
    c.start()
      .then(() => {
        if (live) setController(c);
      })
      .catch((e: unknown) => {
        if (live) setStartError((e as Error)?.message ?? String(e));
      });
    return () => {
      live = false;
      c.destroy();
      setController(undefined);
    };
  }, []);

  useEffect(() => {
    if (!controller) return;
    let frame = 0;
    return controller.subscribe(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        setInfo(controller.info());
        setIndex(controller.currentIndex());
        setRenderTick((t) => t + 1);
      });
    });
  }, [controller]);

  // The image ids of the stack: the originals, with the instance on screen swapped for its
  // de-identified output while the preview is on.
  const imageIds = useMemo(
    () =>
      stack.map((s) => {
        if (preview && output?.status === 'ready' && output.base && output.fileId === s.fileId) return frameImageId(output.base, s.frame, s.frames);
        return frameImageId(originalImageId(byId.get(s.fileId)!.file), s.frame, s.frames);
      }),
    [stack, byId, preview, output],
  );

  useEffect(() => {
    if (!controller || imageIds.length === 0) return;
    void controller.setStack(imageIds, Math.min(controller.currentIndex() || index, imageIds.length - 1)).then(() => {
      setInfo(controller.info());
      setRenderTick((t) => t + 1);
    });
    // index is read once per stack change; scrolling does not rebuild the stack.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controller, imageIds]);

  useEffect(() => {
    positions.set(series.key, index);
  }, [series.key, index]);

  // Keyboard shortcuts work as soon as the viewer opens (not on the button that opened it).
  useEffect(() => {
    if (controller) stageRef.current?.focus({ preventScroll: true });
  }, [controller]);

  useEffect(() => {
    controller?.setPrimaryTool(preview && tool === 'box' ? 'windowLevel' : tool);
  }, [controller, tool, preview]);

  // Where the last step asked to go: keys pressed faster than images load still count.
  const wanted = useRef({ index, at: 0 });
  if (performance.now() - wanted.current.at > 400) wanted.current.index = index;
  const go = useCallback(
    (i: number) => {
      if (!controller || stack.length === 0) return;
      const to = Math.max(0, Math.min(stack.length - 1, i));
      wanted.current = { index: to, at: performance.now() };
      void controller.show(to);
    },
    [controller, stack.length],
  );
  const step = useCallback((delta: number) => go(wanted.current.index + delta), [go]);

  // ---------------------------------------------------------------- carry-forward
  const lastImage = useRef<typeof identity>(undefined);
  useEffect(() => {
    const prev = lastImage.current;
    lastImage.current = identity;
    if (!carry || preview || !prev || !identity || prev.sopInstanceUID === identity.sopInstanceUID) return;
    store.editPlan((p) => carryForward(p, prev, identity));
  }, [identity, carry, preview, store]);

  // ---------------------------------------------------------------- cine
  const indexRef = useRef(index);
  indexRef.current = index;
  const multiFrame = (here?.frames ?? 1) > 1;
  useEffect(() => {
    if (!playing || !controller) return;
    const t = setInterval(() => void controller.show(nextFrameInImage(stack, indexRef.current)), 1000 / fps);
    return () => clearInterval(t);
  }, [playing, fps, controller, stack]);
  useEffect(() => {
    if (!multiFrame) setPlaying(false);
  }, [multiFrame]);

  // ---------------------------------------------------------------- box editing
  const editable = !preview && !!identity;
  const onCreate = useCallback(
    (rect: PixelRect) => {
      if (!identity || !here) return;
      let id = '';
      store.editPlan((p) => {
        id = nextBoxId(p);
        // "This frame" on a single-frame image is the image itself.
        const choice = newScope === 'frame' && here.frames <= 1 ? 'instance' : newScope;
        return addBox(p, { id, ...rect, ...scopeFor(choice, identity, here.frame), source: 'user' });
      });
      setSelectedId(id);
    },
    [identity, here, newScope, store],
  );
  const onChange = useCallback((id: string, rect: PixelRect) => store.editPlan((p) => updateBox(p, id, rect)), [store]);
  const editableBoxes = useMemo(() => boxes.filter((b) => boxState(b) !== 'rejected').map((b) => ({ id: b.id, rect: { x: b.x, y: b.y, width: b.width, height: b.height } })), [boxes]);
  const { draft, cursor } = useBoxEditing({
    stage: stageRef,
    element: elementRef,
    controller,
    enabled: editable,
    drawMode: tool === 'box',
    boxes: editableBoxes,
    selectedId,
    rows,
    columns,
    onSelect: setSelectedId,
    onCreate,
    onChange,
  });
  useEffect(() => {
    if (selectedId && !plan.boxes.some((b) => b.id === selectedId)) setSelectedId(undefined);
  }, [plan, selectedId]);

  // ---------------------------------------------------------------- keyboard
  const run = useCallback(
    (a: ShortcutAction): boolean => {
      switch (a) {
        case 'tool-wl': setTool('windowLevel'); return true;
        case 'tool-pan': setTool('pan'); return true;
        case 'tool-zoom': setTool('zoom'); return true;
        case 'tool-box': if (!preview) setTool('box'); return true;
        case 'prev': step(-1); return true;
        case 'next': step(1); return true;
        case 'prev-image': go(stepImage(stack, wanted.current.index, -1)); return true;
        case 'next-image': go(stepImage(stack, wanted.current.index, 1)); return true;
        case 'first': go(0); return true;
        case 'last': go(stack.length - 1); return true;
        case 'cine': if (multiFrame) setPlaying((p) => !p); return true;
        case 'invert': controller?.invert(); return true;
        case 'reset': controller?.reset(); return true;
        case 'zoom-in': controller?.zoomBy(1.25); return true;
        case 'zoom-out': controller?.zoomBy(0.8); return true;
        case 'delete':
          if (selectedId && !preview) {
            store.editPlan((p) => removeBox(p, selectedId));
            setSelectedId(undefined);
          }
          return true;
        case 'accept': if (selectedId && !preview) store.editPlan((p) => setStatus(p, selectedId, 'accepted')); return true;
        case 'reject': if (selectedId && !preview) store.editPlan((p) => setStatus(p, selectedId, 'rejected')); return true;
        case 'accept-all': if (!preview) store.editPlan((p) => acceptProposals(p, seriesImages, 'phi')); return true;
        case 'undo': if (!preview) store.undoPlan(); return true;
        case 'redo': if (!preview) store.redoPlan(); return true;
        case 'preview': setPreview((p) => !p); return true;
        case 'deselect': setSelectedId(undefined); setHelp(false); return true;
        case 'help': setHelp((h) => !h); return true;
      }
    },
    [controller, go, step, stack, multiFrame, selectedId, preview, store],
  );
  useShortcutKeys(run, stageRef, dialogOpen);

  // ---------------------------------------------------------------- render
  const imageCount = images.length;
  const photometric = file?.summary?.photometricInterpretation ?? '';
  // MONOCHROME1 is shown inverted by default (white bones, as it should): only a change is news.
  const inverted = (info?.invert ?? false) !== (photometric === 'MONOCHROME1');
  const painted = boxes.filter((b) => boxState(b) === 'paint').length;
  const stageState = preview ? (showingOutput ? 'output' : output?.status === 'failed' ? 'failed' : 'loading') : 'original';
  return (
    <section className="viewer-layout" aria-label="Image viewer">
      <div className="viewer-main">
        <ViewerToolbar
          tool={tool}
          onTool={setTool}
          inverted={inverted}
          onInvert={() => controller?.invert()}
          onReset={() => controller?.reset()}
          preview={preview}
          onPreview={setPreview}
          help={help}
          onHelp={setHelp}
        />

        <div className="viewer-info" data-testid="viewer-info">
          <span className="viewer-info-pos">
            Image {here.image + 1}/{imageCount}
            {here.frames > 1 ? ` · frame ${here.frame + 1}/${here.frames}` : ''}
          </span>
          <span className="viewer-info-facts muted" title={`Instance ${file?.summary?.instanceNumber ?? '—'} · ${columns}×${rows} · ${photometric} · ${file?.summary?.transferSyntaxName}`}>
            #{file?.summary?.instanceNumber ?? '—'} · {columns}×{rows} · {photometric} · {file?.summary?.transferSyntaxName}
          </span>
          <span className="viewer-info-end muted">
            {info?.window ? `W ${Math.round(info.window.width)} L ${Math.round(info.window.center)} · ` : ''}
            {Math.round((info?.zoom ?? 1) * 100)}%{inverted ? ' · inverted' : ''}
          </span>
          <span className={painted ? 'viewer-info-paint' : 'muted'}>{painted ? `${painted} box${painted === 1 ? '' : 'es'} to paint` : 'no box to paint'}</span>
        </div>
        <div
          ref={stageRef}
          className={`viewer-stage${preview ? ' is-preview' : ''}`}
          data-testid="viewer"
          data-showing={stageState}
          data-index={index}
          data-image-rect={info?.imageRect ? [info.imageRect.left, info.imageRect.top, info.imageRect.width, info.imageRect.height].map((n) => n.toFixed(1)).join(',') : undefined}
          data-ready={controller && info?.imageId ? 'true' : 'false'}
          tabIndex={0}
          style={cursor ? { cursor } : undefined}
          role="application"
          aria-roledescription="image viewer"
          aria-label="Image viewport: arrow keys change the image, B draws a box, ? lists every key"
        >
          <div ref={elementRef} className="viewer-element" />
          {controller ? <BoxLayer controller={controller} boxes={boxes} selectedId={preview ? undefined : selectedId} draft={draft} renderTick={renderTick} quiet={showingOutput} /> : null}
          {preview ? (
            <div className={`viewer-banner${stageState === 'failed' ? ' is-error' : ''}`} data-testid="preview-banner">
              {stageState === 'output'
                ? `Exported pixels${output?.pixels?.painted.length ? ` · ${output.pixels.painted.length} box(es) painted${ENCODING[output.pixels.encoding]}` : ' · nothing painted'}`
                : stageState === 'failed'
                  ? `Not exported: ${output?.reason}`
                  : 'De-identifying this image…'}
            </div>
          ) : null}
          {startError || controller?.lastError ? <div className="viewer-error notice notice-error">{startError ?? `This image could not be shown: ${controller?.lastError}`}</div> : null}
        </div>

        <div className="viewer-nav">
          <button type="button" className="btn btn-small btn-quiet" onClick={() => step(-1)} disabled={index === 0} aria-label="Previous (↑)" title="Previous (↑)">
            ‹
          </button>
          <input
            type="range"
            className="viewer-slider"
            min={0}
            max={Math.max(0, stack.length - 1)}
            value={index}
            onChange={(e) => go(Number(e.target.value))}
            aria-label="Image and frame"
            data-testid="viewer-slider"
            disabled={stack.length < 2}
          />
          <button type="button" className="btn btn-small btn-quiet" onClick={() => step(1)} disabled={index >= stack.length - 1} aria-label="Next (↓)" title="Next (↓)">
            ›
          </button>
          {multiFrame ? (
            <>
              <button type="button" className="btn btn-small" data-testid="cine" aria-pressed={playing} onClick={() => setPlaying((p) => !p)} title="Play the frames (Space)">
                {playing ? 'Pause' : 'Play'}
              </button>
              <select className="select select-small" value={fps} onChange={(e) => setFps(Number(e.target.value))} aria-label="Frames per second">
                {[5, 10, 15, 25, 30].map((n) => (
                  <option key={n} value={n}>
                    {n} fps
                  </option>
                ))}
              </select>
            </>
          ) : null}
          <span className="muted small viewer-nav-count" data-testid="viewer-position">
            {index + 1} / {stack.length}
          </span>
          {file ? (
            <button type="button" className="btn btn-small btn-quiet" onClick={() => void store.openReview(file.id)} title="The header of this instance, original and de-identified">
              Header
            </button>
          ) : null}
        </div>
      </div>
      <BoxPanel
        plan={plan}
        boxes={boxes}
        selectedId={selectedId}
        onSelect={setSelectedId}
        image={identity}
        frame={here.frame}
        frames={here.frames}
        newScope={newScope}
        onNewScope={setNewScope}
        carry={carry}
        onCarry={setCarry}
        readOnly={preview}
        seriesImages={seriesImages}
        status={current ? <PixelStatusLine entry={current} /> : null}
      />
    </section>
  );
}
