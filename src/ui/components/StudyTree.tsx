/** Patients → studies → series, with counts and residual-PHI warnings. */
import { useAppState, useVeilStore } from '../state/hooks.ts';
import { formatDicomDate, formatPersonName, type PatientNode } from '../state/tree.ts';
import { Warning } from './icons.tsx';
import { usePixelStatuses } from './PixelStatus.tsx';
import type { SeriesNode } from '../state/tree.ts';

export function WarningBadge({ count, title }: { count: number; title: string }) {
  if (count <= 0) return null;
  return (
    <span className="warn-badge" title={title}>
      <Warning /> {count}
    </span>
  );
}

export function StudyTree({ patients }: { patients: PatientNode[] }) {
  const store = useVeilStore();
  const chosen = useAppState((s) => s.selectedSeries);
  // Nothing chosen yet (or the choice is gone): the first series is the one shown.
  const all = patients.flatMap((p) => p.studies.flatMap((st) => st.series.map((se) => se.key)));
  const selected = chosen && all.includes(chosen) ? chosen : all[0];
  return (
    <nav className="tree" aria-label="Patients, studies and series">
      {patients.map((p) => (
        <section key={p.key} className="tree-patient">
          <header className="tree-patient-head">
            <div className="tree-patient-name">{formatPersonName(p.name) || 'Unnamed patient'}</div>
            <div className="tree-meta">
              {p.id ? <span>ID {p.id}</span> : <span>no patient ID</span>}
              {p.birthDate ? <span>born {formatDicomDate(p.birthDate)}</span> : null}
              {p.sex ? <span>{p.sex}</span> : null}
            </div>
            {p.pseudoId ? (
              <div className="tree-pseudo" title="Pseudonymous Patient ID in the export">
                exported as <code>{p.pseudoId}</code>
              </div>
            ) : null}
          </header>
          {p.studies.map((st) => (
            <div key={st.key} className="tree-study">
              <div className="tree-study-head">
                <span className="tree-study-title">{st.description || 'Study without description'}</span>
                <WarningBadge count={st.residual} title={`${st.residual} file(s) in this study with identifiers still found after de-identification`} />
              </div>
              <div className="tree-meta">
                <span>{st.date ? formatDicomDate(st.date) : 'no date'}</span>
                <span>{st.modalities.join(', ') || '—'}</span>
                <span>
                  {st.instances} instance{st.instances === 1 ? '' : 's'}
                </span>
              </div>
              <ul className="tree-series">
                {st.series.map((se) => (
                  <li key={se.key}>
                    <button
                      type="button"
                      className={`tree-series-item${selected === se.key ? ' is-selected' : ''}`}
                      aria-current={selected === se.key ? 'true' : undefined}
                      data-series-uid={se.uid}
                      onClick={() => store.selectSeries(se.key)}
                    >
                      <span className="modality">{se.modality || '—'}</span>
                      <span className="tree-series-label">
                        {se.number !== undefined ? `#${se.number} ` : ''}
                        {se.description || 'Series without description'}
                      </span>
                      <WarningBadge count={se.residual} title={`${se.residual} file(s) with identifiers still found`} />
                      <SeriesPixelBadge series={se} />
                      <span className="count">{se.instances.length}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      ))}
    </nav>
  );
}

/** How many images of a series need pixel review (nothing when none do). */
export function SeriesPixelBadge({ series }: { series: SeriesNode }) {
  const { needsReview } = usePixelStatuses(series.instances);
  if (needsReview === 0) return null;
  return (
    <span className="pixel-status pixel-status-needs-review" title={`${needsReview} image(s) with burned-in text nobody painted or reviewed`} data-testid="series-needs-review">
      {needsReview} to review
    </span>
  );
}
