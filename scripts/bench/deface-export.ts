/**
 * Defacing in the export (issue 11, parts 5 and 8): what writing the defaced pixels back costs,
 * and what `veil deidentify --deface` costs end to end.
 *
 * 1. Write-back: the 108 slices of ../shared/fixtures/heads/ct-cranium de-identified in process,
 *    native and as RLE and JPEG-LS lossless copies, with and without a face-sized patch on each
 *    slice (the anterior 60 rows, 15 360 pixels: the real engine changes 10 000 on average);
 *    the difference is the write-back. Medians over runs.
 * 2. The whole command (bundled CLI, one thread and two) on the same series: with --deface and
 *    without, wall time and peak memory (GNU time). The real engine registers with elastix and
 *    runs the face check, so this is the number a user waits for.
 *
 *   npx tsx scripts/bench/deface-export.ts [--runs N] [--skip-cli]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useNodeCodecs } from '../../src/cli/codec-loader.ts';
import { createSession, deidentifyFileAsync } from '../../src/core/deidentify.ts';
import type { DefaceInstruction } from '../../src/core/deface/write-back.ts';
import { readPart10 } from '../../src/core/dicom/reader.ts';
import { writePart10 } from '../../src/core/dicom/writer.ts';
import { T } from '../../src/core/dicom/tags.ts';
import { getString } from '../../src/core/dicom/values.ts';
import { decodeFrame, encodeFrame } from '../../src/core/pixels/codecs/index.ts';
import { encapsulate, imageInfo } from '../../src/core/pixels/frames.ts';

useNodeCodecs();

const root = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const CT = resolve(root, '..', 'shared', 'fixtures', 'heads', 'ct-cranium');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
const FACE_ROWS = 60;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The fixture series re-encoded with `ts` (Veil's own lossless encoders). */
async function reencoded(files: Uint8Array[], ts: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const bytes of files) {
    const parsed = readPart10(bytes);
    const ds = parsed.dataset;
    const info = imageInfo(ds);
    const el = ds.get(T.PixelData)!;
    const frame = await decodeFrame(parsed.transferSyntaxUID, el.value, info);
    const encoded = (await encodeFrame(ts, frame))!;
    el.fragments = encapsulate([encoded.data]);
    el.value = new Uint8Array(0);
    el.vr = 'OB';
    out.push(writePart10({ dataset: ds, transferSyntaxUID: ts, sopClassUID: getString(ds, T.SOPClassUID)!, sopInstanceUID: getString(ds, T.SOPInstanceUID)! }));
  }
  return out;
}

function facePatch(columns: number): DefaceInstruction {
  const n = FACE_ROWS * columns;
  return { status: 'defaced', mode: 'remove', patches: [{ frame: 0, indices: Uint32Array.from({ length: n }, (_, i) => i), storedValues: new Int32Array(n).fill(-1024) }] };
}

async function timeSeries(files: Uint8Array[], deface: DefaceInstruction | undefined): Promise<number> {
  const session = createSession({ passphrase: 'bench' });
  const started = performance.now();
  for (const [i, bytes] of files.entries()) {
    const outcome = await deidentifyFileAsync({ path: `IM${i}.dcm`, bytes }, session, { deface });
    if (outcome.status !== 'written') throw new Error(`not written: ${outcome.reason}`);
  }
  return performance.now() - started;
}

async function writeBack(): Promise<void> {
  const native = readdirSync(CT).sort().map((n) => new Uint8Array(readFileSync(join(CT, n))));
  const cases: [string, Uint8Array[]][] = [
    ['native', native],
    ['RLE', await reencoded(native, '1.2.840.10008.1.2.5')],
    ['JPEG-LS lossless', await reencoded(native, '1.2.840.10008.1.2.4.80')],
  ];
  console.log(`write-back: ${native.length} slices of 256×256, patch of ${FACE_ROWS * 256} pixels per slice, median of ${runs}`);
  console.log('| encoding | plain ms | defaced ms | write-back ms/slice |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, files] of cases) {
    const plain: number[] = [];
    const defaced: number[] = [];
    for (let r = 0; r < runs; r++) {
      plain.push(await timeSeries(files, undefined));
      defaced.push(await timeSeries(files, facePatch(256)));
    }
    const p = median(plain);
    const d = median(defaced);
    console.log(`| ${name} | ${p.toFixed(0)} | ${d.toFixed(0)} | ${((d - p) / files.length).toFixed(2)} |`);
  }
}

function cli(): void {
  const dir = mkdtempSync(join(tmpdir(), 'veil-bench-deface-'));
  console.log('\nveil deidentify on ct-cranium (bundled CLI; GNU time):');
  console.log('| run | wall s | peak RSS MB | result |');
  console.log('| --- | --- | --- | --- |');
  try {
    for (const [label, extra] of [['no --deface, 1 thread', ['--threads', '1']], ['--deface, 1 thread', ['--deface', '--threads', '1']], ['--deface, 2 threads', ['--deface', '--threads', '2']]] as const) {
      const out = join(dir, `out-${label.replace(/\W+/g, '-')}`);
      const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, resolve(root, 'bin/veil.mjs'), 'deidentify', CT, '--out', out, '--passphrase', 'bench', '-q', ...extra], { encoding: 'utf8' });
      const m = /TIME ([\d.]+) (\d+)/.exec(r.stderr);
      const summary = /veil: (\d+ input\(s\): .*?) ->/.exec(r.stdout)?.[1] ?? r.stderr.trim().split('\n').pop();
      console.log(`| ${label} | ${m?.[1] ?? '?'} | ${m ? (Number(m[2]) / 1024).toFixed(0) : '?'} | ${summary} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await writeBack();
  if (!args.includes('--skip-cli')) cli();
}

void main();
