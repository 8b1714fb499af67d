/**
 * The recall harness: an image through detection (detectAndPlan), through --ocr-style redaction
 * (the accepted boxes painted by deidentifyFileAsync), and the output read again by an
 * independent reader, native Tesseract. Used by tests/ocr/recall.test.ts and scripts/bench/ocr.ts.
 *
 * Figures, per image and per set:
 * - PHI recall: planted PHI texts whose every ink pixel is inside accepted boxes, on every frame
 *   the text is drawn on;
 * - precision: accepted boxes that are about PHI (cover at least half of a PHI text, or have
 *   their centre on one); and, on synthetic images, the planted non-PHI texts (clinical
 *   overlays) that accepted boxes paint half or more of;
 * - readable after: identifying parts of planted texts that native Tesseract still reads in the
 *   redacted output (edit distance ≤ 1 on parts of 3 characters or more, exact below);
 * - seconds: detection only (what a user waits for), and frames read.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSession, deidentifyFileAsync } from '../../src/core/deidentify.ts';
import { readPart10 } from '../../src/core/dicom/reader.ts';
import { joinParts } from '../../src/core/dicom/writer.ts';
import { editDistance, identifierMatches, type OcrIdentifiers } from '../../src/core/detect/identifier-match.ts';
import { frameSource } from '../../src/core/detect/frames.ts';
import type { OcrEngine } from '../../src/core/detect/ocr-engine.ts';
import { detectAndPlan } from '../../src/core/detect/pipeline.ts';
import { toGray8 } from '../../src/core/detect/render.ts';
import { displayParams } from '../../src/core/pixels/display.ts';
import type { RedactionBox, RedactionPlan } from '../../src/core/pixels/plan.ts';
import { readWithNativeTesseract } from '../helpers/tesseract-native.ts';
import { labelHas, squash, type Fixture } from './fixture-expectations.ts';
import { rasterise, type PlacedItem, type SyntheticImage, type SyntheticSpec } from './synthetic-images.ts';

export interface ImageScore {
  name: string;
  /** Planted PHI texts (synthetic) or expected PHI strings (fixtures). */
  phiItems: number;
  phiFound: number;
  missed: string[];
  accepted: number;
  acceptedRight: number;
  wronglyAccepted: string[];
  /** Planted non-PHI texts (synthetic only): how many, and those painted half or more. */
  otherItems?: number;
  otherPainted?: string[];
  /** Identifying parts native Tesseract still reads after redaction. */
  readableAfter: string[];
  /** Identifying parts native Tesseract reads in the ORIGINAL (how legible the set is), when asked. */
  readableBefore?: number;
  secrets: number;
  seconds: number;
  framesRead: number;
  width: number;
  height: number;
}

// ------------------------------------------------------------------------------------ matching

/**
 * The secrets (identifying parts) a reader's text still holds: a run of 1–4 consecutive tokens of
 * the text, letters and digits only, within edit distance 1 of a secret of 3 characters or more,
 * or equal to a shorter one.
 */
export function readableSecrets(text: string, secrets: readonly string[]): string[] {
  const tokens = text.split(/\s+/).map(squash).filter(Boolean);
  const runs = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    let run = '';
    for (let k = i; k < Math.min(tokens.length, i + 4); k++) {
      run += tokens[k];
      runs.add(run);
    }
  }
  return secrets.filter((secret) => {
    const s = squash(secret);
    if (!s) return false;
    if (s.length < 3) return runs.has(s);
    for (const r of runs) if (Math.abs(r.length - s.length) <= 1 && editDistance(r, s) <= 1) return true;
    return false;
  });
}

/** Parts of a PHI item that must not be readable afterwards. */
export function secretsOf(item: PlacedItem): string[] {
  return item.secrets ?? item.text.split(/\s+/).filter((t) => /[\p{L}\p{N}]/u.test(t));
}

