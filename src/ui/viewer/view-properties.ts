/**
 * Which display properties carry over when the stack is swapped (the preview of the output
 * replaces one image): the window and the inversion a person set. A viewport whose image is
 * still loading reports its VOI range as null; handed back, cornerstone's setVOI reads `lower`
 * of it and throws (it checks for undefined only), so such a range is not carried over.
 */
export interface VoiRange {
  lower: number;
  upper: number;
}

export function carriedProperties(props: { voiRange?: VoiRange | null; invert?: boolean }): { voiRange?: VoiRange; invert?: boolean } {
  const voi = props.voiRange;
  const usable = voi != null && Number.isFinite(voi.lower) && Number.isFinite(voi.upper);
  return { ...(usable ? { voiRange: { lower: voi.lower, upper: voi.upper } } : {}), ...(props.invert !== undefined ? { invert: props.invert } : {}) };
}
