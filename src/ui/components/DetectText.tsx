/**
 * "Detect text": reads burned-in text in every loaded image (OCR, in a worker — see
 * src/workers/ocr-client.ts, driven by the store) and adds what it finds to the redaction plan:
 * text that matches the file's identifiers or looks like PHI pre-accepted, other text proposed
 * for a person to accept or reject in the viewer. `detection-done` appears when it has finished.
 */
import { useMemo } from 'react';
import { useAppState, useVeilStore } from '../state/hooks.ts';

export function DetectTextButton() {
  const store = useVeilStore();
  // Select the stable files array; filtering inside the selector would make a new array on every
  // read, which the store subscription takes for a change on every render.
  const files = useAppState((s) => s.files);
  const run = useAppState((s) => s.detect);
  const keep = useAppState((s) => s.keepMeasurements);
  const images = useMemo(() => files.filter((f) => f.identity).length, [files]);
  return (
    <span className="detect-text">
      <button
        type="button"
        className="btn btn-small"
        data-testid="detect-text"
        disabled={images === 0 || run.phase === 'running'}
        onClick={() => void store.detectText()}
        title="Read burned-in text in every loaded image; PHI is pre-accepted for painting, other text proposed"
      >
        {run.phase === 'running' ? `Reading text… ${run.done}/${run.total}` : 'Detect text'}
      </button>
      <label className="detect-keep" title="Do not propose measurements, scale labels and acoustic indices">
        <input type="checkbox" checked={keep} onChange={(e) => store.setKeepMeasurements(e.target.checked)} /> keep measurements
      </label>
    </span>
  );
}

/** What the last detection found, on its own line of the toolbar (it must not push the buttons out). */
export function DetectStatus() {
  const run = useAppState((s) => s.detect);
  if (run.phase === 'done') {
    return (
      <p className="detect-status small" data-testid="detection-done" aria-live="polite">
        Text detection: {run.regions} text region{run.regions === 1 ? '' : 's'} in {run.images} image{run.images === 1 ? '' : 's'}, {run.phi} PHI
        {run.unread > 0 ? (
          <span className="detect-error">
            {' '}— {run.unread} image{run.unread === 1 ? '' : 's'} could not be read: check {run.unread === 1 ? 'it' : 'them'} by eye
          </span>
        ) : null}
      </p>
    );
  }
  if (run.phase === 'error') return <p className="detect-status detect-error small" role="alert">OCR failed: {run.message}</p>;
  return null;
}
