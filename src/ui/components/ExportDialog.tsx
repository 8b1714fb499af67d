/**
 * Export: the pixel-review gate (images whose burned-in text nobody painted or reviewed, listed
 * before anything is written), progress, and the result — what went into the zip, what did not
 * and why, the mapping. A modal: it takes focus, keeps Tab inside, closes on Escape.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useAppState, useVeilStore } from '../state/hooks.ts';
import { defaceNeeded, reviewNeeded, type ReviewNeeded } from '../state/store.ts';
import { formatBytes, formatDuration, seriesKeyOf } from '../state/tree.ts';
import { Check, Close, Download, Warning } from './icons.tsx';
import { ProgressBar, timeLeft } from './LoadProgress.tsx';
import { useModal } from './useModal.ts';

const TITLES = { gate: 'Not reviewed yet', running: 'Exporting…', done: 'Export complete', cancelled: 'Export cancelled', error: 'Export failed', idle: 'Export' } as const;

export function ExportDialog() {
  const store = useVeilStore();
  const ex = useAppState((s) => s.export);
  const mode = useAppState((s) => s.settings.profile.pseudonyms.mode);
  const files = useAppState((s) => s.files);
  const [, tick] = useState(0);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (ex.phase !== 'running') return;
    const t = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(t);
  }, [ex.phase]);
  useModal(ref, ex.dialogOpen, ex.phase === 'running' ? undefined : () => store.closeExportDialog());
  // A new phase replaces the buttons: focus goes to its primary action, not to the page.
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || dialog.contains(document.activeElement)) return;
    (dialog.querySelector<HTMLElement>('[data-autofocus]') ?? dialog).focus();
  }, [ex.phase]);
  if (!ex.dialogOpen) return null;
  const r = ex.result;
  const seconds = ex.finishedAt ? (ex.finishedAt - ex.startedAt) / 1000 : 0;
  const residualFiles = r ? r.residualIds.map((id) => files.find((f) => f.id === id)).filter((f) => f !== undefined) : [];
  return (
    <div className="dialog-backdrop" role="presentation">
      <div ref={ref} tabIndex={-1} className={`dialog${ex.phase === 'gate' ? ' dialog-wide' : ''}`} role="dialog" aria-modal="true" aria-labelledby="export-title" data-testid="export-dialog">
        <div className="dialog-head">
          <h2 id="export-title">{TITLES[ex.phase]}</h2>
          {ex.phase !== 'running' ? (
            <button type="button" className="icon-button" aria-label="Close" onClick={() => store.closeExportDialog()}>
              <Close />
            </button>
          ) : null}
        </div>

        {ex.phase === 'gate' ? <PixelGate /> : null}

        {ex.phase === 'running' ? (
          <div className="dialog-body">
            <p>
              De-identifying and zipping file {Math.min(ex.done + 1, ex.total).toLocaleString('en-US')} of {ex.total.toLocaleString('en-US')} ·{' '}
              {formatBytes(ex.bytes)} written · {timeLeft(ex.startedAt, ex.done, ex.total)}
            </p>
            <ProgressBar value={ex.total ? ex.done / ex.total : 0} label="Exporting" />
            <div className="dialog-actions">
              <button type="button" className="btn" data-autofocus onClick={() => store.cancelExport()}>
                Cancel export
              </button>
            </div>
          </div>
        ) : null}

        {ex.phase === 'done' && r ? (
          <div className="dialog-body" data-testid="export-done">
            <p className="export-file">
              <Check /> <strong>{r.fileName}</strong> · {formatBytes(r.size)} · {formatDuration(seconds)}
              {r.savedToDisk ? ' · saved to disk' : ' · downloaded'}
            </p>
            <dl className="export-totals">
              <div>
                <dt>Written</dt>
                <dd>{r.written}</dd>
              </div>
              <div>
                <dt>Skipped</dt>
                <dd>{r.skipped}</dd>
              </div>
              <div>
                <dt>Failed</dt>
                <dd className={r.failed ? 'has-errors' : undefined}>{r.failed}</dd>
              </div>
              <div>
                <dt title="Written files with redaction boxes painted over burned-in text">Boxes painted</dt>
                <dd data-testid="export-painted">{r.painted}</dd>
              </div>
              <div>
                <dt>Residual warnings</dt>
                <dd className={r.withResidual ? 'has-warnings' : undefined}>{r.withResidual}</dd>
              </div>
            </dl>
            {r.exportedAnyway ? (
              <p className="notice notice-warn" data-testid="exported-anyway">
                <Warning /> {r.exportedAnyway} image{r.exportedAnyway === 1 ? ' was' : 's were'} exported without pixel review, as you chose: Burned In Annotation stays YES and the report records it for each file.
              </p>
            ) : null}
            <p className="muted small">
              The zip holds one folder per pseudonymous patient, study and series, and <code>deid-report.csv</code> / <code>deid-report.json</code> at its root: every input file — named by a reference such as <code>#0007-3f9a2c1b</code>, never by its path — where it went or why it was not written. The operator report adds the paths: keep it with you.
            </p>
            {r.withResidual ? (
              <div className="notice notice-warn">
                <Warning />
                <div>
                  {r.withResidual} exported file{r.withResidual === 1 ? '' : 's'} still hold an identifier of the original. Check them in the header review before sharing:
                  <ul className="residual-files">
                    {residualFiles.map((f) => (
                      <li key={f.id}>
                        <button type="button" className="link-button" data-testid="open-residual-review" onClick={() => store.reviewFromExport(f.id)}>
                          {f.path}
                        </button>
                      </li>
                    ))}
                  </ul>
                </div>
              </div>
            ) : null}
            {r.rejected.length ? (
              <details className="export-rejected">
                <summary>
                  {r.rejected.length} file{r.rejected.length === 1 ? '' : 's'} not in the zip
                </summary>
                <ul>
                  {r.rejected.map((x, i) => (
                    <li key={i}>
                      <span className={`status-pill status-${x.status}`}>{x.status}</span> <span className="rejected-path">{x.input}</span> <span className="muted">({x.ref})</span> — {x.reason}
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
            <div className="dialog-actions">
              {ex.operatorReportCsv ? (
                <button
                  type="button"
                  className="btn"
                  data-testid="export-operator-report"
                  onClick={() => store.downloadOperatorReport()}
                  title="The zip's report names files by reference (#0007-…); this one adds their paths here. Keep it with you, not with the data"
                >
                  <Download /> Operator report
                </button>
              ) : null}
              {mode === 'pseudonymize' && ex.mappingCsv ? (
                <button type="button" className="btn" onClick={() => store.downloadMapping()} title="Re-identifies the patients: store it apart from the data">
                  <Download /> Download mapping
                </button>
              ) : null}
              {r.url ? (
                <button type="button" className="btn" onClick={() => store.downloadAgain()}>
                  <Download /> Download again
                </button>
              ) : null}
              <button type="button" className="btn btn-primary" data-autofocus onClick={() => store.closeExportDialog()}>
                Done
              </button>
            </div>
          </div>
        ) : null}

        {ex.phase === 'error' || ex.phase === 'cancelled' ? (
          <div className="dialog-body">
            <p>{ex.phase === 'error' ? ex.error : 'Nothing was downloaded. Your files are still loaded.'}</p>
            <div className="dialog-actions">
              <button type="button" className="btn btn-primary" data-autofocus onClick={() => store.closeExportDialog()}>
                Close
              </button>
            </div>
          </div>
        ) : null}
      </div>
    </div>
  );
}

/** The images that need pixel review, by series with thumbnails, and the three ways on. */
function PixelGate() {
  const store = useVeilStore();
  const files = useAppState((s) => s.files);
  const plan = useAppState((s) => s.plan);
  const detect = useAppState((s) => s.detect);
  const deface = useAppState((s) => s.deface);
  const pending = useMemo(() => reviewNeeded(files, plan), [files, plan]);
  const heads = useMemo(() => defaceNeeded(files, deface), [files, deface]);
  const groups = useMemo(() => {
    const m = new Map<string, ReviewNeeded[]>();
    for (const p of pending) {
      const key = seriesKeyOf(p.entry);
      m.set(key, [...(m.get(key) ?? []), p]);
    }
    return [...m.entries()];
  }, [pending]);
  const n = pending.length + heads.reduce((sum, h) => sum + h.entries.length, 0);
  const running = detect.phase === 'running';
  if (n === 0) {
    return (
      <div className="dialog-body" data-testid="pixel-review-clear">
        <p>
          <Check /> Every image is now painted, reviewed or clean by source, and every head series defaced or kept by your choice.
        </p>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => store.closeExportDialog()}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" data-autofocus onClick={() => void store.exportZip()}>
            <Download /> Export zip
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="dialog-body">
      {pending.length ? (
        <p>
          Nothing has been written yet. These images may show names or dates in their pixels, and nobody has painted or reviewed them. Exported as they are,
          they keep that text, with Burned In Annotation YES.
        </p>
      ) : (
        <p>Nothing has been written yet.</p>
      )}
      {heads.length ? (
        <p>
          Head series show the patient's face when rendered in 3-D. Deface them, or choose to keep the face, before export; exported anyway, they keep it and the
          report says so for each file.
        </p>
      ) : null}
      <section className="gate-list" data-testid="pixel-review-needed" data-count={n} aria-labelledby="gate-count">
        <h3 id="gate-count" className="gate-count">
          <span data-testid="pixel-review-count">{n}</span> image{n === 1 ? '' : 's'} need{n === 1 ? 's' : ''} review
        </h3>
        {heads.map((h, i) => {
          const s = h.entries[0].summary;
          return (
            <div key={h.seriesKey} className="gate-series" data-testid="gate-head-series">
              <div className="gate-series-head">
                <span className="modality">{s?.modality || '—'}</span>
                <span className="gate-series-title">
                  {s?.seriesNumber !== undefined ? `#${s.seriesNumber} ` : ''}
                  {s?.seriesDescription || 'Series without description'} · {h.entries.length} image{h.entries.length === 1 ? '' : 's'}
                </span>
                <button type="button" className="btn btn-small" data-autofocus={pending.length === 0 && i === 0 ? true : undefined} onClick={() => store.openSeries(h.seriesKey)}>
                  Open to deface
                </button>
              </div>
              <p className="muted small gate-reason">{h.reason}</p>
            </div>
          );
        })}
        {groups.map(([key, items]) => {
          const s = items[0].entry.summary;
          return (
            <div key={key} className="gate-series">
              <div className="gate-series-head">
                <span className="modality">{s?.modality || '—'}</span>
                <span className="gate-series-title">
                  {s?.seriesNumber !== undefined ? `#${s.seriesNumber} ` : ''}
                  {s?.seriesDescription || 'Series without description'} · {items.length} image{items.length === 1 ? '' : 's'}
                </span>
                <button type="button" className="btn btn-small" onClick={() => store.openInViewer(key)}>
                  Open in viewer
                </button>
              </div>
              <ul className="gate-images">
                {items.map(({ entry, assessment }) => (
                  <li key={entry.id} className="gate-image" title={entry.path}>
                    <div className="gate-thumb">
                      {entry.thumbUrl ? <img src={entry.thumbUrl} alt={`Image ${entry.summary?.instanceNumber ?? ''} of the series`} /> : <span className="muted small">{entry.summary?.modality}</span>}
                    </div>
                    <div className="gate-image-text small">
                      <span className="gate-path">{entry.path.split('/').pop()}</span>
                      <span className="muted">{assessment.reasons.join('; ')}</span>
                    </div>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </section>
      {detect.phase === 'running' ? (
        <p className="muted small" aria-live="polite">
          Reading text… {detect.done} of {detect.total} images
        </p>
      ) : null}
      <div className="dialog-actions dialog-actions-wrap">
        <button type="button" className="btn" onClick={() => store.closeExportDialog()}>
          Cancel
        </button>
        <button type="button" className="btn btn-warn" data-testid="export-anyway" onClick={() => void store.exportZip({ anyway: true })}>
          Export anyway
        </button>
        {pending.length ? (
          <button
            type="button"
            className="btn btn-primary"
            data-autofocus
            data-testid="gate-detect-text"
            disabled={running}
            onClick={() => void store.detectText(pending.map((p) => p.entry.id))}
          >
            {running ? 'Reading text…' : `Detect text on ${pending.length === 1 ? 'it' : `these ${pending.length}`}`}
          </button>
        ) : null}
      </div>
    </div>
  );
}
