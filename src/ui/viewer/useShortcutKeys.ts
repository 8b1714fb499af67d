/**
 * The viewer's keyboard: keys pressed anywhere on the page go to the viewer (shortcuts.ts maps
 * them to actions), except keys a focused control needs for itself — typing in a field, Space on
 * a check box, arrows on a slider — and any key while a dialog is open.
 */
import { useEffect, type RefObject } from 'react';
import { actionFor, type ShortcutAction } from './shortcuts.ts';

/** Whether a key pressed in element `t` is the viewer's, not the control's own. */
export function keyIsForViewer(t: HTMLElement, key: string): boolean {
  if (t.isContentEditable || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT') return false;
  if (t.tagName === 'INPUT') {
    const type = (t as HTMLInputElement).type;
    // Check boxes and the like only use Space; the slider its arrows and Home/End.
    if (type === 'checkbox' || type === 'radio') return key !== ' ' && key !== 'Enter';
    if (type === 'range') return !/^(Arrow|Page|Home|End)/.test(key);
    return false;
  }
  if (t.tagName === 'BUTTON' || t.tagName === 'A') return key !== ' ' && key !== 'Enter';
  return true;
}

/** Runs `run` for each shortcut pressed; a key it handles (returns true) goes no further. */
export function useShortcutKeys(run: (a: ShortcutAction) => boolean, stage: RefObject<HTMLElement | null>, dialogOpen: boolean): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      // cornerstone's own key listener on its element marks keys handled; the viewer's keys are ours.
      if (dialogOpen || (e.defaultPrevented && !(t && stage.current?.contains(t)))) return;
      if (t && !keyIsForViewer(t, e.key)) return;
      const a = actionFor(e);
      if (a && run(a)) e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [run, dialogOpen, stage]);
}
