/**
 * Settings: the profile (options, pseudonyms, dates, overrides) in the same JSON the CLI reads
 * with --profile, plus the session's passphrase and pseudonym lookup table (never in the profile).
 */
import { useRef, useState, type ReactNode } from 'react';
import { OPTION_LABELS } from '../../core/profile/resolve.ts';
import { OPTION_KEYS, type OptionKey } from '../../core/profile/profile.ts';
import { keywordOf, parseTag } from '../../core/dicom/tags.ts';
import { canSaveToDisk, downloadBlob } from '../state/store.ts';
import { useAppState, useVeilStore } from '../state/hooks.ts';

/** One line each: what switching the option on keeps or changes. */
export const OPTION_HELP: Record<OptionKey, string> = {
  retainSafePrivate: 'Keep the private attributes the standard lists as safe (Table E.3.10-1); all other private data is still removed.',
  retainUIDs: 'Keep the original Study, Series and Instance UIDs instead of replacing them; they link the copy back to the source archive.',
  retainDeviceIdentity: 'Keep what identifies the scanner: station name, device serial numbers and similar.',
  retainInstitutionIdentity: 'Keep the names and addresses of the institution and department that made the images.',
  retainPatientCharacteristics: "Keep the patient's age, sex, size, weight and similar characteristics.",
  retainLongFullDates: 'Keep every date and time exactly as it is.',
  retainLongModifiedDates: 'Shift every date by a per-patient offset (range below), so intervals between dates stay exact.',
  cleanDescriptors: 'Keep descriptions and comments (study, series, protocol) with any identifier found in them replaced.',
  cleanStructuredContent: 'Keep the text of structured reports with any identifier found in it replaced.',
  cleanGraphics: 'Keep graphic annotations and overlays, cleaned of identifiers, instead of removing them.',
};

function Section({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <section className="settings-section">
      <div className="settings-section-head">
        <h2>{title}</h2>
        {intro ? <p className="muted small">{intro}</p> : null}
      </div>
      <div className="settings-section-body">{children}</div>
    </section>
  );
}

export function SettingsView() {
  return (
    <main className="settings" aria-label="Settings">
      <div className="settings-title">
        <h1>Settings</h1>
        <p className="muted">
          The DICOM PS3.15 Annex E Basic Profile is always applied. Options, overrides and pseudonym settings form a profile — the same JSON file the command line reads with{' '}
          <code>--profile</code>. Changes apply to the review and the next export at once.
        </p>
      </div>
      <ProfileOptions />
      <KeyedSettings />
      <Overrides />
      <ProfileFile />
      <ExportSettings />
    </main>
  );
}

/** Remount the forms with local drafts when the profile changes underneath them (import, reset). */
function KeyedSettings() {
  const prefix = useAppState((s) => s.settings.profile.pseudonyms.patientIdPrefix);
  const range = useAppState((s) => s.settings.profile.pseudonyms.dateShiftDays);
  return (
    <>
      <PseudonymSettings key={prefix} />
      <DateShift key={`${range.min}:${range.max}`} />
    </>
  );
}

