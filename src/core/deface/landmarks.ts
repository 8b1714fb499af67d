/**
 * Landmarks on the template, template millimetres (LPS), placed on Colin27 (ch2.nii.gz) by
 * reading its slices: eye centres at the middle of each dark vitreous globe (axial z = −39 RAS,
 * radius ~12 mm), nasion at the deepest point of the midline profile between brow and nose, one
 * millimetre inside the skin. The nose tip, lips and chin lie below Colin's field of view (it ends
 * at z = −71 RAS, where the nose still rises past the anterior edge at y = 91): they are placed
 * from adult facial proportions (nasion–pronasale ~50 mm, nasion–stomion ~75 mm, nasion–gnathion
 * ~120 mm, scaled to MNI size), which is why the face region is geometry and reaches beyond the
 * template. Pre-auricular points: MNE-Python's fsaverage fiducials (heads README).
 */
import { fromRas } from './template.ts';
import type { Vec3 } from './affine.ts';

export const LANDMARKS = {
  rightEye: fromRas(-34, 62, -38),
  leftEye: fromRas(34, 62, -38),
  nasion: fromRas(0, 83, -39),
  noseTip: fromRas(0, 104, -72),
  lips: fromRas(0, 95, -112),
  chin: fromRas(0, 88, -150),
  leftPreauricular: fromRas(-80.6, -29.1, -41.3),
  rightPreauricular: fromRas(84.4, -28.5, -41.3),
} satisfies Record<string, Vec3>;

export type LandmarkName = keyof typeof LANDMARKS;

/** Radius of each eye globe, lids and lens included (mm): the region must take all of it. */
export const EYE_RADIUS_MM = 14;
