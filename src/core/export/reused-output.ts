/**
 * De-identify once. Load already de-identifies every file (to show what export will do); when
 * it does so under exactly the options the export will use, its output header and outcome are
 * the export's, byte for byte: the engine is deterministic in (options, input bytes, path).
 * So load keeps, next to the reused pixel range (reused-pixels.ts), the new header bytes, the
 * outcome, the output's CRC and the mapping records, under a key made from those options;
 * export sends them as they are when its own key is the same, and de-identifies again otherwise.
 *
 * The key fails closed: it is a keyed digest of the whole options object, every field of it,
 * recursively (a field nobody here knows of changes it too), so no setting can be missed.
 */
import type { MappingSnapshot } from './mapping.ts';
import type { ReportedOutcome } from '../outcome.ts';
import { KeyedHash } from '../header/keys.ts';
import { crc32, crc32Combine } from './crc32.ts';
import { joinParts } from '../dicom/writer.ts';
import type { OutputPiece, ReusedPixels } from './reused-pixels.ts';

/**
 * One canonical text for a plain-data value: object keys sorted, undefined fields left out
 * (the engine reads them as absent), typed arrays as their type and bytes in hex, Maps and Sets
 * as their entries. Anything else — a function, a class instance with hidden state — cannot be
 * keyed, and throws.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot key the number ${value}`);
    return JSON.stringify(value);
  }
  if (ArrayBuffer.isView(value)) {
    // Any typed array (the session key, defacing patches): its type and its bytes.
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    let hex = '';
    for (const b of bytes) hex += b.toString(16).padStart(2, '0');
    return `{"$${value.constructor.name}":"${hex}"}`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value instanceof Map) return `{"$map":${canonicalJson([...value.entries()])}}`;
  if (value instanceof Set) return `{"$set":${canonicalJson([...value.values()])}}`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const fields = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${fields.join(',')}}`;
  }
  throw new Error(`cannot key a ${typeof value === 'object' ? (value as object).constructor?.name ?? 'object' : typeof value}`);
}

/**
 * The key of one file's de-identification: a digest, keyed with the session key, of the
 * options (without the key itself, which keys the digest: another key gives another digest)
 * and the input path (the engine writes it in the outcome and may make a UID from it).
 */
export function optionsKey(sessionKey: Uint8Array, options: unknown, path: string): string {
  return new KeyedHash(sessionKey).code('export-options', `${canonicalJson(options)}\u0000${path}`, 32);
}

/** What load keeps of one file's de-identified output (with its ReusedPixels). */
export interface ReusedOutput {
  /** optionsKey of the options load de-identified it under. */
  key: string;
  /** The output's bytes before the pixel value, and after it (new bytes: the header, the trailer). */
  before: Uint8Array;
  after: Uint8Array;
  /** CRC-32 of the whole output. */
  crc: number;
  outcome: ReportedOutcome;
  /** Pseudonymize mode: what this file adds to the re-identification mapping. */
  mapping?: MappingSnapshot;
}

/** The parts in a buffer of their own (joinParts hands back a lone part itself, which may be a view of shared bytes). */
const ownCopy = (parts: readonly Uint8Array[]): Uint8Array => (parts.length === 1 ? parts[0].slice() : joinParts(parts));

/**
 * At load: the output to keep, given the engine's output `parts` for `input` and what
 * findReusedPixels kept. Only an output made of new bytes around the one untouched pixel view
 * qualifies; the new bytes are copied (they may share a buffer with other values).
 */
export function keepOutput(
  input: Uint8Array,
  reused: ReusedPixels,
  parts: readonly Uint8Array[],
  facts: Pick<ReusedOutput, 'key' | 'outcome' | 'mapping'>,
): ReusedOutput | undefined {
  const at = parts.findIndex((p) => p.buffer === input.buffer);
  if (at < 0) return undefined;
  const pixels = parts[at];
  const start = pixels.byteOffset - input.byteOffset;
  if (start !== reused.start || start + pixels.length !== reused.end) return undefined;
  if (parts.some((p, i) => i !== at && p.buffer === input.buffer)) return undefined;
  const before = ownCopy(parts.slice(0, at));
  const after = ownCopy(parts.slice(at + 1));
  const crc = crc32(after, crc32Combine(crc32(before), reused.crc, reused.end - reused.start));
  return { ...facts, before, after, crc: crc >>> 0 };
}

/** At export: the pieces of a kept output (the pixel value a range of the input file). */
export function keptPieces(output: ReusedOutput, reused: ReusedPixels): OutputPiece[] {
  const pieces: OutputPiece[] = [];
  if (output.before.length) pieces.push(output.before);
  pieces.push({ start: reused.start, end: reused.end });
  if (output.after.length) pieces.push(output.after);
  return pieces;
}
