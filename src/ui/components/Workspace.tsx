/** The main screen once files are loaded: the study browser, or the header review. */
import { useMemo } from 'react';
import { useAppState } from '../state/hooks.ts';
import { buildTree } from '../state/tree.ts';
import { ReviewView } from './ReviewView.tsx';
import { RejectedList } from './RejectedList.tsx';
import { SeriesView } from './SeriesView.tsx';
import { StudyTree } from './StudyTree.tsx';
import { Toolbar } from './Toolbar.tsx';

export function Workspace() {
  const files = useAppState((s) => s.files);
  const view = useAppState((s) => s.view);
  const viewer = useAppState((s) => s.seriesMode === 'viewer');
  const patients = useMemo(() => buildTree(files), [files]);
  const rejected = useMemo(() => files.filter((f) => f.status === 'skipped' || f.status === 'failed'), [files]);
  const queued = files.some((f) => f.status === 'queued');
  return (
    <div className="workspace">
      <Toolbar />
      <div className={`workspace-body${view === 'review' ? ' is-review' : viewer ? ' is-viewer' : ''}`}>
        {view === 'review' ? null : (
          <aside className="sidebar">
            {patients.length ? <StudyTree patients={patients} /> : <p className="muted small sidebar-empty">{queued ? 'Reading files…' : 'No DICOM images loaded.'}</p>}
          </aside>
        )}
        <main className="main-pane">
          {view === 'review' ? (
            <ReviewView />
          ) : (
            <>
              {patients.length ? <SeriesView patients={patients} /> : null}
              {/* Beside the viewer the list starts folded: one line, so the image keeps the room. */}
              <RejectedList key={viewer ? 'viewer' : 'grid'} files={rejected} initiallyOpen={!viewer} />
            </>
          )}
        </main>
      </div>
    </div>
  );
}
