/**
 * Scores a free-text detector on the synthetic set (free-text.ts):
 * - recall per planted kind: a planted value counts as found when every letter and digit of it
 *   lies inside a detected span (a name with its last letters left is not found);
 * - precision per detected kind: a detected span is right when it overlaps a planted value.
 */
import { FREE_TEXT_KINDS, type FreeTextKind, type FreeTextSample } from './free-text.ts';

export interface DetectedSpan {
  kind: string;
  start: number;
  end: number;
}

export interface KindScore {
  planted: number;
  found: number;
  recall: number;
  detected: number;
  correct: number;
  precision: number;
}

export interface FreeTextScore {
  byKind: Record<FreeTextKind, KindScore>;
  overall: KindScore;
  /** Detected spans that overlap no planted value: clinical text that would be lost. */
  falsePositives: { text: string; span: string; kind: string }[];
  /** Planted values not found, for looking at. */
  missed: { text: string; value: string; kind: string }[];
}

const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);

export function scoreFreeText(samples: readonly FreeTextSample[], detect: (text: string) => DetectedSpan[]): FreeTextScore {
  const empty = (): KindScore => ({ planted: 0, found: 0, recall: 0, detected: 0, correct: 0, precision: 0 });
  const byKind = Object.fromEntries(FREE_TEXT_KINDS.map((k) => [k, empty()])) as Record<FreeTextKind, KindScore>;
  const overall = empty();
  const falsePositives: FreeTextScore['falsePositives'] = [];
  const missed: FreeTextScore['missed'] = [];
  for (const sample of samples) {
    const spans = detect(sample.text);
    const covered = new Uint8Array(sample.text.length);
    for (const s of spans) covered.fill(1, s.start, s.end);
    for (const p of sample.planted) {
      let found = true;
      for (let i = p.start; i < p.end; i++) if (/[\p{L}\p{N}]/u.test(sample.text[i]) && !covered[i]) found = false;
      byKind[p.kind].planted++;
      overall.planted++;
      if (found) {
        byKind[p.kind].found++;
        overall.found++;
      } else {
        missed.push({ text: sample.text, value: p.value, kind: p.kind });
      }
    }
    for (const s of spans) {
      const score = byKind[s.kind as FreeTextKind] ?? overall;
      const right = sample.planted.some((p) => s.start < p.end && p.start < s.end);
      score.detected++;
      if (score !== overall) overall.detected++;
      if (right) {
        score.correct++;
        if (score !== overall) overall.correct++;
      } else {
        falsePositives.push({ text: sample.text, span: sample.text.slice(s.start, s.end), kind: s.kind });
      }
    }
  }
  for (const s of [...Object.values(byKind), overall]) {
    s.recall = ratio(s.found, s.planted);
    s.precision = ratio(s.correct, s.detected);
  }
  return { byKind, overall, falsePositives, missed };
}
