/**
 * Neutral references for the report that travels with the data.
 *
 * Input paths name patients (PACS exports are filed as "DOE^JOHN_12345_19600101/…") and original
 * UIDs link the output back to the hospital's archive, so neither may reach the output. Each
 * input is named instead by its position in the run and a keyed hash of its path:
 * `#0007-3f9a2c1b`. The position is what a person reads; the hash (HMAC-SHA256 under the session
 * key, so nobody without the key can test a guessed path against it) lets the operator, who holds
 * the operator's report with the paths, confirm that a row belongs to a file. The same passphrase
 * and the same relative paths give the same references in the CLI and the app.
 */
import { KeyedHash } from '../header/keys.ts';

const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/** The reference of the input at `index` (0-based) with path `path`. */
export function inputRef(hash: KeyedHash, index: number, path: string): string {
  return `#${String(index + 1).padStart(4, '0')}-${hex(hash.digest('veil/input-ref', path).subarray(0, 4))}`;
}

/**
 * UID-shaped tokens: four or more numeric components. The standard's own UIDs (transfer syntaxes,
 * SOP classes: root 1.2.840.10008) say nothing about a patient and stay readable.
 */
const UID_TOKEN = /(?<![\d.])[0-2](?:\.\d+){3,}(?![\d.])/g;
const STANDARD_ROOT = '1.2.840.10008.';

/** Replaces every non-standard UID in a message with "<UID>". */
export function withoutUids(text: string): string {
  return text.replace(UID_TOKEN, (uid) => (uid.startsWith(STANDARD_ROOT) ? uid : '<UID>'));
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `word` as a whole token: not inside a longer run of letters and digits. */
const token = (word: string): RegExp => new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(word)}(?![A-Za-z0-9])`, 'g');

/**
 * Replaces one input's own path in a message about it with `ref`, as a whole token. The engine's
 * messages never quote the path; the hosts' do (Node's "ENOENT: … open '/exports/DOE^JOHN/1.dcm'"
 * ends in the path as given). Folder and file names alone are not replaced: a folder named
 * "odd" or a file named "DICOMDIR" would eat the words of every message about it.
 */
export function withoutPath(text: string, path: string, ref: string): string {
  return path.length < 3 ? text : text.replace(token(path), ref);
}

/** A message fit for the output: no path of this input, no original UID. */
export function neutralMessage(text: string, path: string, ref: string): string {
  return withoutUids(withoutPath(text, path, ref));
}
