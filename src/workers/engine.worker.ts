/**
 * The engine worker: parses and de-identifies files handed to it as File objects (read here, off
 * the main thread), makes thumbnails, header reviews, unpacks zips, proposes template boxes,
 * previews the de-identified output of one instance under the redaction plan, and during an
 * export sends each de-identified file straight to the zip writer, its buffers transferred,
 * never copied. Export and preview run deidentifyFileAsync, which decodes, paints and re-encodes
 * compressed pixel data with the same-origin wasm codecs.
 */
import * as Comlink from 'comlink';
import { createSession, deidentifyFileAsync, type Session } from '../core/deidentify.ts';
import { subjectFromDataset, templatesFor } from '../core/detect/templates.ts';
import { setCodecLoader } from '../core/pixels/codecs/index.ts';
import { browserCodecLoader } from './codec-loader.ts';
import { imageIdentity } from '../core/pixels/redact.ts';
import { DicomReadError, readPart10, type ParsedFile } from '../core/dicom/reader.ts';
import { deriveSessionKey } from '../core/header/keys.ts';
import { reviewInstance } from '../core/header/review.ts';
import type { FileOutcome } from '../core/outcome.ts';
import { summarizeInstance } from '../core/summary/summary.ts';
import { makeThumbnail, type Thumbnail } from '../core/summary/thumbnail.ts';
import { frameSource } from '../core/detect/frames.ts';
import { resample, toGray8 } from '../core/detect/render.ts';
import { displayParams } from '../core/pixels/display.ts';
import { T } from '../core/dicom/tags.ts';
import { pixelFacts } from '../core/pixels/review-status.ts';
import type { CheckResult, EngineWorkerApi, ExportMessage, InputRef, PreviewResult, ScanResult, SessionInit } from './protocol.ts';
import { listZip } from './zip-input.ts';
import { crc32Parts } from '../core/export/crc32.ts';
import type { DefaceInstruction } from '../core/deface/write-back.ts';
import { findReusedPixels, pixelsChanged, reuseOutput, withPlaceholder, type OutputPiece, type Placeholder, type ReusedPixels } from '../core/export/reused-pixels.ts';
import { keepOutput, keptPieces } from '../core/export/reused-output.ts';
import { MappingLog } from '../core/export/mapping.ts';
import type { RedactionPlan } from '../core/pixels/plan.ts';
import { exportInit, fileOptionsKey } from './export-options.ts';
import { encodeLightHeader, instanceFromLightHeader } from '../core/deface/light-header.ts';
import { HEAD_MODALITIES } from '../core/deface/head-modalities.ts';
import { headCheckOf } from './head-check.ts';
import { enableStageTimes, recordStage, stageTimesEnabled, takeStageTimes, timed, timedAsync } from './stage-times.ts';

// The codecs' JavaScript and .wasm are bundled by Vite and served from this origin.
setCodecLoader(browserCodecLoader);

/** Templates are never applied by themselves: accepted template boxes are in the plan. */
const sessionFrom = (init: SessionInit): Session =>
  createSession({
    profile: init.profile, key: init.key, lookup: init.lookup ? new Map(init.lookup) : undefined, plan: init.plan, applyTemplates: false, pixelReview: init.pixelReview,
  });

let session: Session | undefined;
let configured: SessionInit | undefined;
let exporting: { init: SessionInit; session: Session; port: MessagePort; deface: Map<string, DefaceInstruction> } | undefined;

/**
 * Load de-identifies each file as the export would now (core/export/reused-output.ts): the
 * configured session with the page's current plan and the export's pixel-review rule, the same
 * shape of SessionInit the app's export hands over. Rebuilt when the plan changes.
 */
let asExport: { base: SessionInit; plan: RedactionPlan | undefined; init: SessionInit; session: Session } | undefined;
function exportShaped(plan: RedactionPlan | undefined): { init: SessionInit; session: Session } {
  if (!configured) throw new Error('engine worker used before configure()');
  if (asExport?.base !== configured || asExport.plan !== plan) {
    const init = exportInit(configured, plan, []);
    asExport = { base: configured, plan, init, session: sessionFrom(init) };
  }
  return asExport;
}

