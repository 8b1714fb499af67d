/**
 * Valid in, valid out, over the whole public corpus (issue 8, item 11): every fixture goes through
 * the real `veil deidentify` (in-process, default profile), then dciodvfy judges each input and its
 * output. An output may not have an error its input did not have (compared by message kind and
 * attribute: values, UIDs and numbers are blanked, see helpers/dciodvfy.ts).
 *
 * Where dciodvfy could not check the input fully — it could not read the whole dataset, or found
 * no IOD for it (no or a private SOP Class UID) — its error list is no baseline: the output, now
 * readable and naming its SOP Class, is checked against the IOD for the first time. For those the
 * test asks less: dciodvfy must read the output wholly, and the file meta must agree with the
 * dataset. The figures are printed for the report.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeidentify } from '../src/cli/deidentify-command.ts';
import { dciodvfyFile, errorCount, newErrors, type Verdict } from './helpers/dciodvfy.ts';
import { fixturesDir } from './helpers/fixtures.ts';

interface Pair {
  input: string;
  before: Verdict;
  after: Verdict;
  fresh: string[];
  /** dciodvfy checked the input against its IOD, all of it. */
  baseline: boolean;
}

const NO_BASELINE = /Information Object Not found/;

let dir: string;
const pairs: Pair[] = [];

describe('dciodvfy over the public corpus: no new errors in any output', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'veil-dciodvfy-corpus-'));
    const out = join(dir, 'out');
    const origLog = console.log;
    console.log = () => {};
    try {
      await runDeidentify({ inputs: [fixturesDir], out, mappingPath: join(dir, 'mapping.csv'), passphrase: 'dciodvfy-corpus', quiet: true });
    } finally {
      console.log = origLog;
    }
    // The operator's report (beside the output) has each row's input path.
    const report = JSON.parse(readFileSync(`${out}-operator-report.json`, 'utf8')) as { files: { input: string; path: string; status: string; output?: string }[] };
    for (const f of report.files) {
      if (f.status !== 'written' || !f.output) continue;
      const input = f.path.replace(/^[^/]+\//, '');
      const before = dciodvfyFile(join(fixturesDir, input));
      const after = dciodvfyFile(join(out, f.output));
      const baseline = !before.unreadable && ![...before.errors.keys()].some((l) => NO_BASELINE.test(l));
      pairs.push({ input, before, after, fresh: newErrors(before, after), baseline });
    }
    const checked = pairs.filter((p) => p.baseline);
    const sum = (list: Pair[], f: (p: Pair) => number): number => list.reduce((n, p) => n + f(p), 0);
    console.log(
      `dciodvfy corpus: ${pairs.length} files written; ${checked.length} with a full baseline: ` +
        `errors in ${sum(checked, (p) => errorCount(p.before))}, errors out ${sum(checked, (p) => errorCount(p.after))}, ` +
        `new errors ${sum(checked, (p) => p.fresh.length)}; ${pairs.length - checked.length} input(s) dciodvfy could not check fully ` +
        `(new lines there, checked against the IOD for the first time: ${sum(pairs.filter((p) => !p.baseline), (p) => p.fresh.length)})`,
    );
  }, 240_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the corpus and judges most of it against a full baseline', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(140);
    expect(pairs.filter((p) => p.baseline).length).toBeGreaterThanOrEqual(110);
  });

  it('adds no dciodvfy error to any output whose input dciodvfy checked fully', () => {
    const found = pairs.filter((p) => p.baseline && p.fresh.length > 0).map((p) => `${p.input}:\n  ${p.fresh.join('\n  ')}`);
    expect(found).toEqual([]);
  });

  it('writes every output so that dciodvfy reads it wholly (where it could read the input), with file meta that agrees with the dataset', () => {
    // dciodvfy does not know the newest transfer syntaxes (HTJ2K, JPEG XL, Deflated Image Frame):
    // it cannot read those inputs either.
    const unreadable = pairs.filter((p) => p.after.unreadable && !p.before.unreadable).map((p) => p.input);
    expect(unreadable).toEqual([]);
    const disagree = pairs
      .flatMap((p) => p.fresh.filter((l) => /MediaStorage/.test(l)).map((l) => `${p.input}: ${l}`));
    expect(disagree).toEqual([]);
  });
});