function ProfileOptions() {
  const store = useVeilStore();
  const options = useAppState((s) => s.settings.profile.options);
  return (
    <Section title="Profile options" intro="Each option keeps something the Basic Profile would remove. Leave them off unless your data sharing agreement allows it.">
      <ul className="toggles">
        {OPTION_KEYS.map((key) => (
          <li key={key}>
            <label className="toggle">
              <input type="checkbox" role="switch" checked={options[key]} onChange={(e) => store.setOption(key, e.target.checked)} data-testid={`option-${key}`} />
              <span className="toggle-track" aria-hidden="true" />
              <span className="toggle-text">
                <span className="toggle-label">{OPTION_LABELS[key].replace(/ option$/, '')}</span>
                <span className="toggle-help">{OPTION_HELP[key]}</span>
              </span>
            </label>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function PseudonymSettings() {
  const store = useVeilStore();
  const pseudonyms = useAppState((s) => s.settings.profile.pseudonyms);
  const passphrase = useAppState((s) => s.settings.passphrase);
  const lookup = useAppState((s) => s.settings.lookup);
  const [draft, setDraft] = useState(passphrase);
  const [prefix, setPrefix] = useState(pseudonyms.patientIdPrefix);
  const [prefixError, setPrefixError] = useState<string>();
  const [lookupError, setLookupError] = useState<string>();
  const lookupInput = useRef<HTMLInputElement>(null);

  const applyPrefix = () => {
    if (prefix === pseudonyms.patientIdPrefix) return;
    if (prefix.length > 32 || !/^[\x20-\x5b\x5d-\x7e]*$/.test(prefix)) {
      setPrefixError('Up to 32 printable ASCII characters, no backslash.');
      return;
    }
    setPrefixError(undefined);
    store.setPrefix(prefix);
  };

  return (
    <Section title="Pseudonyms" intro="How patients are named in the export. The same patient gets the same pseudonym and the same new UIDs in every file.">
      <fieldset className="radio-cards">
        <legend className="field-label">Mode</legend>
        <label className={`radio-card${pseudonyms.mode === 'anonymize' ? ' is-checked' : ''}`}>
          <input type="radio" name="mode" value="anonymize" checked={pseudonyms.mode === 'anonymize'} onChange={() => store.setMode('anonymize')} data-testid="mode-anonymize" />
          <span>
            <strong>Anonymize</strong>
            <span className="muted small" data-testid="anonymize-help">
              {passphrase
                ? 'No mapping file is kept. But a passphrase is set: whoever knows it and has the originals can make the same pseudonyms and UIDs again and so link the export back. Clear it for an export nobody can link back.'
                : 'No key is kept: nobody can link the export back to the patients.'}
            </span>
          </span>
        </label>
        <label className={`radio-card${pseudonyms.mode === 'pseudonymize' ? ' is-checked' : ''}`}>
          <input type="radio" name="mode" value="pseudonymize" checked={pseudonyms.mode === 'pseudonymize'} onChange={() => store.setMode('pseudonymize')} data-testid="mode-pseudonymize" />
          <span>
            <strong>Pseudonymize</strong>
            <span className="muted small">After export, download a mapping file (original ↔ pseudonym). Keep it apart from the data.</span>
          </span>
        </label>
      </fieldset>

      <div className="field-row">
        <label className="field">
          <span className="field-label">Patient ID prefix</span>
          <input className="input" value={prefix} maxLength={32} onChange={(e) => setPrefix(e.target.value)} onBlur={applyPrefix} onKeyDown={(e) => e.key === 'Enter' && applyPrefix()} />
          <span className={prefixError ? 'field-error' : 'field-help'}>{prefixError ?? `Pseudonymous IDs look like ${pseudonyms.patientIdPrefix || 'VEIL'}-7K2M9QX4TB.`}</span>
        </label>
        <form
          className="field"
          onSubmit={(e) => {
            e.preventDefault();
            store.setPassphrase(draft);
          }}
        >
          <span className="field-label">Passphrase (optional)</span>
          <span className="input-with-button">
            <input className="input" type="password" autoComplete="off" value={draft} onChange={(e) => setDraft(e.target.value)} aria-label="Passphrase" data-testid="passphrase" />
            <button type="submit" className="btn btn-small" disabled={draft === passphrase}>
              Apply
            </button>
          </span>
          <span className="field-help">
            {passphrase ? 'In use: ' : ''}The same passphrase gives the same pseudonyms, UIDs and date shifts in any later session
            {pseudonyms.mode === 'anonymize' ? ' — in anonymize mode that makes the export linkable by anyone who knows it' : ''}. Without one, a random key is used for this session only and forgotten.
          </span>
        </form>
      </div>

      <div className="field">
        <span className="field-label">Pseudonym lookup table (optional)</span>
        <div className="inline-actions">
          <button type="button" className="btn btn-small" onClick={() => lookupInput.current?.click()}>
            Import CSV…
          </button>
          {lookup ? (
            <>
              <span className="small">
                <strong>{lookup.entries.length}</strong> pseudonym{lookup.entries.length === 1 ? '' : 's'} from {lookup.name}
              </span>
              <button type="button" className="btn btn-small btn-quiet" onClick={() => store.clearLookup()}>
                Remove
              </button>
            </>
          ) : null}
        </div>
        <input
          ref={lookupInput}
          type="file"
          accept=".csv,text/csv"
          className="visually-hidden"
          aria-label="Pseudonym lookup CSV"
          data-testid="lookup-input"
          onChange={async (e) => {
            const f = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (!f) return;
            try {
              store.importLookup(f.name, await f.text());
              setLookupError(undefined);
            } catch (err) {
              setLookupError((err as Error).message);
            }
          }}
        />
        <span className={lookupError ? 'field-error' : 'field-help'}>
          {lookupError ?? 'Columns: original Patient ID, pseudonym name, pseudonym ID, optionally Issuer of Patient ID (the CSV the CLI reads with --lookup). Patients not in it get generated pseudonyms.'}
        </span>
      </div>
    </Section>
  );
}

function DateShift() {
  const store = useVeilStore();
  const range = useAppState((s) => s.settings.profile.pseudonyms.dateShiftDays);
  const on = useAppState((s) => s.settings.profile.options.retainLongModifiedDates);
  const [min, setMin] = useState(String(range.min));
  const [max, setMax] = useState(String(range.max));
  const [error, setError] = useState<string>();
  const apply = () => {
    const a = Number(min);
    const b = Number(max);
    if (!Number.isInteger(a) || !Number.isInteger(b) || Math.abs(a) > 36525 || Math.abs(b) > 36525) return setError('Whole numbers of days, at most 100 years either way.');
    if (a > b) return setError('The smallest shift must not be larger than the largest.');
    if (a === 0 && b === 0) return setError('0 to 0 would not shift dates; use “Retain Longitudinal Temporal Information Full Dates” to keep them.');
    setError(undefined);
    if (a !== range.min || b !== range.max) store.setDateShift(a, b);
  };
  return (
    <Section
      title="Date shift"
      intro={
        on
          ? 'Each patient gets one offset in this range, applied to every date of every file, so intervals stay exact.'
          : 'Used when “Retain Longitudinal Temporal Information Modified Dates” is on (it is off: dates are removed or replaced as the profile says).'
      }
    >
      <div className="field-row field-row-narrow">
        <label className="field">
          <span className="field-label">From (days)</span>
          <input className="input" inputMode="numeric" value={min} onChange={(e) => setMin(e.target.value)} onBlur={apply} onKeyDown={(e) => e.key === 'Enter' && apply()} data-testid="shift-min" />
        </label>
        <label className="field">
          <span className="field-label">To (days)</span>
          <input className="input" inputMode="numeric" value={max} onChange={(e) => setMax(e.target.value)} onBlur={apply} onKeyDown={(e) => e.key === 'Enter' && apply()} data-testid="shift-max" />
        </label>
      </div>
      <span className={error ? 'field-error' : 'field-help'}>{error ?? `Currently ${range.min} to ${range.max} days (${(range.min / 365.25).toFixed(1)} to ${(range.max / 365.25).toFixed(1)} years).`}</span>
    </Section>
  );
}

function Overrides() {
  const store = useVeilStore();
  const overrides = useAppState((s) => s.settings.profile.overrides);
  const entries = Object.entries(overrides).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Section title="Per-attribute overrides" intro="Set from the header review. An override wins over the profile and every option, for that attribute in every file.">
      {entries.length === 0 ? (
        <p className="muted small">No overrides. Open an instance from the study browser and choose Keep, Remove or Replace for an attribute.</p>
      ) : (
        <table className="overrides-table">
          <tbody>
            {entries.map(([tag, o]) => (
              <tr key={tag}>
                <td className="mono">{tag}</td>
                <td>{safeKeyword(tag)}</td>
                <td>
                  <span className="action action-replaced">{o.action}</span>
                  {o.action === 'replace' ? <span className="mono small"> “{o.value}”</span> : null}
                </td>
                <td className="align-right">
                  <button type="button" className="btn btn-small btn-quiet" onClick={() => store.setOverride(tag, undefined)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function safeKeyword(tag: string): string {
  try {
    return keywordOf(parseTag(tag));
  } catch {
    return '';
  }
}

function ProfileFile() {
  const store = useVeilStore();
  const input = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  return (
    <Section title="Profile file" intro="Share settings with colleagues or use them with the command line: npx veil deidentify … --profile profile.json">
      <div className="inline-actions">
        <button
          type="button"
          className="btn btn-small"
          data-testid="profile-export"
          onClick={() => {
            const url = downloadBlob(new Blob([store.exportProfileJson()], { type: 'application/json' }), 'veil-profile.json');
            setTimeout(() => URL.revokeObjectURL(url), 60_000);
          }}
        >
          Export profile JSON
        </button>
        <button type="button" className="btn btn-small" onClick={() => input.current?.click()}>
          Import profile JSON…
        </button>
        <button
          type="button"
          className="btn btn-small btn-quiet"
          onClick={() => {
            store.resetProfile();
            setMessage({ ok: true, text: 'Profile reset to the Basic Profile defaults.' });
          }}
        >
          Reset to defaults
        </button>
      </div>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        className="visually-hidden"
        aria-label="Profile JSON file"
        data-testid="profile-import"
        onChange={async (e) => {
          const f = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (!f) return;
          try {
            store.importProfile(await f.text());
            setMessage({ ok: true, text: `Profile imported from ${f.name}.` });
          } catch (err) {
            setMessage({ ok: false, text: `${f.name}: ${(err as Error).message}` });
          }
        }}
      />
      {message ? (
        <p className={message.ok ? 'field-help' : 'field-error'} role="status" data-testid="profile-message">
          {message.text}
        </p>
      ) : null}
    </Section>
  );
}

function ExportSettings() {
  const store = useVeilStore();
  const saveToDisk = useAppState((s) => s.settings.saveToDisk);
  const supported = canSaveToDisk();
  return (
    <Section title="Export" intro="The zip is built in background workers as it is written, one file at a time.">
      <label className={`toggle${supported ? '' : ' is-disabled'}`}>
        <input type="checkbox" role="switch" checked={saveToDisk && supported} disabled={!supported} onChange={(e) => store.setSaveToDisk(e.target.checked)} data-testid="save-to-disk" />
        <span className="toggle-track" aria-hidden="true" />
        <span className="toggle-text">
          <span className="toggle-label">Write the zip straight to disk</span>
          <span className="toggle-help">
            {supported
              ? 'Asks where to save, then streams the zip into that file: memory use stays flat however large the study. Recommended above 1 GB.'
              : 'This browser cannot write files directly (File System Access API); the zip is assembled and then downloaded.'}
          </span>
        </span>
      </label>
    </Section>
  );
}
