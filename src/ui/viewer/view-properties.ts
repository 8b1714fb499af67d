/**
 * Which display properties carry over when the stack is swapped (the preview of the output
 * replaces one image): the window and the inversion a person set. A viewport whose image is
 * still loading reports its VOI range as null; handed back, cornerstone's setVOI reads `lower`
 * of it and throws (it checks for undefined only), so such a range is not carried over.
 */
import type { Types } from '@cornerstonejs/core';

/** A window with both ends known: not the null or NaN range of an image still loading. */
export function usableVoi(voi: Types.VOIRange | null | undefined): voi is Types.VOIRange {
  return voi != null && Number.isFinite(voi.lower) && Number.isFinite(voi.upper);
}

export function carriedProperties(props: { voiRange?: Types.VOIRange | null; invert?: boolean }): { voiRange?: Types.VOIRange; invert?: boolean } {
  const voi = props.voiRange;
  return { ...(usableVoi(voi) ? { voiRange: { lower: voi.lower, upper: voi.upper } } : {}), ...(props.invert !== undefined ? { invert: props.invert } : {}) };
}
