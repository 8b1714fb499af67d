/**
 * The two hidden file inputs (stable testids file-input and folder-input), rendered once for the
 * whole app; any button can open them through usePickers().
 */
import { createContext, useCallback, useContext, useMemo, useRef, type ChangeEvent, type ReactNode } from 'react';
import { fromFileList } from '../input/collect.ts';
import { useVeilStore } from '../state/hooks.ts';

// `webkitdirectory` is not in React's typings; React passes it through to the DOM.
const directoryPickerAttrs = { webkitdirectory: '', directory: '' } as Record<string, string>;

interface Pickers {
  openFiles(): void;
  openFolder(): void;
}

const PickerContext = createContext<Pickers>({ openFiles() {}, openFolder() {} });

export const usePickers = (): Pickers => useContext(PickerContext);

export function PickerProvider({ children }: { children: ReactNode }) {
  const store = useVeilStore();
  const fileRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  const onChange = useCallback(
    (event: ChangeEvent<HTMLInputElement>) => {
      const files = event.currentTarget.files;
      if (files && files.length) void store.addInputs(fromFileList(files));
      // Allow picking the same files again.
      event.currentTarget.value = '';
    },
    [store],
  );
  const pickers = useMemo<Pickers>(
    () => ({ openFiles: () => fileRef.current?.click(), openFolder: () => folderRef.current?.click() }),
    [],
  );
  return (
    <PickerContext.Provider value={pickers}>
      {children}
      <input
        ref={fileRef}
        className="visually-hidden"
        tabIndex={-1}
        type="file"
        multiple
        data-testid="file-input"
        aria-label="Choose DICOM files or zip archives"
        onChange={onChange}
      />
      <input
        ref={folderRef}
        className="visually-hidden"
        tabIndex={-1}
        type="file"
        multiple
        {...directoryPickerAttrs}
        data-testid="folder-input"
        aria-label="Choose a folder of DICOM files"
        onChange={onChange}
      />
    </PickerContext.Provider>
  );
}
