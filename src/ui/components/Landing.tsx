/** The first screen: what Veil is, and where to drop a study. */
import type { ReactNode } from 'react';
import { UploadGlyph } from './icons.tsx';
import { LoadProgress } from './LoadProgress.tsx';
import { usePickers } from './Pickers.tsx';
import { Stats } from './Stats.tsx';

export function Landing() {
  const pickers = usePickers();
  return (
    <main className="content">
      <section className="hero" aria-labelledby="app-title">
        <h1 id="app-title">Veil</h1>
        <p className="lede">DICOM de-identification that runs entirely in your browser.</p>
        <p className="explain">
          Veil removes protected health information from DICOM studies before you share them. Files
          are read and rewritten on this computer — PHI never leaves the machine, and the page is
          locked so it cannot contact any other server. Headers are cleaned with the DICOM PS3.15
          Annex E Basic Profile, with consistent pseudonyms and UIDs across every file.
        </p>
      </section>

      <section className="workspace-landing">
        <div className="dropzone">
          <UploadGlyph />
          <h2>Open a study</h2>
          <p className="muted">
            Drop DICOM files, folders or zip archives anywhere on this page, or choose them. Your
            originals are never modified.
          </p>
          <div className="actions">
            <button type="button" className="btn btn-primary" onClick={pickers.openFiles}>
              Choose files
            </button>
            <button type="button" className="btn" onClick={pickers.openFolder}>
              Choose folder
            </button>
          </div>
          <LoadProgress />
        </div>

        <aside className="status" aria-label="Loaded files">
          <h2>Session</h2>
          <Stats />
          <ol className="steps">
            <li>Open files, a folder or a zip</li>
            <li>Check the studies and review headers</li>
            <li>Export a zip with a per-file report</li>
          </ol>
        </aside>
      </section>

      <section className="features" aria-label="What Veil covers">
        <Feature title="Header">
          PS3.15 Basic Profile actions on every attribute, in nested sequences too. Unknown private
          tags are removed; options, overrides and pseudonyms are yours to set.
        </Feature>
        <Feature title="Review">
          See every attribute before and after, the action taken and the rule behind it, and
          warnings where an identifier might remain.
        </Feature>
        <Feature title="Accounted for">
          Download a zip of de-identified files with a per-file report: written, skipped or failed,
          and why.
        </Feature>
      </section>
    </main>
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
