/** Modalities whose series may be head volumes (isHeadSeries decides): one list for the page and the workers. */
export const HEAD_MODALITIES: ReadonlySet<string> = new Set(['CT', 'MR']);
