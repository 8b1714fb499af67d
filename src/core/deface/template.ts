/**
 * The defacing template (Colin27 at 2 mm, see template/NOTICE): T1 intensities, head and brain
 * masks on one grid, and the landmarks the tests and soft mode use, in template millimetres (LPS).
 * Decoded once, on first use.
 */
import { inflateSync } from 'fflate';
import { mat4, type Mat4, type Vec3 } from './affine.ts';
import { decodeBase64 } from './base64.ts';
import { TEMPLATE_BRAIN, TEMPLATE_DIMS, TEMPLATE_HEAD, TEMPLATE_INDEX_TO_MM, TEMPLATE_T1 } from './template/colin27-2mm.generated.ts';

export interface Template {
  dims: [number, number, number];
  /** Voxel index → template mm (LPS). */
  indexToMm: Mat4;
  t1: Uint8Array;
  brain: Uint8Array;
  head: Uint8Array;
}

let cached: Template | undefined;

export function loadTemplate(): Template {
  if (cached) return cached;
  const voxels = TEMPLATE_DIMS[0] * TEMPLATE_DIMS[1] * TEMPLATE_DIMS[2];
  const unpack = (text: string): Uint8Array => {
    const bytes = inflateSync(decodeBase64(text));
    if (bytes.length !== voxels) throw new Error(`defacing template: ${bytes.length} voxels where ${voxels} were expected`);
    return bytes;
  };
  cached = {
    dims: [...TEMPLATE_DIMS] as [number, number, number],
    indexToMm: mat4(TEMPLATE_INDEX_TO_MM),
    t1: unpack(TEMPLATE_T1),
    brain: unpack(TEMPLATE_BRAIN),
    head: unpack(TEMPLATE_HEAD),
  };
  return cached;
}

/** MNI/Colin RAS millimetres → template LPS millimetres. */
export const fromRas = (x: number, y: number, z: number): Vec3 => [-x, -y, z];
