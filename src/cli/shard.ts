/**
 * `--shard K/N`: one of N parts of a run, so an archive can be spread over machines by a
 * scheduler (a Kubernetes Indexed Job, a Slurm job array, GNU parallel).
 *
 * K is 1-based (1 ≤ K ≤ N), as people count shards and as `--array=1-N` numbers Slurm tasks;
 * Kubernetes' JOB_COMPLETION_INDEX is 0-based, so a manifest passes $((JOB_COMPLETION_INDEX + 1))
 * (README). An input belongs to shard 1 + (h mod N), h being the first 4 bytes (big-endian) of the
 * SHA-256 of its path as the report names it ("folder/sub/file.dcm", relative to the parent of the
 * folder named on the command line, or "archive.zip/inner/path"). That name is the same on every
 * machine that names the same folder, whatever it is mounted under, so every machine computes the
 * same split without talking to the others — and anyone can check where a file went:
 * `printf %s 'folder/sub/file.dcm' | sha256sum` (the first 8 hex digits, mod N, plus 1).
 *
 * Every shard walks all the inputs and keeps each one's position in the whole walk: references
 * (#0007-…), and so merged reports, are the same as one run over everything would give.
 */
import { createHash } from 'node:crypto';
import { KeyedHash } from '../core/header/keys.ts';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** The largest N: a bound that keeps a typo (--shard 1/10000000000) from passing silently. */
export const MAX_SHARDS = 100_000;

/** Parses "K/N"; throws with a message that says what is wrong. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new Error(`--shard must be K/N (shard K of N, K from 1 to N), not "${text}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw new Error(`--shard ${text}: N must be from 1 to ${MAX_SHARDS}`);
  if (index < 1 || index > count) {
    throw new Error(`--shard ${text}: K must be from 1 to ${count} (shards count from 1; a 0-based index such as Kubernetes' JOB_COMPLETION_INDEX needs +1)`);
  }
  return { index, count };
}

/** The shard (1-based) that the input named `path` belongs to, of `count`. */
export function shardOf(path: string, count: number): number {
  const d = createHash('sha256').update(path, 'utf8').digest();
  return 1 + (d.readUInt32BE(0) % count);
}

/** The folder part of a report path ("a/b/c.dcm" → "a/b"; "archive.zip/x.dcm" → "archive.zip"). */
const folderOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/')));

/**
 * The positions (in the whole run) of the inputs that belong to `shard`, in run order. `by`:
 * 'file' hashes each input's own path; 'folder' hashes the folder it is in, so every file of a
 * folder lands in one shard — what --deface needs, because a head series can only be defaced
 * whole (a series split over shards would be declined by each of them).
 */
export function positionsIn<T extends { path: string }>(inputs: readonly T[], shard: Shard, by: 'file' | 'folder' = 'file'): number[] {
  const picked: number[] = [];
  inputs.forEach((input, i) => {
    const key = by === 'folder' ? folderOf(input.path) : input.path;
    if (shardOf(key, shard.count) === shard.index) picked.push(i);
  });
  return picked;
}

/**
 * A keyed fingerprint of the whole run's input paths: shards of one run over the same inputs with
 * the same passphrase agree on it; anything else (another input tree, another passphrase) does not.
 */
export function inputSetDigest(key: Uint8Array, paths: readonly string[]): string {
  return Buffer.from(new KeyedHash(key).digest('veil/shard-input-set', paths.join('\n')).subarray(0, 8)).toString('hex');
}
