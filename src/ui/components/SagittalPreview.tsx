/**
 * The mid-sagittal slice before and after defacing, face to the left, with the changed region
 * outlined in both: what is removed, and that the brain is not. Drawn from grey levels the
 * defacing worker computed; the canvas keeps the voxels' physical aspect.
 */
import { useEffect, useRef } from 'react';
import type { SlicePreview } from '../../workers/deface-protocol.ts';

const OUTLINE: [number, number, number] = [255, 176, 32];

function paint(canvas: HTMLCanvasElement, slice: SlicePreview, gray: Uint8Array): void {
  const { width, height, region } = slice;
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(width, height);
  const px = image.data;
  for (let p = 0; p < width * height; p++) {
    const v = gray[p];
    px[4 * p] = v;
    px[4 * p + 1] = v;
    px[4 * p + 2] = v;
    px[4 * p + 3] = 255;
  }
  // The region's border: a changed pixel with an unchanged neighbour.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = x + y * width;
      if (!region[p]) continue;
      const edge = x === 0 || y === 0 || x === width - 1 || y === height - 1 || !region[p - 1] || !region[p + 1] || !region[p - width] || !region[p + width];
      if (!edge) continue;
      px[4 * p] = OUTLINE[0];
      px[4 * p + 1] = OUTLINE[1];
      px[4 * p + 2] = OUTLINE[2];
    }
  }
  ctx.putImageData(image, 0, 0);
}

function SliceCanvas({ slice, gray, label, testId }: { slice: SlicePreview; gray: Uint8Array; label: string; testId: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) paint(ref.current, slice, gray);
  }, [slice, gray]);
  const aspect = (slice.width * slice.spacing[0]) / (slice.height * slice.spacing[1]);
  return (
    <figure className="deface-figure">
      <canvas ref={ref} className="deface-slice" style={{ aspectRatio: String(aspect) }} role="img" aria-label={label} data-testid={testId} />
      <figcaption className="small muted">{label}</figcaption>
    </figure>
  );
}

export function SagittalPreview({ slice }: { slice: SlicePreview }) {
  return (
    <div className="deface-pair" aria-label="Mid-sagittal slice">
      <SliceCanvas slice={slice} gray={slice.before} label="Mid-sagittal slice, before (changed region outlined)" testId="deface-slice-before" />
      <SliceCanvas slice={slice} gray={slice.after} label="Mid-sagittal slice, after" testId="deface-slice-after" />
    </div>
  );
}
