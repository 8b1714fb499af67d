/**
 * The after-redaction OCR check, decided the same way in both hosts. Where burned-in text
 * detection ran, every output it covers is judged before it is written:
 *
 *   - an image whose text could not be read before redaction: not written (nothing is known);
 *   - an input detection was given but could not parse: not written;
 *   - an image that was read (not a sampled-out one, which took its boxes from images of its
 *     series that were read): its output is read again, and identifiers of the ORIGINAL still
 *     readable — or an output that cannot be read again — block it;
 *   - inputs detection was not given (non-images in the app, files loaded afterwards): passed.
 *
 * The reading itself is the host's (`reread`): tesseract in Node, or in the app's OCR worker.
 */
import type { OcrIdentifiers } from '../detect/identifier-match.ts';
import type { RedactionCheck } from '../detect/check-redacted.ts';
import { checkWarning } from '../detect/pipeline.ts';

/** What detection found, by input path (PlannedDetection, or its structured-clone form). */
export interface OcrFindings {
  identifiers: ReadonlyMap<string, OcrIdentifiers>;
  /** Inputs whose pixels were read. */
  read: ReadonlySet<string>;
  /** Images whose text could not be read, with why. */
  failed: ReadonlyMap<string, string>;
  /** The inputs detection was given; absent: every input of the run. */
  covered?: ReadonlySet<string>;
}

/** undefined: passes; otherwise a "BLOCKING: …" refusal. */
export async function afterRedaction(
  findings: OcrFindings,
  path: string,
  reread: (ids: OcrIdentifiers) => Promise<RedactionCheck>,
): Promise<string | undefined> {
  if (findings.covered && !findings.covered.has(path)) return undefined;
  const before = findings.failed.get(path);
  if (before !== undefined) return `BLOCKING: burned-in text could not be checked: ${before}`;
  const ids = findings.identifiers.get(path);
  if (!ids) return 'BLOCKING: burned-in text could not be checked: the OCR step could not read the file';
  if (!findings.read.has(path)) return undefined;
  try {
    return checkWarning(await reread(ids));
  } catch (e) {
    return `BLOCKING: burned-in text could not be checked after redaction: ${(e as Error).message}`;
  }
}
