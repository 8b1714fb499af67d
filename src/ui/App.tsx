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
  useEffect(() => whenIdleAndCached(() => store.warmUp()), [store]);
  return (
    <StoreContext.Provider value={store}>
      <PickerProvider>
        <Shell />
      </PickerProvider>
    </StoreContext.Provider>
  );
}

/**
 * Runs `task` once the page is idle and its scripts come from the service worker's cache. On a
 * first visit the page is not controlled yet: starting the workers then would fetch their
 * scripts from the server while the precache fetches them too, so it waits for the service
 * worker to take control (clientsClaim) and never runs if it does not (a pick starts them).
 * Returns the clean-up.
 */
function whenIdleAndCached(task: () => void): () => void {
  let cancel = (): void => undefined;
  const idle = (): void => {
    if (typeof requestIdleCallback === 'undefined') {
      const timer = setTimeout(task, 500);
      cancel = () => clearTimeout(timer);
    } else {
      const handle = requestIdleCallback(task, { timeout: 2000 });
      cancel = () => cancelIdleCallback(handle);
    }
  };
  const sw = 'serviceWorker' in navigator && window.isSecureContext ? navigator.serviceWorker : undefined;
  if (!import.meta.env.PROD || !sw || sw.controller) {
    idle();
    return () => cancel();
  }
  sw.addEventListener('controllerchange', idle, { once: true });
  return () => {
    sw.removeEventListener('controllerchange', idle);
    cancel();
  };
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
