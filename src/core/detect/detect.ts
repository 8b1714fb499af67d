/**
 * Burned-in text detection: from an instance's pixels to proposed redaction boxes, and the check
 * that reads a redacted output again.
 *
 *   frames (frames.ts) → 8-bit picture (render.ts) → words (ocr-engine.ts) → lines (lines.ts)
 *   → PHI or other text (classify.ts) → RedactionBox[] (the plan format of pixels/plan.ts)
 *
 * Boxes are scoped to the instance (ORIGINAL SOP Instance UID), source "ocr"; PHI boxes are
 * "accepted" (painted unless a person rejects them), other text is "proposed" (painted only once
 * a person accepts it). With `keepClinicalText`, measurements and scale labels are not proposed.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { Dataset } from '../dicom/dataset.ts';
import type { RedactionBox } from '../pixels/plan.ts';
import { KIND } from '../audit/identifiers.ts';
import { classifyText, freeTextClassification, identifierMatches, ocrIdentifiers, type Classification, type OcrIdentifiers } from './classify.ts';
import type { NameTagger } from './free-text/kinds.ts';
import { loadNameTagger } from './free-text/loader.ts';
import { ocrLineFreeText, splitLine } from './free-text/ocr-line.ts';
import { findEmails, findPhones } from './free-text/patterns.ts';
import { PATTERN_KIND, freeTextKind } from './burned-in-kinds.ts';
import { growToInk } from './extent.ts';
import { cropBand, dropFaintMarks, inkBands, type Band } from './ink.ts';
import { frameSource, FrameAccessError, type FrameSource } from './frames.ts';
import { boxWithMargin, overlapRatio, wordsToLines, type Rect, type TextLine } from './lines.ts';
import type { OcrEngine, Word } from './ocr-engine.ts';
import { memoizeRecognition } from './recognise-memo.ts';
import { displayParams, type DisplayParams } from '../pixels/display.ts';
import { normalizePolarity, pad, removeLongRuns, resample, textScale, toGray8, type Gray8 } from './render.ts';
import { planReads, sampleFrames, summarize, type InstanceSummary } from './sampling.ts';

/**
 * The instance part of an OCR box id: a digest of its SOP Instance UID, not the UID. Box ids
 * reach the report inside the output ("redaction: painted ocr-1a2b3c4d-1 …"), which must not
 * carry original UIDs; the digest keeps ids stable when detection runs again on the same image.
 */
