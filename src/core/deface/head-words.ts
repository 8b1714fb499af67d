/**
 * What a series says about itself in words (Body Part Examined and the descriptions), read the same
 * way by the engine's head test (volume.ts) and by the run's series plan (series-plan.ts), so the
 * two never disagree about which words name a head.
 */
import type { Dataset } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { getString } from '../dicom/values.ts';

/** Words that say a series shows a head (any language Veil's users write descriptions in). */
const HEAD_WORDS = /\b(HEAD|BRAIN|SKULL|CRAN|NEURO|CEREBR|FACE|ORBIT|SINUS|KOPF|SCHAEDEL|SCHÄDEL|CRANE|TETE|TÊTE|CABEZA|CRANEO|CRÁNEO)/;
/** MR sequence names that are usually, not always, a head: enough to offer defacing, not a claim. */
const HEAD_SEQUENCE_WORDS = /\b(T1|T2|FLAIR|MPRAGE)/;
/** Words that say a series shows some other part of the body. */
const OTHER_BODY_WORDS = /\b(CHEST|THORAX|ABDOMEN|PELVIS|KNEE|SPINE|LUNG|LIVER|HEART|CARDIAC|BREAST|ANKLE|HIP|SHOULDER)\b/;

/** Body part and descriptions, upper-cased and joined. */
export function seriesWords(ds: Dataset): string {
  return [T.BodyPartExamined, T.SeriesDescription, T.ProtocolName, T.StudyDescription].map((t) => getString(ds, t) ?? '').join(' ').toUpperCase();
}

/** Does the series say, in its own words, that it shows a head? */
export function describedAsHead(ds: Dataset): boolean {
  return HEAD_WORDS.test(seriesWords(ds));
}

/** Head words or a head MR sequence name: offer defacing without a size check to argue. */
export function suggestsHead(words: string): boolean {
  return HEAD_WORDS.test(words) || HEAD_SEQUENCE_WORDS.test(words);
}

/** Does the text name another part of the body? */
export function namesOtherBodyPart(words: string): boolean {
  return OTHER_BODY_WORDS.test(words);
}
