/**
 * The zip writer: one worker that receives de-identified files from the engine workers (over
 * MessagePorts: new header bytes transferred, untouched large values as byte ranges of the input
 * file) and drives the export run both hosts share (core/export/run.ts: input order, the
 * after-redaction OCR check, output paths, twins, the reports) into a zip (core/export/zip-writer.ts, the CLI's writer too), which
 * ends with deid-report.csv/.json at the root. The operator's report goes back to the page.
 *
 * Targets: a file the user picked (File System Access API: pieces are written straight to disk,
 * memory stays flat), or a Blob made of references — the input files' slices and the new bytes —
 * so even a study of several gigabytes is never held, or copied, in this worker's memory.
 */
import * as Comlink from 'comlink';
import { afterRedaction } from '../core/export/ocr-gate.ts';
import { ExportRun, type ExportSink } from '../core/export/run.ts';
import type { ExportMessage, ExportSummary, ExportTarget, ZipWriterApi } from './protocol.ts';
import { ZipWriter, type ZipPiece as CorePiece } from '../core/export/zip-writer.ts';
import { crc32Parts } from '../core/export/crc32.ts';
import { enableStageTimes, recordStage, takeStageTimes, timed, timedAsync } from './stage-times.ts';

/** New bytes, or a Blob slice of an input file (the untouched large values). */
type ZipPiece = CorePiece<Blob>;
type ZipStream = ZipWriter<Blob>;

/** New bytes held here before they are moved into the browser's blob store. */
const HEAP_LIMIT = 16 * 1024 * 1024;

interface Target {
  write(piece: ZipPiece): Promise<void> | void;
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

/**
 * The run's sink: zip entries whose pieces are new bytes or slices of the input files. The CRC
 * comes from the engine worker for DICOM files; the report's own bytes are summed here.
 */
function zipSink(zip: ZipStream, closeTarget: () => Promise<void>): ExportSink<ZipPiece> {
  return {
    async add(path, pieces, crc) {
      const size = pieces.reduce((n, p) => n + (p instanceof Uint8Array ? p.length : p.size), 0);
      if (crc === undefined) {
        if (!pieces.every((p): p is Uint8Array => p instanceof Uint8Array)) throw new Error(`no CRC for ${path}`);
        crc = crc32Parts(pieces);
      }
      await timedAsync('zip.write-entry', () => zip.add(path, crc, size, pieces), size);
    },
    async close() {
      await zip.close();
      await closeTarget();
    },
  };
}

interface Job {
  run: ExportRun<ZipPiece>;
  zip: ZipStream;
  target: Target;
  ports: MessagePort[];
  /** The input files, in input order: the ranges in ExportMessages are slices of them. */
  files: Blob[];
  /**
   * Settles once every input has been placed. finish() waits for it: the engine workers' messages
   * come over their own ports, which may arrive after the page's finish() call on this one.
   */
  allPlaced: Promise<void>;
  stop: () => void;
}

let job: Job | undefined;

const api: ZipWriterApi = {
  async begin(init, target, onProgress, check) {
    if (job) await api.abort();
    const out = await openTarget(target);
    const zip: ZipStream = new ZipWriter<Blob>((p) => out.write(p));
    let stop!: () => void;
    const allPlaced = new Promise<void>((resolve) => (stop = resolve));
    let placed = 0;
    let progressQueued = false;
    if (init.paths.length === 0) stop();
    const run: ExportRun<ZipPiece> = new ExportRun<ZipPiece>({
      paths: init.paths,
      key: init.key,
      meta: init.meta,
      sink: zipSink(zip, () => out.close()),
      // Where detection ran: the output is read again by the app's OCR worker (through the page),
      // as the CLI does with --ocr; a file whose identifiers are still readable is not written.
      check: check && init.ocr
        ? (() => {
            const ocr = init.ocr;
            const findings = {
              identifiers: new Map(ocr.identifiers),
              read: new Set(ocr.read),
              failed: new Map(ocr.failed),
              covered: new Set(ocr.covered),
            };
            return (path: string, pieces: readonly ZipPiece[]) =>
              afterRedaction(findings, path, (ids) => check(new Blob(pieces as BlobPart[], { type: 'application/dicom' }), ids));
          })()
        : undefined,
      // Progress goes to the page once per task, not once per file: each report is a message
      // to the page and its answer back (400 files: 800 messages on two busy threads).
      onPlaced: (index) => {
        placed = index + 1;
        if (!progressQueued) {
          progressQueued = true;
          setTimeout(() => {
            progressQueued = false;
            onProgress({ done: placed, bytes: zip.size });
          }, 0);
        }
        if (index + 1 === init.paths.length) stop();
      },
    });
    for (const series of init.defacing ?? []) run.addDefaceSeries(series);
    job = { run, zip, target: out, ports: [], files: init.files, allPlaced, stop };
  },

  attach(port) {
    const j = job;
    if (!j) throw new Error('attach() before begin()');
    j.ports.push(port);
    port.onmessage = (event: MessageEvent<ExportMessage[]>) => {
      if (job !== j) return;
      recordStage('zip.receive-message', 0, event.data.reduce((n, m) => n + (m.pieces?.reduce((k, p) => k + (p instanceof Uint8Array ? p.length : 0), 0) ?? 0), 0));
      for (const msg of event.data) {
        const file = j.files[msg.index];
        const pieces = msg.pieces && file ? msg.pieces.map((p) => (p instanceof Uint8Array ? p : file.slice(p.start, p.end))) : undefined;
        void j.run.deliver(msg.index, { outcome: msg.outcome, pieces, crc: msg.crc }).then(() => {
          if (j.run.stopped) j.stop();
        });
      }
    };
  },

  async finish(): Promise<ExportSummary> {
    const j = job;
    if (!j) throw new Error('finish() before begin()');
    await j.allPlaced;
    const result = await j.run.finish();
    for (const p of j.ports) p.close();
    job = undefined;
    if (result.sinkError) {
      await j.target.abort();
      throw new Error(result.sinkError);
    }
    return { blob: timed('zip.make-blob', () => j.target.blob?.()), bytes: j.zip.size, outcomes: result.outcomes, report: result.report, operatorReport: result.operatorReport };
  },

  async abort() {
    const j = job;
    job = undefined;
    if (!j) return;
    for (const p of j.ports) p.close();
    j.stop();
    await j.target.abort();
  },

  stageTimes(enable) {
    enableStageTimes(enable);
    return takeStageTimes();
  },
};

Comlink.expose(api);
