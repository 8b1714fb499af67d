/**
 * From lines read to plan boxes: each line classified as PHI or other text (classify.ts, and the
 * free-text detector for lines that are not PHI), fragments beside PHI joined to it, the same
 * field on several frames made one box (RedactionBox, the plan format of pixels/plan.ts).
 * PHI boxes are "accepted" (painted unless a person rejects them), other text is "proposed"
 * (painted only once a person accepts it), and other text over the anatomy or read with little
 * confidence is not proposed at all.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { RedactionBox } from '../pixels/plan.ts';
import { classifyText, freeTextClassification, type Classification } from './classify.ts';
import { type OcrIdentifiers } from './identifier-match.ts';
import type { NameTagger } from './free-text/kinds.ts';
import { ocrLineFreeText, splitLine } from './free-text/ocr-line.ts';
import { PATTERN_KIND } from './burned-in-kinds.ts';
import { boxWithMargin, overAnatomy, overlapRatio, type Rect, type TextLine } from './lines.ts';

/**
 * The instance part of an OCR box id: a digest of its SOP Instance UID, not the UID. Box ids
 * reach the report inside the output ("redaction: painted ocr-1a2b3c4d-1 …"), which must not
 * carry original UIDs; the digest keeps ids stable when detection runs again on the same image.
 */
export function boxIdStem(sopInstanceUID: string): string {
  return [...sha256(new TextEncoder().encode(`veil/ocr-box\u0000${sopInstanceUID}`)).subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

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

/**
 * Classifies lines; a line takes the previous line of its row as context (labels stand apart from
 * values). A line that is not PHI goes through the free-text detector (`freeText`: the name
 * tagger, null for patterns only, undefined for off); the words it finds PHI in become a PHI line
 * of their own, the rest of the line stays what it was.
 */
export function classifyLines(lines: TextLine[], ids: OcrIdentifiers, frame: number, width: number, height: number, keepClinicalText: boolean, freeText?: NameTagger | null): ReadLine[] {
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
        out.push({ frame, text: part.text, confidence: line.confidence, box: boxWithMargin(part, width, height), classification: c, proposed: !(keepClinicalText && c.clinical) });
      }
      return;
    }
    out.push({
      frame,
      text: line.text,
      confidence: line.confidence,
      box: boxWithMargin(line, width, height),
      classification,
      proposed: !(keepClinicalText && classification.clinical),
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

/** Lines → plan boxes: the same text at the same place on several frames is one box. */
export function toBoxes(lines: ReadLine[], coverage: Map<ReadLine, Set<number>>, frameCount: number, sopInstanceUID: string, width = 0, height = 0): RedactionBox[] {
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
