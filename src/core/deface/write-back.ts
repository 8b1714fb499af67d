/**
 * What the de-identification of ONE file is told about its series' defacing, and what the file's
 * outcome then records. The pixels themselves are written by the redaction path
 * (pixels/redact.ts, `patches`); this module holds the per-file decision and its words, so both
 * hosts (CLI, app worker) hand files the same instruction and get the same report rows.
 *
 * - defaced: the series was defaced; the file gets its patches (possibly none: a slice above the
 *   face is unchanged but belongs to a defaced series), Recognizable Visual Features NO and the
 *   Clean Recognizable Visual Features Option (113102) in its method codes.
 * - declined: the series was to be defaced but could not be. Hosts do not write such files unless
 *   the user allowed it (--deface-optional); then the file is written unchanged in its pixels, with
 *   a warning, and Recognizable Visual Features stays as the profile leaves it.
 * - skipped: not a head CT/MR series; written as usual, the report says defacing did not apply.
 */
import { CLEAN_RECOGNIZABLE_VISUAL_FEATURES_CODE } from '../profile/method-codes.generated.ts';
import type { DefaceRecord, RejectedOutcome } from '../outcome.ts';
import type { DefaceMode, FramePatch } from './types.ts';

export type DefaceInstruction =
  | { status: 'defaced'; mode: DefaceMode; patches: readonly FramePatch[]; faceCheckOverridden?: boolean }
  | { status: 'declined'; mode: DefaceMode; reason: string }
  | { status: 'skipped'; reason: string };

/** CID 7050 code value of the Clean Recognizable Visual Features Option. */
export const CLEAN_RECOGNIZABLE_VISUAL_FEATURES = CLEAN_RECOGNIZABLE_VISUAL_FEATURES_CODE.codeValue;

/** The reason a series that is not a head CT/MR is written without defacing. */
export const NOT_A_HEAD_SERIES = 'skipped defacing: not a head CT/MR series';

/** The report's record for a file that was written under this instruction. */
export function writtenRecord(instruction: DefaceInstruction, changedPixels: number): DefaceRecord {
  switch (instruction.status) {
    case 'defaced':
      return { status: 'defaced', mode: instruction.mode, changedPixels, ...(instruction.faceCheckOverridden ? { faceCheckOverridden: true } : {}) };
    case 'declined':
      return { status: 'declined', mode: instruction.mode, reason: instruction.reason, writtenWithoutDefacing: true };
    case 'skipped':
      return { status: 'skipped', reason: instruction.reason };
  }
}

/** The warning a file of a declined series carries when it is written all the same. */
export function declinedWarning(reason: string): string {
  return `defacing declined (${reason}): written WITHOUT defacing at the user's explicit choice (--deface-optional, or the app's Keep the face / Export anyway); the face is still in the images`;
}

/**
 * The outcome of a file of a declined series that is not written (the default: fail closed).
 * `reason` is the engine's one sentence.
 */
export function declinedOutcome(path: string, mode: DefaceMode, reason: string): RejectedOutcome {
  return {
    status: 'failed',
    input: path,
    reason: `not written: defacing declined: ${reason}`,
    warnings: [],
    deface: { status: 'declined', mode, reason },
  };
}
