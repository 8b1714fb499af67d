/**
 * The redaction boxes beside the viewer: the scope new boxes get, the boxes on the image on
 * screen (scope, source, accept / reject / delete), and the plan as a whole (accept every
 * proposal, import and export the plan JSON the CLI reads with --boxes).
 */
import { useMemo, useRef, useState, type ChangeEvent, type ReactNode } from 'react';
import { useAppState, useVeilStore } from '../state/hooks.ts';
import {
  SCOPE_HELP, SCOPE_LABELS, acceptProposals, boxState, proposalsFor, countProposals, describeScope, isReviewed, removeBox, rescopeBox,
  scopeChoiceOf, setReviewed, setStatus,
  type ImageIdentity, type RedactionBox, type RedactionPlan, type ScopeChoice,
} from '../state/plan-edit.ts';
import { boxTitle } from './BoxLayer.tsx';

const CHOICES: ScopeChoice[] = ['frame', 'instance', 'series', 'device'];

export interface BoxPanelProps {
  plan: RedactionPlan;
  /** Boxes that apply to the frame on screen (any status). */
  boxes: readonly RedactionBox[];
  selectedId?: string;
  onSelect(id: string | undefined): void;
  image?: ImageIdentity;
  frame: number;
  frames: number;
  newScope: ScopeChoice;
  onNewScope(choice: ScopeChoice): void;
  carry: boolean;
  onCarry(on: boolean): void;
  readOnly: boolean;
  /** The images of the series on screen: "accept" works on them. */
  seriesImages: readonly ImageIdentity[];
  /** The pixel status of the image on screen. */
  status?: ReactNode;
}

