import { describe, expect, it } from 'vitest';
import { comparePaths, fromEntries, sortByPath, type EntryLike } from './collect.ts';

function file(name: string): EntryLike {
  return { name, isFile: true, isDirectory: false, file: (ok: (f: File) => void) => ok(new File(['x'], name)) } as EntryLike;
}
function dir(name: string, children: EntryLike[]): EntryLike {
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader() {
      // Two batches then an empty one, as Chromium hands out entries.
      const batches = [children.slice(0, 1), children.slice(1), []];
      return { readEntries: (ok: (e: EntryLike[]) => void) => ok(batches.shift() ?? []) };
    },
  } as EntryLike;
}

describe('dropped entries', () => {
  it('walks folders recursively in sorted order, named like the CLI', async () => {
    const tree = dir('study', [file('b.dcm'), dir('series', [file('2.dcm'), file('1.dcm')]), file('a.dcm')]);
    const r = await fromEntries([tree, file('loose.dcm')]);
    expect(r.inputs.map((i) => i.path)).toEqual(['study/a.dcm', 'study/b.dcm', 'study/series/1.dcm', 'study/series/2.dcm', 'loose.dcm']);
    expect(r.problems).toEqual([]);
  });

  it('lists entries it cannot read instead of dropping them', async () => {
    const broken = { name: 'gone.dcm', isFile: true, isDirectory: false, file: (_ok: unknown, fail: (e: Error) => void) => fail(new Error('vanished')) } as unknown as EntryLike;
    const r = await fromEntries([broken]);
    expect(r.problems).toEqual([{ path: 'gone.dcm', reason: 'could not be read: vanished' }]);
  });

  it('orders paths as a sorted walk does', () => {
    const paths = ['f/b/x', 'f/a', 'f/b-c', 'f/ab'];
    expect([...paths].sort(comparePaths)).toEqual(['f/a', 'f/ab', 'f/b/x', 'f/b-c']);
  });

  it('sorts picked files in the order comparePaths gives', () => {
    const paths = ['s/B.dcm', 's/a/2.dcm', 's/a.dcm', 'r/z', 's/a/10.dcm', 's/ä.dcm', 'f/b-c', 'f/b/x'];
    expect(sortByPath(paths.map((path) => ({ path }))).map((p) => p.path)).toEqual([...paths].sort(comparePaths));
  });
});
