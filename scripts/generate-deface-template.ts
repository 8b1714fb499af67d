/**
 * Derives the defacing template from the Colin27 fixture (../shared/fixtures/heads/colin27):
 * a 2 mm T1 head (uint8), its head mask (everything not reachable from the border through air) and
 * its brain mask (ch2bet > 0 in at least half of each 2 mm block), deflated and base64-encoded into
 * src/core/deface/template/colin27-2mm.generated.ts, so one TypeScript import serves Vite, vitest,
 * the esbuild CLI bundle and the core typecheck alike (no asset loader to configure per host).
 *
 *   npx tsx scripts/generate-deface-template.ts
 *
 * Colin27's sform maps voxel (i, j, k) → RAS mm (i − 90, j − 125, k − 71); the template grid is in
 * LPS (x, y negated), as every other coordinate in core/deface.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, gunzipSync } from 'fflate';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, '..', 'shared', 'fixtures', 'heads', 'colin27');
const outDir = join(root, 'src', 'core', 'deface', 'template');

interface Nifti {
  dims: [number, number, number];
  data: Uint8Array;
}

function readNifti(path: string): Nifti {
  const bytes = gunzipSync(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getInt32(0, true) !== 348) throw new Error(`${path}: not a little-endian NIfTI-1 file`);
  if (view.getInt16(70, true) !== 2) throw new Error(`${path}: expected uint8 voxels (datatype 2)`);
  const dims: [number, number, number] = [view.getInt16(42, true), view.getInt16(44, true), view.getInt16(46, true)];
  // The sform this script relies on: unit spacing, origin (−90, −125, −71) in RAS.
  const sform = Array.from({ length: 12 }, (_, i) => view.getFloat32(280 + 4 * i, true));
  const expected = [1, 0, 0, -90, 0, 1, 0, -125, 0, 0, 1, -71];
  if (sform.some((v, i) => v !== expected[i])) throw new Error(`${path}: unexpected sform ${sform.join(' ')}`);
  const offset = view.getFloat32(108, true);
  return { dims, data: bytes.subarray(offset, offset + dims[0] * dims[1] * dims[2]) };
}

const STEP = 2;

/** Mean over each 2×2×2 block (the last odd 1 mm plane is dropped). */
function downsample(src: Nifti, reduce: (sum: number) => number): { dims: [number, number, number]; data: Uint8Array } {
  const [nx, ny, nz] = src.dims;
  const dims: [number, number, number] = [Math.floor(nx / STEP), Math.floor(ny / STEP), Math.floor(nz / STEP)];
  const out = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      for (let i = 0; i < dims[0]; i++) {
        let sum = 0;
        for (let dk = 0; dk < STEP; dk++) for (let dj = 0; dj < STEP; dj++) for (let di = 0; di < STEP; di++) {
          sum += src.data[(i * STEP + di) + nx * ((j * STEP + dj) + ny * (k * STEP + dk))];
        }
        out[i + dims[0] * (j + dims[1] * k)] = reduce(sum / STEP ** 3);
      }
    }
  }
  return { dims, data: out };
}

/** Head = not connected to the border through voxels darker than `air` (6-connected flood fill). */
function headMask(t1: Uint8Array, dims: [number, number, number], air: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const outside = new Uint8Array(t1.length);
  const queue = new Int32Array(t1.length);
  let head = 0;
  let tail = 0;
  const push = (n: number): void => {
    if (!outside[n] && t1[n] < air) {
      outside[n] = 1;
      queue[tail++] = n;
    }
  };
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    if (i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1) push(i + nx * (j + ny * k));
  }
  while (head < tail) {
    const n = queue[head++];
    const i = n % nx;
    const j = Math.floor(n / nx) % ny;
    const k = Math.floor(n / (nx * ny));
    if (i > 0) push(n - 1);
    if (i < nx - 1) push(n + 1);
    if (j > 0) push(n - nx);
    if (j < ny - 1) push(n + nx);
    if (k > 0) push(n - nx * ny);
    if (k < nz - 1) push(n + nx * ny);
  }
  return outside.map((o) => 1 - o);
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const packed = (bytes: Uint8Array): string => base64(deflateSync(bytes, { level: 9 }));

// 64 grey levels are plenty for mutual information and deflate three times better than 256.
const t1 = downsample(readNifti(join(source, 'ch2.nii.gz')), (mean) => Math.min(252, Math.round(mean / 4) * 4));
const brain = downsample(readNifti(join(source, 'ch2bet.nii.gz')), (mean) => (mean > 0 ? 1 : 0));
// Background in ch2 is 0–20ish, scalp 80+: 40 separates air from skin at 2 mm.
const AIR = 40;
const head = headMask(t1.data, t1.dims, AIR);
let brainVoxels = 0;
let headVoxels = 0;
for (let n = 0; n < head.length; n++) {
  brainVoxels += brain.data[n];
  headVoxels += head[n];
  if (brain.data[n]) head[n] = 1;
}

// Voxel (I, J, K) averages 1 mm voxels 2I, 2I+1 → RAS x = 2I + 0.5 − 90; LPS negates x and y.
const indexToTemplate = [-STEP, 0, 0, 89.5, 0, -STEP, 0, 124.5, 0, 0, STEP, -70.5, 0, 0, 0, 1];

const text = `// Generated by scripts/generate-deface-template.ts from ../shared/fixtures/heads/colin27 — do not edit.
// Colin27 (MNI): see ./NOTICE for its terms. ${brainVoxels} brain and ${headVoxels} head voxels of 8 mm³.
export const TEMPLATE_DIMS: readonly [number, number, number] = [${t1.dims.join(', ')}];
/** Voxel index → template millimetres (LPS), row-major 4×4. */
export const TEMPLATE_INDEX_TO_MM: readonly number[] = [${indexToTemplate.join(', ')}];
/** T1 intensities (uint8), deflated, base64. */
export const TEMPLATE_T1 = '${packed(t1.data)}';
/** Brain mask (0/1 per voxel), deflated, base64. */
export const TEMPLATE_BRAIN = '${packed(brain.data)}';
/** Head mask (0/1 per voxel: skin and everything inside it), deflated, base64. */
export const TEMPLATE_HEAD = '${packed(head)}';
`;
writeFileSync(join(outDir, 'colin27-2mm.generated.ts'), text);
console.log(`wrote ${join(outDir, 'colin27-2mm.generated.ts')} (${text.length} characters): dims ${t1.dims.join('×')}, ${brainVoxels} brain, ${headVoxels} head voxels`);