function boxIdStem(sopInstanceUID: string): string {
  return [...sha256(new TextEncoder().encode(`veil/ocr-box\u0000${sopInstanceUID}`)).subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export interface DetectSettings {
  /** Do not propose measurements, scale labels and acoustic output indices. */
  keepClinicalText?: boolean;
  /** Read every frame of every image (no sampling, no propagation). */
  readEveryFrame?: boolean;
  /**
   * Run lines that are not already PHI through the free-text detector (names after cues,
   * organisations, addresses, phones, e-mails, IDs: free-text/ocr-line.ts). Default on; off only
   * to measure what it adds.
   */
  freeText?: boolean;
}

/** Words read with less confidence (0..100) are dropped unless they match an identifier. */
const MIN_CONFIDENCE = 30;
/** Frames read besides the sampled ones in a multi-frame image whose text changes. */
const MAX_EXTRA_FRAMES = 2;

/** One line of text read on one frame. */
export interface ReadLine {
  frame: number;
  text: string;
  confidence: number;
  /** The line's box with margin, in image pixels. */
  box: Rect;
  classification: Classification;
  /** Whether it became a box in the plan (false: kept as clinical text). */
  proposed: boolean;
}

export interface InstanceDetection {
  sopInstanceUID: string;
  frameCount: number;
  framesRead: number[];
  lines: ReadLine[];
  boxes: RedactionBox[];
  /**
   * Set when the pixels could not be read (no decoder for the transfer syntax, a frame that does
   * not decode, no pixels) or the OCR engine failed on them: nothing is known about this image's text.
   */
  skipped?: string;
  seconds: number;
}

// ------------------------------------------------------------------------------------ one frame

/** Reads one frame, rendered for reading (render.ts): lines of text in image pixel coordinates. */
export async function readGray(engine: OcrEngine, gray: Gray8, ids?: OcrIdentifiers): Promise<TextLine[]> {
  const scale = textScale(gray.width, gray.height);
  const scaled = resample(gray, scale);
  // Words of one picture, moved to the coordinates of the scaled frame (the picture's top left at dx, dy).
  const wordsAt = async (pic: Gray8, dx: number, dy: number): Promise<Word[]> => {
    const padded = pad(pic, PAD, 255);
    return (await engine.recognize(padded.data, padded.width, padded.height)).map((w) => ({ ...w, x0: w.x0 - PAD + dx, x1: w.x1 - PAD + dx, y0: w.y0 - PAD + dy, y1: w.y1 - PAD + dy }));
  };
  // Only the bands of a picture that hold ink are read (ink.ts); one pass's words become lines together.
  const readInk = async (pic: Gray8): Promise<TextLine[]> => {
    const words = await Promise.all(inkBands(pic, BAND_GAP, BAND_MARGIN).flatMap((b) => halves(b).map(async (h) => (await wordsAt(cropBand(pic, h.band), h.band.x0, h.band.y0)).filter(h.keeps))));
    return linesOf(words.flat(), scale, gray, ids);
  };
  // Pass 1: the whole picture, strong contrast, lines, texture and marks without a dark core removed.
  const first = dropFaintMarks(removeLongRuns(normalizePolarity(scaled, POLARITY_BLOCK, 2.5, 2, FLAT_MIN, LOCAL_CONTRAST), LONG_RUN));
  const jobs = [readInk(first)];
  // Pass 2, at the same time: the header band, where devices print patient data, with gentler
  // contrast (faint text survives the first pass, text pressed against a bar edge this one).
  const band = headerBand(scaled);
  if (band) jobs.push(readInk(normalizePolarity(band.picture, POLARITY_BLOCK, 1.5)));
  const passes = await Promise.all(jobs);
  const lines = mergePasses(passes);
  // Boxes from the text's own pixels: the recogniser's words may stop short of the line's end.
  // A line whose ink reaches well past the words read was read only in part: it is doubtful.
  const partlyRead = new Set<TextLine>();
  for (const line of lines) {
    const grown = growToInk(gray, line);
    if (grown.x1 - grown.x0 - (line.x1 - line.x0) > 2 * (line.y1 - line.y0)) partlyRead.add(line);
    Object.assign(line, grown);
  }
  // Over the middle of the image, ink past the words read is nearly always the anatomy's texture
  // (a crop as wide as the image, read as "Lina . Sn EAA": 20–70 ms of CPU for nothing); text
  // there is still read again when it was read with little confidence.
  for (const line of partlyRead) if (overAnatomy(line, gray.width, gray.height)) partlyRead.delete(line);
  if (ids) await Promise.all([rereadCutLines(engine, lines, scaled, scale, gray, ids), rereadDoubtfulLines(engine, lines, scaled, scale, ids, partlyRead)]);
  return lines;
}

/** Doubtful lines read again per frame, at most. */
const MAX_REREADS = 3;
/** Other text read with less confidence than this is doubtful. */
const DOUBTFUL = 80;

/**
 * Other text read with little confidence ("Ac ons," for "Acc: A2309051187" in small yellow type),
 * or whose ink runs well past the words read ("Acc" alone), is read again on its own: a crop round the line, enlarged twice more, with the contrast of that
 * region alone normalised, as a single line. What the second reading adds goes into the line's
 * text, so that classification sees both readings. The few least confident lines of some length
 * are read again, not every speck.
 */
async function rereadDoubtfulLines(engine: OcrEngine, lines: TextLine[], scaled: Gray8, scale: number, ids: OcrIdentifiers, partlyRead: ReadonlySet<TextLine>): Promise<void> {
  const doubtful = lines
    .filter((l) => (l.confidence < DOUBTFUL || partlyRead.has(l)) && l.text.replace(/[^\p{L}\p{N}]/gu, '').length >= 3)
    .filter((l) => {
      const c = classifyText(l.text, ids);
      return c.class === 'other' && !c.clinical;
    })
    .sort((a, b) => Number(partlyRead.has(b)) - Number(partlyRead.has(a)) || a.confidence - b.confidence)
    .slice(0, MAX_REREADS);
  await Promise.all(
    doubtful.map(async (line) => {
      const h = (line.y1 - line.y0) * scale;
      const x0 = Math.max(0, Math.floor(line.x0 * scale - h));
      const x1 = Math.min(scaled.width, Math.ceil(line.x1 * scale + h));
      const y0 = Math.max(0, Math.floor(line.y0 * scale - 0.3 * h));
      const y1 = Math.min(scaled.height, Math.ceil(line.y1 * scale + 0.3 * h));
      if (x1 - x0 < 8 || y1 - y0 < 8) return;
      const crop = new Uint8Array((x1 - x0) * (y1 - y0));
      for (let y = y0; y < y1; y++) crop.set(scaled.data.subarray(y * scaled.width + x0, y * scaled.width + x1), (y - y0) * (x1 - x0));
      const big = resample({ width: x1 - x0, height: y1 - y0, data: crop }, 2);
      const pic = pad(normalizePolarity(big, POLARITY_BLOCK, 2.5, 2, 0, LOCAL_CONTRAST), PAD, 255);
      const words = (await engine.recognize(pic.data, pic.width, pic.height, { singleLine: true })).filter((w) => w.confidence >= 40 && /[\p{L}\p{N}]/u.test(w.text));
      if (words.length === 0) return;
      const text = words.map((w) => w.text).join(' ');
      line.text = mergedText(line.text, text);
      line.confidence = Math.max(line.confidence, words.reduce((n, w) => n + w.confidence, 0) / words.length);
    }),
  );
}

/** Rows shared by the two halves of a tall band: more than any text line is tall. */
const STRIP_OVERLAP = 96;
/** Blank rows (pixels of the picture read) that split ink into separate bands. */
const BAND_GAP = 24;
/** White kept round a band's ink. */
const BAND_MARGIN = 12;

/**
 * A band as the pictures it is read in: itself, or, when it is tall, a top and a bottom half that
 * overlap, so that both recognisers of the pool work on it at once. Each half keeps the words whose
 * centre lies on its side of the middle: a line in the overlap is read whole by both, kept once.
 */
function halves(b: Band): { band: Band; keeps: (w: Word) => boolean }[] {
  const height = b.y1 - b.y0;
  if (height < 4 * STRIP_OVERLAP) return [{ band: b, keeps: () => true }];
  const mid = b.y0 + (height >> 1);
  const centre = (w: Word): number => (w.y0 + w.y1) / 2;
  return [
    { band: { ...b, y1: Math.min(b.y1, mid + STRIP_OVERLAP / 2) }, keeps: (w) => centre(w) < mid },
    { band: { ...b, y0: Math.max(b.y0, mid - STRIP_OVERLAP / 2) }, keeps: (w) => centre(w) >= mid },
  ];
}

/**
 * PHI lines that look cut short — ending in a comma or colon ("DOE," of "DOE, JOHN"), or holding
 * a part of the patient's name while another part was read nowhere — are read again as a single line from a crop of their row,
 * reaching right to the next line: sparse-text layout sometimes merges two close rows and drops
 * the rest of one. What the second reading adds widens the line.
 */
async function rereadCutLines(engine: OcrEngine, lines: TextLine[], scaled: Gray8, scale: number, gray: Gray8, ids: OcrIdentifiers): Promise<void> {
  const classes = lines.map((l) => classifyText(l.text, ids));
  const found = new Set(classes.flatMap((c) => c.identifiers.map((i) => i.value.toUpperCase())));
  const nameMissing = ids.list.some((i) => i.kind === KIND.patientName && !found.has(i.value.toUpperCase()));
  const jobs: Promise<void>[] = [];
  lines.forEach((line, k) => {
    const c = classes[k];
    const names = c.identifiers.some((i) => i.kind === KIND.patientName);
    if (c.class !== 'phi' || !(/[,:;]$/.test(line.text.trim()) || (names && nameMissing))) return;
    const h = line.y1 - line.y0;
    const next = lines.filter((o) => o !== line && sameRow(o, line) && o.x0 >= line.x1).sort((a, b) => a.x0 - b.x0)[0];
    // Starting just before the line: a logo beside it would be read as a letter and spoil the line.
    const x0 = Math.max(0, Math.floor((line.x0 - 0.3 * h) * scale));
    const x1 = Math.min(scaled.width, Math.ceil((next ? next.x0 : line.x1 + 25 * h) * scale));
    // Tight to the row: a sliver of the next row is enough to throw the single-line reading off.
    const y0 = Math.max(0, Math.floor((line.y0 - 0.12 * h) * scale));
    const y1 = Math.min(scaled.height, Math.ceil((line.y1 + 0.12 * h) * scale));
    if (x1 - x0 < 8 || y1 - y0 < 8) return;
    const crop = new Uint8Array((x1 - x0) * (y1 - y0));
    for (let y = y0; y < y1; y++) crop.set(scaled.data.subarray(y * scaled.width + x0, y * scaled.width + x1), (y - y0) * (x1 - x0));
    const pic = pad(removeLongRuns(normalizePolarity({ width: x1 - x0, height: y1 - y0, data: crop }, POLARITY_BLOCK, 2.5), LONG_RUN), PAD, 255);
    jobs.push(
      engine.recognize(pic.data, pic.width, pic.height, { singleLine: true }).then((read) => {
        const words = read
          .filter((w) => w.confidence >= 40 && /[\p{L}\p{N}]/u.test(w.text))
          .map((w) => ({ ...w, x0: w.x0 - PAD + x0, x1: w.x1 - PAD + x0, y0: w.y0 - PAD + y0, y1: w.y1 - PAD + y0 }));
        const again = linesOf(words, scale, gray, ids);
        if (again.length === 0) return;
        const all = groupAll(again);
        if (all.x1 <= line.x1) return;
        line.x0 = Math.min(line.x0, all.x0);
        line.x1 = Math.max(line.x1, all.x1);
        line.y0 = Math.min(line.y0, all.y0);
        line.y1 = Math.max(line.y1, all.y1);
        line.text = mergedText(line.text, all.text);
      }),
    );
  });
  await Promise.all(jobs);
}

/** Several lines as one (a single-line reading that the gap rule cut in two). */
function groupAll(ls: TextLine[]): TextLine {
  return {
    ...ls[0],
    text: ls.map((l) => l.text).join(' '),
    words: ls.flatMap((l) => l.words),
    x0: Math.min(...ls.map((l) => l.x0)),
    y0: Math.min(...ls.map((l) => l.y0)),
    x1: Math.max(...ls.map((l) => l.x1)),
    y1: Math.max(...ls.map((l) => l.y1)),
  };
}

/** Share of the height read twice at the top. */
const HEADER_BAND = 0.11;

/** The top band of a picture (rows 0 … HEADER_BAND of its height). */
function headerBand(g: Gray8): { picture: Gray8 } | undefined {
  const top = Math.ceil(g.height * HEADER_BAND);
  if (top < 16) return undefined;
  return { picture: { width: g.width, height: top, data: g.data.subarray(0, top * g.width) } };
}

function linesOf(words: Word[], scale: number, gray: Gray8, ids?: OcrIdentifiers): TextLine[] {
  const min = MIN_CONFIDENCE;
  const readable = words.filter((w) => /[\p{L}\p{N}]/u.test(w.text));
  // Words far taller than the text around them are shapes read as letters (a speckle region, a
  // scale bar): their boxes would swallow half the image.
  const heights = readable.filter((w) => w.confidence >= 60).map((w) => w.y1 - w.y0).sort((a, b) => a - b);
  const typical = heights.length ? heights[heights.length >> 1] : 0;
  const maxHeight = Math.min(0.2 * gray.height * scale, typical ? 3 * typical : Infinity);
  const kept = readable.filter((w) => {
    if (w.y1 - w.y0 > maxHeight) return false;
    if (w.confidence >= min) return true;
    // An e-mail address read with little confidence ("|.smith@example.org" at 17 %, its j's dot
    // apart) is still one: texture is never read as name@domain.tld.
    if (findEmails(w.text).length > 0) return true;
    return ids !== undefined && w.text.length >= 3 && identifierMatches(w.text, ids).length > 0;
  });
  return wordsToLines(kept, { scale, width: gray.width, height: gray.height });
}

/**
 * Faint text (light text on bright anatomy, 20–40 grey levels apart) brought up to the contrast
 * of strong text in the first pass; tiles whose text already stands out keep the plain gain.
 */
const LOCAL_CONTRAST = { target: 200, maxGain: 16 };
/** Tile size of the background estimate, in pixels of the picture read. */
const POLARITY_BLOCK = 8;
/** Dark runs longer than this (pixels of the picture read) are lines, not text. */
const LONG_RUN = 100;
/**
 * Neighbourhoods where no grey level holds this share of the pixels are texture (speckle,
 * anatomy) and are blanked before the first pass, unless they carry ink: faster, and fewer
 * letters read into noise.
 */
const FLAT_MIN = 0.25;
/** Border added around the picture read. */
const PAD = 12;

const squash = (t: string): string => t.toUpperCase().replace(/[^\p{L}\p{N}]/gu, '');
/** One reading, or both when neither contains the other (what one pass missed the other may hold). */
function mergedText(a: string, b: string): string {
  const x = squash(a);
  const y = squash(b);
  return x.includes(y) ? a : y.includes(x) ? b : `${a} | ${b}`;
}

const sameRow = (a: TextLine, b: TextLine): boolean => Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) >= 0.5 * Math.min(a.y1 - a.y0, b.y1 - b.y0);
const lineRect = (l: TextLine): Rect => ({ x: l.x0, y: l.y0, width: l.x1 - l.x0, height: l.y1 - l.y0 });

/**
 * Lines of several passes over one frame: a line of a later pass that overlaps an earlier one on
 * the same row widens it (so the box covers what either pass saw) and adds its reading when it
 * differs; one that overlaps nothing is added.
 */
function mergePasses(passes: TextLine[][]): TextLine[] {
  const out = passes[0] ? [...passes[0]] : [];
  for (const pass of passes.slice(1)) {
    for (const line of pass) {
      const i = out.findIndex((o) => sameRow(o, line) && overlapRatio(lineRect(o), lineRect(line)) > 0.3);
      if (i < 0) {
        out.push(line);
        continue;
      }
      const o = out[i];
      const better = line.confidence * line.text.length > o.confidence * o.text.length ? line : o;
      out[i] = {
        ...better,
        words: [...o.words, ...line.words],
        x0: Math.min(o.x0, line.x0),
        y0: Math.min(o.y0, line.y0),
        x1: Math.max(o.x1, line.x1),
        y1: Math.max(o.y1, line.y1),
        text: mergedText(better.text, (better === o ? line : o).text),
        confidence: Math.max(o.confidence, line.confidence),
      };
    }
  }
  // Rows and reading order as one pass would give them.
  return out.sort((a, b) => a.row - b.row || a.y0 - b.y0 || a.x0 - b.x0);
}

/**
 * Classifies lines; a line takes the previous line of its row as context (labels stand apart from
 * values). A line that is not PHI goes through the free-text detector (`freeText`: the name
 * tagger, null for patterns only, undefined for off); the words it finds PHI in become a PHI line
 * of their own, the rest of the line stays what it was.
 */
function classifyLines(lines: TextLine[], ids: OcrIdentifiers, frame: number, width: number, height: number, settings: DetectSettings, freeText?: NameTagger | null): ReadLine[] {
  const out: ReadLine[] = [];
  lines.forEach((line, i) => {
    // The previous line of the row counts as context only when it is near (a label and its value).
    const p = i > 0 ? lines[i - 1] : undefined;
    const near = p && p.row === line.row && line.x0 - p.x1 < 4 * Math.max(p.y1 - p.y0, line.y1 - line.y0);
    const prev = near ? p.text : undefined;
    const classification = classifyText(line.text, ids, { before: prev });
    // A lone short low-confidence fragment that is not PHI is noise (speckle read as "Ps", "ee").
    const alnumLength = line.text.replace(/[^\p{L}\p{N}]/gu, '').length;
    if (classification.class === 'other' && alnumLength <= 2 && line.confidence < 60) return;
    const spans = classification.class === 'phi' || freeText === undefined ? [] : ocrLineFreeText(line.text, freeText, { before: prev, confidence: line.confidence });
    if (spans.length) {
      for (const part of splitLine(line, spans)) {
        const c = part.kinds ? freeTextClassification(part.kinds) : classifyText(part.text, ids, { before: prev });
        out.push({ frame, text: part.text, confidence: line.confidence, box: boxWithMargin(part, width, height), classification: c, proposed: !(settings.keepClinicalText && c.clinical) });
      }
      return;
    }
    out.push({
      frame,
      text: line.text,
      confidence: line.confidence,
      box: boxWithMargin(line, width, height),
      classification,
      proposed: !(settings.keepClinicalText && classification.clinical),
    });
  });
  // Short fragments right beside PHI on its row are part of it (the year of a date whose month
  // was read apart, a name's second half read as noise): they go with it. Only PHI read with some
  // confidence spreads, and only one step (no chains).
  const anchors = out.filter((l) => l.classification.class === 'phi' && l.confidence >= 50);
  for (const o of out) {
    if (o.classification.class === 'phi' || o.classification.clinical) continue;
    if (o.text.replace(/[^\p{L}\p{N}]/gu, '').length > 8) continue;
    const l = anchors.find((a) => {
      if (a.frame !== o.frame) return false;
      const h = Math.min(a.box.height, o.box.height);
      const centres = Math.abs(a.box.y + a.box.height / 2 - (o.box.y + o.box.height / 2));
      const gap = Math.max(o.box.x - (a.box.x + a.box.width), a.box.x - (o.box.x + o.box.width));
      return centres < 0.35 * h && gap < 1.5 * h;
    });
    if (l) {
      o.classification = { ...o.classification, class: 'phi', reasons: [...o.classification.reasons, `next to PHI "${l.text}"`], kinds: [...o.classification.kinds, PATTERN_KIND.nextToPhi] };
      o.proposed = true;
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------ one instance

export interface DetectInstanceInput {
  dataset: Dataset;
  transferSyntaxUID: string;
  /** The file's identifiers; computed from `dataset` when left out (it must be the ORIGINAL). */
  identifiers?: OcrIdentifiers;
}

/** Reads an instance (sampled frames, then frames whose text differs) and proposes boxes. */
export async function detectInstance(engine: OcrEngine, input: DetectInstanceInput, settings: DetectSettings = {}): Promise<InstanceDetection> {
  const started = now();
  const { dataset: ds } = input;
  const summary = summarize(ds);
  const result: InstanceDetection = { sopInstanceUID: summary.sopInstanceUID, frameCount: summary.frames, framesRead: [], lines: [], boxes: [], seconds: 0 };
  let source: FrameSource;
  try {
    source = frameSource(ds, input.transferSyntaxUID);
  } catch (e) {
    result.skipped = (e as Error).message;
    result.seconds = now() - started;
    return result;
  }
  const ids = input.identifiers ?? ocrIdentifiers(ds);
  // Loaded once per process or worker, on the first image read (loader.ts).
  const tagger = settings.freeText === false ? undefined : await loadNameTagger();
  const params = displayParams(ds);
  const { width, height, frameCount } = source;
  const grays = new Map<number, Gray8>();
  const gray = async (f: number): Promise<Gray8> => {
    let g = grays.get(f);
    if (!g) {
      g = toGray8(await source.frame(f), params);
      // Keep the few read frames' pictures for comparisons; not the whole loop.
      if (grays.size < 16) grays.set(f, g);
    }
    return g;
  };
  // Extra frames of a cine re-read the same unchanged doubtful lines: read each picture once.
  const reader = memoizeRecognition(engine);
  const readOne = async (f: number): Promise<void> => {
    const lines = await readGray(reader, await gray(f), ids);
    result.framesRead.push(f);
    result.lines.push(...classifyLines(lines, ids, f, width, height, settings, tagger));
  };

  try {
    const first = sampleFrames(frameCount, settings.readEveryFrame);
    for (const f of first) await readOne(f);

    // Frames not read: every box carries over to them (text that changes in place — a clock, a
    // frame counter — is still text in that place). A frame whose pixels differ from the read
    // frames' under some confidently read line holds text that changed, so a few such frames are
    // read as well, for any new text they hold.
    const coverage = new Map<ReadLine, Set<number>>();
    for (const l of result.lines) coverage.set(l, new Set([l.frame]));
    // Only text read with confidence decides whether a frame differs; speckle read as letters
    // in a moving image would otherwise send every frame to the recogniser.
    const decisive = (l: ReadLine): boolean => l.confidence >= 60 || l.classification.identifiers.length > 0;
    if (frameCount > first.length) {
      const extraCap = MAX_EXTRA_FRAMES;
      let extra = 0;
      for (let f = 0; f < frameCount; f++) {
        if (result.framesRead.includes(f)) continue;
        let differs = false;
        if (extra < extraCap) {
          const g = toGray8(await source.frame(f), params);
          for (const l of coverage.keys()) {
            if (decisive(l) && !sameRegion(await gray(l.frame), g, l.box)) {
              differs = true;
              break;
            }
          }
          if (differs) {
            extra++;
            grays.set(f, g);
            const before = result.lines.length;
            await readOne(f);
            for (const l of result.lines.slice(before)) coverage.set(l, new Set([f]));
          }
        }
        if (!differs) for (const set of coverage.values()) set.add(f);
      }
      // Lines read on extra frames carry over like the others.
      for (const set of coverage.values()) for (let f = 0; f < frameCount; f++) if (!result.framesRead.includes(f)) set.add(f);
    }
    result.boxes = toBoxes(result.lines, coverage, frameCount, summary.sopInstanceUID, width, height);
  } catch (e) {
    if (!(e instanceof FrameAccessError)) throw e;
    result.skipped = e.message;
  }
  result.framesRead.sort((a, b) => a - b);
  result.seconds = now() - started;
  return result;
}

/** Whether two pictures are the same inside a rectangle (mean absolute difference under 2 grey levels). */
function sameRegion(a: Gray8, b: Gray8, r: Rect): boolean {
  let sum = 0;
  let n = 0;
  const x1 = Math.min(a.width, r.x + r.width);
  const y1 = Math.min(a.height, r.y + r.height);
  for (let y = r.y; y < y1; y++) {
    for (let x = r.x; x < x1; x++) {
      const i = y * a.width + x;
      sum += Math.abs(a.data[i] - b.data[i]);
      n++;
    }
  }
  return n === 0 || sum / n < 2;
}

/** Lines → plan boxes: the same text at the same place on several frames is one box. */
/** Other text read with less confidence than this (0..100) is not proposed: mostly texture read as letters. */
export const OTHER_TEXT_MIN_CONFIDENCE = 60;
/** Share of the width and height, from each edge, outside which the middle of an image is anatomy. */
const ANATOMY_INSET = 0.25;

/**
 * Other text that is not worth proposing: read with little confidence, or lying over the middle
 * of the image, where the anatomy is (a chest CR's heart read as a 319×155 "line"). PHI is
 * always proposed, wherever it is.
 */
export function dropOtherText(box: Rect, confidence: number, width: number, height: number): boolean {
  if (confidence < OTHER_TEXT_MIN_CONFIDENCE) return true;
  if (!width || !height) return false;
  return overAnatomy({ x0: box.x, y0: box.y, x1: box.x + box.width, y1: box.y + box.height }, width, height);
}

/** Whether a span's centre lies in the middle of the image (inside ANATOMY_INSET of every edge). */
function overAnatomy(span: { x0: number; y0: number; x1: number; y1: number }, width: number, height: number): boolean {
  const cx = (span.x0 + span.x1) / 2;
  const cy = (span.y0 + span.y1) / 2;
  return cx > ANATOMY_INSET * width && cx < (1 - ANATOMY_INSET) * width && cy > ANATOMY_INSET * height && cy < (1 - ANATOMY_INSET) * height;
}

function toBoxes(lines: ReadLine[], coverage: Map<ReadLine, Set<number>>, frameCount: number, sopInstanceUID: string, width = 0, height = 0): RedactionBox[] {
  interface Acc { line: ReadLine; box: Rect; frames: Set<number>; readFrames: Set<number>; texts: Set<string>; phi: boolean; reasons: Set<string>; kinds: Set<string>; confidence: number }
  const accs: Acc[] = [];
  // A field that shows PHI on one frame holds PHI on every frame: a clock or date misread on
  // another frame ("05/69/2023 14.32.63") is still that field.
  for (const line of lines) {
    if (line.classification.class === 'phi') continue;
    const twin = lines.find((o) => o.frame !== line.frame && o.classification.class === 'phi' && overlapRatio(o.box, line.box) > 0.6);
    if (!twin) continue;
    line.classification = {
      ...line.classification, class: 'phi',
      reasons: [...line.classification.reasons, `same place as PHI on frame ${twin.frame}`],
      kinds: [...line.classification.kinds, ...twin.classification.kinds],
    };
    line.proposed = true;
  }
  for (const line of lines) {
    if (!line.proposed) continue;
    const frames = coverage.get(line) ?? new Set([line.frame]);
    const phi = line.classification.class === 'phi';
    // The same place on another frame is the same field; on one frame, two lines stay two boxes.
    const same = accs.find((a) => a.phi === phi && !a.readFrames.has(line.frame) && overlapRatio(a.box, line.box) > 0.6);
    if (same) {
      const x0 = Math.min(same.box.x, line.box.x);
      const y0 = Math.min(same.box.y, line.box.y);
      const x1 = Math.max(same.box.x + same.box.width, line.box.x + line.box.width);
      const y1 = Math.max(same.box.y + same.box.height, line.box.y + line.box.height);
      same.box = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
      for (const f of frames) same.frames.add(f);
      same.readFrames.add(line.frame);
      same.texts.add(line.text);
      for (const r of line.classification.reasons) same.reasons.add(r);
      for (const k of line.classification.kinds) same.kinds.add(k);
      same.confidence = Math.max(same.confidence, line.confidence);
    } else {
      accs.push({ line, box: line.box, frames: new Set(frames), readFrames: new Set([line.frame]), texts: new Set([line.text]), phi, reasons: new Set(line.classification.reasons), kinds: new Set(line.classification.kinds), confidence: line.confidence });
    }
  }
  return accs.flatMap((a) => (!a.phi && dropOtherText(a.box, a.confidence, width, height) ? [] : [a])).map((a, k) => ({
    id: `ocr-${boxIdStem(sopInstanceUID)}-${k + 1}`,
    ...a.box,
    frames: a.frames.size >= frameCount ? 'all' : [...a.frames].sort((x, y) => x - y),
    scope: { kind: 'instance', sopInstanceUID },
    source: 'ocr',
    status: a.phi ? 'accepted' : 'proposed',
    label: `${a.phi ? 'PHI' : 'other text'}: "${[...a.texts].join(' | ')}"${a.reasons.size ? ` (${[...a.reasons].join('; ')})` : ''}`,
    ...(a.kinds.size ? { kinds: [...a.kinds].sort() } : {}),
    confidence: Math.round(a.confidence) / 100,
  }));
}

// ------------------------------------------------------------------------------------ many instances

export interface StudyInstance {
  summary: InstanceSummary;
  /** Loads the ORIGINAL instance (called only for the instances that are read). */
  open: () => Promise<DetectInstanceInput>;
}

export interface StudyDetection {
  boxes: RedactionBox[];
  instances: InstanceDetection[];
  /** Unread instances that took over boxes from sampled ones: SOP Instance UID → sources. */
  propagated: Map<string, string[]>;
  /** Indices (into the input list) of the instances that were read. */
  readIndices: number[];
}

/**
 * Detection over many instances: sampling, reading (one instance at a time per engine slot),
 * propagation. An instance that cannot be read (pixels that do not decode, an OCR engine that
 * fails) comes back with `skipped` and never stops the others. Unread instances that were to take
 * their boxes over from a sample that could not be read are read themselves: a failed sample says
 * nothing about them.
 */
export async function detectStudy(engine: OcrEngine, instances: readonly StudyInstance[], settings: DetectSettings = {}): Promise<StudyDetection> {
  const plan = planReads(instances.map((i) => i.summary), { readEverything: settings.readEveryFrame });
  const results = new Map<number, InstanceDetection>();
  const readAll = async (indices: readonly number[]): Promise<void> => {
    // Two instances in flight keep a two-recogniser pool busy without holding many images in memory.
    const queue = [...indices];
    const runners = Array.from({ length: 2 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) results.set(i, await readOrSkip(engine, instances[i], settings));
    });
    await Promise.all(runners);
  };
  await readAll(plan.read);
  const fallback = [...plan.propagate].filter(([, sources]) => sources.some((s) => results.get(s)!.skipped)).map(([i]) => i);
  for (const i of fallback) plan.propagate.delete(i);
  await readAll(fallback);
  const readIndices = [...plan.read, ...fallback].sort((a, b) => a - b);

  const boxes: RedactionBox[] = [];
  for (const i of readIndices) boxes.push(...results.get(i)!.boxes);
  const propagated = new Map<string, string[]>();
  for (const [i, sources] of plan.propagate) {
    const target = instances[i].summary.sopInstanceUID;
    const from = sources.map((s) => results.get(s)!).filter((r) => r.boxes.length > 0);
    if (from.length === 0) continue;
    propagated.set(target, from.map((r) => r.sopInstanceUID));
    let k = 0;
    for (const r of from) {
      for (const b of r.boxes) {
        boxes.push({ ...b, id: `ocr-${boxIdStem(target)}-p${++k}`, scope: { kind: 'instance', sopInstanceUID: target }, label: `${b.label ?? ''} [carried over from sampled image ${r.sopInstanceUID}]` });
      }
    }
  }
  return { boxes, instances: readIndices.map((i) => results.get(i)!), propagated, readIndices };
}

/** detectInstance that turns any failure of this one instance (loading, decoding, recognising) into `skipped`. */
async function readOrSkip(engine: OcrEngine, instance: StudyInstance, settings: DetectSettings): Promise<InstanceDetection> {
  try {
    return await detectInstance(engine, await instance.open(), settings);
  } catch (e) {
    const { sopInstanceUID, frames } = instance.summary;
    return { sopInstanceUID, frameCount: frames, framesRead: [], lines: [], boxes: [], skipped: e instanceof Error ? e.message : String(e), seconds: 0 };
  }
}

// ------------------------------------------------------------------------------------ check after redaction

export interface RedactionCheck {
  /**
   * Text still readable in the output that identifies: one of the ORIGINAL file's identifiers, or
   * a phone number or e-mail address (the free-text detector's patterns, which no overlay
   * resembles). `kinds` names what it is ("patient name part", "free text: phone"), never the text.
   */
  findings: { frame: number; text: string; box: Rect; kinds: string[] }[];
  framesRead: number[];
  skipped?: string;
}

/**
 * Reads a REDACTED output instance again and reports any remaining text that matches the
 * original's identifiers (`ids` from the original header, before de-identification). Any finding
 * is a blocking warning for that file.
 */
export async function checkRedacted(engine: OcrEngine, output: { dataset: Dataset; transferSyntaxUID: string }, ids: OcrIdentifiers, settings: DetectSettings = {}): Promise<RedactionCheck> {
  const check: RedactionCheck = { findings: [], framesRead: [] };
  let source: FrameSource;
  try {
    source = frameSource(output.dataset, output.transferSyntaxUID);
  } catch (e) {
    check.skipped = (e as Error).message;
    return check;
  }
  const params = displayParams(output.dataset);
  try {
    for (const f of sampleFrames(source.frameCount, settings.readEveryFrame)) {
      const lines = await readGray(engine, toGray8(await source.frame(f), params), ids);
      check.framesRead.push(f);
      for (const line of lines) {
        const kinds = new Set(identifierMatches(line.text, ids).map((i) => i.kind));
        // A phone or e-mail the header never named is just as identifying when it was missed.
        // Only these two patterns: the check blocks a file, and cues or tagged names on a
        // noisy re-reading of a painted image would block files for nothing.
        for (const span of [...findPhones(line.text), ...findEmails(line.text)]) kinds.add(freeTextKind(span.kind));
        if (kinds.size) check.findings.push({ frame: f, text: line.text, box: boxWithMargin(line, source.width, source.height), kinds: [...kinds] });
      }
    }
  } catch (e) {
    if (!(e instanceof FrameAccessError)) throw e;
    check.skipped = e.message;
  }
  return check;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now()) / 1000;

export { ocrIdentifiers };
