/**
 * The app's state and the actions on it. It talks to the engine only through EngineClient
 * (src/workers/client.ts): no DICOM is read on the main thread.
 */
import { parseLookupCsv } from '../../core/header/pseudonyms.ts';
import { compilePlan, parsePlan, serializePlan, type CompiledPlan } from '../../core/pixels/plan.ts';
import { assessPixels, planFacts, type PixelAssessment } from '../../core/pixels/review-status.ts';
import { detectText } from '../../workers/ocr-client.ts';
import { recordStage, timed, timedAsync } from '../../workers/stage-times.ts';
import { exportInit } from '../../workers/export-options.ts';
import { validateProfile } from '../../core/profile/resolve.ts';
import { defaultProfile, type OptionKey, type Override, type Profile } from '../../core/profile/profile.ts';
import {
  CancelledError, EngineClient,
  type InputRef, type OcrFindingsInit, type PreviewResult, type RedactionBox, type RedactionPlan, type ScanResult, type SessionInit,
} from '../../workers/client.ts';
import { OPERATOR_REPORT } from '../../core/export/report.ts';
import { compareInputPaths } from '../../core/export/run.ts';
import { isZipName, type PickedInput } from '../input/collect.ts';
import { DefaceClient, type DefaceMode } from '../../workers/deface-client.ts';
import { HEAD_MODALITIES, defaceExport, defaceNeeded, filesBySeries, needsFaceOverride, newDeface, type DefaceNeeded } from './deface.ts';
import { emptyPlan, mergeProposals } from './plan-edit.ts';
import { yieldToPage } from './yield.ts';
import type { AppState, ExportState, FileEntry, LoadProgress, SeriesDeface, SeriesMode, Settings, View } from './types.ts';

/** An image in the export whose burned-in text nobody painted or reviewed. */
export interface ReviewNeeded {
  entry: FileEntry;
  assessment: PixelAssessment;
}

const compiled = new WeakMap<RedactionPlan, CompiledPlan>();
/** The plan indexed once per version (plans are immutable: every edit makes a new object). */
export function compiledPlan(plan: RedactionPlan): CompiledPlan {
  let c = compiled.get(plan);
  if (!c) {
    c = compilePlan(plan);
    compiled.set(plan, c);
  }
  return c;
}

/** A loaded image's pixel status under the plan; undefined for files without an image. */
export function pixelStatusOf(entry: FileEntry, plan: RedactionPlan): PixelAssessment | undefined {
  if (entry.status !== 'ready' || !entry.pixelFacts || !entry.identity) return undefined;
  return assessPixels(entry.pixelFacts, planFacts(compiledPlan(plan), entry.identity));
}

export { defaceGateReason, defaceNeeded, needsFaceOverride, type DefaceNeeded } from './deface.ts';

/** Every loaded image that needs review, in load order. */
export function reviewNeeded(files: readonly FileEntry[], plan: RedactionPlan): ReviewNeeded[] {
  const out: ReviewNeeded[] = [];
  for (const entry of files) {
    const assessment = pixelStatusOf(entry, plan);
    if (assessment?.status === 'needs-review') out.push({ entry, assessment });
  }
  return out;
}

const PROFILE_STORAGE_KEY = 'veil.profile.v1';
const FLUSH_MS = 120;
/** Main-thread time spent listing picked files before the page may paint and answer input. */
const LISTING_SLICE_MS = 40;

type Expanded = { path: string; file: Blob; size: number; problem?: string; key?: string };
/**
 * Results are applied (and the study tree rendered) at most every FLUSH_MS, and less often as
 * the study grows: a render costs time in proportion to the files loaded, and on a small machine
 * it takes the CPU the workers need (10,000 files: one render a second).
 */
const flushDelay = (files: number): number => Math.max(FLUSH_MS, files / 10);
/** Undo steps kept for the redaction plan. */
const HISTORY_LIMIT = 500;
const RECHECK_DELAY_MS = 400;

type SaveFilePicker = (options: { suggestedName: string; types?: { description: string; accept: Record<string, string[]> }[] }) => Promise<FileSystemFileHandle>;

