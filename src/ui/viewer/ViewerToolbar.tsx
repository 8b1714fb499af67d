/**
 * The viewer's toolbar: the left mouse button's tool, invert and reset, "Preview output" and the
 * shortcut help. It holds no state of its own beyond what the viewer passes in.
 */
import type { PrimaryTool } from './controller.ts';
import { HelpPopover } from './HelpPopover.tsx';

const TOOL_LABELS: Record<PrimaryTool, { label: string; key: string; title: string }> = {
  windowLevel: { label: 'Window', key: 'W', title: 'Window / level: drag left-right for width, up-down for level' },
  pan: { label: 'Pan', key: 'P', title: 'Pan (the middle button always pans)' },
  zoom: { label: 'Zoom', key: 'Z', title: 'Zoom (the right button always zooms)' },
  box: { label: 'Draw box', key: 'B', title: 'Draw a redaction box: a drag always draws a new box, over other boxes too; the selected box resizes by its handles (move boxes with the other tools)' },
};

export interface ViewerToolbarProps {
  tool: PrimaryTool;
  onTool: (tool: PrimaryTool) => void;
  /** The image is shown inverted (against its photometric interpretation's default). */
  inverted: boolean;
  onInvert: () => void;
  onReset: () => void;
  preview: boolean;
  onPreview: (on: boolean) => void;
  help: boolean;
  onHelp: (open: boolean) => void;
}

export function ViewerToolbar({ tool, onTool, inverted, onInvert, onReset, preview, onPreview, help, onHelp }: ViewerToolbarProps) {
  return (
    <div className="viewer-toolbar" role="toolbar" aria-label="Viewer tools">
      <div className="segmented" role="group" aria-label="Left mouse button">
        {(Object.keys(TOOL_LABELS) as PrimaryTool[]).map((t) => (
          <button
            key={t}
            type="button"
            className={tool === t ? 'is-active' : undefined}
            aria-pressed={tool === t}
            title={`${TOOL_LABELS[t].title} (${TOOL_LABELS[t].key})`}
            data-testid={`tool-${t}`}
            disabled={t === 'box' && preview}
            onClick={() => onTool(t)}
          >
            {TOOL_LABELS[t].label}
          </button>
        ))}
      </div>
      <div className="viewer-toolbar-group">
        <button type="button" className="btn btn-small btn-quiet" data-testid="viewer-invert" aria-pressed={inverted} onClick={onInvert} title="Invert (I)">
          Invert
        </button>
        <button type="button" className="btn btn-small btn-quiet" data-testid="viewer-reset" onClick={onReset} title="Reset zoom, pan, window and inversion (R)">
          Reset
        </button>
      </div>
      <div className="viewer-toolbar-group viewer-toolbar-end">
        <label className={`toggle-chip${preview ? ' is-on' : ''}`} title="Show the pixels exactly as they will be exported (V)">
          <input type="checkbox" data-testid="preview-toggle" checked={preview} onChange={(e) => onPreview(e.target.checked)} />
          Preview output
        </label>
        <div className="help-anchor">
          <button type="button" className="btn btn-small btn-quiet" aria-expanded={help} onClick={() => onHelp(!help)} title="Mouse and keyboard shortcuts (?)" data-testid="viewer-help-button">
            ?
          </button>
          {help ? <HelpPopover onClose={() => onHelp(false)} /> : null}
        </div>
      </div>
    </div>
  );
}