/** Synchronous reads are about twice as fast as Blob.arrayBuffer() in Chromium workers. */
const syncReader = typeof FileReaderSync !== 'undefined' ? new FileReaderSync() : undefined;

async function read(input: InputRef, stage = 'read'): Promise<Uint8Array | { error: string }> {
  // Worded as the CLI words an input it could not read.
  if (input.problem) return { error: `could not be read: ${input.problem}` };
  try {
    if (syncReader) return timed(stage, () => new Uint8Array(syncReader.readAsArrayBuffer(input.file)), input.file.size);
    return await timedAsync(stage, async () => new Uint8Array(await input.file.arrayBuffer()), input.file.size);
  } catch (e) {
    return { error: `could not be read: ${(e as Error).message || (e as Error).name}` };
  }
}

/** Above this a load batch is read file by file (a batch is 8 files: a few MB for CT/MR). */
const BATCH_READ_LIMIT = 64 * 1024 * 1024;

/**
 * A load batch in one read: the files joined as one Blob, read at once, each file a view of that
 * buffer — one trip through Chromium's file layer instead of one per file. Undefined where that
 * cannot be done (no synchronous reader, a file with a problem, too many bytes, a read error):
 * then each file is read on its own and reports its own error.
 */
function readBatch(inputs: readonly InputRef[]): Uint8Array[] | undefined {
  if (!syncReader || inputs.length < 2 || inputs.some((i) => i.problem)) return undefined;
  const total = inputs.reduce((n, i) => n + i.file.size, 0);
  if (total > BATCH_READ_LIMIT) return undefined;
  try {
    const all = timed('load.read', () => new Uint8Array(syncReader.readAsArrayBuffer(new Blob(inputs.map((i) => i.file)))), total);
    if (all.length !== total) return undefined;
    let at = 0;
    return inputs.map((i) => {
      const view = all.subarray(at, at + i.file.size);
      at += i.file.size;
      return view;
    });
  } catch {
    return undefined;
  }
}

function needSession(): Session {
  if (!session) throw new Error('engine worker used before configure()');
  return session;
}

function toCheck(outcome: FileOutcome): CheckResult {
  if (outcome.status === 'written') {
    return { status: 'written', warnings: outcome.warnings, residual: outcome.residual, pseudoPatientId: outcome.patientId };
  }
  return { status: outcome.status, reason: outcome.reason, warnings: outcome.warnings, residual: [] };
}

/**
 * Hands a batch of files to the zip writer in one message (fewer, larger messages): outcomes,
 * new bytes (their buffers transferred, each once) and byte ranges of the input files, which the
 * zip writer already holds.
 */
function post(port: MessagePort, batch: ExportMessage[]): void {
  const buffers = batch.flatMap((m) => (m.pieces ?? []).filter((p): p is Uint8Array => p instanceof Uint8Array).map((p) => p.buffer as ArrayBuffer));
  const transfer = [...new Set(buffers)];
  timed('export.post-to-zip-writer', () => port.postMessage(batch, transfer), transfer.reduce((n, b) => n + b.byteLength, 0));
}

const THUMB_SIZE = 160;

/**
 * First frame through the codecs (compressed pixel data, palette colour): the same decoders
 * export and OCR use, rendered as grey levels the way OCR sees the image.
 */
async function decodedThumbnail(parsed: ParsedFile): Promise<Thumbnail | undefined> {
  const source = frameSource(parsed.dataset, parsed.transferSyntaxUID);
  const gray = toGray8(await source.frame(0), displayParams(parsed.dataset));
  const small = resample(gray, Math.min(1, THUMB_SIZE / Math.max(gray.width, gray.height)));
  const rgba = new Uint8ClampedArray(small.width * small.height * 4);
  for (let i = 0; i < small.data.length; i++) {
    const v = small.data[i];
    rgba[4 * i] = v;
    rgba[4 * i + 1] = v;
    rgba[4 * i + 2] = v;
    rgba[4 * i + 3] = 255;
  }
  return { width: small.width, height: small.height, rgba };
}

