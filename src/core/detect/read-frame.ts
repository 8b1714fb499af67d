/**
 * Reading one frame: from an 8-bit picture (render.ts) to lines of text in image pixel
 * coordinates. Two passes at once (the whole picture with strong contrast, and the header band
 * with gentle contrast), only the bands that hold ink (ink.ts), merged; then lines that look cut
 * short or were read with little confidence are read again on their own. Classifying the lines
 * is boxes.ts's job; this module only reads.
 */
import { KIND } from '../audit/identifiers.ts';
import { classifyText } from './classify.ts';
import { identifierMatches, type OcrIdentifiers } from './identifier-match.ts';
import { findEmails } from './free-text/patterns.ts';
import { growToInk } from './extent.ts';
import { cropBand, dropFaintMarks, inkBands, type Band } from './ink.ts';
import { overAnatomy, overlapRatio, wordsToLines, type Rect, type TextLine } from './lines.ts';
import type { OcrEngine, Word } from './ocr-engine.ts';
import { normalizePolarity, removeLongRuns } from './contrast.ts';
import { pad, resample, textScale, type Gray8 } from './render.ts';

/** Words read with less confidence (0..100) are dropped unless they match an identifier. */
const MIN_CONFIDENCE = 30;

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
