/**
 * Before/after table of every attribute of one instance. Sequences expand to their items; each
 * row says what was done and why, and offers a per-attribute override.
 */
import { useMemo, useState } from 'react';
import type { ReviewAction, ReviewRow } from '../../core/header/review.ts';
import type { ResidualFinding } from '../../workers/protocol.ts';
import { ChevronDown, ChevronRight, Warning } from './icons.tsx';
import { OverrideControl } from './OverrideControl.tsx';

const ACTION_LABEL: Record<ReviewAction, string> = {
  kept: 'kept',
  removed: 'removed',
  emptied: 'emptied',
  dummy: 'dummy value',
  'new-uid': 'new UID',
  cleaned: 'cleaned',
  pseudonym: 'pseudonym',
  replaced: 'replaced',
  shifted: 'date shifted',
  added: 'added',
  changed: 'changed',
  rewritten: 'rewritten',
};

export type ReviewFilter = 'all' | 'changed' | 'kept';

/** Residual findings are located as "(0040,A730)[0] > (0040,A160) TextValue": match the row path. */
function residualByPath(residual: readonly ResidualFinding[]): Map<string, ResidualFinding[]> {
  const map = new Map<string, ResidualFinding[]>();
  for (const r of residual) {
    const path = r.where.replace(/\s+[A-Za-z][\w]*$/, '').trim();
    map.set(path, [...(map.get(path) ?? []), r]);
  }
  return map;
}

export function ReviewTable({ rows, residual, filter, query }: { rows: ReviewRow[]; residual: ResidualFinding[]; filter: ReviewFilter; query: string }) {
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set(rows.filter((r) => r.items !== undefined || r.kind === 'item').map((r) => r.id)));
  const findings = useMemo(() => residualByPath(residual), [residual]);
  const byId = useMemo(() => new Map(rows.map((r) => [r.id, r])), [rows]);

  const visible = useMemo(() => {
    const q = query.trim().toLowerCase();
    const hidden = (r: ReviewRow): boolean => {
      for (let p = r.parent; p; p = byId.get(p)?.parent) if (collapsed.has(p)) return true;
      return false;
    };
    const matches = (r: ReviewRow): boolean => {
      if (r.kind === 'item') return true;
      if (filter === 'changed' && (r.action === 'kept' || r.action === 'rewritten')) return false;
      if (filter === 'kept' && r.action !== 'kept') return false;
      if (!q) return true;
      return [r.tag, r.keyword, r.before ?? '', r.after ?? '', r.reason].some((t) => t.toLowerCase().includes(q));
    };
    // A filter or search shows matching rows wherever they are (collapsed or not).
    if (filter !== 'all' || q) return rows.filter((r) => r.kind === 'element' && matches(r));
    return rows.filter((r) => !hidden(r));
  }, [rows, byId, collapsed, filter, query]);

  const toggle = (id: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="review-table-wrap">
      <table className="review-table" data-testid="review-table">
        <thead>
          <tr>
            <th className="col-tag">Tag</th>
            <th className="col-name">Attribute</th>
            <th className="col-vr">VR</th>
            <th className="col-value">Original</th>
            <th className="col-value">De-identified</th>
            <th className="col-action">Action</th>
            <th className="col-why">Why</th>
            <th className="col-override">Override</th>
          </tr>
        </thead>
        <tbody>
          {visible.map((r) => {
            const found = r.kind === 'element' ? findings.get(r.id) : undefined;
            const expandable = r.items !== undefined && r.items > 0 || r.kind === 'item';
            const indent = filter === 'all' && !query.trim() ? r.depth * 14 : 0;
            if (r.kind === 'item') {
              return (
                <tr key={r.id} className="row-item">
                  <td colSpan={8} style={{ paddingLeft: 10 + indent }}>
                    <button type="button" className="expander" aria-expanded={!collapsed.has(r.id)} onClick={() => toggle(r.id)}>
                      {collapsed.has(r.id) ? <ChevronRight /> : <ChevronDown />} {r.keyword}
                      <span className="muted small"> · {r.before}{r.after === null ? ' · removed' : ''}</span>
                    </button>
                  </td>
                </tr>
              );
            }
            return (
              <tr key={r.id} className={`row-${r.action}${found ? ' row-residual' : ''}`}>
                <td className="col-tag mono" style={{ paddingLeft: 10 + indent }}>
                  {expandable ? (
                    <button type="button" className="expander" aria-expanded={!collapsed.has(r.id)} aria-label={`${collapsed.has(r.id) ? 'Expand' : 'Collapse'} ${r.keyword}`} onClick={() => toggle(r.id)}>
                      {collapsed.has(r.id) ? <ChevronRight /> : <ChevronDown />}
                    </button>
                  ) : (
                    <span className="expander-space" />
                  )}
                  {r.tag}
                </td>
                <td className="col-name">{r.keyword}</td>
                <td className="col-vr mono">{r.vr}</td>
                <td className="col-value">{r.before === null ? <span className="muted">—</span> : <span className="value">{r.before}</span>}</td>
                <td className="col-value">
                  {r.after === null ? <span className="muted">removed</span> : <span className="value">{r.after}</span>}
                  {found ? (
                    <div className="residual-note">
                      <Warning /> {found.map((f) => f.kind).join(', ')} still present
                    </div>
                  ) : null}
                </td>
                <td className="col-action">
                  <span className={`action action-${r.action}`}>{ACTION_LABEL[r.action]}</span>
                </td>
                <td className="col-why small">
                  {r.reason}
                  {r.code && !r.reason.startsWith('not in Table') ? <span className="code-chip" title="Code in PS3.15 Table E.1-1 (or the override)">{r.code}</span> : null}
                </td>
                <td className="col-override">{r.overridable ? <OverrideControl tag={r.tag} label={r.keyword} /> : null}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {visible.length === 0 ? <p className="muted empty-rows">No attributes match.</p> : null}
    </div>
  );
}
