/**
 * The free-text detector on one line of burned-in text read by OCR: the PHI the header never
 * names ("Ref: Dr Harlow Fenwick", "Tel 0161 496 0732", "12 Orchard Lane, Leeds LS6 2AB").
 *
 * A screen overlay is not prose. Its lines are short labels ("Pen Gen", "Sag", "Ao Arch", "2D 60%
 * C 50 P Low HGen") that a name tagger happily takes for people and places, and OCR adds noise
 * ("Lina . Sn EAA" read from speckle). So on OCR lines:
 * - the pattern detectors (e-mail, phone, address, ID, date, organisation with a legal or care
 *   word, titled and cued names) are trusted as in kept free text;
 * - the name tagger is trusted only for a person's name of two name words or more, one of which
 *   the tagger's lexicon knows as a given name ("Greta Lindqvist"), none of them a clinical or
 *   overlay word, on a line read with some confidence (speckle read as "Ben BANG" at 41 % is
 *   texture); single words, lower-case words, tagged places and organisations are left;
 * - after a cue word (Ref, Referred by, Employer, Contact, Tel, Phone, Email, Address, Mother, …,
 *   in any case, with or without a colon) the rest of the line is PHI whatever it holds: fail
 *   closed, since the cue says what follows. A cue that ends the line before (a label standing
 *   apart from its value) makes the whole line PHI.
 */
import terms from './clinical-terms.json' with { type: 'json' };
import { isClinicalWord, normalizeWord, tokenize, type Token } from './allow-list.ts';
import { detectFreeTextPhi, mergeSpans } from './detect.ts';
import type { FreeTextKind, FreeTextSpan, NameTagger } from './kinds.ts';

const OVERLAY_WORDS: ReadonlySet<string> = new Set(terms.overlay_labels.map((w) => w.toLowerCase()));

/** A word a tagger may take for a name on a screen overlay, but which is a control, view or unit label there. */
const isOverlayWord = (tokens: readonly Token[], i: number): boolean => OVERLAY_WORDS.has(normalizeWord(tokens[i].text)) || isClinicalWord(tokens, i);

/** A name word on an OCR line: a capital then letters (all capitals too), two letters or more, no digits. */
const nameShaped = (word: string): boolean => /^\p{Lu}[\p{L}'’\-]*\p{L}$/u.test(word);

/** The tagger, narrowed to what an overlay line can be trusted with (see the module note). */
function strictTagger(tagger: NameTagger): NameTagger {
  return {
    library: `${tagger.library} (OCR lines)`,
    names(text: string): FreeTextSpan[] {
      const given = tagger.givenNames?.(text) ?? [];
      if (given.length === 0) return [];
      const tokens = tokenize(text);
      return tagger.names(text).filter((s) => {
        if (s.kind !== 'person') return false;
        const inside = tokens.map((t, i) => [t, i] as const).filter(([t]) => t.start >= s.start && t.end <= s.end);
        const names = inside.filter(([t, i]) => nameShaped(t.text) && !isOverlayWord(tokens, i));
        if (names.length < 2 || names.length < inside.length) return false;
        return names.some(([t]) => given.some((g) => g.start < t.end && t.start < g.end));
      });
    },
  };
}

/** Cue words and the kind of what follows them, matched in any case ("REF:", "Tel", "e-mail"). */
const CUES: [FreeTextKind, string][] = [
  ['phone', 'tel(?:ephone)?|phone|mob(?:ile)?|cell|fax'],
  ['email', 'e-?mail'],
  ['address', '(?:home\\s+)?address|addr'],
  ['organisation', 'employer|company|workplace|school'],
  [
    'person',
    'ref(?:erred)?(?:\\s+by)?|ref\\.?\\s*(?:dr|phys(?:ician)?)\\.?|referring(?:\\s+(?:physician|doctor|dr|clinician))?|requested\\s+by|requesting(?:\\s+(?:physician|doctor|dr))?|' +
      'contact|next\\s+of\\s+kin|nok|guardian|carer|mother|father|spouse|wife|husband|partner|son|daughter|' +
      'gp|consultant|physician|doctor|surgeon|attending|operator|sonographer|radiologist|technologist|' +
      'performed\\s+by|reported\\s+by|read\\s+by|signed\\s+by|dictated\\s+by',
  ],
];

/**
 * A regular expression's letters in either case. The `i` flag cannot be used where a capital
 * must follow: with `u`, it makes \p{Lu} match lower case too.
 */
const anyCase = (source: string): string => source.replace(/(\\.)|([a-z])/g, (_, escape: string | undefined, c: string) => escape ?? `[${c}${c.toUpperCase()}]`);

/** A cue, then a separator (or a capital, digit, "@" or "+" starting the value), then the rest of the line. */
const CUE_IN_LINE = CUES.map(([kind, words]) => ({
  kind,
  re: new RegExp(`(?<![\\p{L}\\p{N}])(?:${anyCase(words)})(?:\\s*[:#=]\\s*|\\.?\\s+(?=[\\p{Lu}\\p{N}@+(]))(.*\\S)`, 'u'),
}));
/** A cue that ends a line: its value stands apart, on the next line of the row. */
const CUE_AT_END = CUES.map(([kind, words]) => ({ kind, re: new RegExp(`(?<![\\p{L}\\p{N}])(?:${words})\\s*[:#=]?\\s*$`, 'iu') }));

/** Titles in any case, before a word that is not a number ("DR 60" is a dynamic range) nor an overlay word. */
const TITLE = /(?<![\p{L}\p{N}])(?:dr|mr|mrs|ms|miss|prof)\.?\s+(\p{L}[\p{L}'’\-]+(?:\s+\p{L}[\p{L}'’\-]+){0,2})/giu;

