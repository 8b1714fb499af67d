/**
 * Which UID values name a kind of thing (kept) and which name an instance (mapped).
 *
 * By attribute first: SOP Class, Transfer Syntax, Coding Scheme, Context, Mapping Resource and
 * Implementation Class UIDs (the generated list, taken from the data dictionary by keyword) are
 * kept whatever root they use, private and 2.25 classes included — change one and the object
 * changes class, and its file meta no longer matches. Attributes Table E.1-1 names are instance
 * UIDs, always mapped (the profile decides those).
 *
 * By value for the remaining UI attributes: a registry UID (PS3.6 Annex A: well-known frames of
 * reference, colour palettes, context groups…) names nothing about a patient and is kept; any other
 * value is mapped, including an instance UID a device minted under the DICOM root.
 */
import { CLASS_UID_TAGS } from '../dicom/class-uids.generated.ts';

export const isClassUidAttribute = (tag: number): boolean => CLASS_UID_TAGS.has(tag);

/**
 * The PS3.6 UID registry (Table A-1) is not among the standard files this project is built from
 * (../shared/standard holds the data dictionary, not the UID registry), so membership is judged by
 * the registry's shape: the DICOM root, then at most ten components of at most four digits (the
 * largest registered components are context group numbers, 6.1.1xxx, and the deepest UIDs are
 * SOP classes such as 5.1.4.1.1.77.1.5.1). UIDs minted for instances carry dates, serial numbers or
 * counters, whose longer components fail this test, so they are mapped. A short, registry-shaped
 * UID that the registry does not actually hold is kept: the one gap of not having the registry.
 */
const REGISTRY_SHAPE = /^1\.2\.840\.10008(?:\.(?:0|[1-9]\d{0,3})){1,10}$/;

export const looksLikeRegistryUid = (uid: string): boolean => REGISTRY_SHAPE.test(uid.replace(/[\0 ]+$/, '').trim());
