/** The viewer's keyboard shortcuts: one list for the key handler and the help popover. */

export type ShortcutAction =
  | 'tool-wl' | 'tool-pan' | 'tool-zoom' | 'tool-box'
  | 'prev' | 'next' | 'prev-image' | 'next-image' | 'first' | 'last'
  | 'cine' | 'invert' | 'reset' | 'zoom-in' | 'zoom-out'
  | 'delete' | 'accept' | 'reject' | 'accept-all' | 'undo' | 'redo'
  | 'preview' | 'deselect' | 'help';

export interface Shortcut {
  action: ShortcutAction;
  keys: string[];
  label: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'tool-wl', keys: ['W'], label: 'Window / level with the left button' },
  { action: 'tool-pan', keys: ['P'], label: 'Pan with the left button (middle button always pans)' },
  { action: 'tool-zoom', keys: ['Z'], label: 'Zoom with the left button (right button always zooms)' },
  { action: 'tool-box', keys: ['B'], label: 'Draw redaction boxes with the left button' },
  { action: 'prev', keys: ['↑', '←'], label: 'Previous frame or image (or the mouse wheel)' },
  { action: 'next', keys: ['↓', '→'], label: 'Next frame or image' },
  { action: 'prev-image', keys: ['Page Up'], label: 'Previous image (skips frames)' },
  { action: 'next-image', keys: ['Page Down'], label: 'Next image (skips frames)' },
  { action: 'first', keys: ['Home'], label: 'First image' },
  { action: 'last', keys: ['End'], label: 'Last image' },
  { action: 'cine', keys: ['Space'], label: 'Play / pause the frames of a multi-frame image' },
  { action: 'invert', keys: ['I'], label: 'Invert' },
  { action: 'reset', keys: ['R'], label: 'Reset zoom, pan, window and inversion' },
  { action: 'zoom-in', keys: ['+'], label: 'Zoom in' },
  { action: 'zoom-out', keys: ['−'], label: 'Zoom out' },
  { action: 'delete', keys: ['Delete', 'Backspace'], label: 'Delete the selected box' },
  { action: 'accept', keys: ['A'], label: 'Accept the selected box' },
  { action: 'reject', keys: ['X'], label: 'Reject the selected box' },
  { action: 'accept-all', keys: ['Shift+A'], label: 'Accept every proposed box' },
  { action: 'undo', keys: ['Ctrl+Z'], label: 'Undo a box change' },
  { action: 'redo', keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], label: 'Redo' },
  { action: 'preview', keys: ['V'], label: 'Show the exported pixels / the original' },
  { action: 'deselect', keys: ['Esc'], label: 'Cancel drawing, deselect' },
  { action: 'help', keys: ['?'], label: 'This list' },
];

/** The action for a key event, or undefined. */
export function actionFor(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): ShortcutAction | undefined {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key;
  if (mod) {
    const k = key.toLowerCase();
    if (k === 'z') return e.shiftKey ? 'redo' : 'undo';
    if (k === 'y') return 'redo';
    return undefined;
  }
  if (e.altKey) return undefined;
  switch (key) {
    case 'w': case 'W': return 'tool-wl';
    case 'p': case 'P': return 'tool-pan';
    case 'z': case 'Z': return 'tool-zoom';
    case 'b': case 'B': return 'tool-box';
    case 'ArrowUp': case 'ArrowLeft': return 'prev';
    case 'ArrowDown': case 'ArrowRight': return 'next';
    case 'PageUp': return 'prev-image';
    case 'PageDown': return 'next-image';
    case 'Home': return 'first';
    case 'End': return 'last';
    case ' ': return 'cine';
    case 'i': case 'I': return 'invert';
    case 'r': case 'R': return 'reset';
    case '+': case '=': return 'zoom-in';
    case '-': case '_': return 'zoom-out';
    case 'Delete': case 'Backspace': return 'delete';
    case 'a': return 'accept';
    case 'A': return e.shiftKey ? 'accept-all' : 'accept';
    case 'x': case 'X': return 'reject';
    case 'v': case 'V': return 'preview';
    case 'Escape': return 'deselect';
    case '?': return 'help';
  }
  return undefined;
}
