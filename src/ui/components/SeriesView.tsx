/**
 * One series: its instances as thumbnails (a click opens the header review), or the image
 * viewer with the redaction boxes. The viewer's code (cornerstone3D) loads the first time it
 * is opened.
 */
import { lazy, memo, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { useAppState, useVeilStore } from '../state/hooks.ts';
import { formatDicomDate, formatPersonName, type PatientNode, type SeriesNode, type StudyNode } from '../state/tree.ts';
import type { FileEntry } from '../state/types.ts';
import { Warning } from './icons.tsx';
import { SeriesPixelBadge, WarningBadge } from './StudyTree.tsx';
import { PixelStatusBadge, usePixelStatus } from './PixelStatus.tsx';
import { DefacePanel } from './DefacePanel.tsx';

export function findSeries(patients: PatientNode[], key: string | undefined): { patient: PatientNode; study: StudyNode; series: SeriesNode } | undefined {
  for (const patient of patients) {
    for (const study of patient.studies) {
      for (const series of study.series) if (!key || series.key === key) return { patient, study, series };
    }
  }
  return undefined;
}

const Viewer = lazy(() => import('../viewer/Viewer.tsx'));

export function SeriesView({ patients }: { patients: PatientNode[] }) {
  const store = useVeilStore();
  const selected = useAppState((s) => s.selectedSeries);
  const mode = useAppState((s) => s.seriesMode);
  const found = findSeries(patients, selected) ?? findSeries(patients, undefined);
  if (!found) return null;
  const { patient, study, series } = found;
  return (
    <section className={`series-view${mode === 'viewer' ? ' is-viewer' : ''}`} aria-label="Series">
      <header className="series-head">
        <div>
          <div className="crumbs muted small">
            {formatPersonName(patient.name) || 'Unnamed patient'} · {study.description || 'Study'} · {study.date ? formatDicomDate(study.date) : 'no date'}
          </div>
          <h2>
            <span className="modality">{series.modality || '—'}</span> {series.number !== undefined ? `Series ${series.number}: ` : ''}
            {series.description || 'Series without description'}
          </h2>
        </div>
        <div className="series-facts">
          <span>
            {series.instances.length} instance{series.instances.length === 1 ? '' : 's'}
          </span>
          <WarningBadge count={series.residual} title="Files with identifiers still found after de-identification" />
          <SeriesPixelBadge series={series} />
          <div className="segmented" role="group" aria-label="Show the series as">
            <button type="button" className={mode === 'grid' ? 'is-active' : undefined} aria-pressed={mode === 'grid'} data-testid="series-mode-grid" onClick={() => store.setSeriesMode('grid')}>
              Instances
            </button>
            <button type="button" className={mode === 'viewer' ? 'is-active' : undefined} aria-pressed={mode === 'viewer'} data-testid="open-viewer" onClick={() => store.setSeriesMode('viewer')}>
              Viewer &amp; boxes
            </button>
          </div>
        </div>
      </header>
      {series.residual > 0 ? (
        <p className="notice notice-warn">
          <Warning /> In {series.residual} file{series.residual === 1 ? '' : 's'} of this series, identifiers of the original were still found after
          de-identification. Open a file to see where, then remove or replace the attribute with an override.
        </p>
      ) : null}
      <DefacePanel seriesKey={series.key} />
      {mode === 'viewer' ? (
        <Suspense fallback={<p className="muted viewer-loading">Starting the viewer…</p>}>
          <Viewer key={series.key} series={series} />
        </Suspense>
      ) : (
        <InstanceGrid key={series.key} instances={series.instances} />
      )}
    </section>
  );
}

/**
 * Cards rendered at first, and added each time the end of the grid nears the screen: a 400-slice
 * series used to render 400 cards at the end of load (over a second of page work while the
 * workers needed the cores); a screen shows a few dozen.
 */
const CARDS_PER_STEP = 60;

function InstanceGrid({ instances }: { instances: readonly FileEntry[] }) {
  const [shown, setShown] = useState(CARDS_PER_STEP);
  const more = useRef<HTMLLIElement>(null);
  const hidden = instances.length - shown;
  const showMore = useCallback(() => setShown((n) => n + CARDS_PER_STEP), []);
  useEffect(() => {
    const el = more.current;
    if (hidden <= 0 || !el) return;
    // Well before the end comes into view, so scrolling does not meet an empty grid.
    const io = new IntersectionObserver((seen) => {
      if (seen.some((e) => e.isIntersecting)) showMore();
    }, { rootMargin: '800px 0px' });
    io.observe(el);
    return () => io.disconnect();
  }, [hidden, shown, showMore]);
  return (
    <ul className="instance-grid">
      {instances.slice(0, shown).map((f) => (
        <li key={f.id}>
          <InstanceCard file={f} />
        </li>
      ))}
      {hidden > 0 ? (
        <li ref={more} className="instance-grid-more">
          {/* Also a button: keyboard users and screen readers reach the rest without scrolling. */}
          <button type="button" className="btn btn-small" onClick={showMore} data-testid="instance-grid-more">
            {hidden <= CARDS_PER_STEP ? `Show the other ${hidden} instance${hidden === 1 ? '' : 's'}` : `Show ${CARDS_PER_STEP} more (${hidden} not shown yet)`}
          </button>
        </li>
      ) : null}
    </ul>
  );
}

const InstanceCard = memo(function InstanceCard({ file }: { file: FileEntry }) {
  const store = useVeilStore();
  const ref = useRef<HTMLButtonElement>(null);
  const s = file.summary!;
  const wanted = !file.thumb && !file.thumbUrl && s.hasPixels;
  const pixels = usePixelStatus(file);
  useEffect(() => {
    const el = ref.current;
    if (!wanted || !el) return;
    const io = new IntersectionObserver((seen) => {
      if (seen.some((e) => e.isIntersecting)) {
        io.disconnect();
        store.requestThumbnail(file.id);
      }
    });
    io.observe(el);
    return () => io.disconnect();
  }, [wanted, file.id, store]);
  const frames = s.frames > 1 ? ` · ${s.frames} frames` : '';
  return (
    <button ref={ref} type="button" className="instance-card" onClick={() => void store.openReview(file.id)} title={`${file.path}\nOpen the header review`} data-testid="instance-card">
      <div className="thumb">
        {file.thumbUrl ? (
          <img src={file.thumbUrl} alt={`Image ${s.instanceNumber ?? ''}`} loading="lazy" decoding="async" />
        ) : (
          <div className="thumb-placeholder">
            <span className="modality modality-large">{s.modality || 'DICOM'}</span>
            <span className="small">{!s.hasPixels ? 'no image' : file.thumb === 'done' ? `no preview${s.compressed ? ` (${s.transferSyntaxName})` : ''}` : ''}</span>
          </div>
        )}
        <PixelStatusBadge assessment={pixels} />
        {file.residual.length > 0 ? (
          <span className="thumb-warn" title={`${file.residual.length} identifier(s) still found after de-identification`}>
            <Warning />
          </span>
        ) : null}
      </div>
      <div className="instance-label">
        <span>#{s.instanceNumber ?? '—'}</span>
        <span className="muted">
          {s.rows && s.columns ? `${s.columns}×${s.rows}` : ''}
          {frames}
        </span>
      </div>
    </button>
  );
});
