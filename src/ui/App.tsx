/**
 * App shell: top bar, the landing page or the workspace, settings, and the export dialog. Holds
 * no DICOM logic: the store hands files to the worker client (src/workers/client.ts).
 */
import { useEffect, useState } from 'react';
import { DropTarget } from './components/DropTarget.tsx';
import { ExportDialog } from './components/ExportDialog.tsx';
import { Landing } from './components/Landing.tsx';
import { PickerProvider } from './components/Pickers.tsx';
import { SettingsView } from './components/SettingsView.tsx';
import { TopBar } from './components/TopBar.tsx';
import { Workspace } from './components/Workspace.tsx';
import { StoreContext, useAppState, useVeilStore } from './state/hooks.ts';
import { VeilStore } from './state/store.ts';

export function App() {
  const [store] = useState(() => new VeilStore());
  useEffect(() => {
    // Once the page has painted and is idle: the workers start before the first pick needs them.
    if (typeof requestIdleCallback === 'undefined') {
      const timer = setTimeout(() => store.warmUp(), 500);
      return () => clearTimeout(timer);
    }
    const idle = requestIdleCallback(() => store.warmUp(), { timeout: 2000 });
    return () => cancelIdleCallback(idle);
  }, [store]);
  return (
    <StoreContext.Provider value={store}>
      <PickerProvider>
        <Shell />
      </PickerProvider>
    </StoreContext.Provider>
  );
}

function Shell() {
  const store = useVeilStore();
  const view = useAppState((s) => s.view);
  const hasFiles = useAppState((s) => s.files.length > 0 || s.load.active);
  const error = useAppState((s) => s.error);
  return (
    <div className={`app${hasFiles && view !== 'settings' ? ' app-workspace' : ''}`}>
      <TopBar />
      {error ? (
        <div className="banner banner-error" role="alert">
          <span>{error}</span>
          <button type="button" className="btn btn-small btn-quiet" onClick={() => store.dismissError()}>
            Dismiss
          </button>
        </div>
      ) : null}
      {view === 'settings' ? <SettingsView /> : hasFiles ? <Workspace /> : <Landing />}
      {!hasFiles && view !== 'settings' ? (
        <footer className="footer">
          <span>Veil runs locally. No accounts, no uploads, no tracking.</span>
          <span className="muted">Not a substitute for your institution's de-identification review.</span>
        </footer>
      ) : null}
      <ExportDialog />
      <DropTarget />
    </div>
  );
}
