/** Modalities whose series may be head volumes (isHeadSeries decides): one list for the engine, the page and the workers. */
export type HeadModality = 'CT' | 'MR';
export const HEAD_MODALITIES: ReadonlySet<string> = new Set<HeadModality>(['CT', 'MR']);
export const isHeadModality = (modality: string): modality is HeadModality => HEAD_MODALITIES.has(modality);
