/**
 * The zip writer: one worker that receives de-identified files from the engine workers (over
 * MessagePorts: new header bytes transferred, untouched large values as byte ranges of the input
 * file), files them in input order under the output layout (one PathAllocator, as the CLI),
 * streams them into a zip (core/export/zip-writer.ts, the CLI's writer too), and ends it with
 * deid-report.csv/.json at the root.
 *
 * Targets: a file the user picked (File System Access API: pieces are written straight to disk,
 * memory stays flat), or a Blob made of references — the input files' slices and the new bytes —
 * so even a study of several gigabytes is never held, or copied, in this worker's memory.
 */
import * as Comlink from 'comlink';
import { PathAllocator } from '../core/export/layout.ts';
import { REPORT_CSV, REPORT_JSON, buildReport, type ReportMeta } from '../core/export/report.ts';
import { flagPatientConflicts } from '../core/audit/patient-consistency.ts';
import type { ReportedOutcome } from '../core/outcome.ts';
import type { ExportMessage, ExportProgress, ExportSummary, ExportTarget, ZipWriterApi } from './protocol.ts';
import { ZipWriter, type ZipPiece } from '../core/export/zip-writer.ts';
import { crc32 } from '../core/export/crc32.ts';

/** New bytes held here before they are moved into the browser's blob store. */
const HEAP_LIMIT = 16 * 1024 * 1024;

interface Target {
  write(piece: ZipPiece<Blob>): Promise<void> | void;
  close(): Promise<void>;
  abort(): Promise<void>;
  blob?: () => Blob;
}

async function openTarget(target: ExportTarget): Promise<Target> {
  if (target.kind === 'file') {
    const writable = await target.handle.createWritable();
    return {
      write: (p) => writable.write(p as Blob | Uint8Array<ArrayBuffer>),
      close: () => writable.close(),
      abort: () => writable.abort().catch(() => undefined),
    };
  }
  let parts: BlobPart[] = [];
  let heap = 0;
  return {
    write(p) {
      parts.push(p as Blob | Uint8Array<ArrayBuffer>);
      if (p instanceof Uint8Array) heap += p.length;
      // Compact: one Blob of everything so far (references, no copy of the slices).
      if (heap >= HEAP_LIMIT) {
        parts = [new Blob(parts)];
        heap = 0;
      }
    },
    async close() {},
    async abort() {
      parts = [];
    },
    blob: () => new Blob(parts, { type: 'application/zip' }),
  };
}

interface Job {
  total: number;
  meta: Omit<ReportMeta, 'finishedAt'>;
  zip: ZipWriter<Blob>;
  target: Target;
  onProgress: (p: ExportProgress) => void;
  finished: Map<number, ExportMessage>;
  next: number;
  outcomes: ReportedOutcome[];
  paths: PathAllocator;
  firstInputFor: Map<string, string>;
  delivering: Promise<void>;
  failure?: unknown;
  done: () => void;
  allDelivered: Promise<void>;
  ports: MessagePort[];
}

let job: Job | undefined;

function deliver(j: Job): void {
  j.delivering = j.delivering
    .then(async () => {
      while (j.finished.has(j.next)) {
        const msg = j.finished.get(j.next)!;
        j.finished.delete(j.next);
        await place(j, msg);
        j.next++;
        j.onProgress({ done: j.next, bytes: j.zip.size });
      }
      if (j.next >= j.total) j.done();
    })
    .catch((e: unknown) => {
      j.failure ??= e;
      j.done();
    });
}

async function place(j: Job, msg: ExportMessage): Promise<void> {
  const outcome = msg.outcome;
  if (outcome.status !== 'written' || !msg.pieces || msg.crc === undefined || !msg.file) {
    j.outcomes.push(outcome);
    return;
  }
  // Same flow as the CLI: a second copy of an instance keeps both files, the second with a suffix.
  const twin = j.firstInputFor.get(outcome.sopInstanceUID);
  if (twin) outcome.warnings.push(`same SOP Instance UID as ${twin}; written beside it with a suffix`);
  else j.firstInputFor.set(outcome.sopInstanceUID, outcome.input);
  outcome.output = j.paths.claim(outcome.output);
  const file = msg.file;
  const pieces = msg.pieces.map((p) => (p instanceof Uint8Array ? p : file.slice(p.start, p.end)));
  try {
    await j.zip.add(outcome.output, msg.crc, outcome.size, pieces);
  } catch (e) {
    j.outcomes.push({ status: 'failed', input: outcome.input, reason: `could not be written to the zip: ${(e as Error).message}`, warnings: outcome.warnings });
    // Refused before any byte went out (too large, sizes that disagree): the zip is intact, go on.
    if (/too large for one zip entry|bytes, not the \d+ declared/.test((e as Error).message)) return;
    throw e;
  }
  j.outcomes.push(outcome);
}

const api: ZipWriterApi = {
  async begin(total, meta, target, onProgress) {
    if (job) await api.abort();
    const out = await openTarget(target);
    let done!: () => void;
    const allDelivered = new Promise<void>((resolve) => (done = resolve));
    const paths = new PathAllocator();
    paths.reserve(REPORT_JSON);
    paths.reserve(REPORT_CSV);
    job = {
      total, meta, zip: new ZipWriter<Blob>((p) => out.write(p)), target: out, onProgress,
      finished: new Map(), next: 0, outcomes: [], paths, firstInputFor: new Map(),
      delivering: Promise.resolve(), done, allDelivered, ports: [],
    };
    if (total === 0) done();
  },

  attach(port) {
    const j = job;
    if (!j) throw new Error('attach() before begin()');
    j.ports.push(port);
    port.onmessage = (event: MessageEvent<ExportMessage>) => {
      if (job !== j) return;
      j.finished.set(event.data.index, event.data);
      deliver(j);
    };
  },

  async finish(): Promise<ExportSummary> {
    const j = job;
    if (!j) throw new Error('finish() before begin()');
    await j.allDelivered;
    await j.delivering;
    if (j.failure !== undefined) {
      await api.abort();
      throw j.failure;
    }
    // Every engine worker's outcomes meet only here: one pseudonym must stand for one person.
    flagPatientConflicts(j.outcomes);
    const report = buildReport(j.outcomes, { ...j.meta, finishedAt: new Date().toISOString() });
    for (const [name, text] of [[REPORT_JSON, report.json], [REPORT_CSV, report.csv]] as const) {
      const bytes = new TextEncoder().encode(text);
      await j.zip.add(name, crc32(bytes), bytes.length, [bytes]);
    }
    await j.zip.close();
    await j.target.close();
    for (const p of j.ports) p.close();
    job = undefined;
    return { blob: j.target.blob?.(), bytes: j.zip.size, outcomes: j.outcomes, report };
  },

  async abort() {
    const j = job;
    job = undefined;
    if (!j) return;
    for (const p of j.ports) p.close();
    j.done();
    await j.target.abort();
  },
};

Comlink.expose(api);
