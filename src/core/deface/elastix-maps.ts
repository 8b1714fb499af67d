/**
 * What both elastix hosts (src/cli/elastix-node.ts, src/workers/elastix-browser.ts) share, kept
 * free of itk-wasm so core stays host-free: the parameter map tweaks, the initial-transform trick
 * and the reading of elastix's result back into a 4×4 matrix.
 *
 * Initial transform: instead of an ITK transform file, the fixed image's header is moved. If T0
 * (fixed → moving) is rigid, a fixed image whose voxels sit at T0(p) instead of p is registered;
 * elastix returns T' for that image, and the transform of the original fixed image is T' ∘ T0.
 * This needs only orthonormal linear parts in T0 (rotations, flips), which is what the
 * multi-start search hands in; any scale in T0 is folded into the spacing.
 */
import { fromLinear, identity, multiply, rotation, type Mat4 } from './affine.ts';
import type { Registrar, RegistrationImage } from './types.ts';

export type ParameterMap = Record<string, string[]>;

/**
 * How long and how finely each stage runs. Measured on the fixture heads (CPU seconds per elastix
 * call on this 2-core machine, scripts/bench/deface.ts): the old schedule (rigid 2 resolutions ×
 * 250 iterations × 3000 samples per start, affine 3 × 250 × 3000) cost 2.3–2.9 s per start and
 * 3.6–3.9 s for the affine, 11–12 s in all. A similarity search (rotation, shift and one scale) on
 * one heavily smoothed level (σ = 4 voxels) with 150 × 2000 samples costs 0.7–1.0 s and lands
 * within 4.5 mm of the old answer on the CT, whose head is ~12 % smaller than Colin's (a rigid
 * search cannot absorb that and ends 35–60 mm off at the landmarks); an affine of 2 × 100 × 2000
 * from there ends within 1 mm of the old answer, with the same or a higher similarity.
 */
const SCHEDULES: Record<Stage, { iterations: number; samples: number; sigma?: number }> = {
  rigid: { iterations: 250, samples: 3000 },
  similarity: { iterations: 150, samples: 2000, sigma: 4 },
  affine: { iterations: 100, samples: 2000 },
};

/** Settings Veil changes in elastix's default rigid/affine maps, and why. */
export function tuneParameterMap(map: ParameterMap, resolutions: number, stage: Stage = 'rigid'): ParameterMap {
  const tuned: ParameterMap = { ...map };
  const schedule = SCHEDULES[stage];
  // The search stage also fits one scale: adult heads differ from Colin's by 10 % and more.
  if (stage === 'similarity') tuned.Transform = ['SimilarityTransform'];
  // The caller provides the start (multi-start search); elastix's own centring would undo it.
  tuned.AutomaticTransformInitialization = ['false'];
  tuned.Metric = ['AdvancedMattesMutualInformation'];
  tuned.NumberOfResolutions = [String(resolutions)];
  if (schedule.sigma !== undefined && resolutions === 1) {
    // One level, smoothed hard: the wide capture range of a coarse level at the price of one.
    const sigma = String(schedule.sigma);
    tuned.FixedImagePyramidSchedule = [sigma, sigma, sigma];
    tuned.MovingImagePyramidSchedule = [sigma, sigma, sigma];
  }
  tuned.MaximumNumberOfIterations = [String(schedule.iterations)];
  tuned.NumberOfSpatialSamples = [String(schedule.samples)];
  tuned.NewSamplesEveryIteration = ['true'];
  tuned.ImageSampler = ['RandomCoordinate'];
  // A fixed seed: the same series registers to the same transform on every run and machine, so a
  // defaced output, its face-check scores and its report are reproducible.
  tuned.RandomSeed = ['121212'];
  // Only the transform is used; resampling the moving image would cost time for nothing.
  tuned.WriteResultImage = ['false'];
  tuned.ResultImagePixelType = ['float'];
  tuned.ErodeMask = ['false'];
  // The centre of rotation in the middle of the fixed (template) head, not at a corner.
  tuned.AutomaticScalesEstimation = ['true'];
  return tuned;
}

/**
 * The fixed image with its header moved by T0, so that elastix starts from T0. T0 must be a
 * similarity (rotation or flip times one isotropic scale, plus a shift): a header can hold a
 * direction (orthonormal) and a spacing, so the scale goes into the spacing.
 */
export function moveHeader(image: RegistrationImage, t0: Mat4): RegistrationImage {
  const linear = [t0[0], t0[1], t0[2], t0[4], t0[5], t0[6], t0[8], t0[9], t0[10]];
  const scale = Math.cbrt(Math.abs(linear[0] * (linear[4] * linear[8] - linear[5] * linear[7]) - linear[1] * (linear[3] * linear[8] - linear[5] * linear[6]) + linear[2] * (linear[3] * linear[7] - linear[4] * linear[6])));
  const col = (c: number): number[] => [linear[c], linear[3 + c], linear[6 + c]];
  for (let c = 0; c < 3; c++) {
    const a = col(c);
    const b = col((c + 1) % 3);
    const orthogonal = Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) < 1e-6 * scale * scale;
    if (!(scale > 0) || Math.abs(Math.hypot(...a) / scale - 1) > 1e-6 || !orthogonal) {
      throw new Error('the initial transform must be a similarity (rotation and/or flip, one isotropic scale)');
    }
  }
  const d = image.direction;
  const direction = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) {
    direction[r * 3 + c] = (linear[r * 3] * d[c] + linear[r * 3 + 1] * d[3 + c] + linear[r * 3 + 2] * d[6 + c]) / scale;
  }
  const o = image.origin;
  const origin: [number, number, number] = [0, 1, 2].map((r) => linear[r * 3] * o[0] + linear[r * 3 + 1] * o[1] + linear[r * 3 + 2] * o[2] + t0[r * 4 + 3]) as [number, number, number];
  const spacing = image.spacing.map((sp) => sp * scale) as [number, number, number];
  return { ...image, direction, origin, spacing };
}

