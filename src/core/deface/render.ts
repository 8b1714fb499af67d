/**
 * Offscreen skin-surface rendering of a head volume, for the automatic face check (and for
 * before/after thumbnails). An orthographic ray caster: every pixel casts one ray into the
 * volume, stops at the first point whose trilinear value reaches the skin threshold, and is
 * shaded by a head-light Lambert term on the gradient normal there. That is what a person (or a
 * face-recognition system) sees of a head in a surface rendering, and what a face detector is
 * asked about.
 *
 * Orientation comes from the volume's indexToPatient (LPS): the front view looks from anterior
 * (−y) toward posterior with the patient's superior (+z) up and the patient's left (+x) on the
 * image's right, as when facing someone.
 *
 * DOM- and Node-free: plain typed arrays in, RGB bytes out.
 */
import { valueRange } from './preview.ts';
import type { Volume } from './types.ts';

export type Vec3 = [number, number, number];

/** A viewing direction: yaw about the patient's vertical axis, pitch about the left–right axis. */
export interface RenderView {
  /** Degrees; positive moves the camera toward the patient's left. */
  yawDeg: number;
  /** Degrees; positive moves the camera above the face, looking down. */
  pitchDeg: number;
}

/** Where the camera looks and how much it shows; computed once per head, shared by every view. */
export interface SkinFraming {
  /** Patient millimetres at the centre of every image (the views rotate about it). */
  centre: Vec3;
  /** Width and height of the square field of view, millimetres. */
  fieldMm: number;
  /** Modality value at which a ray meets the skin. */
  threshold: number;
}

export interface RenderedImage {
  /** RGB, 3 bytes per pixel, rows top (superior) to bottom. */
  rgb: Uint8Array;
  width: number;
  height: number;
}

/** CT: between air (−1000 HU) and fat (about −100 HU); low enough that thin skin over bone is not lost. */
export const CT_SKIN_HU = -300;

/** Histogram bins for the MR threshold. */
const HISTOGRAM_BINS = 256;

/**
 * The value at which rays meet the skin. CT: a fixed Hounsfield value. MR has no absolute scale,
 * so the threshold is derived from the volume: halfway between the background's mean and Otsu's
 * split between background and tissue, because skin and subcutaneous fat at the surface are
 * darker than the tissue the split is pulled toward, and a surface taken at the full split would
 * erode the nose and lips.
 */
export function skinThreshold(volume: Volume): number {
  if (volume.modality === 'CT') return CT_SKIN_HU;
  const { split, meanBelow } = otsu(volume.data);
  return (meanBelow + split) / 2;
}

/** Otsu's threshold (maximum between-class variance) over a value histogram. */
export function otsuThreshold(data: Float32Array): number {
  return otsu(data).split;
}

/** Otsu's split, and the mean value of the class below it (the background). */
function otsu(data: Float32Array): { split: number; meanBelow: number } {
  const [min, max] = valueRange(data);
  if (!(max > min)) return { split: min, meanBelow: min };
  const histogram = new Float64Array(HISTOGRAM_BINS);
  const scale = (HISTOGRAM_BINS - 1) / (max - min);
  for (let n = 0; n < data.length; n++) histogram[Math.round((data[n] - min) * scale)]++;
  let total = 0;
  let sumAll = 0;
  for (let b = 0; b < HISTOGRAM_BINS; b++) {
    total += histogram[b];
    sumAll += b * histogram[b];
  }
  let weightBelow = 0;
  let sumBelow = 0;
  let bestVariance = -1;
  let bestBin = 0;
  let bestMeanBelow = 0;
  for (let b = 0; b < HISTOGRAM_BINS - 1; b++) {
    weightBelow += histogram[b];
    sumBelow += b * histogram[b];
    const weightAbove = total - weightBelow;
    if (weightBelow === 0 || weightAbove === 0) continue;
    const meanBelow = sumBelow / weightBelow;
    const meanAbove = (sumAll - sumBelow) / weightAbove;
    const variance = weightBelow * weightAbove * (meanBelow - meanAbove) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      bestBin = b;
      bestMeanBelow = meanBelow;
    }
  }
  // The split lies between bin b and b + 1.
  return { split: min + (bestBin + 0.5) / scale, meanBelow: min + bestMeanBelow / scale };
}