/** Whether a cue's value is worth taking: it holds something, and not only screen and clinical words. */
function valueOf(kind: FreeTextKind, value: string): boolean {
  if (kind === 'phone') return value.replace(/\D/g, '').length >= 6;
  if (kind === 'email') return /@|\p{L}{2,}/u.test(value);
  const tokens = tokenize(value);
  if (!tokens.some((t) => /[\p{L}\p{N}]{2,}/u.test(t.text))) return false;
  return !tokens.every((t, i) => isOverlayWord(tokens, i) || /^[\d.,%]+$/.test(t.text));
}

function cueSpans(text: string, before: string | undefined): FreeTextSpan[] {
  const out: FreeTextSpan[] = [];
  for (const { kind, re } of CUE_IN_LINE) {
    const m = re.exec(text);
    if (!m || !valueOf(kind, m[1])) continue;
    const start = m.index + m[0].length - m[1].length;
    out.push({ kind, start, end: start + m[1].length });
  }
  if (before !== undefined) {
    for (const { kind, re } of CUE_AT_END) {
      if (!re.test(before) || !valueOf(kind, text)) continue;
      const start = text.search(/\S/);
      out.push({ kind, start, end: text.trimEnd().length });
      break;
    }
  }
  for (const m of text.matchAll(TITLE)) {
    const tokens = tokenize(m[1]);
    if (tokens.every((_, i) => isOverlayWord(tokens, i))) continue;
    out.push({ kind: 'person', start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/**
 * Lines already seen (a cine repeats its overlay on every frame read): line and context → spans,
 * per tagger (a new tagger starts afresh, as a new process does).
 */
const MEMO_LIMIT = 2000;
const memos = new WeakMap<NameTagger, Map<string, FreeTextSpan[]>>();
const patternsOnlyMemo = new Map<string, FreeTextSpan[]>();
const memoFor = (tagger: NameTagger | null): Map<string, FreeTextSpan[]> => {
  if (!tagger) return patternsOnlyMemo;
  let memo = memos.get(tagger);
  if (!memo) memos.set(tagger, (memo = new Map()));
  return memo;
};

/**
 * Lines read with less confidence (0..100) than this are not given to the name tagger: below it
 * the recogniser is mostly reading texture (the bar under which boxes.ts drops other text too).
 * Patterns and cues still run on them: their evidence is the shape of the text, and they fail closed.
 */
export const NAMES_MIN_CONFIDENCE = 60;

export interface OcrLineContext {
  /** The line just before it on its row, when near (a label apart from its value). */
  before?: string;
  /** The recogniser's confidence in the line, 0..100 (default: trusted). */
  confidence?: number;
}

/**
 * The PHI spans of one OCR line (sorted, not overlapping), the kind of each saying which
 * detector fired. `tagger` null: patterns and cues only.
 */
export function ocrLineFreeText(text: string, tagger: NameTagger | null, context: OcrLineContext = {}): FreeTextSpan[] {
  if (!/[\p{L}\p{N}]/u.test(text)) return [];
  const { before } = context;
  if (context.confidence !== undefined && context.confidence < NAMES_MIN_CONFIDENCE) tagger = null;
  const memo = memoFor(tagger);
  const key = `${before ?? ''}\u0000${text}`;
  const known = memo.get(key);
  if (known) return known;
  if (memo.size >= MEMO_LIMIT) memo.clear();
  // Patterns and the narrowed tagger first (they give the kind), then what the cues add.
  const found = detectFreeTextPhi(text, tagger ? strictTagger(tagger) : null);
  const spans = mergeSpans([...found, ...cueSpans(text, before)], text);
  memo.set(key, spans);
  return spans;
}

/** One part of an OCR line: PHI (with the kinds found in it) or the rest. */
export interface LinePart {
  text: string;
  /** Image pixels, x1/y1 exclusive, like the line's. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** The kinds of PHI in this part; null for a part without PHI. */
  kinds: FreeTextKind[] | null;
}

/**
 * An OCR line cut where PHI starts and ends: the words that overlap a span form PHI parts, the
 * others the rest. A part reaches halfway across the gap to its neighbour, and to the line's own
 * ends (grown to the text's ink) at either end, so a PHI word at the end of a line loses no
 * letter the recogniser's word box left out. When the line's text is not its words joined (two
 * readings merged, a second reading added), spans cannot be placed on words: the whole line is PHI.
 */
export function splitLine(line: LineGeometry, spans: readonly FreeTextSpan[]): LinePart[] {
  const all = (): LinePart[] => [{ text: line.text, x0: line.x0, y0: line.y0, x1: line.x1, y1: line.y1, kinds: [...new Set(spans.map((s) => s.kind))] }];
  const words = line.words;
  if (spans.length === 0) return [{ text: line.text, x0: line.x0, y0: line.y0, x1: line.x1, y1: line.y1, kinds: null }];
  if (words.length === 0 || words.map((w) => w.text).join(' ') !== line.text) return all();
  let at = 0;
  const kindsOf = words.map((w) => {
    const start = at;
    at += w.text.length + 1;
    const hit = spans.filter((s) => s.start < start + w.text.length && start < s.end).map((s) => s.kind);
    return hit.length ? hit : null;
  });
  const parts: LinePart[] = [];
  for (let a = 0; a < words.length; ) {
    const phi = kindsOf[a] !== null;
    let b = a;
    while (b + 1 < words.length && (kindsOf[b + 1] !== null) === phi) b++;
    const x0 = a === 0 ? line.x0 : Math.floor((words[a - 1].x1 + words[a].x0) / 2);
    const x1 = b === words.length - 1 ? line.x1 : Math.ceil((words[b].x1 + words[b + 1].x0) / 2);
    const kinds = phi ? [...new Set(kindsOf.slice(a, b + 1).flatMap((k) => k ?? []))] : null;
    parts.push({ text: words.slice(a, b + 1).map((w) => w.text).join(' '), x0, y0: line.y0, x1, y1: line.y1, kinds });
    a = b + 1;
  }
  return parts;
}

/** What splitLine needs of a line of lines.ts (kept structural: this module holds no geometry of its own). */
export interface LineGeometry {
  text: string;
  words: readonly { text: string; x0: number; x1: number }[];
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
