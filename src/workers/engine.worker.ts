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
import type { CheckResult, EngineWorkerApi, ExportMessage, ExportPiece, InputRef, PreviewResult, ScanResult, SessionInit } from './protocol.ts';
import { listZip } from './zip-input.ts';
import { crc32Parts } from '../core/export/crc32.ts';
import type { DefaceInstruction } from '../core/deface/write-back.ts';

// The codecs' JavaScript and .wasm are bundled by Vite and served from this origin.
setCodecLoader(browserCodecLoader);

/** Templates are never applied by themselves: accepted template boxes are in the plan. */
const sessionFrom = (init: SessionInit): Session =>
  createSession({
    profile: init.profile, key: init.key, lookup: init.lookup ? new Map(init.lookup) : undefined, plan: init.plan, applyTemplates: false, pixelReview: init.pixelReview,
  });

let session: Session | undefined;
let exporting: { session: Session; port: MessagePort; deface: Map<string, DefaceInstruction> } | undefined;

/** Synchronous reads are about twice as fast as Blob.arrayBuffer() in Chromium workers. */
const syncReader = typeof FileReaderSync !== 'undefined' ? new FileReaderSync() : undefined;

async function read(input: InputRef): Promise<Uint8Array | { error: string }> {
  // Worded as the CLI words an input it could not read.
  if (input.problem) return { error: `could not be read: ${input.problem}` };
  try {
    if (syncReader) return new Uint8Array(syncReader.readAsArrayBuffer(input.file));
    return new Uint8Array(await input.file.arrayBuffer());
  } catch (e) {
    return { error: `could not be read: ${(e as Error).message || (e as Error).name}` };
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

const api: EngineWorkerApi = {
  deriveKey(passphrase) {
    return deriveSessionKey(passphrase || undefined);
  },

  configure(init) {
    session = sessionFrom(init);
  },

  async thumbnail(input) {
    const bytes = await read(input);
    if ('error' in bytes) return undefined;
    try {
      return await thumbnailPng(readPart10(bytes));
    } catch {
      return undefined;
    }
  },

  async scan(input, thumbnail) {
    const s = needSession();
    const bytes = await read(input);
    if ('error' in bytes) return { status: 'failed', reason: bytes.error, warnings: [], residual: [] };
    let result: ScanResult;
    let parsed: ParsedFile | undefined;
    try {
      parsed = readPart10(bytes);
    } catch (e) {
      if (!(e instanceof DicomReadError)) throw e;
    }
    // The outcome the export would have: skipped / failed with its reason, or written with the
    // residual-PHI findings. deidentifyFileAsync never throws for a bad file.
    result = toCheck(await deidentifyFileAsync({ path: input.path, bytes }, s));
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
      if (thumbnail && result.status === 'written') {
        try {
          result.thumbnail = await thumbnailPng(parsed);
        } catch {
          // A preview is a convenience: the placeholder shows instead.
        }
      }
    }
    return result;
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
    exporting = { session: sessionFrom(init), port, deface: new Map(init.deface?.instructions ?? []) };
  },

  async exportFile(index, input) {
    if (!exporting) throw new Error('exportFile() before beginExport()');
    const { session: s, port, deface: defacing } = exporting;
    const deface = defacing.get(input.path);
    const bytes = await read(input);
    let outcome: FileOutcome;
    if ('error' in bytes) outcome = { status: 'failed', input: input.path, reason: bytes.error, warnings: [] };
    else outcome = await deidentifyFileAsync({ path: input.path, bytes }, s, deface ? { deface } : {});
    if (outcome.status !== 'written' || 'error' in bytes) {
      port.postMessage({ index, outcome } satisfies ExportMessage);
      return { status: outcome.status, bytes: 0 };
    }
    const { parts, ...reported } = outcome;
    const crc = crc32Parts(parts);
    // Parts that are views of the input (the untouched large values) travel as byte ranges of
    // the input file; only the rewritten bytes are sent, their buffers transferred, each once.
    const original = bytes.buffer;
    const pieces: ExportPiece[] = parts.map((p) => (p.buffer === original ? { start: p.byteOffset, end: p.byteOffset + p.length } : p));
    const transfer = [...new Set(parts.filter((p) => p.buffer !== original).map((p) => p.buffer as ArrayBuffer))];
    port.postMessage({ index, outcome: reported, pieces, crc, file: input.file } satisfies ExportMessage, transfer);
    return { status: outcome.status, bytes: outcome.size };
  },

  endExport() {
    const mapping = exporting?.session.mapping?.snapshot();
    exporting?.port.close();
    exporting = undefined;
    return mapping;
  },
};

Comlink.expose(api);
