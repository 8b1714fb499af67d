/** Export progress and result: what went into the zip, what did not and why, the mapping. */
import { useEffect, useState } from 'react';
import { useAppState, useVeilStore } from '../state/hooks.ts';
import { formatBytes, formatDuration } from '../state/tree.ts';
import { Check, Close, Download, Warning } from './icons.tsx';
import { ProgressBar, timeLeft } from './LoadProgress.tsx';

export function ExportDialog() {
  const store = useVeilStore();
  const ex = useAppState((s) => s.export);
  const mode = useAppState((s) => s.settings.profile.pseudonyms.mode);
  const [, tick] = useState(0);
  useEffect(() => {
    if (ex.phase !== 'running') return;
    const t = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(t);
  }, [ex.phase]);
  if (!ex.dialogOpen) return null;
  const r = ex.result;
  const seconds = ex.finishedAt ? (ex.finishedAt - ex.startedAt) / 1000 : 0;
  return (
    <div className="dialog-backdrop" role="presentation">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="export-title" data-testid="export-dialog">
        <header className="dialog-head">
          <h2 id="export-title">
            {ex.phase === 'running' ? 'Exporting…' : ex.phase === 'done' ? 'Export complete' : ex.phase === 'cancelled' ? 'Export cancelled' : 'Export failed'}
          </h2>
          {ex.phase !== 'running' ? (
            <button type="button" className="icon-button" aria-label="Close" onClick={() => store.closeExportDialog()}>
              <Close />
            </button>
          ) : null}
        </header>

        {ex.phase === 'running' ? (
          <div className="dialog-body">
            <p>
              De-identifying and zipping file {Math.min(ex.done + 1, ex.total).toLocaleString('en-US')} of {ex.total.toLocaleString('en-US')} ·{' '}
              {formatBytes(ex.bytes)} written · {timeLeft(ex.startedAt, ex.done, ex.total)}
            </p>
            <ProgressBar value={ex.total ? ex.done / ex.total : 0} label="Exporting" />
            <div className="dialog-actions">
              <button type="button" className="btn" onClick={() => store.cancelExport()}>
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
            <p className="muted small">
              The zip holds one folder per pseudonymous patient, study and series, and <code>deid-report.csv</code> / <code>deid-report.json</code> at its root: every input file — named by a reference such as <code>#0007-3f9a2c1b</code>, never by its path — where it went or why it was not written. The operator report adds the paths: keep it with you.
            </p>
            {r.withResidual ? (
              <p className="notice notice-warn">
                <Warning /> {r.withResidual} exported file{r.withResidual === 1 ? '' : 's'} still hold an identifier of the original. Check them in the header review before sharing.
              </p>
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
              <button type="button" className="btn btn-primary" onClick={() => store.closeExportDialog()}>
                Done
              </button>
            </div>
          </div>
        ) : null}

        {ex.phase === 'error' || ex.phase === 'cancelled' ? (
          <div className="dialog-body">
            <p>{ex.phase === 'error' ? ex.error : 'Nothing was downloaded. Your files are still loaded.'}</p>
            <div className="dialog-actions">
              <button type="button" className="btn btn-primary" onClick={() => store.closeExportDialog()}>
                Close
              </button>
            </div>
          </div>
        ) : null}
      </div>
    </div>
  );
}
