/**
 * "Detect text": reads burned-in text in every loaded image (OCR, in a worker — see
 * src/workers/ocr-client.ts) and adds what it finds to the redaction plan: text that matches
 * the file's identifiers or looks like PHI pre-accepted, other text proposed for a person to
 * accept or reject in the viewer. `detection-done` appears when it has finished.
 */
import { useMemo, useState } from 'react';
import { detectText } from '../../workers/ocr-client.ts';
import { useAppState, useVeilStore } from '../state/hooks.ts';

type Run =
  | { phase: 'idle' }
  | { phase: 'running'; done: number; total: number }
  | { phase: 'done'; regions: number; phi: number; images: number; unread: number }
  | { phase: 'error'; message: string };

export function DetectTextSlot() {
  const store = useVeilStore();
  // Select the stable files array; filtering inside the selector would make a new array on every
  // read, which the store subscription takes for a change on every render.
  const files = useAppState((s) => s.files);
  const images = useMemo(() => files.filter((f) => f.identity), [files]);
  const [keepClinical, setKeepClinical] = useState(false);
  const [run, setRun] = useState<Run>({ phase: 'idle' });

  const start = async () => {
    setRun({ phase: 'running', done: 0, total: images.length });
    try {
      const settings = { keepClinicalText: keepClinical };
      const result = await detectText(
        images.map((f) => ({ path: f.path, file: f.file })),
        settings,
        (p) => setRun({ phase: 'running', done: p.done, total: p.total }),
      );
      store.addProposals(result.plan.boxes);
      // The export reads these images again after redaction, as `veil deidentify --ocr` does.
      store.setOcrFindings({
        identifiers: result.identifiers, read: result.read, failed: result.failed,
        covered: images.map((f) => f.path), settings,
      });
      setRun({
        phase: 'done',
        regions: result.plan.boxes.length,
        phi: result.plan.boxes.filter((b) => b.status === 'accepted').length,
        images: result.instances.length,
        // Images whose pixels could not be decoded or read: no proposals says nothing about them.
        unread: result.failed.length,
      });
    } catch (e) {
      setRun({ phase: 'error', message: (e as Error).message });
    }
  };

  return (
    <span className="detect-text">
      <button
        type="button"
        className="btn btn-small"
        data-testid="detect-text"
        disabled={images.length === 0 || run.phase === 'running'}
        onClick={() => void start()}
        title="Read burned-in text in every loaded image; PHI is pre-accepted for painting, other text proposed"
      >
        {run.phase === 'running' ? `Reading text… ${run.done}/${run.total}` : 'Detect text'}
      </button>
      <label className="detect-keep" title="Do not propose measurements, scale labels and acoustic indices">
        <input type="checkbox" checked={keepClinical} onChange={(e) => setKeepClinical(e.target.checked)} /> keep measurements
      </label>
      {run.phase === 'done' ? (
        <span className="detect-status" data-testid="detection-done">
          {run.regions} text region{run.regions === 1 ? '' : 's'} in {run.images} image{run.images === 1 ? '' : 's'}, {run.phi} PHI
          {run.unread > 0 ? (
            <span className="detect-error">
              {' '}— {run.unread} image{run.unread === 1 ? '' : 's'} could not be read: check {run.unread === 1 ? 'it' : 'them'} by eye
            </span>
          ) : null}
        </span>
      ) : null}
      {run.phase === 'error' ? <span className="detect-status detect-error">OCR failed: {run.message}</span> : null}
    </span>
  );
}