export const canSaveToDisk = (): boolean => typeof (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker === 'function';

function loadStoredProfile(): Profile {
  try {
    const raw = localStorage.getItem(PROFILE_STORAGE_KEY);
    if (raw) return validateProfile(raw);
  } catch {
    // A stored profile that no longer validates is ignored: the defaults apply.
  }
  return defaultProfile();
}

const idleExport = (): ExportState => ({ phase: 'idle', done: 0, total: 0, bytes: 0, bytesTotal: 0, startedAt: 0, dialogOpen: false });

function timestamp(): string {
  const d = new Date();
  const p = (n: number) => n.toString().padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
}

export function downloadBlob(blob: Blob, fileName: string): string {
  const url = URL.createObjectURL(blob);
  clickDownload(url, fileName);
  return url;
}

export function clickDownload(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export class VeilStore {
  private state: AppState;
  private readonly listeners = new Set<() => void>();
  private client?: EngineClient;
  private nextId = 1;
  private queue: FileEntry[] = [];
  private loading?: Promise<void>;
  private loadAbort = new AbortController();
  private pending = new Map<number, Partial<FileEntry>>();
  /** Listed files not yet in the state's files (added by the next flush). */
  private staged: FileEntry[] = [];
  private flushTimer?: ReturnType<typeof setTimeout>;
  private keyCache = new Map<string, Promise<Uint8Array>>();
  private randomKey?: Promise<Uint8Array>;
  private sessionInit?: { settings: Settings; init: Promise<SessionInit> };
  private recheckTimer?: ReturnType<typeof setTimeout>;
  private recheckAbort?: AbortController;
  private exportAbort?: AbortController;
  /** Set by `Detect text`: the export's after-redaction check (see setOcrFindings). */
  private ocrFindings?: OcrFindingsInit;
  private seen = new Set<string>();
  /** Picks whose files are being listed (time-sliced, see addInputs). */
  private listings = new Set<{ done: number; total: number }>();
  /** Bumped by cancel and clear: a pick still being listed stops adding files. */
  private listGeneration = 0;
  /** Export waiting for the picks being listed. */
  private listedWaiters: (() => void)[] = [];
  /** Plan versions for undo and redo. */
  private past: RedactionPlan[] = [];
  private future: RedactionPlan[] = [];
  /** Proposals a person deleted: not proposed again when more files of the device load. */
  private dismissed = new Set<string>();
  /** Template proposals found while loading, merged into the plan at the next flush. */
  private proposals: RedactionBox[] = [];
  /** Every proposal the loaded files made (by id), offered again after a plan import. */
  private allProposals = new Map<string, RedactionBox>();
  private defacer?: DefaceClient;
  /**
   * Series whose head check has been asked for, with the files it was asked over (the answer
   * lands in state.deface): a series that gains or loses files is checked again.
   */
  private headChecks = new Map<string, { files: string; check: Promise<void> }>();
  /** Cards that became visible and wait for their preview (made one at a time, when idle). */
  private thumbnailsWanted = new Set<number>();
  private thumbnailBusy = false;

  constructor() {
    this.state = {
      files: [],
      load: { active: false, total: 0, done: 0, bytesTotal: 0, bytesDone: 0, startedAt: 0 },
      rechecking: false,
      settings: { profile: loadStoredProfile(), passphrase: '', saveToDisk: false },
      view: 'browse',
      seriesMode: 'grid',
      export: idleExport(),
      plan: emptyPlan(),
      planHistory: { undo: 0, redo: 0 },
      detect: { phase: 'idle' },
      keepMeasurements: false,
      deface: {},
    };
  }

  // ------------------------------------------------------------------ store plumbing

  getState = (): AppState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  private engine(): EngineClient {
    this.client ??= new EngineClient();
    return this.client;
  }

  private fail(e: unknown): void {
    if (e instanceof CancelledError) return;
    this.set({ error: (e as Error)?.message ?? String(e) });
  }

  dismissError(): void {
    this.set({ error: undefined });
  }

  setView(view: View): void {
    this.set({ view });
  }

  selectSeries(key: string | undefined): void {
    this.set({ selectedSeries: key, view: 'browse' });
  }

  setSeriesMode(seriesMode: SeriesMode): void {
    this.set({ seriesMode, view: 'browse' });
  }

  // ------------------------------------------------------------------ session

  /**
   * Starts the engine workers and gives them their session while the page waits for its first
   * files, so a pick does not wait for the workers' start-up (about half a second on a busy
   * 2-core machine before the first result). Idempotent: the session is made once per settings.
   */
  warmUp(): void {
    this.session().catch(() => undefined);
  }

  /** The session every worker uses: same profile, same key, same lookup. */
  private session(): Promise<SessionInit> {
    const settings = this.state.settings;
    if (this.sessionInit?.settings === settings) return this.sessionInit.init;
    const init = (async (): Promise<SessionInit> => {
      const key = await this.key(settings.passphrase);
      const value: SessionInit = { profile: settings.profile, key, lookup: settings.lookup?.entries };
      await this.engine().configure(value);
      return value;
    })();
    this.sessionInit = { settings, init };
    init.catch(() => {
      if (this.sessionInit?.init === init) this.sessionInit = undefined;
    });
    return init;
  }

  private key(passphrase: string): Promise<Uint8Array> {
    if (!passphrase) {
      // No passphrase: one random key for the whole browser session, so the load-time check,
      // the review and the export all agree.
      this.randomKey ??= this.engine().deriveKey();
      return this.randomKey;
    }
    let k = this.keyCache.get(passphrase);
    if (!k) {
      k = this.engine().deriveKey(passphrase);
      this.keyCache.set(passphrase, k);
    }
    return k;
  }

  // ------------------------------------------------------------------ input

  /**
   * Adds picked or dropped inputs; zips are unpacked in a worker first.
   *
   * Listing is time-sliced: the first read of a picked file's size or date makes Chromium fetch
   * its metadata with a synchronous call to the browser process (about 0.25 ms a file; posting
   * the File to a worker costs the same, so the reads cannot move there), and 10,000 files read
   * in one go froze the page for seconds. The files are listed in slices of about
   * LISTING_SLICE_MS, the page paints "Listing files… N of M" between them, and each slice joins
   * the load as soon as it is listed, so the workers start on the first files at once.
   */
  async addInputs(picked: readonly PickedInput[], problems: readonly { path: string; reason: string }[] = []): Promise<void> {
    if (picked.length === 0 && problems.length === 0) return;
    const generation = this.listGeneration;
    const listing = { done: 0, total: picked.length };
    this.listings.add(listing);
    try {
      const expanded: Expanded[] = [];
      for (const p of problems) expanded.push({ path: p.path, file: new Blob([]), size: 0, problem: p.reason });
      let duplicates = 0;
      // Each slice runs in a task of its own, behind whatever waits (worker results, input,
      // frames): the task that delivered the pick ends here, before any file is listed.
      const nextTask = async (): Promise<boolean> => {
        await yieldToPage();
        return generation === this.listGeneration; // false: cancelled or cleared meanwhile
      };
      if (!(await nextTask())) return;
      let sliceStarted = performance.now();
      for (let i = 0; i < picked.length; i++) {
        if (performance.now() - sliceStarted >= LISTING_SLICE_MS) {
          listing.done = i;
          this.append(expanded.splice(0));
          if (!(await nextTask())) return;
          sliceStarted = performance.now();
        }
        const p = picked[i];
        // Same path, size and date as a file picked before: the same file, not added again.
        const key = `${p.path}\u0000${p.file.size}\u0000${p.file.lastModified}`;
        if (this.seen.has(key)) {
          duplicates++;
          continue;
        }
        if (isZipName(p.file.name)) {
          const zip = await this.engine().expandZip(p.file, p.path);
          if (generation !== this.listGeneration) return;
          if (zip.ok) {
            this.seen.add(key);
            for (const e of zip.entries) expanded.push({ path: e.path, file: e.blob ?? new Blob([]), size: e.blob?.size ?? 0, problem: e.problem });
            if (zip.entries.length === 0) expanded.push({ path: p.path, file: p.file, size: p.file.size, problem: 'the zip holds no files' });
            continue;
          }
        }
        expanded.push({ path: p.path, file: p.file, size: p.file.size, key });
      }
      listing.done = picked.length;
      if (picked.length && !(await nextTask())) return;
      this.listings.delete(listing);
      this.append(expanded.splice(0), duplicates ? `${duplicates} file${duplicates === 1 ? ' was' : 's were'} already loaded and not added again.` : undefined);
      await this.loading;
    } catch (e) {
      this.fail(e);
    } finally {
      this.listings.delete(listing);
      if (this.listings.size === 0) this.listedWaiters.splice(0).forEach((w) => w());
      if (generation !== this.listGeneration && !this.loading) {
        // Cancelled between slices while no load ran: what was listed but not read is not kept
        // (a running load drops it itself), and can be picked again.
        const dropped = new Set(this.staged.map((f) => f.id));
        this.queue = this.queue.filter((f) => !dropped.has(f.id));
        for (const f of this.staged) if (f.pickKey) this.seen.delete(f.pickKey);
        this.staged = [];
      }
      if (this.staged.length && this.listings.size === 0) this.flush();
      if (!this.loading && this.listings.size === 0) {
        // The last slice may have queued nothing (duplicates, problems) or the load ended between slices.
        if (this.state.load.active || this.state.load.listing) this.set({ load: { ...this.state.load, active: false, listing: undefined } });
        if (generation === this.listGeneration) {
          this.checkHeads();
          this.nextThumbnail();
        }
      } else {
        this.set({ load: { ...this.state.load, listing: this.listingProgress() } });
      }
    }
  }

  /** Resolves once no pick is being listed any more, or a slice has started a load. */
  private listed(): Promise<void> {
    if (this.listings.size === 0 || this.loading) return Promise.resolve();
    return new Promise((resolve) => this.listedWaiters.push(resolve));
  }

  /** What the picks being listed add up to, for "Listing files… N of M". */
  private listingProgress(): LoadProgress['listing'] {
    if (this.listings.size === 0) return undefined;
    let done = 0;
    let total = 0;
    for (const l of this.listings) {
      done += l.done;
      total += l.total;
    }
    return { done, total };
  }

  /** Adds listed inputs to the files and to the load queue, and starts loading if it is idle. */
  private append(expanded: Expanded[], note?: string): void {
    for (const e of expanded) if (e.key) this.seen.add(e.key);
    const entries: FileEntry[] = expanded.map((e) => ({
      id: this.nextId++,
      path: e.path,
      file: e.file,
      size: e.size,
      status: e.problem ? 'failed' : 'queued',
      reason: e.problem,
      unpackProblem: e.problem,
      warnings: [],
      residual: [],
      pickKey: e.key,
    }));
    const queued = entries.filter((e) => e.status === 'queued');
    const bytes = queued.reduce((n, e) => n + e.size, 0);
    const listing = this.listingProgress();
    const load: LoadProgress = this.state.load.active
      ? { ...this.state.load, total: this.state.load.total + queued.length, bytesTotal: this.state.load.bytesTotal + bytes }
      : { active: queued.length > 0 || !!listing, total: queued.length, done: 0, bytesTotal: bytes, bytesDone: 0, startedAt: performance.now() };
    load.listing = listing;
    if (note !== undefined || !listing) load.note = note;
    // While a pick is still being listed, its files join the study at the next flush, at the pace
    // load results are shown (a render per slice would cost in proportion to the study's size).
    this.staged.push(...entries);
    this.set({ load });
    if (listing) this.flushTimer ??= setTimeout(() => this.flush(), flushDelay(this.state.files.length));
    else this.flush();
    this.queue.push(...queued);
    if (queued.length) this.loading ??= this.runLoad().finally(() => (this.loading = undefined));
    if (this.loading || !listing) this.listedWaiters.splice(0).forEach((w) => w());
  }

  private async runLoad(): Promise<void> {
    const signal = (this.loadAbort = new AbortController()).signal;
    const started = performance.now();
    try {
      await this.session();
      while (this.queue.length && !signal.aborted) {
        const batch = this.queue.splice(0);
        const inputs: InputRef[] = batch.map((f) => ({ path: f.path, file: f.file }));
        await this.engine().scan(inputs, {
          signal,
          // The plan as each batch starts: what export would paint (its output is kept, keyed by it).
          plan: () => this.state.plan,
          onResult: (i, r) => this.onScanned(batch[i], r),
        });
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.flush();
      if (signal.aborted) {
        const dropped = new Set(this.queue.splice(0).map((f) => f.id));
        const files = this.state.files.filter((f) => {
          const drop = dropped.has(f.id) || (f.status === 'queued' && !this.pending.has(f.id));
          // A file that was never read can be picked again later.
          if (drop && f.pickKey) this.seen.delete(f.pickKey);
          return !drop;
        });
        const notLoaded = this.state.files.length - files.length;
        this.set({ files, load: { ...this.state.load, active: false, note: `Loading cancelled: ${notLoaded} file${notLoaded === 1 ? ' was' : 's were'} not loaded.` } });
      } else {
        // Still listing: the next slice continues this load (addInputs ends it).
        this.set({ load: { ...this.state.load, active: this.listings.size > 0 } });
      }
      recordStage('page.load-wall', performance.now() - started);
      // A series' head check needs all of its files: not while a pick is still being listed.
      if (this.listings.size === 0) {
        this.checkHeads();
        this.nextThumbnail();
      }
    }
  }

  private onScanned(entry: FileEntry, r: ScanResult): void {
    const patch: Partial<FileEntry> = {
      status: r.status === 'written' ? 'ready' : r.status,
      reason: r.reason,
      warnings: r.warnings,
      residual: r.residual,
      summary: r.summary,
      identity: r.identity,
      pixelFacts: r.pixelFacts,
      pseudoPatientId: r.pseudoPatientId,
      reused: r.reused,
      lightHeader: r.lightHeader,
    };
    if (r.templates) {
      this.proposals.push(...r.templates);
      for (const t of r.templates) this.allProposals.set(t.id, t);
    }
    if (r.thumbnail) patch.thumbUrl = URL.createObjectURL(r.thumbnail);
    this.pending.set(entry.id, patch);
    const load = this.state.load;
    this.state = { ...this.state, load: { ...load, done: load.done + 1, bytesDone: load.bytesDone + entry.size } };
    this.flushTimer ??= setTimeout(() => this.flush(), flushDelay(this.state.files.length));
  }

  private flush(): void {
    timed('page.apply-results', () => this.applyPending());
  }

  private applyPending(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.proposals.length) {
      // Proposals are not an edit of the person's: no undo step.
      const plan = mergeProposals(this.state.plan, this.proposals.splice(0), this.dismissed);
      if (plan !== this.state.plan) this.state = { ...this.state, plan };
    }
    const listed = this.staged.length ? [...this.state.files, ...this.staged.splice(0)] : this.state.files;
    if (this.pending.size === 0) {
      this.set(listed === this.state.files ? {} : { files: listed });
      return;
    }
    const pending = this.pending;
    this.pending = new Map();
    const files = listed.map((f) => {
      const p = pending.get(f.id);
      return p ? { ...f, ...p } : f;
    });
    const selectedSeries = this.state.selectedSeries;
    this.set({ files, selectedSeries });
  }

  /**
   * Asks the workers for a card's preview the first time the card is visible. Previews are made
   * one at a time, and only while nothing is loading or exporting: a preview reads its file again
   * and renders it (30–40 ms of a worker each), and while loading or exporting the workers' time
   * goes to what the person is waiting for (the cards show their placeholder meanwhile).
   */
  requestThumbnail(id: number): void {
    this.thumbnailsWanted.add(id);
    this.nextThumbnail();
  }

  private nextThumbnail(): void {
    if (this.thumbnailBusy || this.state.load.active || this.state.export.phase === 'running') return;
    for (const id of this.thumbnailsWanted) {
      this.thumbnailsWanted.delete(id);
      const entry = this.state.files.find((f) => f.id === id);
      if (!entry || entry.thumb || entry.thumbUrl || entry.status !== 'ready' || !entry.summary?.hasPixels) continue;
      this.thumbnailBusy = true;
      this.set({ files: this.state.files.map((f) => (f.id === id ? { ...f, thumb: 'loading' } : f)) });
      void this.engine()
        .thumbnail({ path: entry.path, file: entry.file })
        .catch(() => undefined)
        .then((png) => {
          const patch: Partial<FileEntry> = { thumb: 'done', ...(png ? { thumbUrl: URL.createObjectURL(png) } : {}) };
          this.pending.set(id, { ...this.pending.get(id), ...patch });
          this.flushTimer ??= setTimeout(() => this.flush(), flushDelay(this.state.files.length));
          this.thumbnailBusy = false;
          this.nextThumbnail();
        });
      return;
    }
  }

  cancelLoad(): void {
    this.listGeneration++;
    this.listings.clear();
    this.listedWaiters.splice(0).forEach((w) => w());
    this.loadAbort.abort();
  }

  /** Forgets every loaded file (the originals on disk are untouched). */
  clear(): void {
    this.cancelLoad();
    this.ocrFindings = undefined;
    this.detectAbort?.abort();
    this.recheckAbort?.abort();
    for (const f of this.state.files) if (f.thumbUrl) URL.revokeObjectURL(f.thumbUrl);
    if (this.state.export.result?.url) URL.revokeObjectURL(this.state.export.result.url);
    this.queue = [];
    this.staged = [];
    this.pending.clear();
    this.thumbnailsWanted.clear();
    this.seen.clear();
    this.past = [];
    this.future = [];
    this.dismissed.clear();
    this.proposals = [];
    this.allProposals.clear();
    this.set({
      files: [],
      load: { active: false, total: 0, done: 0, bytesTotal: 0, bytesDone: 0, startedAt: 0 },
      selectedSeries: undefined,
      review: undefined,
      view: 'browse',
      export: idleExport(),
      plan: emptyPlan(),
      planHistory: { undo: 0, redo: 0 },
      detect: { phase: 'idle' },
      deface: {},
    });
    this.defacer?.cancel();
    this.headChecks.clear();
  }

  // ------------------------------------------------------------------ burned-in text detection

  private detectAbort?: AbortController;

  setKeepMeasurements(keepMeasurements: boolean): void {
    this.set({ keepMeasurements });
  }

  /**
   * Reads burned-in text (OCR, in its own worker) in the given loaded images, or all of them:
   * PHI is proposed pre-accepted, other text proposed for a person to accept in the viewer.
   */
  async detectText(ids?: readonly number[]): Promise<void> {
    if (this.state.detect.phase === 'running') return;
    const wanted = ids ? new Set(ids) : undefined;
    const images = this.state.files.filter((f) => f.status === 'ready' && f.identity && (!wanted || wanted.has(f.id)));
    if (images.length === 0) return;
    const abort = (this.detectAbort = new AbortController());
    this.set({ detect: { phase: 'running', done: 0, total: images.length } });
    const settings = { keepClinicalText: this.state.keepMeasurements };
    try {
      const result = await detectText(
        images.map((f) => ({ path: f.path, file: f.file })),
        settings,
        (p) => {
          if (!abort.signal.aborted) this.set({ detect: { phase: 'running', done: Math.min(p.done, images.length), total: images.length } });
        },
      );
      if (abort.signal.aborted) return;
      this.addProposals(result.plan.boxes);
      // The export reads these images again after redaction, as `veil deidentify --ocr` does; a
      // later detection on some images (from the export gate) adds to what is known of the rest.
      this.mergeOcrFindings({
        identifiers: result.identifiers, read: result.read, failed: result.failed, covered: images.map((f) => f.path), settings,
      });
      this.set({
        detect: {
          phase: 'done',
          regions: result.plan.boxes.length,
          phi: result.plan.boxes.filter((b) => b.status === 'accepted').length,
          images: result.instances.length,
          // Images whose pixels could not be decoded or read: no proposals says nothing about them.
          unread: result.failed.length,
        },
      });
    } catch (e) {
      if (!abort.signal.aborted) this.set({ detect: { phase: 'error', message: (e as Error).message } });
    }
  }

  // ------------------------------------------------------------------ redaction plan

  /** One undoable change to the plan. A change that returns the same plan records nothing. */
  editPlan(change: (plan: RedactionPlan) => RedactionPlan): void {
    const before = this.state.plan;
    const plan = change(before);
    if (plan === before) return;
    // Deleted proposals stay deleted when more files of the same device are loaded.
    const kept = new Set(plan.boxes.map((b) => b.id));
    for (const b of before.boxes) if (b.source !== 'user' && !kept.has(b.id)) this.dismissed.add(b.id);
    this.past.push(before);
    if (this.past.length > HISTORY_LIMIT) this.past.shift();
    this.future = [];
    this.set({ plan, planHistory: { undo: this.past.length, redo: 0 } });
  }

  undoPlan(): void {
    const previous = this.past.pop();
    if (!previous) return;
    this.future.push(this.state.plan);
    this.set({ plan: previous, planHistory: { undo: this.past.length, redo: this.future.length } });
  }

  redoPlan(): void {
    const next = this.future.pop();
    if (!next) return;
    this.past.push(this.state.plan);
    this.set({ plan: next, planHistory: { undo: this.past.length, redo: this.future.length } });
  }

  /**
   * Boxes proposed by a detector (templates on load; OCR): added as proposals, never painted
   * until a person accepts them. Boxes already in the plan (same id) keep their decision.
   */
  addProposals(boxes: readonly RedactionBox[]): void {
    const plan = mergeProposals(this.state.plan, boxes, this.dismissed);
    if (plan !== this.state.plan) this.set({ plan });
  }

  /**
   * Replaces the plan with an imported one (the CLI's --boxes format); the loaded files' template
   * proposals it does not mention are proposed again. Throws a PlanError naming the problem.
   */
  importPlan(json: string): number {
    const plan = parsePlan(json);
    this.dismissed.clear();
    this.editPlan(() => mergeProposals(plan, [...this.allProposals.values()]));
    return plan.boxes.length;
  }

  exportPlanJson(): string {
    return serializePlan(this.state.plan);
  }

  downloadPlan(): void {
    const url = downloadBlob(new Blob([this.exportPlanJson()], { type: 'application/json' }), `veil-redaction-plan-${timestamp()}.json`);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  /** The exported bytes of one loaded file under the current plan (the viewer's preview). */
  async previewOutput(id: number): Promise<PreviewResult> {
    const entry = this.state.files.find((f) => f.id === id);
    if (!entry) throw new Error('that file is no longer loaded');
    await this.session();
    return this.engine().preview({ path: entry.path, file: entry.file }, this.state.plan);
  }

  // ------------------------------------------------------------------ review

  async openReview(id: number): Promise<void> {
    this.set({ view: 'review', review: { id, loading: true } });
    await this.refreshReview();
  }

  closeReview(): void {
    this.set({ view: 'browse' });
  }

  private async refreshReview(): Promise<void> {
    const current = this.state.review;
    if (!current) return;
    const entry = this.state.files.find((f) => f.id === current.id);
    if (!entry) return;
    this.set({ review: { ...current, loading: true, error: undefined } });
    try {
      await this.session();
      const data = await this.engine().review({ path: entry.path, file: entry.file });
      if (this.state.review?.id === current.id) this.set({ review: { id: current.id, loading: false, data } });
    } catch (e) {
      if (this.state.review?.id === current.id) this.set({ review: { id: current.id, loading: false, error: (e as Error).message } });
    }
  }

  // ------------------------------------------------------------------ settings

  private updateSettings(patch: Partial<Settings>): void {
    const settings = { ...this.state.settings, ...patch };
    this.set({ settings, export: { ...this.state.export, mappingCsv: patch.profile || patch.passphrase !== undefined || patch.lookup ? undefined : this.state.export.mappingCsv } });
    if (patch.profile) {
      try {
        localStorage.setItem(PROFILE_STORAGE_KEY, JSON.stringify(settings.profile));
      } catch {
        // Storage full or blocked: the profile still applies to this session.
      }
    }
    if (patch.profile || patch.passphrase !== undefined || 'lookup' in patch) this.scheduleRecheck();
  }

  private updateProfile(change: (p: Profile) => Profile): void {
    this.updateSettings({ profile: change(this.state.settings.profile) });
  }

  setOption(key: OptionKey, on: boolean): void {
    this.updateProfile((p) => {
      const options = { ...p.options, [key]: on };
      // The two longitudinal-date options exclude each other (PS3.15 E.3.6).
      if (on && key === 'retainLongFullDates') options.retainLongModifiedDates = false;
      if (on && key === 'retainLongModifiedDates') options.retainLongFullDates = false;
      return { ...p, options };
    });
  }

  setMode(mode: Profile['pseudonyms']['mode']): void {
    this.updateProfile((p) => ({ ...p, pseudonyms: { ...p.pseudonyms, mode } }));
  }

  setPrefix(prefix: string): void {
    this.updateProfile((p) => ({ ...p, pseudonyms: { ...p.pseudonyms, patientIdPrefix: prefix } }));
  }

  setDateShift(min: number, max: number): void {
    this.updateProfile((p) => ({ ...p, pseudonyms: { ...p.pseudonyms, dateShiftDays: { min, max } } }));
  }

  setPassphrase(passphrase: string): void {
    if (passphrase === this.state.settings.passphrase) return;
    this.updateSettings({ passphrase });
  }

  setSaveToDisk(saveToDisk: boolean): void {
    this.set({ settings: { ...this.state.settings, saveToDisk } });
  }

  setOverride(tag: string, override: Override | undefined): void {
    this.updateProfile((p) => {
      const overrides = { ...p.overrides };
      if (override) overrides[tag] = override;
      else delete overrides[tag];
      // Through the validator: keys normalised, values checked, exactly as the CLI reads them.
      return validateProfile({ ...p, overrides });
    });
  }

  /** Throws with a message naming the problem. */
  importProfile(json: string): void {
    const profile = validateProfile(json);
    this.updateSettings({ profile });
  }

  resetProfile(): void {
    this.updateSettings({ profile: defaultProfile() });
  }

  exportProfileJson(): string {
    return `${JSON.stringify(this.state.settings.profile, null, 2)}\n`;
  }

  /** Throws with a message naming the bad line. */
  importLookup(name: string, csv: string): number {
    const map = parseLookupCsv(csv);
    this.updateSettings({ lookup: { name, entries: [...map] } });
    return map.size;
  }

  clearLookup(): void {
    this.updateSettings({ lookup: undefined });
  }

  /** After a settings change: re-run the residual-PHI check (and the open review) in the background. */
  private scheduleRecheck(): void {
    clearTimeout(this.recheckTimer);
    this.recheckTimer = setTimeout(() => void this.recheck(), RECHECK_DELAY_MS);
  }

  private async recheck(): Promise<void> {
    this.recheckAbort?.abort();
    const abort = (this.recheckAbort = new AbortController());
    if (this.state.view === 'review') void this.refreshReview();
    if (this.loading) await this.loading;
    const ready = this.state.files.filter((f) => f.status === 'ready');
    if (ready.length === 0) return;
    this.set({ rechecking: true });
    try {
      await this.session();
      await this.engine().check(
        ready.map((f) => ({ path: f.path, file: f.file })),
        {
          signal: abort.signal,
          onResult: (i, r) => {
            this.pending.set(ready[i].id, {
              status: r.status === 'written' ? 'ready' : r.status,
              reason: r.reason,
              warnings: r.warnings,
              residual: r.residual,
              pseudoPatientId: r.pseudoPatientId,
            });
            this.flushTimer ??= setTimeout(() => this.flush(), flushDelay(this.state.files.length));
          },
        },
      );
    } catch (e) {
      this.fail(e);
    } finally {
      this.flush();
      if (this.recheckAbort === abort) this.set({ rechecking: false });
    }
  }

  // ------------------------------------------------------------------ defacing

  private defaceClient(): DefaceClient {
    this.defacer ??= new DefaceClient();
    return this.defacer;
  }

  private updateDeface(key: string, change: (d: SeriesDeface) => SeriesDeface): void {
    const before = this.state.deface[key] ?? newDeface();
    this.set({ deface: { ...this.state.deface, [key]: change(before) } });
  }

  private inputsOf(key: string): InputRef[] {
    return (filesBySeries(this.state.files).get(key) ?? [])
      .sort((a, b) => compareInputPaths(a.path, b.path))
      .map((f) => ({ path: f.path, file: f.file, problem: f.unpackProblem }));
  }

  /**
   * Asks, once per series and set of files, whether each loaded CT or MR series is a head volume:
   * in an engine worker from the light headers load handed over (a few ms for 400 slices), or, if
   * any file of the series came without one, in the defacing worker, which reads the files. A
   * series that changed since its last check (a second pick added slices) is checked again, and a
   * person's decision on it is dropped: it was about other files (the gate asks again; a defacing
   * run that did not cover every file no longer counts, see defaceGateReason).
   */
  private checkHeads(): void {
    for (const [key, entries] of filesBySeries(this.state.files)) {
      if (!HEAD_MODALITIES.has(entries[0].summary?.modality ?? '')) continue;
      const files = entries.map((f) => f.path).sort().join('\u0000');
      const before = this.headChecks.get(key);
      if (before?.files === files) continue;
      if (before) this.updateDeface(key, (d) => ({ ...d, decision: undefined, faceOverride: undefined }));
      const headers = entries.flatMap((f) => (f.lightHeader ? [{ path: f.path, header: f.lightHeader }] : []));
      const readFiles = () => this.defaceClient().headCheck(this.inputsOf(key));
      const asked = headers.length === entries.length ? this.engine().headCheck(headers).catch(readFiles) : readFiles();
      const check = asked
        .catch((e: Error) => ({ head: false, reason: e.message }))
        // An answer about an older set of files is not this series' answer.
        .then((head) => void (this.headChecks.get(key)?.files === files && this.updateDeface(key, (d) => ({ ...d, head }))));
      this.headChecks.set(key, { files, check });
    }
  }

  /** Every head check asked for so far has answered (the export gate needs them all). */
  private async headChecksDone(): Promise<void> {
    this.checkHeads();
    await Promise.all([...this.headChecks.values()].map((c) => c.check));
  }

  setDefaceMode(key: string, mode: DefaceMode): void {
    // Soft defacing keeps the pre-auricular points: the ears stay unless asked for.
    this.updateDeface(key, (d) => ({ ...d, mode, ears: mode !== 'soft' }));
  }

  setDefaceEars(key: string, ears: boolean): void {
    this.updateDeface(key, (d) => ({ ...d, ears }));
  }

  /** Defaces one head series in the defacing worker; the result waits for a person's decision. */
  async deface(key: string): Promise<void> {
    const current = this.state.deface[key];
    if (current?.run.phase === 'running') return;
    const inputs = this.inputsOf(key);
    if (inputs.length === 0) return;
    const mode = current?.mode ?? 'remove';
    const ears = current?.ears ?? mode !== 'soft';
    this.updateDeface(key, (d) => ({ ...d, decision: undefined, faceOverride: undefined, run: { phase: 'running', fraction: 0, stage: 'Starting', startedAt: performance.now() } }));
    try {
      const result = await this.defaceClient().deface(inputs, { mode, ears }, (fraction, stage) => {
        const d = this.state.deface[key];
        if (d?.run.phase === 'running') this.updateDeface(key, (x) => ({ ...x, run: { ...d.run, phase: 'running', fraction, stage } as SeriesDeface['run'] }));
      });
      if (this.state.deface[key]?.run.phase !== 'running') return;
      this.updateDeface(key, (d) => ({ ...d, run: { phase: 'done', result, paths: inputs.map((i) => i.path) } }));
    } catch (e) {
      if (this.state.deface[key]?.run.phase !== 'running') return;
      this.updateDeface(key, (d) => ({ ...d, run: { phase: 'error', message: (e as Error).message } }));
    }
  }

  cancelDeface(key: string): void {
    if (this.state.deface[key]?.run.phase !== 'running') return;
    this.updateDeface(key, (d) => ({ ...d, run: { phase: 'idle' } }));
    this.defacer?.cancel();
  }

  /**
   * A person's decision on a head series: accept the defaced result (only when it was defaced
   * and no face remains, or a person overrode the check) or export it with its face.
   */
  decideDeface(key: string, decision: 'accepted' | 'declined' | undefined): void {
    const d = this.state.deface[key];
    if (!d) return;
    if (decision === 'accepted') {
      if (d.run.phase !== 'done' || d.run.result.status !== 'defaced') return;
      if (needsFaceOverride(d.run.result) && !d.faceOverride) return;
    }
    this.updateDeface(key, (x) => ({ ...x, decision }));
  }

  setFaceOverride(key: string, faceOverride: boolean): void {
    this.updateDeface(key, (d) => ({ ...d, faceOverride, decision: faceOverride ? d.decision : d.decision === 'accepted' ? undefined : d.decision }));
  }

  /** Head series the export gate lists. */
  defaceNeeded(): DefaceNeeded[] {
    return defaceNeeded(this.state.files, this.state.deface);
  }

  // ------------------------------------------------------------------ export

  /** The loaded images that need pixel review under the current plan. */
  reviewNeeded(): ReviewNeeded[] {
    return reviewNeeded(this.state.files, this.state.plan);
  }

  /**
   * The export gate: images that need pixel review are listed in the export dialog before
   * anything is written. Returns true when the gate is shown.
   */
  private gate(anyway: boolean): boolean {
    if (anyway) return false;
    const pending = this.reviewNeeded();
    if (pending.length === 0 && this.defaceNeeded().length === 0) return false;
    for (const p of pending) this.requestThumbnail(p.entry.id);
    this.set({ export: { ...idleExport(), result: this.state.export.result, mappingCsv: this.state.export.mappingCsv, phase: 'gate', dialogOpen: true } });
    return true;
  }

  /**
   * Must be called from the click handler: the file picker needs the user's gesture. With
   * `anyway`, the images that need pixel review are written too, and the report records the
   * choice for each; without it they stop the export at the gate.
   */
  async exportZip(options: { anyway?: boolean } = {}): Promise<void> {
    if (this.state.export.phase === 'running') return;
    const clicked = performance.now();
    const anyway = options.anyway ?? false;
    if (!this.loading && this.listings.size === 0 && this.gate(anyway)) return;
    const fileName = `veil-export-${timestamp()}.zip`;
    let handle: FileSystemFileHandle | undefined;
    if (this.state.settings.saveToDisk && canSaveToDisk()) {
      try {
        const picker = (window as unknown as { showSaveFilePicker: SaveFilePicker }).showSaveFilePicker;
        handle = await picker({ suggestedName: fileName, types: [{ description: 'Zip archive', accept: { 'application/zip': ['.zip'] } }] });
      } catch {
        return; // The user closed the picker.
      }
    }
    // Picks still being listed join the export: wait until they are listed and loaded.
    while (this.listings.size > 0 || this.loading) await (this.loading ?? this.listed());
    // A head series whose check had not answered at the click must not slip past the gate.
    await timedAsync('page.head-checks-wait', () => this.headChecksDone());
    if (this.gate(anyway)) return;
    // In path order, folder by folder, as the CLI walks a folder: the same files give the same
    // report (references hold positions) and the same twin suffixes in both hosts.
    const files = [...this.state.files].sort((a, b) => compareInputPaths(a.path, b.path));
    const inputs = files.map((f) => ({ path: f.path, file: f.file, problem: f.unpackProblem, reused: f.reused }));
    // Images that need review and were not chosen: the engine refuses them too (fail closed).
    const exportAnyway = anyway ? this.reviewNeeded().map((p) => p.entry.path) : [];
    const abort = (this.exportAbort = new AbortController());
    if (this.state.export.result?.url) URL.revokeObjectURL(this.state.export.result.url);
    recordStage('page.export-click-to-running', performance.now() - clicked);
    const bytesTotal = files.reduce((n, f) => n + f.size, 0);
    this.set({ export: { ...idleExport(), phase: 'running', total: inputs.length, bytesTotal, startedAt: performance.now(), dialogOpen: true } });
    try {
      // The plan as it is now: every accepted box is painted, proposals and rejected boxes are not.
      const deface = defaceExport(this.state.deface, this.state.files, anyway, inputs.map((i) => i.path));
      // Built as load builds the init it de-identifies under (export-options.ts): unchanged, they meet.
      const init: SessionInit = exportInit(await this.session(), this.state.plan, exportAnyway, deface.session);
      recordStage('page.export-prepare', performance.now() - (this.state.export.startedAt ?? 0));
      let progressShownAt = 0;
      const result = await this.engine().exportZip(inputs, init, {
        target: handle ? { kind: 'file', handle } : { kind: 'blob' },
        signal: abort.signal,
        // Shown as often as load results are (flushDelay): a render per placed file would cost
        // a 10,000-file export more than the export itself.
        onProgress: (p) => {
          const now = performance.now();
          if (p.done < inputs.length && now - progressShownAt < flushDelay(this.state.files.length)) return;
          progressShownAt = now;
          this.set({ export: { ...this.state.export, done: p.done, bytes: p.bytes } });
        },
        ocr: this.ocrFindings,
        defacing: deface.series,
      });
      const outcomes = result.outcomes;
      recordStage('page.export-wall', performance.now() - (this.state.export.startedAt ?? 0));
      const url = result.blob ? timed('page.start-download', () => downloadBlob(result.blob!, fileName)) : undefined;
      this.set({
        export: {
          ...this.state.export,
          phase: 'done',
          done: inputs.length,
          finishedAt: performance.now(),
          mappingCsv: result.mapping?.toCsv(),
          operatorReportCsv: result.operatorReport.csv,
          result: {
            fileName: handle?.name ?? fileName,
            url,
            savedToDisk: !!handle,
            size: result.blob?.size ?? result.bytes,
            written: outcomes.filter((o) => o.status === 'written').length,
            skipped: outcomes.filter((o) => o.status === 'skipped').length,
            failed: outcomes.filter((o) => o.status === 'failed').length,
            withResidual: outcomes.filter((o) => o.status === 'written' && o.residual.length > 0).length,
            residualIds: outcomes
              .map((o, i) => (o.status === 'written' && o.residual.length > 0 ? files[i]?.id : undefined))
              .filter((id): id is number => id !== undefined),
            exportedAnyway: outcomes.filter((o) => o.status === 'written' && o.pixelReview?.exportedAnyway).length,
            painted: outcomes.filter((o) => o.status === 'written' && (o.pixels?.painted.length ?? 0) > 0).length,
            // Outcomes are in input order and name inputs by reference; the operator sees paths.
            rejected: outcomes.flatMap((o, i) => (o.status === 'written' ? [] : [{ input: inputs[i].path, ref: o.input, status: o.status, reason: o.reason }])),
          },
        },
      });
    } catch (e) {
      const cancelled = e instanceof CancelledError;
      this.set({ export: { ...this.state.export, phase: cancelled ? 'cancelled' : 'error', error: cancelled ? undefined : (e as Error).message } });
    } finally {
      // The next export's writer, started while the person looks at this one's result.
      this.engine().prepareExport();
      // Previews of the cards shown meanwhile.
      this.nextThumbnail();
    }
  }

  cancelExport(): void {
    this.exportAbort?.abort();
  }

  closeExportDialog(): void {
    const ex = this.state.export;
    this.set({ export: { ...ex, phase: ex.phase === 'gate' ? (ex.result ? 'done' : 'idle') : ex.phase, dialogOpen: false } });
  }

  /** From the export gate: the series on screen in the viewer, to paint or review its images. */
  openInViewer(seriesKey: string): void {
    this.closeExportDialog();
    this.set({ selectedSeries: seriesKey, view: 'browse', seriesMode: 'viewer' });
  }

  /** From the export gate: a head series on screen, to deface it or keep its face. */
  openSeries(seriesKey: string): void {
    this.closeExportDialog();
    this.set({ selectedSeries: seriesKey, view: 'browse', seriesMode: 'grid' });
  }

  /** From the export dialog: a file's header review (residual warnings). */
  reviewFromExport(id: number): void {
    this.closeExportDialog();
    void this.openReview(id);
  }

  openExportDialog(): void {
    this.set({ export: { ...this.state.export, dialogOpen: true } });
  }

  downloadAgain(): void {
    const r = this.state.export.result;
    if (r?.url) clickDownload(r.url, r.fileName);
  }

  downloadOperatorReport(): void {
    const csv = this.state.export.operatorReportCsv;
    if (!csv) return;
    const url = downloadBlob(new Blob([csv], { type: 'text/csv' }), `veil-${OPERATOR_REPORT}-${timestamp()}.csv`);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  /**
   * What `Detect text` found (original identifiers by path, images read or not readable): the
   * export reads those images' outputs again and blocks a file whose identifiers still show.
   */
  setOcrFindings(findings: OcrFindingsInit | undefined): void {
    this.ocrFindings = findings;
  }

  /** Adds one detection's findings to the earlier ones: per input, the newest reading wins. */
  private mergeOcrFindings(next: OcrFindingsInit): void {
    const before = this.ocrFindings;
    if (!before) return this.setOcrFindings(next);
    const redone = new Set(next.covered);
    const keep = <T,>(list: readonly T[], path: (t: T) => string): T[] => list.filter((t) => !redone.has(path(t)));
    this.setOcrFindings({
      identifiers: [...keep(before.identifiers, ([p]) => p), ...next.identifiers],
      read: [...keep(before.read, (p) => p), ...next.read],
      failed: [...keep(before.failed, ([p]) => p), ...next.failed],
      covered: [...keep(before.covered, (p) => p), ...next.covered],
      settings: next.settings,
    });
  }

  downloadMapping(): void {
    const csv = this.state.export.mappingCsv;
    if (!csv) return;
    const url = downloadBlob(new Blob([csv], { type: 'text/csv' }), `veil-mapping-${timestamp()}.csv`);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}
