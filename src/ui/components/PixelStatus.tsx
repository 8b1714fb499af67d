/**
 * The pixel status of an image (core/pixels/review-status.ts) under the current plan: clean by
 * source, painted, reviewed, or needs review — with why. Shown in the study tree, the series
 * view and the viewer.
 */
import { useMemo } from 'react';
import { PIXEL_STATUS_LABEL, type PixelAssessment } from '../../core/pixels/review-status.ts';
import { useAppState } from '../state/hooks.ts';
import { pixelStatusOf } from '../state/store.ts';
import type { FileEntry } from '../state/types.ts';

export function usePixelStatus(entry: FileEntry | undefined): PixelAssessment | undefined {
  const plan = useAppState((s) => s.plan);
  return useMemo(() => (entry ? pixelStatusOf(entry, plan) : undefined), [entry, plan]);
}

/** Pixel status of each image of a list, and how many need review. */
export function usePixelStatuses(entries: readonly FileEntry[]): { byId: Map<number, PixelAssessment>; needsReview: number } {
  const plan = useAppState((s) => s.plan);
  return useMemo(() => {
    const byId = new Map<number, PixelAssessment>();
    let needsReview = 0;
    for (const e of entries) {
      const a = pixelStatusOf(e, plan);
      if (!a) continue;
      byId.set(e.id, a);
      if (a.status === 'needs-review') needsReview++;
    }
    return { byId, needsReview };
  }, [entries, plan]);
}

export function PixelStatusBadge({ assessment, compact = false }: { assessment: PixelAssessment | undefined; compact?: boolean }) {
  if (!assessment) return null;
  const why = assessment.reasons.length ? `: ${assessment.reasons.join('; ')}` : '';
  const title =
    assessment.status === 'needs-review'
      ? `Burned-in text not reviewed${why}. Paint it, or mark the image checked in the viewer.`
      : assessment.status === 'clean-by-source'
        ? 'Nothing says this image carries burned-in text'
        : `Pixels ${PIXEL_STATUS_LABEL[assessment.status]}${why ? ` (was${why.slice(1)})` : ''}`;
  if (compact && assessment.status === 'clean-by-source') return null;
  return (
    <span className={`pixel-status pixel-status-${assessment.status}`} title={title} data-testid="pixel-status" data-status={assessment.status}>
      {PIXEL_STATUS_LABEL[assessment.status]}
    </span>
  );
}

/** The viewer's line about the image on screen. */
export function PixelStatusLine({ entry }: { entry: FileEntry }) {
  const a = usePixelStatus(entry);
  if (!a) return null;
  return (
    <p className="small pixel-status-line" data-testid="viewer-pixel-status">
      <strong>This image:</strong> <PixelStatusBadge assessment={a} />{' '}
      {a.status === 'needs-review' ? <span className="muted">{a.reasons.join('; ')}</span> : null}
    </p>
  );
}
