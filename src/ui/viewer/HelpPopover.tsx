/** The viewer's keyboard shortcuts and mouse buttons, in a small popover. */
import { useEffect, useRef } from 'react';
import { SHORTCUTS } from './shortcuts.ts';

export function HelpPopover({ onClose }: { onClose(): void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const away = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    window.addEventListener('mousedown', away);
    return () => window.removeEventListener('mousedown', away);
  }, [onClose]);
  return (
    <div className="help-popover" role="dialog" aria-label="Viewer shortcuts" ref={ref} data-testid="viewer-help">
      <div className="help-head">
        <strong>Mouse and keyboard</strong>
        <button type="button" className="btn btn-small btn-quiet" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="muted small">
        Left button: the chosen tool (window/level, pan, zoom or draw box) · middle: pan · right: zoom · wheel: next/previous image. Drag a box to
        move it, its handles to resize it.
      </p>
      <dl className="help-list">
        {SHORTCUTS.map((sc) => (
          <div key={sc.action} className="help-item">
            <dt>
              {sc.keys.map((k, i) => (
                <span key={k}>
                  {i > 0 ? ' ' : null}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </dt>
            <dd>{sc.label}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
