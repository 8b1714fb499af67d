import { useVeilStore, useAppState } from '../state/hooks.ts';
import { VeilMark } from './icons.tsx';

export function TopBar() {
  const store = useVeilStore();
  const view = useAppState((s) => s.view);
  const overrides = useAppState((s) => Object.keys(s.settings.profile.overrides).length);
  const onStudies = view === 'browse' || view === 'review';
  return (
    <header className="topbar">
      <div className="brand">
        <VeilMark />
        <span className="brand-name">Veil</span>
      </div>
      <nav className="tabs" aria-label="Main">
        <button type="button" className={`tab${onStudies ? ' is-active' : ''}`} aria-current={onStudies ? 'page' : undefined} onClick={() => store.setView('browse')}>
          Studies
        </button>
        <button type="button" className={`tab${view === 'settings' ? ' is-active' : ''}`} aria-current={view === 'settings' ? 'page' : undefined} onClick={() => store.setView('settings')}>
          Settings{overrides > 0 ? <span className="tab-count" title="Per-attribute overrides in the profile">{overrides}</span> : null}
        </button>
      </nav>
      <div className="topbar-badge" title="Enforced by this page's Content-Security-Policy">
        <span className="dot" aria-hidden="true" />
        Offline by design — nothing is uploaded
      </div>
    </header>
  );
}