export function BoxPanel(p: BoxPanelProps) {
  const store = useVeilStore();
  const history = useAppState((s) => s.planHistory);
  const fileRef = useRef<HTMLInputElement>(null);
  const [importNote, setImportNote] = useState<{ ok: boolean; text: string }>();
  const proposals = countProposals(p.plan);
  const rejected = p.plan.boxes.filter((b) => boxState(b) === 'rejected').length;
  const painted = p.plan.boxes.length - proposals - rejected;
  const live = p.boxes.filter((b) => boxState(b) !== 'rejected');
  const rejectedHere = p.boxes.filter((b) => boxState(b) === 'rejected');
  const reviewed = p.image ? isReviewed(p.plan, p.image.sopInstanceUID) : false;
  // Accept works on the series on screen, or — a deliberate choice — on every loaded image.
  const [everySeries, setEverySeries] = useState(false);
  const files = useAppState((s) => s.files);
  const allImages = useMemo(() => files.flatMap((f) => (f.identity ? [f.identity] : [])), [files]);
  const acceptOn = everySeries ? allImages : p.seriesImages;
  const phiHere = proposalsFor(p.plan, acceptOn, 'phi').length;
  const otherHere = proposalsFor(p.plan, acceptOn, 'other').length;

  const onImport = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    try {
      const n = store.importPlan(await file.text());
      setImportNote({ ok: true, text: `Imported ${n} box${n === 1 ? '' : 'es'} from ${file.name}.` });
    } catch (err) {
      setImportNote({ ok: false, text: `${file.name}: ${(err as Error).message}` });
    }
  };

  return (
    <aside className="box-panel" aria-label="Redaction boxes" data-testid="box-panel">
      <section className="box-panel-section">
        <div className="box-panel-head">
          <h3>Redaction boxes</h3>
          <button type="button" className="btn btn-small btn-quiet" data-testid="undo" disabled={p.readOnly || history.undo === 0} onClick={() => store.undoPlan()} title="Undo a box change (Ctrl+Z)">
            Undo
          </button>
          <button type="button" className="btn btn-small btn-quiet" data-testid="redo" disabled={p.readOnly || history.redo === 0} onClick={() => store.redoPlan()} title="Redo (Ctrl+Shift+Z)">
            Redo
          </button>
        </div>
        <label className="field-inline">
          <span>New boxes apply to</span>
          <select className="select select-small" data-testid="box-scope" value={p.newScope === 'frame' && p.frames <= 1 ? 'instance' : p.newScope} onChange={(e) => p.onNewScope(e.target.value as ScopeChoice)}>
            {CHOICES.filter((c) => c !== 'frame' || p.frames > 1).map((c) => (
              <option key={c} value={c} title={SCOPE_HELP[c]}>
                {SCOPE_LABELS[c]}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={p.carry} onChange={(e) => p.onCarry(e.target.checked)} data-testid="carry-forward" />
          <span>Carry boxes forward to the next image of the same size</span>
        </label>
      </section>

      <section className="box-panel-section box-panel-plan">
        <p className="small" data-testid="plan-summary">
          <strong>Plan:</strong> {painted} to paint · {proposals} proposed · {rejected} rejected
        </p>
        {p.status}
        <div className="inline-actions">
          <button
            type="button"
            className="btn btn-small"
            data-testid="accept-all-boxes"
            disabled={p.readOnly || phiHere === 0}
            onClick={() => store.editPlan((plan) => acceptProposals(plan, acceptOn, 'phi'))}
            title={`Accept the proposals over patient data (device templates, text read as PHI) on ${everySeries ? 'every loaded image' : 'the images of this series (Shift+A)'}`}
          >
            Accept PHI proposals{phiHere ? ` (${phiHere})` : ''}
          </button>
          <button
            type="button"
            className="btn btn-small btn-quiet"
            data-testid="accept-other-text"
            disabled={p.readOnly || otherHere === 0}
            onClick={() => store.editPlan((plan) => acceptProposals(plan, acceptOn, 'other'))}
            title="Also paint the other text detected on this series: measurements, labels, scales"
          >
            Paint other text too{otherHere ? ` (${otherHere})` : ''}
          </button>
        </div>
        <label className="check small">
          <input type="checkbox" data-testid="accept-every-series" checked={everySeries} onChange={(e) => setEverySeries(e.target.checked)} />
          <span>Accept in every series, not only this one</span>
        </label>
        <div className="inline-actions">
          <button type="button" className="btn btn-small" data-testid="export-plan" onClick={() => store.downloadPlan()} title="The same JSON the command line reads with --boxes">
            Export plan
          </button>
          <button type="button" className="btn btn-small" onClick={() => fileRef.current?.click()} disabled={p.readOnly}>
            Import plan…
          </button>
          <input ref={fileRef} type="file" accept=".json,application/json" hidden data-testid="import-plan" onChange={(e) => void onImport(e)} />
        </div>
        {importNote ? <p className={`small ${importNote.ok ? 'muted' : 'field-error'}`}>{importNote.text}</p> : null}
      </section>
      <section className="box-panel-section box-panel-list">
        <h4>
          On this {p.frames > 1 ? 'frame' : 'image'} <span className="count">{live.length}</span>
        </h4>
        {live.length === 0 ? (
          <p className="muted small">{p.readOnly ? 'No boxes here.' : 'No boxes here. Press B (Draw box) and drag over burned-in text.'}</p>
        ) : (
          <ul className="box-list">
            {live.map((b) => {
              const state = boxState(b);
              const selected = b.id === p.selectedId;
              return (
                <li
                  key={b.id}
                  className={`box-row box-row-${state}${selected ? ' is-selected' : ''}`}
                  data-testid="box-row"
                  data-box-id={b.id}
                  data-state={state}
                  onClick={() => p.onSelect(b.id)}
                >
                  <div className="box-row-head">
                    <span className={`swatch swatch-${state}`} aria-hidden="true" />
                    <strong className="box-row-title" title={b.label ?? boxTitle(b)}>
                      {boxTitle(b)}
                    </strong>
                    <span className={`pill pill-${state}`}>{state === 'paint' ? 'will be painted' : 'proposed'}</span>
                  </div>
                  <div className="box-row-meta">
                    <span className="muted small">
                      {b.source} · {b.width}×{b.height} px at {b.x}, {b.y}{b.confidence !== undefined ? ` · ${Math.round(b.confidence * 100)}%` : ''}
                    </span>
                    <button
                      type="button"
                      className="btn btn-small btn-quiet"
                      data-testid="delete-box"
                      disabled={p.readOnly}
                      title="Delete this box (Delete)"
                      onClick={(e) => {
                        e.stopPropagation();
                        store.editPlan((plan) => removeBox(plan, b.id));
                        if (selected) p.onSelect(undefined);
                      }}
                    >
                      Delete
                    </button>
                  </div>
                  <label className="box-row-scope-select">
                    <span className="muted small">Applies to</span>
                    <select
                      className="select select-small"
                      aria-label="Applies to"
                      data-testid="box-row-scope"
                      disabled={p.readOnly || !p.image}
                      value={scopeChoiceOf(b)}
                      title={describeScope(b)}
                      onClick={(e) => e.stopPropagation()}
                      onChange={(e) => p.image && store.editPlan((plan) => rescopeBox(plan, b.id, e.target.value as ScopeChoice, p.image!, p.frame))}
                    >
                      {CHOICES.filter((c) => c !== 'frame' || p.frames > 1 || scopeChoiceOf(b) === 'frame').map((c) => (
                        <option key={c} value={c}>
                          {SCOPE_LABELS[c]}
                        </option>
                      ))}
                    </select>
                  </label>
                  {b.source === 'user' && state !== 'proposed' ? null : (
                    <div className="box-row-controls">
                      {state === 'proposed' ? (
                        <>
                          <button type="button" className="btn btn-small" data-testid="accept-box" disabled={p.readOnly} onClick={(e) => (e.stopPropagation(), store.editPlan((plan) => setStatus(plan, b.id, 'accepted')))}>
                            Accept
                          </button>
                          <button type="button" className="btn btn-small btn-quiet" data-testid="reject-box" disabled={p.readOnly} onClick={(e) => (e.stopPropagation(), store.editPlan((plan) => setStatus(plan, b.id, 'rejected')))}>
                            Reject
                          </button>
                        </>
                      ) : (
                        <button type="button" className="btn btn-small btn-quiet" disabled={p.readOnly} onClick={(e) => (e.stopPropagation(), store.editPlan((plan) => setStatus(plan, b.id, 'rejected')))}>
                          Reject
                        </button>
                      )}
                    </div>
                  )}
                  {b.scope.kind === 'device' ? <div className="muted small box-row-scope">{describeScope(b)}</div> : null}
                </li>
              );
            })}
          </ul>
        )}
        {rejectedHere.length ? (
          <details className="box-rejected">
            <summary className="small">
              {rejectedHere.length} rejected here
            </summary>
            <ul>
              {rejectedHere.map((b) => (
                <li key={b.id} className="small">
                  <span>{boxTitle(b)}</span>{' '}
                  <button type="button" className="btn btn-small btn-quiet" disabled={p.readOnly} onClick={() => store.editPlan((plan) => setStatus(plan, b.id, 'proposed'))}>
                    Restore
                  </button>
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        {p.image ? (
          <label className="check" title="Marks the image as checked: the export records Clean Pixel Data and sets Burned In Annotation to NO">
            <input
              type="checkbox"
              data-testid="mark-reviewed"
              checked={reviewed}
              disabled={p.readOnly}
              onChange={(e) => store.editPlan((plan) => setReviewed(plan, p.image!.sopInstanceUID, e.target.checked))}
            />
            <span>Checked: no other burned-in text on this image</span>
          </label>
        ) : null}
      </section>

    </aside>
  );
}
