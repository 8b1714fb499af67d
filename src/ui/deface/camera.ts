/**
 * Where the 3-D view's camera sits for a yaw and a pitch, and the skin transfer function: pure
 * functions, so they can be checked without a browser. Patient coordinates are DICOM LPS: the
 * face looks toward −y and the top of the head is +z.
 */
import type { VolumePreview } from '../../workers/deface-protocol.ts';

type Vec3 = [number, number, number];

/** The centre of the volume's box in patient millimetres. */
export function volumeCentre(v: Pick<VolumePreview, 'dims' | 'spacing' | 'origin' | 'direction'>): Vec3 {
  const c: Vec3 = [...v.origin];
  for (let a = 0; a < 3; a++) {
    const half = ((v.dims[a] - 1) * v.spacing[a]) / 2;
    for (let x = 0; x < 3; x++) c[x] += v.direction[3 * a + x] * half;
  }
  return c;
}

/**
 * The camera for a view turned `yawDeg` about the head's vertical axis (positive: toward the
 * patient's left side) and tilted `pitchDeg` (positive: from above), looking at `centre` from far
 * enough to take in `extent` millimetres. Yaw 0 / pitch 0 looks the patient in the face.
 */
export function cameraFor(yawDeg: number, pitchDeg: number, centre: Vec3, extent: number) {
  const yaw = (yawDeg * Math.PI) / 180;
  const pitch = (pitchDeg * Math.PI) / 180;
  // From the focal point toward the camera: anterior (−y) turned by yaw about z, raised by pitch.
  const toCamera: Vec3 = [Math.sin(yaw) * Math.cos(pitch), -Math.cos(yaw) * Math.cos(pitch), Math.sin(pitch)];
  const viewUp: Vec3 = [-Math.sin(yaw) * Math.sin(pitch), Math.cos(yaw) * Math.sin(pitch), Math.cos(pitch)];
  const distance = extent * 3;
  const position: Vec3 = [centre[0] + toCamera[0] * distance, centre[1] + toCamera[1] * distance, centre[2] + toCamera[2] * distance];
  return { focalPoint: centre, position, viewUp, viewPlaneNormal: toCamera, parallelScale: extent * 0.55 };
}

/** A vtk-style preset (cornerstone's VIEWPORT_PRESETS shape) that shows the skin as a lit surface. */
export interface SkinPreset {
  name: string;
  gradientOpacity: string;
  specularPower: string;
  scalarOpacity: string;
  specular: string;
  shade: string;
  ambient: string;
  colorTransfer: string;
  diffuse: string;
  interpolation: string;
}

/** vtk's preset strings: the count of numbers, then the numbers (points of the function). */
const list = (values: number[]): string => `${values.length} ${values.map((v) => +v.toFixed(3)).join(' ')}`;

/**
 * CT: air (−1000 HU) transparent, skin and soft tissue from about −300 HU opaque and skin-toned,
 * bone paler. MR has no fixed scale: the ramp sits at 8–20 % of the volume's value range, above
 * the background noise and below most tissue.
 */
export function skinPreset(v: Pick<VolumePreview, 'modality' | 'range'>): SkinPreset {
  const [lo, hi] = v.modality === 'CT' ? [-1024, 3071] : v.range;
  const at = (f: number) => lo + f * (hi - lo);
  const opacity = v.modality === 'CT' ? [lo, 0, -450, 0, -250, 1, hi, 1] : [lo, 0, at(0.08), 0, at(0.2), 1, hi, 1];
  const skin = [0.87, 0.68, 0.55];
  const bone = [0.96, 0.93, 0.86];
  const colour = v.modality === 'CT'
    ? [lo, ...skin, 150, ...skin, 500, ...bone, hi, ...bone]
    : [lo, ...skin, hi, ...skin];
  return {
    name: `veil-skin-${v.modality}`,
    gradientOpacity: '4 0 1 255 1',
    specularPower: '10',
    scalarOpacity: list(opacity),
    specular: '0.2',
    shade: '1',
    ambient: '0.2',
    colorTransfer: list(colour),
    diffuse: '0.9',
    interpolation: '1',
  };
}
