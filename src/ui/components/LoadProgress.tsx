/** Progress of loading: files and bytes done, time left, cancel. */
import { useVeilStore, useAppState } from '../state/hooks.ts';
import { formatBytes, formatDuration } from '../state/tree.ts';

export function timeLeft(startedAt: number, done: number, total: number): string {
  const elapsed = (performance.now() - startedAt) / 1000;
  if (done <= 0 || elapsed < 0.5) return 'estimating time left…';
  const left = (elapsed / done) * (total - done);
  return `about ${formatDuration(left)} left`;
}

export function ProgressBar({ value, label }: { value: number; label: string }) {
  const pct = Math.max(0, Math.min(100, value * 100));
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
      <div className="progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}

export function LoadProgress() {
  const store = useVeilStore();
  const load = useAppState((s) => s.load);
  const rechecking = useAppState((s) => s.rechecking);
  if (!load.active) {
    if (rechecking) return <p className="load-note muted small" aria-live="polite">Re-checking loaded files with the new settings…</p>;
    return load.note ? <p className="load-note muted small" aria-live="polite">{load.note}</p> : null;
  }
  const fraction = load.bytesTotal > 0 ? load.bytesDone / load.bytesTotal : load.total > 0 ? load.done / load.total : 0;
  return (
    <div className={load.listing ? 'load-progress listing' : 'load-progress'} data-testid="load-progress" aria-live="polite">
      {load.listing && (
        <div className="load-progress-text" data-testid="listing-progress">
          <strong>
            Listing files… {load.listing.done.toLocaleString('en-US')} of {load.listing.total.toLocaleString('en-US')}
          </strong>
          <span className="muted">reading each file's size and date</span>
        </div>
      )}
      <div className="load-progress-text">
        <strong>
          Reading {load.done.toLocaleString('en-US')} of {load.total.toLocaleString('en-US')} files
        </strong>
        <span className="muted">
          {formatBytes(load.bytesDone)} of {formatBytes(load.bytesTotal)} · {timeLeft(load.startedAt, load.bytesDone, load.bytesTotal)}
        </span>
      </div>
      <ProgressBar value={fraction} label="Loading files" />
      <button type="button" className="btn btn-small" onClick={() => store.cancelLoad()}>
        Cancel
      </button>
    </div>
  );
}
