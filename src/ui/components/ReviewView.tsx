/** The header review of one instance, with its residual-PHI warnings and file facts. */
import { useState } from 'react';
import { useAppState, useVeilStore } from '../state/hooks.ts';
import { formatBytes } from '../state/tree.ts';
import { ArrowLeft, Warning } from './icons.tsx';
import { ReviewTable, type ReviewFilter } from './ReviewTable.tsx';

export function ReviewView() {
  const store = useVeilStore();
  const review = useAppState((s) => s.review);
  const files = useAppState((s) => s.files);
  const [filter, setFilter] = useState<ReviewFilter>('all');
  const [query, setQuery] = useState('');
  if (!review) return null;
  const file = files.find((f) => f.id === review.id);
  const s = file?.summary;
  const data = review.data;
  const counts = data ? countActions(data.rows) : undefined;
  return (
    <section className="review" aria-label="Header review" data-testid="header-review">
      <header className="review-head">
        <button type="button" className="btn btn-small btn-quiet" onClick={() => store.closeReview()}>
          <ArrowLeft /> Back to series
        </button>
        <div className="review-title">
          <h2>
            {s ? `${s.modality || 'DICOM'} · instance ${s.instanceNumber ?? '—'}` : 'Instance'}
            {s?.seriesDescription ? <span className="muted"> · {s.seriesDescription}</span> : null}
          </h2>
          <div className="muted small review-paths">
            <span title="Input file">{file?.path}</span>
            {file ? <span>{formatBytes(file.size)}</span> : null}
            {s ? <span>{s.transferSyntaxName}</span> : null}
            {data?.output ? <span title="Path inside the exported zip">→ {data.output}</span> : null}
          </div>
        </div>
      </header>

      {file && file.residual.length > 0 ? (
        <div className="notice notice-warn" data-testid="residual-warnings">
          <Warning />
          <div>
            <strong>Identifiers of the original were still found after de-identification:</strong>
            <ul>
              {file.residual.map((r, i) => (
                <li key={i}>
                  {r.kind} “{r.value}” in <code>{r.where}</code>
                </li>
              ))}
            </ul>
            Remove or replace the attribute with an override below; the value is only shown here, never exported.
          </div>
        </div>
      ) : null}
      {data && data.warnings.length > 0 ? (
        <div className="notice">
          <strong>Notes on this file:</strong> {data.warnings.join('; ')}
        </div>
      ) : null}

      <div className="review-controls">
        <div className="segmented" role="group" aria-label="Show">
          {(['all', 'changed', 'kept'] as const).map((f) => (
            <button key={f} type="button" className={filter === f ? 'is-active' : undefined} aria-pressed={filter === f} onClick={() => setFilter(f)}>
              {f === 'all' ? 'All attributes' : f === 'changed' ? 'Changed' : 'Kept'}
            </button>
          ))}
        </div>
        <input className="input search" type="search" placeholder="Search tag, name or value" aria-label="Search attributes" value={query} onChange={(e) => setQuery(e.target.value)} />
        {counts ? (
          <div className="muted small review-counts">
            {counts.total} attributes · {counts.changed} changed · {counts.removed} removed · {counts.kept} kept
          </div>
        ) : null}
      </div>

      {review.loading && !data ? <p className="muted">Reading the header…</p> : null}
      {review.error ? <p className="notice notice-error">{review.error}</p> : null}
      {data && data.status !== 'written' ? (
        <p className="notice notice-error">
          This file is not exported ({data.status}): {data.reason}
        </p>
      ) : null}
      {data && data.rows.length > 0 ? <ReviewTable key={review.id} rows={data.rows} residual={data.residual} filter={filter} query={query} /> : null}
    </section>
  );
}

function countActions(rows: { kind: string; action: string }[]) {
  let total = 0, changed = 0, removed = 0, kept = 0;
  for (const r of rows) {
    if (r.kind !== 'element') continue;
    total++;
    if (r.action === 'kept' || r.action === 'rewritten') kept++;
    else if (r.action === 'removed') removed++;
    else changed++;
  }
  return { total, changed, removed, kept };
}