// ------------------------------------------------------------------------------------ geometry

const onFrame = (boxes: readonly RedactionBox[], f: number): RedactionBox[] => boxes.filter((b) => b.frames === 'all' || b.frames.includes(f));

/** Coverage 0..255 at which a glyph pixel counts as ink (fainter anti-aliasing fringes do not). */
const INK_ALPHA = 32;

/**
 * Share of the item's ink pixels (its rasterised glyphs, drawn at its place) inside the union of
 * `boxes`: 1 when every visible pixel of the text is painted. The blank between two words
 * need not be.
 */
export function coverage(item: PlacedItem, spec: SyntheticSpec, boxes: readonly RedactionBox[]): number {
  const glyphs = rasterise(item.text, item.font ?? spec.font, item.pointSize ?? spec.pointSize);
  let ink = 0;
  let inside = 0;
  for (let y = 0; y < glyphs.height; y++) {
    for (let x = 0; x < glyphs.width; x++) {
      if (glyphs.alpha[y * glyphs.width + x] < INK_ALPHA) continue;
      const X = item.x + x;
      const Y = item.y + y;
      if (X >= spec.width || Y >= spec.height) continue;
      ink++;
      if (boxes.some((b) => X >= b.x && X < b.x + b.width && Y >= b.y && Y < b.y + b.height)) inside++;
    }
  }
  return ink ? inside / ink : 1;
}

const intersection = (a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): number =>
  Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));

/**
 * Whether an accepted box is about PHI: it covers half of a PHI text, or its centre lies on one
 * (a box round one field of a longer PHI line, the date of "ST WENDELL CLIN.  09-JUN-19").
 */
function aboutPhi(box: RedactionBox, phi: readonly PlacedItem[]): boolean {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return phi.some((item) => intersection(box, item) >= 0.5 * item.width * item.height || (cx >= item.x && cx < item.x + item.width && cy >= item.y && cy < item.y + item.height));
}

// ------------------------------------------------------------------------------------ reading the output

/** Redacts with `plan` as --ocr does; the output's frames as a viewer shows them. */
async function redactedFrames(pathName: string, bytes: Uint8Array, plan: RedactionPlan): Promise<{ gray: ReturnType<typeof toGray8>; frame: number }[]> {
  const outcome = await deidentifyFileAsync({ path: pathName, bytes }, createSession(), { plan });
  if (outcome.status !== 'written') throw new Error(`${pathName} was not written: ${(outcome as { reason?: string }).reason ?? outcome.status}`);
  return framesOf(joinParts(outcome.parts));
}

async function framesOf(bytes: Uint8Array, only?: readonly number[]): Promise<{ gray: ReturnType<typeof toGray8>; frame: number }[]> {
  const parsed = readPart10(bytes);
  const source = frameSource(parsed.dataset, parsed.transferSyntaxUID);
  const params = displayParams(parsed.dataset);
  const frames = only ?? Array.from({ length: source.frameCount }, (_, f) => f);
  const out = [];
  for (const f of frames) out.push({ frame: f, gray: toGray8(await source.frame(f), params) });
  return out;
}

export interface MeasureOptions {
  /** Also read the ORIGINAL with native Tesseract (how legible the planted text is to begin with). */
  readBefore?: boolean;
}

