/**
 * The head in 3-D, before and after defacing, side by side and turned together: cornerstone3D
 * volume viewports (vtk.js ray casting on WebGL) over volumes made from the defacing worker's
 * data, with a skin transfer function. Yaw and pitch sliders, a drag on either view, or the view
 * buttons turn both heads. Loaded on demand, like the image viewer, with the same cornerstone set-up.
 */
import { useEffect, useRef, useState } from 'react';
import { core, initCornerstone } from '../viewer/cornerstone.ts';
import type { VolumePreview } from '../../workers/deface-protocol.ts';
import { cameraFor, skinPreset, volumeCentre } from './camera.ts';

const ENGINE_ID = 'veil-deface-engine';
const VIEWS: { label: string; yaw: number; pitch: number }[] = [
  { label: 'Front', yaw: 0, pitch: 0 },
  { label: 'Left', yaw: 90, pitch: 0 },
  { label: 'Right', yaw: -90, pitch: 0 },
  { label: 'Oblique', yaw: 30, pitch: 15 },
];

let volumeCounter = 0;

type Viewport3D = core.Types.IVolumeViewport;

export default function HeadRendering({ volume }: { volume: VolumePreview }) {
  const beforeRef = useRef<HTMLDivElement>(null);
  const afterRef = useRef<HTMLDivElement>(null);
  const viewports = useRef<Viewport3D[]>([]);
  const [angles, setAngles] = useState({ yaw: 0, pitch: 0 });
  const [status, setStatus] = useState<'starting' | 'ready' | 'failed'>('starting');
  const [problem, setProblem] = useState<string>();
  const [renders, setRenders] = useState(0);

  useEffect(() => {
    const beforeEl = beforeRef.current;
    const afterEl = afterRef.current;
    if (!beforeEl || !afterEl) return;
    let cancelled = false;
    const n = ++volumeCounter;
    // No scheme (no colon): cornerstone takes the volume's own metadata instead of asking an image
    // loader for its slices, which exist only in its cache.
    const ids = [`veil-deface-before-${n}`, `veil-deface-after-${n}`];
    let engine: core.RenderingEngine | undefined;
    const onRendered = () => setRenders((r) => r + 1);
    (async () => {
      await initCornerstone();
      if (cancelled) return;
      core.getRenderingEngine(ENGINE_ID)?.destroy();
      engine = new core.RenderingEngine(ENGINE_ID);
      const type = core.Enums.ViewportType.VOLUME_3D;
      const background: [number, number, number] = [0.07, 0.09, 0.12];
      engine.setViewports([
        { viewportId: 'deface-before', type, element: beforeEl, defaultOptions: { background } },
        { viewportId: 'deface-after', type, element: afterEl, defaultOptions: { background } },
      ]);
      const metadata = {
        BitsAllocated: 32, BitsStored: 32, SamplesPerPixel: 1, HighBit: 31, PixelRepresentation: 1,
        PhotometricInterpretation: 'MONOCHROME2', Modality: volume.modality, FrameOfReferenceUID: 'veil-deface-preview',
        ImageOrientationPatient: volume.direction.slice(0, 6), PixelSpacing: [volume.spacing[1], volume.spacing[0]],
        Columns: volume.dims[0], Rows: volume.dims[1], VOILUTFunction: 'LINEAR',
        voiLut: [{ windowWidth: volume.range[1] - volume.range[0] || 1, windowCenter: (volume.range[0] + volume.range[1]) / 2 }],
      };
      const vps: Viewport3D[] = [];
      for (const [k, data] of [volume.before, volume.after].entries()) {
        core.volumeLoader.createLocalVolume(ids[k], {
          scalarData: data, dimensions: volume.dims, spacing: volume.spacing, origin: volume.origin,
          direction: volume.direction as unknown as core.Types.Mat3, metadata: metadata as unknown as core.Types.Metadata,
        });
        const vp = engine.getViewport(k === 0 ? 'deface-before' : 'deface-after') as Viewport3D;
        await vp.setVolumes([{ volumeId: ids[k] }]);
        vp.setProperties({ preset: skinPreset(volume) as unknown as string });
        vp.element.addEventListener(core.Enums.Events.IMAGE_RENDERED, onRendered);
        vps.push(vp);
      }
      if (cancelled) return;
      viewports.current = vps;
      setStatus('ready');
    })().catch((e: Error) => {
      if (cancelled) return;
      setProblem(e.message);
      setStatus('failed');
    });
    return () => {
      cancelled = true;
      for (const vp of viewports.current) vp.element.removeEventListener(core.Enums.Events.IMAGE_RENDERED, onRendered);
      viewports.current = [];
      try {
        engine?.destroy();
      } catch {
        // already gone
      }
      for (const id of ids) core.cache.removeVolumeLoadObject(id);
    };
  }, [volume]);

  // Both heads follow the same angles.
  useEffect(() => {
    if (status !== 'ready') return;
    const centre = volumeCentre(volume);
    const extent = Math.max(...volume.dims.map((d, a) => d * volume.spacing[a]));
    for (const vp of viewports.current) {
      vp.setCamera(cameraFor(angles.yaw, angles.pitch, centre, extent));
      vp.getRenderer().resetCameraClippingRange();
      vp.render();
    }
  }, [angles, status, volume]);

  const drag = useRef<{ x: number; y: number; yaw: number; pitch: number }>(undefined);
  const onPointerDown = (e: React.PointerEvent) => {
    (e.target as HTMLElement).setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, y: e.clientY, ...angles };
  };
  const onPointerMove = (e: React.PointerEvent) => {
    const start = drag.current;
    if (!start) return;
    const yaw = wrap(start.yaw - (e.clientX - start.x) * 0.5);
    const pitch = clamp(start.pitch + (e.clientY - start.y) * 0.5, -80, 80);
    setAngles({ yaw, pitch });
  };
  const onPointerUp = () => (drag.current = undefined);

  const rendered = status === 'ready' && renders >= 2;
  return (
    <div className="deface-3d" data-testid="deface-3d" data-status={status} data-rendered={rendered} data-yaw={angles.yaw} data-pitch={angles.pitch}>
      <div className="deface-pair">
        {[
          { ref: beforeRef, label: 'Before', testId: 'deface-3d-before' },
          { ref: afterRef, label: 'After', testId: 'deface-3d-after' },
        ].map((v) => (
          <figure key={v.label} className="deface-figure">
            <div
              ref={v.ref}
              className="deface-viewport"
              data-testid={v.testId}
              role="img"
              aria-label={`The head in 3-D, ${v.label.toLowerCase()} defacing; drag to turn it`}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onContextMenu={(e) => e.preventDefault()}
            />
            <figcaption className="small muted">{v.label}</figcaption>
          </figure>
        ))}
      </div>
      {status === 'failed' ? (
        <p className="notice notice-warn small" role="alert">
          The 3-D view could not start here ({problem}); the slices below still show what changes.
        </p>
      ) : null}
      <div className="deface-3d-controls small">
        <div className="segmented" role="group" aria-label="View from">
          {VIEWS.map((v) => (
            <button key={v.label} type="button" className={angles.yaw === v.yaw && angles.pitch === v.pitch ? 'is-active' : undefined} onClick={() => setAngles({ yaw: v.yaw, pitch: v.pitch })} data-testid={`deface-view-${v.label.toLowerCase()}`}>
              {v.label}
            </button>
          ))}
        </div>
        <label>
          Turn <input type="range" min={-180} max={180} step={5} value={angles.yaw} onChange={(e) => setAngles({ ...angles, yaw: Number(e.target.value) })} aria-label="Turn left or right (degrees)" />
        </label>
        <label>
          Tilt <input type="range" min={-80} max={80} step={5} value={angles.pitch} onChange={(e) => setAngles({ ...angles, pitch: Number(e.target.value) })} aria-label="Tilt up or down (degrees)" />
        </label>
      </div>
    </div>
  );
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
const wrap = (deg: number) => ((((deg + 180) % 360) + 360) % 360) - 180;
