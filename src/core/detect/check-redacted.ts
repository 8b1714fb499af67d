/**
 * The check after redaction: a REDACTED output read again, and any text still readable that
 * identifies — one of the original's identifiers, a phone number or an e-mail address — reported
 * by kind, never by value. Any finding blocks that file.
 */
import type { Dataset } from '../dicom/dataset.ts';
import { displayParams } from '../pixels/display.ts';
import { identifierMatches, type OcrIdentifiers } from './identifier-match.ts';
import { findEmails, findPhones } from './free-text/patterns.ts';
import { freeTextKind } from './burned-in-kinds.ts';
import { frameSource, FrameAccessError, type FrameSource } from './frames.ts';
import { boxWithMargin, type Rect } from './lines.ts';
import type { OcrEngine } from './ocr-engine.ts';
import type { DetectSettings } from './detect.ts';
import { readGray } from './read-frame.ts';
import { toGray8 } from './render.ts';
import { sampleFrames } from './sampling.ts';

export interface RedactionCheck {
  /**
   * Text still readable in the output that identifies: one of the ORIGINAL file's identifiers, or
   * a phone number or e-mail address (the free-text detector's patterns, which no overlay
   * resembles). `kinds` names what it is ("patient name part", "free text: phone"), never the text.
   */
  findings: { frame: number; text: string; box: Rect; kinds: string[] }[];
  framesRead: number[];
  skipped?: string;
}

/**
 * Reads a REDACTED output instance again and reports any remaining text that matches the
 * original's identifiers (`ids` from the original header, before de-identification). Any finding
 * is a blocking warning for that file.
 */
export async function checkRedacted(engine: OcrEngine, output: { dataset: Dataset; transferSyntaxUID: string }, ids: OcrIdentifiers, settings: DetectSettings = {}): Promise<RedactionCheck> {
  const check: RedactionCheck = { findings: [], framesRead: [] };
  let source: FrameSource;
  try {
    source = frameSource(output.dataset, output.transferSyntaxUID);
  } catch (e) {
    check.skipped = (e as Error).message;
    return check;
  }
  const params = displayParams(output.dataset);
  try {
    for (const f of sampleFrames(source.frameCount, settings.readEveryFrame)) {
      const lines = await readGray(engine, toGray8(await source.frame(f), params), ids);
      check.framesRead.push(f);
      for (const line of lines) {
        const kinds = new Set(identifierMatches(line.text, ids).map((i) => i.kind));
        // A phone or e-mail the header never named is just as identifying when it was missed.
        // Only these two patterns: the check blocks a file, and cues or tagged names on a
        // noisy re-reading of a painted image would block files for nothing.
        for (const span of [...findPhones(line.text), ...findEmails(line.text)]) kinds.add(freeTextKind(span.kind));
        if (kinds.size) check.findings.push({ frame: f, text: line.text, box: boxWithMargin(line, source.width, source.height), kinds: [...kinds] });
      }
    }
  } catch (e) {
    if (!(e instanceof FrameAccessError)) throw e;
    check.skipped = e.message;
  }
  return check;
}