/** One synthetic image through detection, redaction and the native reader. */
export async function measureSynthetic(engine: OcrEngine, img: SyntheticImage, options: MeasureOptions = {}): Promise<ImageScore> {
  const frames = img.spec.frames ?? 1;
  const started = performance.now();
  const detected = await detectAndPlan(engine, [{ path: img.spec.name, bytes: img.bytes }]);
  const seconds = (performance.now() - started) / 1000;
  const accepted = detected.plan.boxes.filter((b) => b.status === 'accepted');
  const phi = img.placed.filter((i) => i.phi);
  const drawnOn = (item: PlacedItem): number[] => item.frames ?? Array.from({ length: frames }, (_, f) => f);
  const missed = phi.filter((item) => !drawnOn(item).every((f) => coverage(item, img.spec, onFrame(accepted, f)) >= 1)).map((i) => i.text);
  const right = accepted.filter((b) => aboutPhi(b, phi));
  const other = img.placed.filter((i) => !i.phi);
  const otherPainted = other.filter((item) => drawnOn(item).some((f) => coverage(item, img.spec, onFrame(accepted, f)) >= 0.5)).map((i) => i.text);
  const score: ImageScore = {
    name: img.spec.name,
    phiItems: phi.length,
    phiFound: phi.length - missed.length,
    missed,
    accepted: accepted.length,
    acceptedRight: right.length,
    wronglyAccepted: accepted.filter((b) => !right.includes(b)).map((b) => b.label ?? ''),
    otherItems: other.length,
    otherPainted,
    readableAfter: [],
    // Counted per frame drawn on, as the readings are.
    secrets: phi.reduce((n, i) => n + secretsOf(i).length * drawnOn(i).length, 0),
    seconds,
    framesRead: detected.instances[0]?.framesRead.length ?? 0,
    width: img.spec.width,
    height: img.spec.height,
  };
  const secretsOnFrame = (f: number): string[] => phi.filter((i) => drawnOn(i).includes(f)).flatMap(secretsOf);
  for (const { gray, frame } of await redactedFrames(img.spec.name, img.bytes, detected.plan)) {
    const text = readWithNativeTesseract(gray);
    for (const s of readableSecrets(text, secretsOnFrame(frame))) score.readableAfter.push(`frame ${frame}: ${s}`);
  }
  if (options.readBefore) {
    let before = 0;
    for (const { gray, frame } of await framesOf(img.bytes)) before += readableSecrets(readWithNativeTesseract(gray), secretsOnFrame(frame)).length;
    score.readableBefore = before;
  }
  return score;
}

/**
 * One real fixture: its expected PHI strings found in accepted boxes (by what the boxes say they
 * read), and after redaction native Tesseract reads neither its `gone` words nor any identifier of
 * the original header (first and last frame).
 */
export async function measureFixture(engine: OcrEngine, dir: string, fx: Fixture): Promise<ImageScore & { identifiers: OcrIdentifiers }> {
  const bytes = new Uint8Array(readFileSync(path.join(dir, fx.file)));
  const started = performance.now();
  const detected = await detectAndPlan(engine, [{ path: fx.file, bytes }]);
  const seconds = (performance.now() - started) / 1000;
  const accepted = detected.plan.boxes.filter((b) => b.status === 'accepted');
  const labels = accepted.map((b) => b.label ?? '');
  const missed = fx.phi.filter((want) => !labels.some((l) => labelHas(l, want)));
  const ids = detected.identifiers.get(fx.file)!;
  const parsed = readPart10(bytes);
  const source = frameSource(parsed.dataset, parsed.transferSyntaxUID);
  const last = source.frameCount - 1;
  const readableAfter: string[] = [];
  const outcome = await deidentifyFileAsync({ path: fx.file, bytes }, createSession(), { plan: detected.plan });
  if (outcome.status !== 'written') throw new Error(`${fx.file} was not written`);
  for (const { gray } of await framesOf(joinParts(outcome.parts), [...new Set([0, last])])) {
    const text = readWithNativeTesseract(gray);
    readableAfter.push(...readableSecrets(text, fx.gone));
    for (const line of text.split('\n')) for (const id of identifierMatches(line, ids)) readableAfter.push(`${id.kind} ${id.value} in "${line.trim()}"`);
  }
  const width = source.width;
  const height = source.height;
  return {
    name: fx.file,
    phiItems: fx.phi.length,
    phiFound: fx.phi.length - missed.length,
    missed,
    accepted: accepted.length,
    // No ground-truth boxes for real images: an accepted box is counted right when its reading
    // holds one of the PHI strings written down for the image.
    acceptedRight: labels.filter((l) => fx.phi.some((want) => labelHas(l, want))).length,
    wronglyAccepted: labels.filter((l) => !fx.phi.some((want) => labelHas(l, want))),
    readableAfter: [...new Set(readableAfter)],
    secrets: fx.gone.length,
    seconds,
    framesRead: detected.instances[0]?.framesRead.length ?? 0,
    width,
    height,
    identifiers: ids,
  };
}

