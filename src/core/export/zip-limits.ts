/**
 * What Veil agrees to unpack from an input zip, for both hosts (the browser's zip-input and the
 * CLI's inputs read zips through the same reader, src/workers/zip-input.ts, which asks here).
 *
 * A zip is read from its central directory, one record per input (two records with one name
 * are two inputs). Before an entry is inflated its declared sizes are checked; while it is
 * inflated the reader stops at the declared size (zip.js refuses more), and `InflateBudget`
 * counts again, so a zip bomb is refused with its reason and memory never holds more than one
 * entry's allowed size:
 *  - an entry larger than `maxEntryBytes` (the zip writer's own limit: one entry under 4 GiB);
 *  - an entry that expands more than `maxRatio` times its compressed size, once past
 *    `ratioFreeBytes` (small, very compressible files — a blank synthetic image — stay readable);
 *  - entries whose compressed data overlap (the construction of "overlapping" zip bombs, where
 *    thousands of records point at one compressed kernel);
 *  - zips nested deeper than `maxDepth` (the construction of recursive zip bombs).
 */

export interface ZipLimits {
  /** Largest uncompressed entry read, in bytes. */
  maxEntryBytes: number;
  /** Largest uncompressed / compressed ratio accepted past `ratioFreeBytes`. */
  maxRatio: number;
  /** Entries up to this uncompressed size are read whatever their ratio. */
  ratioFreeBytes: number;
  /** Zips opened inside the zip given: 1 opens a zip inside it, not a zip inside that one. */
  maxDepth: number;
}

export const ZIP_LIMITS: ZipLimits = {
  maxEntryBytes: 0xffffffff - 1,
  maxRatio: 200,
  ratioFreeBytes: 64 * 1024 * 1024,
  maxDepth: 2,
};

/** What the central directory says about one entry. */
export interface ZipEntryFacts {
  encrypted: boolean;
  /** 0 stored, 8 deflated; anything else cannot be unpacked. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
}

const MiB = (n: number): string => `${(n / (1024 * 1024)).toFixed(n < 1024 * 1024 ? 2 : 0)} MiB`;

/** Refused as a zip bomb; the message is the reason the report gives. */
export class ZipBombError extends Error {
  readonly zipBomb = true;
}

/** Why an entry is not read, or undefined when it may be. */
export function entryProblem(e: ZipEntryFacts, limits: ZipLimits = ZIP_LIMITS): string | undefined {
  if (e.encrypted) return 'encrypted zip entry: it cannot be read without the password (unpack it yourself and add the files)';
  if (e.method !== 0 && e.method !== 8) return `zip entry uses compression method ${e.method}, which Veil cannot unpack (only stored and deflated)`;
  if (e.method === 0 && e.compressedSize !== e.uncompressedSize) return 'damaged zip entry: stored, but its two sizes differ';
  return bombProblem(e.uncompressedSize, e.compressedSize, limits);
}

function bombProblem(size: number, compressed: number, limits: ZipLimits): string | undefined {
  if (size > limits.maxEntryBytes) return `zip bomb refused: the entry would expand to ${MiB(size)}, over the ${MiB(limits.maxEntryBytes)} allowed for one file`;
  if (size > limits.ratioFreeBytes && size > compressed * limits.maxRatio) {
    return `zip bomb refused: the entry would expand ${Math.round(size / Math.max(1, compressed))} times (${MiB(compressed)} to ${MiB(size)}), over the ${limits.maxRatio}× allowed`;
  }
  return undefined;
}

/** Why a zip found at nesting `depth` (1 = inside the zip given) is not opened, or undefined. */
export function nestingProblem(depth: number, limits: ZipLimits = ZIP_LIMITS): string | undefined {
  if (depth <= limits.maxDepth) return undefined;
  return `zip inside a zip nested more than ${limits.maxDepth} level(s) deep: not opened (the construction of recursive zip bombs); unpack it yourself`;
}

/**
 * The entries (by index) whose compressed data share bytes with another entry's. A record's data
 * starts at least 30 bytes (the local header) after its offset, so [offset, offset + 30 +
 * compressed size) is the least it covers; two such ranges that meet overlap.
 */
export function overlappingEntries(entries: readonly { offset: number; compressedSize: number }[]): Set<number> {
  const order = entries.map((_, i) => i).sort((a, b) => entries[a].offset - entries[b].offset);
  const overlapping = new Set<number>();
  let reach = -1;
  let reachOwner = -1;
  for (const i of order) {
    const { offset, compressedSize } = entries[i];
    if (offset < reach) {
      overlapping.add(i);
      overlapping.add(reachOwner);
    }
    const end = offset + 30 + compressedSize;
    if (end > reach) {
      reach = end;
      reachOwner = i;
    }
  }
  return overlapping;
}

export const OVERLAP_PROBLEM = 'zip bomb refused: this entry shares its compressed bytes with another entry of the zip';

/**
 * Counts an entry's bytes as they are inflated and stops the stream when they pass what the
 * entry declared or what the limits allow: whatever the headers claim, no more is ever held.
 */
export class InflateBudget {
  private seen = 0;
  private readonly allowed: number;

  constructor(
    private readonly declared: number,
    private readonly compressed: number,
    private readonly limits: ZipLimits = ZIP_LIMITS,
  ) {
    this.allowed = Math.min(declared, limits.maxEntryBytes);
  }

  /** Bytes counted so far. */
  get bytes(): number {
    return this.seen;
  }

  /** Counts `n` more bytes; throws ZipBombError past the budget. */
  take(n: number): void {
    this.seen += n;
    if (this.seen > this.allowed) {
      throw new ZipBombError(
        this.seen > this.declared
          ? `zip bomb refused: the entry inflates to more than the ${this.declared} bytes its header declares`
          : (bombProblem(this.seen, this.compressed, this.limits) ?? 'zip bomb refused: the entry is larger than allowed'),
      );
    }
  }

  /** At the end of the stream: the entry must hold what it declared (a short one is damaged). */
  finish(): void {
    if (this.seen !== this.declared) throw new Error(`damaged zip entry: it inflates to ${this.seen} bytes, not the ${this.declared} its header declares`);
  }
}