/** ITK's versor (vector part of a unit quaternion) as a row-major 3×3 rotation. */
function versorMatrix(x: number, y: number, z: number): number[] {
  const w = Math.sqrt(Math.max(0, 1 - x * x - y * y - z * z));
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
    2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
    2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
  ];
}

const nums = (map: ParameterMap, key: string): number[] => (map[key] ?? []).map(Number);

/** One elastix transform parameter map (Euler, similarity or affine) as a fixed → moving matrix. */
export function matrixFromParameterMap(map: ParameterMap): Mat4 {
  const kind = (map.Transform ?? [''])[0];
  const p = nums(map, 'TransformParameters');
  const c = nums(map, 'CenterOfRotationPoint');
  if (c.length !== 3) throw new Error(`elastix result without a 3-D centre of rotation (${kind})`);
  let linearAndT: Mat4;
  if (kind === 'EulerTransform') {
    if (p.length !== 6) throw new Error(`EulerTransform with ${p.length} parameters`);
    const deg = (r: number): number => (r * 180) / Math.PI;
    const zyx = (map.ComputeZYX ?? ['false'])[0] === 'true';
    // ITK Euler3DTransform: R = Rz·Rx·Ry (or Rz·Ry·Rx with ComputeZYX).
    const r = zyx
      ? multiply(rotation(2, deg(p[2])), multiply(rotation(1, deg(p[1])), rotation(0, deg(p[0]))))
      : multiply(rotation(2, deg(p[2])), multiply(rotation(0, deg(p[0])), rotation(1, deg(p[1]))));
    linearAndT = fromLinear([r[0], r[1], r[2], r[4], r[5], r[6], r[8], r[9], r[10]], [p[3], p[4], p[5]]);
  } else if (kind === 'SimilarityTransform') {
    // ITK Similarity3DTransform: versor (3), translation (3), isotropic scale.
    if (p.length !== 7) throw new Error(`SimilarityTransform with ${p.length} parameters`);
    linearAndT = fromLinear(versorMatrix(p[0], p[1], p[2]).map((v) => v * p[6]), [p[3], p[4], p[5]]);
  } else if (kind === 'AffineTransform') {
    if (p.length !== 12) throw new Error(`AffineTransform with ${p.length} parameters`);
    linearAndT = fromLinear(p.slice(0, 9), p.slice(9, 12));
  } else {
    throw new Error(`unexpected elastix transform ${kind}`);
  }
  // T(x) = A(x − c) + c + t
  const out = identity();
  for (let r = 0; r < 3; r++) {
    for (let k = 0; k < 3; k++) out[r * 4 + k] = linearAndT[r * 4 + k];
    out[r * 4 + 3] = linearAndT[r * 4 + 3] + c[r] - (linearAndT[r * 4] * c[0] + linearAndT[r * 4 + 1] * c[1] + linearAndT[r * 4 + 2] * c[2]);
  }
  return out;
}

/** The transform of a registration run on moveHeader(fixed, t0): elastix's result after t0. */
export const composeWithStart = (elastixResult: Mat4, t0: Mat4): Mat4 => multiply(elastixResult, t0);

/**
 * The two-stage schedule: a quick similarity search per start, then an affine refinement of the
 * best. `rigid` is the former search stage, kept for callers that ask for it.
 */
export type Stage = 'rigid' | 'similarity' | 'affine';

/** The two itk-wasm calls a host provides (Node and browser builds differ only here). */
export interface ElastixCalls {
  defaultParameterMap(stage: 'rigid' | 'affine', resolutions: number): Promise<ParameterMap>;
  elastix(parameterObject: ParameterMap[], fixed: RegistrationImage, moving: RegistrationImage): Promise<ParameterMap[]>;
}

/** A Registrar over elastix: each stage one elastix run from the moved fixed header. */
export function elastixRegistrar(calls: ElastixCalls): Registrar {
  const maps = new Map<string, Promise<ParameterMap>>();
  const mapFor = (stage: Stage, resolutions: number): Promise<ParameterMap> => {
    const key = `${stage}/${resolutions}`;
    let map = maps.get(key);
    if (!map) {
      // elastix has no default similarity map: the rigid one with its transform swapped.
      map = calls.defaultParameterMap(stage === 'affine' ? 'affine' : 'rigid', resolutions).then((m) => tuneParameterMap(m, resolutions, stage));
      maps.set(key, map);
    }
    return map;
  };
  const run = async (stage: Stage, resolutions: number, fixed: RegistrationImage, moving: RegistrationImage, start: Float64Array): Promise<Mat4> => {
    const result = await calls.elastix([await mapFor(stage, resolutions)], moveHeader(fixed, start), moving);
    return composeWithStart(matrixFromParameterMap(result[result.length - 1]), start);
  };
  const stageRegistrar = (stage: Stage, resolutions: number): Registrar => ({
    register: async (fixed, moving, start) => ({ fixedToMoving: await run(stage, resolutions, fixed, moving, start) }),
  });
  return {
    async register(fixed, moving, start) {
      // Similarity first; the affine stage starts from it (a similarity, as moveHeader needs).
      const coarse = await run('similarity', 1, fixed, moving, start);
      return { fixedToMoving: await run('affine', 2, fixed, moving, coarse) };
    },
    stage: stageRegistrar,
  };
}