async function thumbnailPng(parsed: ParsedFile): Promise<Blob | undefined> {
  if (typeof OffscreenCanvas === 'undefined') return undefined;
  let thumb = makeThumbnail(parsed.dataset, parsed.transferSyntaxUID, THUMB_SIZE);
  if (!thumb && parsed.dataset.has(T.PixelData)) thumb = await decodedThumbnail(parsed).catch(() => undefined);
  if (!thumb) return undefined;
  const canvas = new OffscreenCanvas(thumb.width, thumb.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) return undefined;
  ctx.putImageData(new ImageData(thumb.rgba, thumb.width, thumb.height), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

async function scanOne(input: InputRef, thumbnail: boolean, plan: RedactionPlan | undefined, alreadyRead?: Uint8Array): Promise<ScanResult> {
  const s = needSession();
  const shaped = exportShaped(plan);
  const bytes = alreadyRead ?? (await read(input, 'load.read'));
  if ('error' in bytes) return { status: 'failed', reason: bytes.error, warnings: [], residual: [] };
  let result: ScanResult;
  let parsed: ParsedFile | undefined;
  try {
    parsed = timed('load.parse', () => readPart10(bytes));
  } catch (e) {
    if (!(e instanceof DicomReadError)) throw e;
  }
  // The outcome the export would have: skipped / failed with its reason, or written with the
  // residual-PHI findings. deidentifyFileAsync never throws for a bad file. Its own mapping
  // log, so the records of this one file can go with its kept output.
  const fileSession: Session = shaped.session.mapping ? { ...shaped.session, mapping: new MappingLog() } : shaped.session;
  let outcome = await timedAsync('load.deidentify+residual', () => deidentifyFileAsync({ path: input.path, bytes }, fileSession));
  // Not written as the export would be now (an image that needs pixel review is refused until a
  // person decides): the app shows what load showed before, under the configured session.
  if (outcome.status !== 'written') outcome = await timedAsync('load.deidentify+residual', () => deidentifyFileAsync({ path: input.path, bytes }, s));
  result = toCheck(outcome);
  // The one read of the pixels: their CRC now, so export need not read them again.
  const written = outcome.status === 'written' ? outcome : undefined;
  const reused = parsed && written
    ? timed('load.pixel-crc', () => findReusedPixels(bytes, parsed, written.parts, pixelsChanged(written.pixels)), bytes.length)
    : undefined;
  if (reused && written) {
    // ...and the output itself, which export sends as it is if its options are these.
    const { parts, ...reported } = written;
    const mapping = fileSession.mapping?.snapshot();
    const output = timed('load.keep-output', () => keepOutput(bytes, reused, parts, { key: fileOptionsKey(shaped.init, input.path), outcome: reported, ...(mapping ? { mapping } : {}) }));
    result.reused = output ? { ...reused, output } : reused;
  }
  const summaryStart = performance.now();
  let summary: ReturnType<typeof summarizeInstance> | undefined;
  try {
    summary = parsed && summarizeInstance(parsed);
  } catch {
    // A value that cannot be read (a 1-byte Rows): the outcome already names it; no summary.
  }
  if (parsed && summary) {
    result = { ...result, summary };
    if (result.status === 'written' && result.summary?.hasPixels) {
      result.identity = imageIdentity(parsed.dataset);
      result.pixelFacts = pixelFacts(parsed.dataset, parsed.meta);
      try {
        const proposals = templatesFor(subjectFromDataset(parsed.dataset, parsed.meta));
        if (proposals.length) result.templates = proposals;
      } catch {
        // A template that cannot be evaluated proposes nothing; the person still reviews.
      }
    }
    // The head check's facts (light-header.ts), while the file is parsed: the check reads no file.
    if (HEAD_MODALITIES.has(summary.modality ?? '')) {
      const header = timed('load.light-header', () => encodeLightHeader(parsed));
      if (header) result.lightHeader = header;
    }
    recordStage('load.summary+templates', performance.now() - summaryStart);
    if (thumbnail && result.status === 'written') {
      try {
        result.thumbnail = await timedAsync('load.thumbnail', () => thumbnailPng(parsed));
      } catch {
        // A preview is a convenience: the placeholder shows instead.
      }
    }
  }
  // The reply is structured-cloned back to the page; its JSON length approximates its size.
  if (stageTimesEnabled()) {
    const kept = result.reused ? result.reused.head.length + result.reused.tail.length + (result.reused.output ? result.reused.output.before.length + result.reused.output.after.length : 0) : 0;
    recordStage('load.reply-to-page', 0, JSON.stringify(result).length + kept);
  }
  return result;
}

/**
 * Placeholders to fill again (core/export/reused-pixels.ts): files of a series share a size, and
 * a buffer used again costs no page faults. A few, as two batches may be in flight at once.
 */
const spares: Placeholder[] = [];
function takeSpare(r: ReusedPixels): Placeholder | undefined {
  const size = r.head.length + (r.end - r.start) + r.tail.length;
  const i = spares.findIndex((p) => p.bytes.length === size);
  return i >= 0 ? spares.splice(i, 1)[0] : undefined;
}
function giveSpare(p: Placeholder): void {
  spares.push(p);
  if (spares.length > 4) spares.shift();
}

async function exportOne(
  init: SessionInit,
  s: Session,
  index: number,
  input: InputRef,
  deface: DefaceInstruction | undefined,
): Promise<{ message: ExportMessage; result: { status: ScanResult['status']; bytes: number } }> {
  // De-identified once: load's output under these very options is this export's output.
  const kept = input.reused?.output;
  if (kept && input.reused && !input.problem && !deface) {
    if (timed('export.options-key', () => kept.key === fileOptionsKey(init, input.path))) {
      if (kept.mapping) s.mapping?.merge(kept.mapping);
      recordStage('export.kept-output', 0, kept.before.length + kept.after.length);
      const size = kept.before.length + (input.reused.end - input.reused.start) + kept.after.length;
      return { message: { index, outcome: kept.outcome, pieces: keptPieces(kept, input.reused), crc: kept.crc }, result: { status: 'written', bytes: size } };
    }
    recordStage('export.kept-output-refused', 0);
  }
  // A defaced file's pixels change: it is always read whole.
  if (input.reused && !input.problem && !deface) {
    const reused = input.reused;
    const placeholder = withPlaceholder(reused, takeSpare(reused));
    const outcome = await timedAsync('export.deidentify', () => deidentifyFileAsync({ path: input.path, bytes: placeholder.bytes }, s));
    const out = outcome.status === 'written' ? timed('export.crc', () => reuseOutput(placeholder.bytes, reused, outcome.parts, pixelsChanged(outcome.pixels)), outcome.size) : undefined;
    // Only a placeholder whose zeros were verified is used again.
    if (out) giveSpare(placeholder);
    if (outcome.status === 'written' && out) {
      const { parts: _parts, ...reported } = outcome;
      return { message: { index, outcome: reported, pieces: out.pieces, crc: out.crc }, result: { status: outcome.status, bytes: outcome.size } };
    }
    // Not the untouched pixels behind a new header (a box to paint, a profile change…): read it all.
    recordStage('export.reuse-refused', 0);
  }
  const bytes = await read(input, 'export.read');
  let outcome: FileOutcome;
  if ('error' in bytes) outcome = { status: 'failed', input: input.path, reason: bytes.error, warnings: [] };
  else outcome = await timedAsync('export.deidentify', () => deidentifyFileAsync({ path: input.path, bytes }, s, deface ? { deface } : {}));
  if (outcome.status !== 'written' || 'error' in bytes) {
    return { message: { index, outcome }, result: { status: outcome.status, bytes: 0 } };
  }
  const { parts, ...reported } = outcome;
  const crc = timed('export.crc', () => crc32Parts(parts), outcome.size);
  // Parts that are views of the input (the untouched large values) travel as byte ranges of
  // the input file; only the rewritten bytes are sent, their buffers transferred, each once.
  const original = bytes.buffer;
  const pieces: OutputPiece[] = parts.map((p) => (p.buffer === original ? { start: p.byteOffset, end: p.byteOffset + p.length } : p));
  return { message: { index, outcome: reported, pieces, crc }, result: { status: outcome.status, bytes: outcome.size } };
}

const api: EngineWorkerApi = {
  deriveKey(passphrase) {
    return deriveSessionKey(passphrase || undefined);
  },

  configure(init) {
    session = sessionFrom(init);
    configured = init;
  },

  async thumbnail(input) {
    const bytes = await read(input, 'thumbnail.read');
    if ('error' in bytes) return undefined;
    try {
      return await timedAsync('thumbnail.make', () => thumbnailPng(readPart10(bytes)));
    } catch {
      return undefined;
    }
  },

  async scan(inputs, thumbnail, plan) {
    const results: ScanResult[] = [];
    const read = readBatch(inputs);
    for (let k = 0; k < inputs.length; k++) results.push(await scanOne(inputs[k], thumbnail, plan, read?.[k]));
    // The kept header bytes come back to the page moved, not copied.
    const transfer = results.flatMap((r) => {
      const o = r.reused?.output;
      const kept = r.reused ? [r.reused.head.buffer, r.reused.tail.buffer, ...(o ? [o.before.buffer, o.after.buffer] : [])] as ArrayBuffer[] : [];
      return r.lightHeader ? [...kept, r.lightHeader.bytes.buffer as ArrayBuffer] : kept;
    });
    return Comlink.transfer(results, transfer);
  },

  async check(input) {
    const s = needSession();
    const bytes = await read(input);
    if ('error' in bytes) return { status: 'failed', reason: bytes.error, warnings: [], residual: [] };
    return toCheck(await deidentifyFileAsync({ path: input.path, bytes }, s));
  },

  async review(input) {
    const s = needSession();
    const bytes = await read(input);
    if ('error' in bytes) return { status: 'failed', reason: bytes.error, rows: [], warnings: [], residual: [] };
    return reviewInstance(bytes, s.profile, (trace) => deidentifyFileAsync({ path: input.path, bytes }, s, { trace }));
  },

  async preview(input, plan) {
    const s = needSession();
    const bytes = await read(input);
    if ('error' in bytes) return { status: 'failed', reason: bytes.error, warnings: [] };
    const outcome = await deidentifyFileAsync({ path: input.path, bytes }, s, { plan });
    if (outcome.status !== 'written') return { status: outcome.status, reason: outcome.reason, warnings: outcome.warnings };
    const result: PreviewResult = {
      status: 'written',
      warnings: outcome.warnings,
      output: new Blob(outcome.parts as BlobPart[], { type: 'application/dicom' }),
    };
    if (outcome.pixels) result.pixels = outcome.pixels;
    return result;
  },

  async expandZip(zip, name) {
    return listZip(zip, name);
  },

  beginExport(init, port) {
    exporting?.port.close();
    // The head series' defacing, per file: patches and marks for accepted ones, the reason for kept faces.
    exporting = { init, session: sessionFrom(init), port, deface: new Map(init.deface?.instructions ?? []) };
  },

  async exportFiles(first, inputs) {
    if (!exporting) throw new Error('exportFiles() before beginExport()');
    const { init, session: s, port, deface } = exporting;
    const messages: ExportMessage[] = [];
    const results: { status: ScanResult['status']; bytes: number }[] = [];
    for (let k = 0; k < inputs.length; k++) {
      const { message, result } = await exportOne(init, s, first + k, inputs[k], deface.get(inputs[k].path));
      messages.push(message);
      results.push(result);
    }
    post(port, messages);
    return results;
  },

  headCheck(series) {
    return timed('head-check', () => headCheckOf(series.map((s) => instanceFromLightHeader(s.path, s.header))), series.reduce((n, s) => n + s.header.bytes.length, 0));
  },

  endExport() {
    const mapping = exporting?.session.mapping?.snapshot();
    exporting?.port.close();
    exporting = undefined;
    spares.length = 0;
    return mapping;
  },

  stageTimes(enable) {
    enableStageTimes(enable);
    return takeStageTimes();
  },
};

Comlink.expose(api);
