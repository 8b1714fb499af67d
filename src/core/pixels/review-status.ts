/**
 * The pixel status of one image: may burned-in text be left in it, and why. DOM-free; the
 * engine workers compute the facts at load, the app re-assesses them whenever the redaction
 * plan changes, and the engine assesses them again on export (browser and CLI alike), so what
 * the export dialog lists and what the engine refuses to write agree.
 *
 *   clean-by-source  nothing says the image carries text (Burned In Annotation NO or absent on
 *                    a kind of image that rarely does, no template, no text found)
 *   painted          accepted boxes are painted over it
 *   reviewed         a person said "no other burned-in text" (plan.reviewed)
 *   needs-review     none of the above, and one of the reasons below holds
 *
 * An image NEEDS REVIEW when it is neither painted nor reviewed and:
 *   - Burned In Annotation (0028,0301) is YES;
 *   - it is absent or NO on a kind of image that usually carries text: US, SC, XA/RF, ES, OT,
 *     screen captures (Secondary Capture SOP classes, Conversion Type WSD/SYN), and CR/DX/MG
 *     where text was found;
 *   - a device template (CTP) matches it;
 *   - OCR found PHI on it.
 */
import type { Dataset } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { getString } from '../dicom/values.ts';
import { subjectFromDataset, templatesFor } from '../detect/templates.ts';
import type { CompiledPlan, ImageIdentity, RedactionBox } from './plan.ts';

export type PixelStatus = 'clean-by-source' | 'painted' | 'reviewed' | 'needs-review';

/** What the ORIGINAL header says about an image's pixels (computed once, at load). */
export interface PixelFacts {
  hasPixels: boolean;
  /** Burned In Annotation as written (trimmed, upper case), or undefined when absent. */
  burnedInAnnotation?: string;
  modality: string;
  /** Secondary Capture SOP class, or Conversion Type WSD/SYN: a screen or workstation capture. */
  screenCapture: boolean;
  /** A built-in device template (CTP) knows where this device prints patient data. */
  templateMatch: boolean;
}

/** What the plan says about one image: painted, reviewed, what OCR found. */
export interface PixelPlanFacts {
  painted: boolean;
  reviewed: boolean;
  /** OCR read text on it (any box it proposed, whatever became of it). */
  textFound: boolean;
  /** OCR read text it classified as PHI. */
  phiFound: boolean;
}

export interface PixelAssessment {
  status: PixelStatus;
  /** Why the image needs review (also kept when painted or reviewed: what was dealt with). */
  reasons: string[];
}

/** Kinds of image that usually carry burned-in text. */
const TEXT_MODALITIES = new Set(['US', 'IVUS', 'SC', 'XA', 'RF', 'ES', 'OT']);
/** Projection radiography: text (markers, names) is common, so text found decides. */
const TEXT_IF_FOUND = new Set(['CR', 'DX', 'MG', 'PX', 'IO']);
const SECONDARY_CAPTURE_PREFIX = '1.2.840.10008.5.1.4.1.1.7';
const CONVERSION_TYPE = 0x00080064;

export function pixelFacts(ds: Dataset, meta?: Dataset): PixelFacts {
  const sopClass = (getString(ds, T.SOPClassUID) || (meta ? getString(meta, T.MediaStorageSOPClassUID) : '') || '').trim();
  const conversion = (getString(ds, CONVERSION_TYPE) ?? '').trim().toUpperCase();
  const bia = getString(ds, T.BurnedInAnnotation)?.trim().toUpperCase();
  let templateMatch = false;
  const hasPixels = ds.has(T.PixelData);
  if (hasPixels) {
    try {
      templateMatch = templatesFor(subjectFromDataset(ds, meta)).length > 0;
    } catch {
      // A template that cannot be evaluated matches nothing; the other reasons still apply.
    }
  }
  return {
    hasPixels,
    burnedInAnnotation: bia || undefined,
    modality: (getString(ds, T.Modality) ?? '').trim().toUpperCase(),
    screenCapture: sopClass === SECONDARY_CAPTURE_PREFIX || sopClass.startsWith(`${SECONDARY_CAPTURE_PREFIX}.`) || conversion === 'WSD' || conversion === 'SYN',
    templateMatch,
  };
}

/** An OCR box the detector classified as PHI (boxes.ts labels them "PHI: …"). */
export const isPhiOcrBox = (box: RedactionBox): boolean => box.source === 'ocr' && /^PHI\b/.test(box.label ?? '');

/** The plan's view of one image. `painted` counts accepted boxes that reach it. */
export function planFacts(plan: CompiledPlan | undefined, image: ImageIdentity): PixelPlanFacts {
  if (!plan) return { painted: false, reviewed: false, textFound: false, phiFound: false };
  let textFound = false;
  let phiFound = false;
  for (const b of plan.plan.boxes) {
    if (b.source !== 'ocr' || b.scope.kind !== 'instance' || b.scope.sopInstanceUID !== image.sopInstanceUID) continue;
    textFound = true;
    if (isPhiOcrBox(b)) phiFound = true;
  }
  return { painted: plan.boxesFor(image).length > 0, reviewed: plan.isReviewed(image.sopInstanceUID), textFound, phiFound };
}

/** Why an image may hold burned-in text; empty when nothing says so. */
export function reviewReasons(facts: PixelFacts, found: Pick<PixelPlanFacts, 'textFound' | 'phiFound'> = { textFound: false, phiFound: false }): string[] {
  if (!facts.hasPixels) return [];
  const reasons: string[] = [];
  const bia = facts.burnedInAnnotation;
  if (bia === 'YES') reasons.push('Burned In Annotation is YES');
  else {
    const said = bia === 'NO' ? 'NO' : 'absent';
    if (facts.screenCapture) reasons.push(`screen capture (Burned In Annotation ${said})`);
    else if (TEXT_MODALITIES.has(facts.modality)) reasons.push(`${facts.modality} images usually carry text (Burned In Annotation ${said})`);
    else if (TEXT_IF_FOUND.has(facts.modality) && found.textFound) reasons.push(`${facts.modality} with text found (Burned In Annotation ${said})`);
  }
  if (facts.templateMatch) reasons.push('a device template matches');
  if (found.phiFound) reasons.push('OCR found PHI');
  return reasons;
}

export function assessPixels(facts: PixelFacts, plan: PixelPlanFacts): PixelAssessment {
  const reasons = reviewReasons(facts, plan);
  if (facts.hasPixels && plan.painted) return { status: 'painted', reasons };
  if (facts.hasPixels && plan.reviewed) return { status: 'reviewed', reasons };
  return { status: reasons.length ? 'needs-review' : 'clean-by-source', reasons };
}

export const PIXEL_STATUS_LABEL: Readonly<Record<PixelStatus, string>> = {
  'clean-by-source': 'clean by source',
  painted: 'painted',
  reviewed: 'reviewed',
  'needs-review': 'needs review',
};