/** The affine map patient → index, and its linear part, from the volume's indexToPatient. */
interface Geometry {
  /** Row-major 3×3 linear part of patient → index. */
  inverseLinear: Float64Array;
  /** Translation of patient → index. */
  inverseOffset: Vec3;
  dims: [number, number, number];
}

function geometryOf(volume: Volume): Geometry {
  const m = volume.indexToPatient;
  const a = m[0], b = m[1], c = m[2];
  const d = m[4], e = m[5], f = m[6];
  const g = m[8], h = m[9], i = m[10];
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error('render: the volume geometry is singular (indexToPatient has no inverse)');
  const inv = new Float64Array([
    (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
    (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
    (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det,
  ]);
  const tx = m[3], ty = m[7], tz = m[11];
  const inverseOffset: Vec3 = [
    -(inv[0] * tx + inv[1] * ty + inv[2] * tz),
    -(inv[3] * tx + inv[4] * ty + inv[5] * tz),
    -(inv[6] * tx + inv[7] * ty + inv[8] * tz),
  ];
  return { inverseLinear: inv, inverseOffset, dims: volume.dims };
}

/** Patient millimetres of voxel index (i, j, k). */
export function indexToPatientPoint(volume: Volume, i: number, j: number, k: number): Vec3 {
  const m = volume.indexToPatient;
  return [
    m[0] * i + m[1] * j + m[2] * k + m[3],
    m[4] * i + m[5] * j + m[6] * k + m[7],
    m[8] * i + m[9] * j + m[10] * k + m[11],
  ];
}

/** The camera's unit vectors for a view: ray direction (into the scene), image right, image up. */
export function cameraBasis(view: RenderView): { direction: Vec3; right: Vec3; up: Vec3 } {
  const yaw = (view.yawDeg * Math.PI) / 180;
  const pitch = (view.pitchDeg * Math.PI) / 180;
  // From the centre toward the camera: anterior (−y), turned toward +x by yaw, raised by pitch.
  const toCamera: Vec3 = [Math.sin(yaw) * Math.cos(pitch), -Math.cos(yaw) * Math.cos(pitch), Math.sin(pitch)];
  const direction: Vec3 = [-toCamera[0], -toCamera[1], -toCamera[2]];
  const right = normalise(cross(direction, [0, 0, 1]));
  const up = cross(right, direction);
  return { direction, right, up };
}

const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
function normalise(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** Trilinear sample at a continuous index; outside the grid counts as far below any threshold. */
function sampler(volume: Volume): (x: number, y: number, z: number) => number {
  const [nx, ny, nz] = volume.dims;
  const data = volume.data;
  const strideY = nx;
  const strideZ = nx * ny;
  return (x, y, z) => {
    if (x < 0 || y < 0 || z < 0 || x > nx - 1 || y > ny - 1 || z > nz - 1) return -Infinity;
    const i0 = Math.min(Math.floor(x), nx - 2 < 0 ? 0 : nx - 2);
    const j0 = Math.min(Math.floor(y), ny - 2 < 0 ? 0 : ny - 2);
    const k0 = Math.min(Math.floor(z), nz - 2 < 0 ? 0 : nz - 2);
    const fx = x - i0, fy = y - j0, fz = z - k0;
    const i1 = nx > 1 ? 1 : 0, j1 = ny > 1 ? strideY : 0, k1 = nz > 1 ? strideZ : 0;
    const base = i0 + j0 * strideY + k0 * strideZ;
    const c00 = data[base] + (data[base + i1] - data[base]) * fx;
    const c10 = data[base + j1] + (data[base + j1 + i1] - data[base + j1]) * fx;
    const c01 = data[base + k1] + (data[base + k1 + i1] - data[base + k1]) * fx;
    const c11 = data[base + j1 + k1] + (data[base + j1 + k1 + i1] - data[base + j1 + k1]) * fx;
    const c0 = c00 + (c10 - c00) * fy;
    const c1 = c01 + (c11 - c01) * fy;
    return c0 + (c1 - c0) * fz;
  };
}

/**
 * Where along a ray (start + t·dir, index space) t may run inside the grid [0, n−1]³: the slab
 * method. Returns [tEnter, tExit], empty when tEnter > tExit.
 */
function clipToGrid(start: Vec3, dir: Vec3, dims: [number, number, number]): [number, number] {
  let enter = -Infinity;
  let exit = Infinity;
  for (let axis = 0; axis < 3; axis++) {
    const hi = dims[axis] - 1;
    if (Math.abs(dir[axis]) < 1e-12) {
      if (start[axis] < 0 || start[axis] > hi) return [1, 0];
      continue;
    }
    let t0 = (0 - start[axis]) / dir[axis];
    let t1 = (hi - start[axis]) / dir[axis];
    if (t0 > t1) [t0, t1] = [t1, t0];
    if (t0 > enter) enter = t0;
    if (t1 < exit) exit = t1;
  }
  return [enter, exit];
}

/** How the surface is lit and coloured. */
export interface RenderStyle {
  /** The light comes from this many degrees above the camera (0: a head light). */
  lightAboveDeg: number;
  /** Colour of a fully lit surface, 0..1 per channel. */
  tint: Vec3;
  /** Grey level where rays meet nothing. */
  background: number;
  /** Lit fraction of the grey range, and the ambient level (0..255). */
  diffuse: number;
  ambient: number;
}

/**
 * Measured on the fixture heads with face-api's SSD MobileNet v1 (scores of the five views,
 * colin27 MR / cranium CT): a grey head light gave 0.21–0.91 / 0.10–0.77; light from 40° above
 * (shadows under brows and nose, as in photographs) in a skin tone gives 0.7–0.95 on both. The
 * detector was trained on photographs of people, so the rendering imitates one.
 */
export const DEFAULT_STYLE: RenderStyle = { lightAboveDeg: 40, tint: [1, 0.8, 0.68], background: 0, diffuse: 230, ambient: 20 };

/** Direction the light travels for a view. */
function lightFor(view: RenderView, style: RenderStyle): Vec3 {
  const { direction, up } = cameraBasis(view);
  const lift = Math.tan((style.lightAboveDeg * Math.PI) / 180);
  return normalise([direction[0] - lift * up[0], direction[1] - lift * up[1], direction[2] - lift * up[2]]);
}

function volumeMinimum(data: Float32Array): number {
  let min = Infinity;
  for (let n = 0; n < data.length; n++) if (data[n] < min) min = data[n];
  return min;
}

/** The first skin hit of each pixel's ray, for shading and for framing. */
interface SurfaceHits {
  /** Distance from the image plane, millimetres; NaN where the ray meets nothing. */
  depth: Float32Array;
  /** Lambert term 0..1 at the hit (0 where nothing was hit). */
  light: Float32Array;
  /** Distance from the image plane back to the framing centre, millimetres (depth − reach = signed distance past the centre). */
  reach: number;
}

/** Casts one ray per pixel of a `size`×`size` image of the framing's field from the given view. */
function castRays(volume: Volume, view: RenderView, framing: SkinFraming, size: number, style: RenderStyle = DEFAULT_STYLE): SurfaceHits {
  const geometry = geometryOf(volume);
  const inv = geometry.inverseLinear;
  const toIndex = (p: Vec3): Vec3 => [
    inv[0] * p[0] + inv[1] * p[1] + inv[2] * p[2] + geometry.inverseOffset[0],
    inv[3] * p[0] + inv[4] * p[1] + inv[5] * p[2] + geometry.inverseOffset[1],
    inv[6] * p[0] + inv[7] * p[1] + inv[8] * p[2] + geometry.inverseOffset[2],
  ];
  const toIndexLinear = (v: Vec3): Vec3 => [
    inv[0] * v[0] + inv[1] * v[1] + inv[2] * v[2],
    inv[3] * v[0] + inv[4] * v[1] + inv[5] * v[2],
    inv[6] * v[0] + inv[7] * v[1] + inv[8] * v[2],
  ];
  const { direction, right, up } = cameraBasis(view);
  const sample = sampler(volume);
  const threshold = framing.threshold;
  const air = volumeMinimum(volume.data);
  const lightDirection = lightFor(view, style);

  // The image plane sits outside the whole grid: half its patient-space diagonal from the centre.
  const corners = [0, 1].flatMap((a) => [0, 1].flatMap((b) => [0, 1].map((c) => indexToPatientPoint(volume, a * (geometry.dims[0] - 1), b * (geometry.dims[1] - 1), c * (geometry.dims[2] - 1)))));
  const reach = Math.max(...corners.map((p) => Math.hypot(p[0] - framing.centre[0], p[1] - framing.centre[1], p[2] - framing.centre[2]))) + 1;

  const pixelMm = framing.fieldMm / size;
  // Step half the smallest voxel edge, so a thin skin layer is never stepped over.
  const columnMm = [0, 1, 2].map((c) => Math.hypot(volume.indexToPatient[c], volume.indexToPatient[4 + c], volume.indexToPatient[8 + c]));
  const stepMm = 0.5 * Math.min(...columnMm);
  const dirIndex = toIndexLinear(direction);
  const stepIndex: Vec3 = [dirIndex[0] * stepMm, dirIndex[1] * stepMm, dirIndex[2] * stepMm];
  const rightIndex = toIndexLinear(right);
  const upIndex = toIndexLinear(up);
  const planeCentre: Vec3 = [
    framing.centre[0] - direction[0] * reach,
    framing.centre[1] - direction[1] * reach,
    framing.centre[2] - direction[2] * reach,
  ];
  const planeCentreIndex = toIndex(planeCentre);

  const depth = new Float32Array(size * size).fill(NaN);
  const light = new Float32Array(size * size);
  for (let row = 0; row < size; row++) {
    const v = ((size - 1) / 2 - row) * pixelMm;
    for (let col = 0; col < size; col++) {
      const u = (col - (size - 1) / 2) * pixelMm;
      const start: Vec3 = [
        planeCentreIndex[0] + rightIndex[0] * u + upIndex[0] * v,
        planeCentreIndex[1] + rightIndex[1] * u + upIndex[1] * v,
        planeCentreIndex[2] + rightIndex[2] * u + upIndex[2] * v,
      ];
      const [enter, exit] = clipToGrid(start, dirIndex, geometry.dims);
      if (!(enter <= exit)) continue;
      const firstStep = Math.max(0, Math.ceil(enter / stepMm));
      const lastStep = Math.floor(exit / stepMm);
      let previous = -Infinity;
      for (let s = firstStep; s <= lastStep; s++) {
        const x = start[0] + stepIndex[0] * s;
        const y = start[1] + stepIndex[1] * s;
        const z = start[2] + stepIndex[2] * s;
        const value = sample(x, y, z);
        if (value >= threshold) {
          // Refine between the last sample below and this one (bisection), for a smooth surface.
          let tLow = (s - 1) * stepMm;
          let tHigh = s * stepMm;
          if (previous !== -Infinity) {
            for (let r = 0; r < 5; r++) {
              const tMid = (tLow + tHigh) / 2;
              const midValue = sample(start[0] + dirIndex[0] * tMid, start[1] + dirIndex[1] * tMid, start[2] + dirIndex[2] * tMid);
              if (midValue >= threshold) tHigh = tMid;
              else tLow = tMid;
            }
          }
          const hx = start[0] + dirIndex[0] * tHigh;
          const hy = start[1] + dirIndex[1] * tHigh;
          const hz = start[2] + dirIndex[2] * tHigh;
          depth[row * size + col] = tHigh;
          light[row * size + col] = lambert(sample, hx, hy, hz, inv, lightDirection, air);
          break;
        }
        previous = value;
      }
    }
  }
  return { depth, light, reach };
}

/**
 * Head-light Lambert term at an index-space point: the cosine between the ray and the gradient
 * (which points from air into tissue, i.e. along the ray on a surface facing the camera).
 */
function lambert(
  sample: (x: number, y: number, z: number) => number,
  x: number,
  y: number,
  z: number,
  patientToIndex: Float64Array,
  direction: Vec3,
  air: number,
): number {
  // Central differences one voxel either side. Outside the grid is air, so where the field of view
  // cuts through the head (below the chin, say) the cut shades as a flat cap, not as noise.
  const at = (a: number, b: number, c: number): number => {
    const value = sample(a, b, c);
    return value === -Infinity ? air : value;
  };
  const gi = (at(x + 1, y, z) - at(x - 1, y, z)) / 2;
  const gj = (at(x, y + 1, z) - at(x, y - 1, z)) / 2;
  const gk = (at(x, y, z + 1) - at(x, y, z - 1)) / 2;
  // ∇_patient = (∂index/∂patient)ᵀ ∇_index.
  const m = patientToIndex;
  const gradient: Vec3 = [m[0] * gi + m[3] * gj + m[6] * gk, m[1] * gi + m[4] * gj + m[7] * gk, m[2] * gi + m[5] * gj + m[8] * gk];
  const length = Math.hypot(gradient[0], gradient[1], gradient[2]);
  if (!(length > 0)) return 0;
  return Math.max(0, dot(gradient, direction) / length);
}

/** Renders the skin surface from one view. */
export function renderSkin(volume: Volume, view: RenderView, framing: SkinFraming, size = 256, style: RenderStyle = DEFAULT_STYLE): RenderedImage {
  const { light, depth } = castRays(volume, view, framing, size, style);
  const rgb = new Uint8Array(size * size * 3).fill(style.background);
  for (let n = 0; n < size * size; n++) {
    if (Number.isNaN(depth[n])) continue;
    const grey = style.ambient + style.diffuse * light[n];
    rgb[3 * n] = Math.round(grey * style.tint[0]);
    rgb[3 * n + 1] = Math.round(grey * style.tint[1]);
    rgb[3 * n + 2] = Math.round(grey * style.tint[2]);
  }
  return { rgb, width: size, height: size };
}

/** Field of view that frames a face (forehead to chin, ear to ear, with some margin). */
export const FACE_FIELD_MM = 220;
/** Face centre relative to the nose tip: behind it (the rotation centre for the side views) and above it (eye level). */
const FACE_CENTRE_BEHIND_NOSE_TIP_MM = 40;
const FACE_CENTRE_ABOVE_NOSE_TIP_MM = 15;
/** Resolution of the coarse depth map that finds the nose tip. */
const FRAMING_PROBE_SIZE = 96;

/**
 * Frames the face: a coarse frontal depth map of the whole head finds the most anterior skin
 * point near the midline (the nose tip in a head seen from the front), and the images centre a
 * little behind and above it. A defaced head should be checked with the framing of its original
 * (pass that framing on), so that the check looks where the face was.
 */
export function faceFraming(volume: Volume, threshold = skinThreshold(volume)): SkinFraming {
  const [nx, ny, nz] = volume.dims;
  const corners = [0, 1].flatMap((a) => [0, 1].flatMap((b) => [0, 1].map((c) => indexToPatientPoint(volume, a * (nx - 1), b * (ny - 1), c * (nz - 1)))));
  const lo: Vec3 = [0, 1, 2].map((axis) => Math.min(...corners.map((p) => p[axis]))) as Vec3;
  const hi: Vec3 = [0, 1, 2].map((axis) => Math.max(...corners.map((p) => p[axis]))) as Vec3;
  const gridCentre: Vec3 = [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2];
  const wholeField = Math.max(hi[0] - lo[0], hi[2] - lo[2]);
  const probe: SkinFraming = { centre: gridCentre, fieldMm: wholeField, threshold };
  const { depth, reach } = castRays(volume, { yawDeg: 0, pitchDeg: 0 }, probe, FRAMING_PROBE_SIZE);

  // Columns of the head's silhouette; the nose is sought in its middle half, away from the ears.
  let firstCol = FRAMING_PROBE_SIZE;
  let lastCol = -1;
  for (let n = 0; n < depth.length; n++) {
    if (Number.isNaN(depth[n])) continue;
    const col = n % FRAMING_PROBE_SIZE;
    if (col < firstCol) firstCol = col;
    if (col > lastCol) lastCol = col;
  }
  if (lastCol < 0) throw new Error('render: no skin surface in the volume (nothing reaches the skin threshold)');
  const quarter = (lastCol - firstCol) / 4;
  let nearest = Infinity;
  let nearestAt = -1;
  for (let n = 0; n < depth.length; n++) {
    const col = n % FRAMING_PROBE_SIZE;
    if (col < firstCol + quarter || col > lastCol - quarter) continue;
    if (depth[n] < nearest) {
      nearest = depth[n];
      nearestAt = n;
    }
  }
  const pixelMm = wholeField / FRAMING_PROBE_SIZE;
  const u = ((nearestAt % FRAMING_PROBE_SIZE) - (FRAMING_PROBE_SIZE - 1) / 2) * pixelMm;
  const v = ((FRAMING_PROBE_SIZE - 1) / 2 - Math.floor(nearestAt / FRAMING_PROBE_SIZE)) * pixelMm;
  // Front view basis: right = +x, up = +z; depth runs along +y from the image plane.
  const noseTipX = gridCentre[0] + u;
  const noseTipZ = gridCentre[2] + v;
  const noseTipY = gridCentre[1] - reach + nearest;
  return {
    centre: [noseTipX, noseTipY + FACE_CENTRE_BEHIND_NOSE_TIP_MM, noseTipZ + FACE_CENTRE_ABOVE_NOSE_TIP_MM],
    fieldMm: FACE_FIELD_MM,
    threshold,
  };
}
