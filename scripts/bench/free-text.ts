/**
 * Free-text PHI detection (issue 12): recall and precision per kind, and time per 1,000 values,
 * on the seeded synthetic set (tests/synthetic/free-text.ts) and its held-out companion, for:
 *   - before: what cleaning did until now (the file's own header identifiers only; the planted
 *     values are not in the header, so nothing of them is found);
 *   - patterns only (no name tagger);
 *   - patterns + compromise (what the engine uses), and compromise's names alone;
 *   - patterns + wink-nlp (wink-eng-lite-web-model), and wink's names alone: the lite model has
 *     no person/organisation/place entities, so its names are runs of PROPN-tagged words.
 * Also each library's load time and bundle size (esbuild, minified, gzipped).
 *
 *   npx tsx scripts/bench/free-text.ts
 *
 * Writes `.bench/results-free-text.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { ItemToken } from 'wink-nlp';
import { replaceIdentifiers } from '../../src/core/audit/identifiers.ts';
import { detectFreeTextPhi } from '../../src/core/detect/free-text/detect.ts';
import type { FreeTextSpan, NameTagger } from '../../src/core/detect/free-text/kinds.ts';
import { compromiseTagger, type Compromise } from '../../src/core/detect/free-text/names.ts';
import { FREE_TEXT_KINDS, makeFreeTextSet, makeHeldOutFreeTextSet, type FreeTextSample } from '../../tests/synthetic/free-text.ts';
import { scoreFreeText, type DetectedSpan, type FreeTextScore } from '../../tests/synthetic/free-text-score.ts';
import { BENCH_DIR, ROOT } from './make-ct-series.ts';

async function bundleSize(entry: string): Promise<{ minified: number; gzipped: number }> {
  const out = await build({ stdin: { contents: entry, resolveDir: ROOT, loader: 'js' }, bundle: true, minify: true, write: false, format: 'esm', platform: 'browser', logLevel: 'silent' });
  const bytes = out.outputFiles[0].contents;
  return { minified: bytes.length, gzipped: gzipSync(bytes).length };
}

async function loadCompromise(): Promise<NameTagger> {
  const mod = await import('compromise');
  return compromiseTagger(mod.default as unknown as Compromise);
}

async function loadWink(): Promise<NameTagger> {
  const { default: winkNLP } = await import('wink-nlp');
  const { default: model } = await import('wink-eng-lite-web-model');
  const nlp = winkNLP(model);
  const its = nlp.its;
  return {
    library: 'wink-nlp',
    names(text: string): FreeTextSpan[] {
      const out: FreeTextSpan[] = [];
      const doc = nlp.readDoc(text);
      // Token offsets: wink keeps each token's preceding white space, so walk the text.
      let at = 0;
      let run: FreeTextSpan | null = null;
      doc.tokens().each((t: ItemToken) => {
        const value = t.out() as string;
        const start = text.indexOf(value, at);
        if (start < 0) return;
        at = start + value.length;
        if (t.out(its.pos) === 'PROPN') {
          if (run && text.slice(run.end, start).trim() === '') run.end = at;
          else {
            run = { kind: 'person', start, end: at };
            out.push(run);
          }
        } else run = null;
      });
      return out;
    },
  };
}

const round = (n: number, d = 3): number => Number(n.toFixed(d));

function measure(samples: readonly FreeTextSample[], detect: (text: string) => DetectedSpan[]): { score: FreeTextScore; msPer1000: number } {
  for (const s of samples.slice(0, 20)) detect(s.text); // warm-up
  const t0 = performance.now();
  const score = scoreFreeText(samples, detect);
  const ms = performance.now() - t0;
  return { score, msPer1000: (ms / samples.length) * 1000 };
}

function summary(score: FreeTextScore): Record<string, { recall: number; precision: number; planted: number }> {
  const out: Record<string, { recall: number; precision: number; planted: number }> = {};
  for (const k of FREE_TEXT_KINDS) out[k] = { recall: round(score.byKind[k].recall), precision: round(score.byKind[k].precision), planted: score.byKind[k].planted };
  out.overall = { recall: round(score.overall.recall), precision: round(score.overall.precision), planted: score.overall.planted };
  return out;
}

let t = performance.now();
const compromise = await loadCompromise();
const compromiseLoadMs = performance.now() - t;
t = performance.now();
const wink = await loadWink();
const winkLoadMs = performance.now() - t;

const sets = { tuned: makeFreeTextSet(), heldOut: makeHeldOutFreeTextSet() };
const configs: Record<string, (text: string) => DetectedSpan[]> = {
  // Today's cleaning: the file's own identifiers. The synthetic header names none of the planted values.
  before: (text) => (replaceIdentifiers(text, []).replaced > 0 ? [{ kind: 'person', start: 0, end: text.length }] : []),
  'patterns only': (text) => detectFreeTextPhi(text, null),
  'patterns + compromise': (text) => detectFreeTextPhi(text, compromise),
  'compromise names only': (text) => compromise.names(text),
  'patterns + wink-nlp': (text) => detectFreeTextPhi(text, wink),
  'wink-nlp names only': (text) => wink.names(text),
};

const results: Record<string, unknown> = {
  libraries: {
    compromise: { loadMs: round(compromiseLoadMs, 0), bundle: await bundleSize("import nlp from 'compromise'; export default nlp;") },
    'wink-nlp + wink-eng-lite-web-model': {
      loadMs: round(winkLoadMs, 0),
      bundle: await bundleSize("import w from 'wink-nlp'; import m from 'wink-eng-lite-web-model'; export default [w, m];"),
    },
  },
};
for (const [setName, samples] of Object.entries(sets)) {
  console.log(`\n${setName} set: ${samples.length} values, ${samples.reduce((n, s) => n + s.planted.length, 0)} planted`);
  console.log(`${'configuration'.padEnd(24)} ${'ms/1000'.padStart(8)}  ${[...FREE_TEXT_KINDS, 'overall'].map((k) => k.slice(0, 12).padStart(12)).join(' ')}   (recall/precision)`);
  const bySet: Record<string, unknown> = {};
  for (const [name, detect] of Object.entries(configs)) {
    const { score, msPer1000 } = measure(samples, detect);
    const s = summary(score);
    bySet[name] = { msPer1000: round(msPer1000, 1), ...s };
    const cells = [...FREE_TEXT_KINDS, 'overall'].map((k) => `${s[k].recall.toFixed(2)}/${s[k].precision.toFixed(2)}`.padStart(12));
    console.log(`${name.padEnd(24)} ${msPer1000.toFixed(0).padStart(8)}  ${cells.join(' ')}`);
  }
  results[setName] = bySet;
}
const libs = results.libraries as Record<string, { loadMs: number; bundle: { minified: number; gzipped: number } }>;
console.log('\nlibrary load (ms) and bundle (minified / gzipped kB):');
for (const [name, l] of Object.entries(libs)) console.log(`  ${name}: ${l.loadMs} ms, ${(l.bundle.minified / 1024).toFixed(0)} / ${(l.bundle.gzipped / 1024).toFixed(0)} kB`);

mkdirSync(BENCH_DIR, { recursive: true });
writeFileSync(path.join(BENCH_DIR, 'results-free-text.json'), `${JSON.stringify(results, null, 2)}\n`);
