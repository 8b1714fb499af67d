/** The workspace's command row: counts, loading progress, adding files, export. */
import { useAppState, useVeilStore } from '../state/hooks.ts';
import { DetectStatus, DetectTextButton } from './DetectText.tsx';
import { Download, Folder, Plus } from './icons.tsx';
import { LoadProgress } from './LoadProgress.tsx';
import { usePickers } from './Pickers.tsx';
import { Stats } from './Stats.tsx';

export function Toolbar() {
  const store = useVeilStore();
  const pickers = usePickers();
  const mode = useAppState((s) => s.settings.profile.pseudonyms.mode);
  const mappingCsv = useAppState((s) => s.export.mappingCsv);
  const exporting = useAppState((s) => s.export.phase === 'running');
  const hasFiles = useAppState((s) => s.files.length > 0);
  return (
    <div className="toolbar">
      <Stats compact />
      <div className="toolbar-middle">
        <LoadProgress />
        <DetectStatus />
      </div>
      <div className="toolbar-actions">
        <button type="button" className="btn btn-small" onClick={pickers.openFiles} title="Add files or zip archives">
          <Plus /> Files
        </button>
        <button type="button" className="btn btn-small" onClick={pickers.openFolder} title="Add a folder">
          <Folder /> Folder
        </button>
        <button
          type="button"
          className="btn btn-small btn-quiet"
          data-testid="clear"
          onClick={() => {
            // A loaded study and its boxes are work: ask before throwing them away.
            const boxes = store.getState().plan.boxes.length;
            const what = `${hasFiles ? 'every loaded file' : 'the study'}${boxes ? ` and ${boxes} redaction box${boxes === 1 ? '' : 'es'}` : ''}`;
            if (window.confirm(`Clear ${what}? Your original files are not touched, but the boxes and reviews of this session are lost (export the plan first to keep them).`)) store.clear();
          }}
          title="Forget every loaded file (your originals are not touched)"
        >
          Clear
        </button>
        <span className="toolbar-sep" aria-hidden="true" />
        <DetectTextButton />
        {mode === 'pseudonymize' ? (
          <button
            type="button"
            className="btn btn-small"
            data-testid="export-mapping"
            disabled={!mappingCsv}
            onClick={() => store.downloadMapping()}
            title={mappingCsv ? 'Download the re-identification mapping of the last export — keep it apart from the data' : 'Available after an export'}
          >
            <Download /> Mapping
          </button>
        ) : null}
        <button
          type="button"
          className="btn btn-primary btn-small"
          data-testid="export-zip"
          disabled={!hasFiles || exporting}
          onClick={() => void store.exportZip()}
        >
          <Download /> {exporting ? 'Exporting…' : 'Export zip'}
        </button>
      </div>
    </div>
  );
}
