/**
 * Defacing of a head series: the mode, the run with its progress, then what it did — the head in
 * 3-D before and after (rotatable), the mid-sagittal slice with the changed region outlined, the
 * automatic face check — and the person's decision: accept, or export the series with its face.
 * Nothing is written here; the export applies what was accepted.
 */
import { lazy, Suspense } from 'react';
import { useAppState, useVeilStore } from '../state/hooks.ts';
import { needsFaceOverride } from '../state/store.ts';
import { formatDuration } from '../state/tree.ts';
import type { SeriesDeface } from '../state/types.ts';
import type { DefaceMode, DefaceResult } from '../../workers/deface-protocol.ts';
import { Check, Warning } from './icons.tsx';
import { ProgressBar } from './LoadProgress.tsx';
import { SagittalPreview } from './SagittalPreview.tsx';

const HeadRendering = lazy(() => import('../deface/HeadRendering.tsx'));

const MODES: { mode: DefaceMode; label: string; title: string }[] = [
  { mode: 'remove', label: 'Remove', title: 'Set the face region to air: eyes, nose, mouth, cheeks and chin are gone' },
  { mode: 'blur', label: 'Blur', title: 'Smooth the face region strongly: the head keeps its outline, the features go' },
  { mode: 'soft', label: 'Soft', title: 'Keep the nose ridge, nasion and the points in front of the ears (MEG/EEG co-registration); remove eyes, mouth, cheeks and chin' },
];

export function DefacePanel({ seriesKey }: { seriesKey: string }) {
  const d = useAppState((s) => s.deface[seriesKey]);
  if (!d?.head?.head) return null;
  return (
    <section className="deface" aria-label="Defacing">
      <DefaceControls seriesKey={seriesKey} d={d} />
      {d.run.phase === 'running' ? (
        <div className="deface-progress" aria-live="polite">
          <span className="small">
            {d.run.stage}… {Math.round(d.run.fraction * 100)} %
          </span>
          <ProgressBar value={d.run.fraction} label="Defacing" />
        </div>
      ) : null}
      {d.run.phase === 'error' ? (
        <p className="notice notice-warn" role="alert">
          <Warning /> Defacing failed: {d.run.message}
        </p>
      ) : null}
      {d.run.phase === 'done' ? <DefaceOutcomeView seriesKey={seriesKey} d={d} result={d.run.result} /> : null}
    </section>
  );
}

function DefaceControls({ seriesKey, d }: { seriesKey: string; d: SeriesDeface }) {
  const store = useVeilStore();
  const running = d.run.phase === 'running';
  return (
    <div className="deface-bar">
      <p className="deface-lead small">
        <strong>Head series.</strong> Rendered in 3-D, its face can be recognised.{' '}
        {d.head?.defaceable === false ? `It cannot be defaced here (${d.head.reason ?? 'no reason given'}): keep the face, or leave it out of the export. ` : ''}
        {decisionText(d)}
      </p>
      <div className="deface-controls">
        <div className="segmented" role="radiogroup" aria-label="Defacing mode">
          {MODES.map((m) => (
            <button
              key={m.mode}
              type="button"
              role="radio"
              aria-checked={d.mode === m.mode}
              className={d.mode === m.mode ? 'is-active' : undefined}
              title={m.title}
              disabled={running}
              data-testid={`deface-mode-${m.mode}`}
              onClick={() => store.setDefaceMode(seriesKey, m.mode)}
            >
              {m.label}
            </button>
          ))}
        </div>
        <label className="check small" title="Remove (or blur) the ears too: they identify people as well">
          <input type="checkbox" checked={d.ears} disabled={running} onChange={(e) => store.setDefaceEars(seriesKey, e.target.checked)} data-testid="deface-ears" /> Ears
        </label>
        <button
          type="button"
          className={`btn btn-small${d.decision === 'declined' ? ' is-active' : ''}`}
          data-testid="deface-reject"
          aria-pressed={d.decision === 'declined'}
          disabled={running}
          onClick={() => store.decideDeface(seriesKey, d.decision === 'declined' ? undefined : 'declined')}
          title="Export this series with its face, not defaced; the report records your choice"
        >
          Keep the face
        </button>
        {d.head?.defaceable === false ? null : running ? (
          <button type="button" className="btn btn-small" onClick={() => store.cancelDeface(seriesKey)}>
            Cancel
          </button>
        ) : (
          <button type="button" className="btn btn-small btn-primary" data-testid="deface" onClick={() => void store.deface(seriesKey)}>
            {d.run.phase === 'done' ? 'Deface again' : 'Deface'}
          </button>
        )}
      </div>
    </div>
  );
}