export interface SetSummary {
  set: string;
  images: number;
  recall: number;
  phiFound: number;
  phiItems: number;
  precision: number;
  acceptedRight: number;
  accepted: number;
  /** Planted non-PHI texts painted, of those planted (synthetic sets only). */
  otherPainted?: number;
  otherItems?: number;
  readableAfter: number;
  readableBefore?: number;
  secrets: number;
  medianSeconds: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function summarizeSet(set: string, scores: readonly ImageScore[]): SetSummary {
  const sum = (f: (s: ImageScore) => number): number => scores.reduce((n, s) => n + f(s), 0);
  const phiItems = sum((s) => s.phiItems);
  const phiFound = sum((s) => s.phiFound);
  const accepted = sum((s) => s.accepted);
  const acceptedRight = sum((s) => s.acceptedRight);
  const before = scores.every((s) => s.readableBefore !== undefined) ? sum((s) => s.readableBefore ?? 0) : undefined;
  const synthetic = scores.every((s) => s.otherItems !== undefined);
  return {
    set,
    images: scores.length,
    recall: phiItems ? phiFound / phiItems : 1,
    phiFound,
    phiItems,
    precision: accepted ? acceptedRight / accepted : 1,
    acceptedRight,
    accepted,
    otherPainted: synthetic ? sum((s) => s.otherPainted?.length ?? 0) : undefined,
    otherItems: synthetic ? sum((s) => s.otherItems ?? 0) : undefined,
    readableAfter: sum((s) => s.readableAfter.length),
    readableBefore: before,
    secrets: sum((s) => s.secrets),
    medianSeconds: median(scores.map((s) => s.seconds / Math.max(1, s.framesRead))),
  };
}

/** A human-readable report of one set. */
export function formatSet(summary: SetSummary, scores: readonly ImageScore[]): string {
  const lines = scores.map((s) => {
    const parts = [`  ${s.name.slice(0, 70).padEnd(70)} PHI ${s.phiFound}/${s.phiItems}  boxes ${s.acceptedRight}/${s.accepted}  ${s.seconds.toFixed(2)} s`];
    if (s.missed.length) parts.push(`    missed: ${s.missed.join(' | ')}`);
    if (s.wronglyAccepted.length) parts.push(`    not PHI: ${s.wronglyAccepted.join(' | ').slice(0, 300)}`);
    if (s.otherPainted?.length) parts.push(`    non-PHI text painted: ${s.otherPainted.join(' | ')}`);
    if (s.readableAfter.length) parts.push(`    readable after: ${s.readableAfter.join(' | ')}`);
    return parts.join('\n');
  });
  const before = summary.readableBefore !== undefined ? `, native reads ${summary.readableBefore}/${summary.secrets} before` : '';
  const painted = summary.otherItems !== undefined ? `, non-PHI text painted ${summary.otherPainted}/${summary.otherItems}` : '';
  return (
    `set ${summary.set} (${summary.images} images): recall ${summary.recall.toFixed(3)} (${summary.phiFound}/${summary.phiItems}), ` +
    `precision ${summary.precision.toFixed(3)} (${summary.acceptedRight}/${summary.accepted})${painted}, readable after ${summary.readableAfter}/${summary.secrets}${before}, ` +
    `median ${summary.medianSeconds.toFixed(2)} s per frame read\n${lines.join('\n')}`
  );
}
