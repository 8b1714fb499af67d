/** Files that will not be exported, each with the reason: nothing is dropped silently. */
import { useState } from 'react';
import type { FileEntry } from '../state/types.ts';

export function RejectedList({ files, initiallyOpen = true }: { files: FileEntry[]; initiallyOpen?: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  if (files.length === 0) return null;
  return (
    <section className="rejected" aria-label="Files not exported" data-testid="rejected-list">
      <button type="button" className="rejected-head" aria-expanded={open} onClick={() => setOpen(!open)}>
        <strong>
          {files.length} file{files.length === 1 ? '' : 's'} will not be exported
        </strong>
        <span className="muted small">{open ? 'Hide' : 'Show'}</span>
      </button>
      {open ? (
        <ul className="rejected-list">
          {files.map((f) => (
            <li key={f.id}>
              <span className={`status-pill status-${f.status}`}>{f.status}</span>
              <span className="rejected-path" title={f.path}>
                {f.path}
              </span>
              <span className="rejected-reason">{f.reason}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