function decisionText(d: SeriesDeface): string {
  if (d.decision === 'accepted') return 'Defacing accepted: the export writes the defaced images.';
  if (d.decision === 'declined') return 'You chose to export it with its face; the report says so.';
  return 'Deface it before export, or choose to keep the face.';
}

function DefaceOutcomeView({ seriesKey, d, result }: { seriesKey: string; d: SeriesDeface; result: DefaceResult }) {
  const store = useVeilStore();
  const defaced = result.status === 'defaced';
  const faceFound = result.faceCheck?.faceFound ?? false;
  const override = needsFaceOverride(result);
  const canAccept = defaced && (!override || d.faceOverride === true);
  return (
    <div className="deface-done" data-testid="deface-done" data-status={result.status}>
      {defaced ? (
        <p className="small">
          <Check /> Defaced ({result.mode}): {result.changedVoxels.toLocaleString('en-US')} voxels changed in {result.patches.length} file
          {result.patches.length === 1 ? '' : 's'}
          {result.registration ? ` · template match ${result.registration.similarity.toFixed(3)} (needs ≥ ${result.registration.floor.toFixed(3)})` : ''} ·{' '}
          {formatDuration(result.elapsedMs / 1000)}
        </p>
      ) : (
        <p className="notice notice-warn" data-testid="deface-declined">
          <Warning /> Not defaced: {result.reason ?? 'the engine gave no reason'}
        </p>
      )}
      {result.faceCheck ? (
        <p className={`small ${faceFound ? 'notice notice-warn' : ''}`} data-testid="face-check" data-face-found={faceFound}>
          {faceFound ? <Warning /> : <Check />} Automatic face check on {result.faceCheck.views.length} renderings:{' '}
          {faceFound
            ? `a face was found (best score ${Math.max(...result.faceCheck.views.map((v) => v.score)).toFixed(2)}). Look at the rendering; accepting needs your override.`
            : 'no face found.'}
        </p>
      ) : defaced ? (
        <p className="small notice notice-warn" data-testid="face-check" data-face-found="unknown">
          <Warning /> The automatic face check could not run{result.faceCheckError ? ` (${result.faceCheckError})` : ''}: look at the rendering; accepting needs your override.
        </p>
      ) : null}
      {result.volume ? (
        <Suspense fallback={<p className="muted small">Starting the 3-D view…</p>}>
          <HeadRendering volume={result.volume} />
        </Suspense>
      ) : null}
      {result.slice ? <SagittalPreview slice={result.slice} /> : null}
      <div className="deface-actions">
        {override ? (
          <label className="check small">
            <input type="checkbox" checked={d.faceOverride === true} onChange={(e) => store.setFaceOverride(seriesKey, e.target.checked)} data-testid="face-override" /> I looked at
            the rendering: no recognisable face remains (recorded in the report)
          </label>
        ) : null}
        {defaced ? (
          <button
            type="button"
            className="btn btn-small btn-primary"
            data-testid="deface-accept"
            disabled={!canAccept}
            aria-pressed={d.decision === 'accepted'}
            onClick={() => store.decideDeface(seriesKey, d.decision === 'accepted' ? undefined : 'accepted')}
          >
            {d.decision === 'accepted' ? 'Accepted ✓' : 'Accept defacing'}
          </button>
        ) : null}
      </div>
    </div>
  );
}
