import { useCallback, useRef, useState, type ChangeEvent, type DragEvent, type ReactNode } from 'react';

/**
 * App shell. Holds no DICOM logic: file selection is collected here and will be
 * handed to the worker pool (src/workers) once it exists. Until then the
 * counters only reflect what has been selected, not what has been parsed.
 */

// `webkitdirectory` is not in React's typings; React passes it through to the DOM.
const directoryPickerAttrs = { webkitdirectory: '', directory: '' } as Record<string, string>;

export interface LoadSummary {
  /** DICOM instances successfully loaded. */
  instances: number;
  /** Files rejected (not DICOM, unreadable, ...). */
  errors: number;
}

export function App() {
  const [selected, setSelected] = useState<File[]>([]);
  // Filled in by the loading pipeline once it is wired up.
  const [summary] = useState<LoadSummary>({ instances: 0, errors: 0 });
  const [dragging, setDragging] = useState(false);
  const fileInputRef = useRef<HTMLInputElement>(null);
  const folderInputRef = useRef<HTMLInputElement>(null);

  const addFiles = useCallback((files: FileList | File[] | null) => {
    if (!files || files.length === 0) return;
    const list = Array.from(files);
    setSelected((prev) => prev.concat(list));
  }, []);

  const onInputChange = useCallback(
    (event: ChangeEvent<HTMLInputElement>) => {
      addFiles(event.currentTarget.files);
      // Allow picking the same files again.
      event.currentTarget.value = '';
    },
    [addFiles],
  );

  const onDrop = useCallback(
    (event: DragEvent<HTMLElement>) => {
      event.preventDefault();
      setDragging(false);
      addFiles(event.dataTransfer.files);
    },
    [addFiles],
  );

  const totalBytes = selected.reduce((sum, f) => sum + f.size, 0);

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <VeilMark />
          <span className="brand-name">Veil</span>
        </div>
        <div className="topbar-badge" title="Enforced by this page's Content-Security-Policy">
          <span className="dot" aria-hidden="true" />
          Offline by design — nothing is uploaded
        </div>
      </header>

      <main className="content">
        <section className="hero" aria-labelledby="app-title">
          <h1 id="app-title">Veil</h1>
          <p className="lede">DICOM de-identification that runs entirely in your browser.</p>
          <p className="explain">
            Veil removes protected health information from DICOM studies before you share them. Files
            are read and rewritten on this computer — PHI never leaves the machine, and the page is
            locked so it cannot contact any other server. Headers are cleaned with the DICOM PS3.15
            Annex E Basic Profile, with consistent pseudonyms and UIDs across every file; text burned
            into the pixels is found and blacked out, and you check every box in a viewer before export.
          </p>
        </section>

        <section className="workspace">
          <div
            className={`dropzone${dragging ? ' is-dragging' : ''}`}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <UploadGlyph />
            <h2>Open a study</h2>
            <p className="muted">
              Drop DICOM files or a folder here, or choose them. Your originals are never modified.
            </p>
            <div className="actions">
              <button type="button" className="btn btn-primary" onClick={() => fileInputRef.current?.click()}>
                Choose files
              </button>
              <button type="button" className="btn" onClick={() => folderInputRef.current?.click()}>
                Choose folder
              </button>
            </div>
            <input
              ref={fileInputRef}
              className="visually-hidden"
              type="file"
              multiple
              data-testid="file-input"
              aria-label="Choose DICOM files"
              onChange={onInputChange}
            />
            <input
              ref={folderInputRef}
              className="visually-hidden"
              type="file"
              multiple
              {...directoryPickerAttrs}
              data-testid="folder-input"
              aria-label="Choose a folder of DICOM files"
              onChange={onInputChange}
            />
          </div>

          <aside className="status" aria-label="Loaded files">
            <h2>Session</h2>
            <dl className="stats">
              <div className="stat">
                <dt title="DICOM instances loaded">Instances</dt>
                <dd data-testid="instance-count">{summary.instances}</dd>
              </div>
              <div className="stat">
                <dt title="Files that could not be read as DICOM">Rejected</dt>
                <dd data-testid="error-count" className={summary.errors > 0 ? 'has-errors' : undefined}>
                  {summary.errors}
                </dd>
              </div>
            </dl>
            <p className="muted small" aria-live="polite">
              {selected.length === 0
                ? 'No files selected yet.'
                : `${selected.length} file${selected.length === 1 ? '' : 's'} selected (${formatBytes(totalBytes)}).`}
            </p>
            <ol className="steps">
              <li>Open files or a folder</li>
              <li>Review headers and redaction boxes</li>
              <li>Export a zip with a per-file report</li>
            </ol>
          </aside>
        </section>

        <section className="features" aria-label="What Veil covers">
          <Feature title="Header">
            PS3.15 Basic Profile actions on every attribute, in nested sequences too. Unknown private
            tags are removed; dates shift while keeping intervals.
          </Feature>
          <Feature title="Burned-in pixels">
            Text painted into ultrasound, X-ray and screen captures is detected and covered with
            redaction boxes you review in the viewer.
          </Feature>
          <Feature title="Accounted for">
            Download a zip of de-identified files with a per-file report: written, skipped or failed,
            and why.
          </Feature>
        </section>
      </main>

      <footer className="footer">
        <span>Veil runs locally. No accounts, no uploads, no tracking.</span>
        <span className="muted">Not a substitute for your institution's de-identification review.</span>
      </footer>
    </div>
  );
}

function Feature({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="feature">
      <h3>{title}</h3>
      <p>{children}</p>
    </div>
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[i]}`;
}

function VeilMark() {
  return (
    <svg className="mark" width="28" height="28" viewBox="0 0 28 28" aria-hidden="true">
      <rect x="1" y="1" width="26" height="26" rx="7" fill="var(--accent)" />
      <path d="M7 8.5 L14 21 L21 8.5" fill="none" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round" />
      <rect x="9.5" y="12" width="9" height="2.6" rx="1.3" fill="#fff" opacity="0.55" />
    </svg>
  );
}

function UploadGlyph() {
  return (
    <svg className="glyph" width="44" height="44" viewBox="0 0 44 44" aria-hidden="true">
      <rect x="6" y="8" width="32" height="28" rx="4" fill="none" stroke="currentColor" strokeWidth="2" />
      <rect x="12" y="14" width="20" height="5" rx="1.5" fill="currentColor" opacity="0.85" />
      <path d="M12 25h20M12 30h13" stroke="currentColor" strokeWidth="2" strokeLinecap="round" opacity="0.45" />
    </svg>
  );
}
