/** Per-attribute override (keep / remove / replace), written into the profile for this tag. */
import { useState } from 'react';
import type { Override } from '../../core/profile/profile.ts';
import { useAppState, useVeilStore } from '../state/hooks.ts';

export function OverrideControl({ tag, label }: { tag: string; label: string }) {
  const store = useVeilStore();
  const current = useAppState((s) => s.settings.profile.overrides[tag]);
  const [editing, setEditing] = useState<string | undefined>(undefined);

  const choose = (value: string) => {
    if (value === 'replace') {
      setEditing(current?.action === 'replace' ? current.value : '');
      return;
    }
    setEditing(undefined);
    store.setOverride(tag, value ? ({ action: value } as Override) : undefined);
  };

  if (editing !== undefined) {
    return (
      <form
        className="override-edit"
        onSubmit={(e) => {
          e.preventDefault();
          store.setOverride(tag, { action: 'replace', value: editing });
          setEditing(undefined);
        }}
      >
        <input
          autoFocus
          className="input input-small"
          aria-label={`Replacement value for ${label}`}
          value={editing}
          onChange={(e) => setEditing(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && setEditing(undefined)}
        />
        <button type="submit" className="btn btn-small btn-primary">
          Set
        </button>
      </form>
    );
  }
  return (
    <select
      className={`select select-small${current ? ' is-overridden' : ''}`}
      aria-label={`Override for ${label}`}
      value={current?.action ?? ''}
      onChange={(e) => choose(e.target.value)}
      title={current?.action === 'replace' ? `Replaced with "${current.value}" in every file` : 'Applies to this attribute in every file'}
    >
      <option value="">Profile</option>
      <option value="keep">Keep</option>
      <option value="remove">Remove</option>
      <option value="empty">Empty</option>
      <option value="replace">{current?.action === 'replace' ? `Replace: ${current.value.slice(0, 16)}` : 'Replace…'}</option>
    </select>
  );
}
