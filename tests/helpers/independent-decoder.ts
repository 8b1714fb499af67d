/**
 * Decodes a DICOM file's pixels with tools that share no code with Veil, so tests can check
 * Veil's decoders against them:
 *   - DCMTK: dcmconv (native, big endian, deflated dataset), dcmdrle, dcmdjpeg (JPEG 8/12-bit and
 *     lossless), dcmdjpls (JPEG-LS); dcmdump +W to extract encapsulated fragments;
 *   - GDCM: gdcmconv --raw (JPEG 2000), gdcmraw (Pixel Data bytes of an uncompressed file);
 *   - OpenJPH's ojph_expand (HTJ2K) and libjxl's djxl (JPEG XL), Debian packages openjph-tools
 *     and libjxl-tools, when installed;
 *   - zlib (Node's built-in binding, not fflate) for Deflated Image Frame Compression.
 * Everything runs on the file itself: no Veil parsing is involved.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { DecodedFrame } from '../../src/core/pixels/codecs/types.ts';

export interface IndependentImage {
  /** Which tool produced the pixels. */
  tool: string;
  /** Raw little-endian bytes of each frame, in the layout the attributes below describe; 1-bit frames re-aligned to bit 0. */
  frames: Uint8Array[];
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  photometric: string;
  planarConfiguration: 0 | 1;
}

export type IndependentResult = IndependentImage | { unavailable: string };

const haveCache = new Map<string, boolean>();
export function have(tool: string): boolean {
  let ok = haveCache.get(tool);
  if (ok === undefined) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      ok = true;
    } catch {
      ok = false;
    }
    haveCache.set(tool, ok);
  }
  return ok;
}

function run(tool: string, args: string[], cwd?: string): void {
  execFileSync(tool, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000, maxBuffer: 64 << 20 });
}

/** Attributes of a file as DCMTK reads them. */
function attributes(file: string): Record<string, string> {
  const text = execFileSync('dcmdump', ['-q', '+L', file], { encoding: 'latin1', timeout: 60_000, maxBuffer: 256 << 20 });
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\((0028),(0002|0004|0006|0008|0010|0011|0100|0101|0103)\) \w\w (\[([^\]]*)\]|(\S+))/.exec(line);
    if (m && !(m[2] in out)) out[m[2]] = (m[4] ?? m[5] ?? '').trim();
  }
  return out;
}

const FAMILY: Array<[RegExp, string]> = [
  [/^1\.2\.840\.10008\.1\.2(\.1|\.2|\.1\.99)?$/, 'native'],
  [/^1\.2\.840\.10008\.1\.2\.5$/, 'rle'],
  [/^1\.2\.840\.10008\.1\.2\.4\.(5\d|6\d|70)$/, 'jpeg'],
  [/^1\.2\.840\.10008\.1\.2\.4\.8[01]$/, 'jpeg-ls'],
  [/^1\.2\.840\.10008\.1\.2\.4\.9[0-3]$/, 'j2k'],
  [/^1\.2\.840\.10008\.1\.2\.4\.20[1-3]$/, 'htj2k'],
  [/^1\.2\.840\.10008\.1\.2\.4\.11[0-2]$/, 'jxl'],
  [/^1\.2\.840\.10008\.1\.2\.8\.1$/, 'deflate'],
];

/**
 * Decodes every frame of `file` (transfer syntax `ts`) with an independent tool. `frames` limits
 * the work for per-frame tools (HTJ2K, JPEG XL): only those frame indices are filled in.
 */
export function independentDecode(file: string, ts: string, frames?: number[]): IndependentResult {
  const family = FAMILY.find(([re]) => re.test(ts))?.[1];
  if (!family) return { unavailable: `no independent decoder for transfer syntax ${ts}` };
  const dir = mkdtempSync(join(tmpdir(), 'veil-indep-'));
  try {
    switch (family) {
      case 'native':
        return viaDicom(file, dir, 'dcmconv', ['+te'], 'DCMTK dcmconv');
      case 'rle':
        return viaDicom(file, dir, 'dcmdrle', [], 'DCMTK dcmdrle');
      case 'jpeg':
        return viaDicom(file, dir, 'dcmdjpeg', [], 'DCMTK dcmdjpeg');
      case 'jpeg-ls':
        return viaDicom(file, dir, 'dcmdjpls', [], 'DCMTK dcmdjpls');
      case 'j2k':
        return viaDicom(file, dir, 'gdcmconv', ['--raw'], 'GDCM gdcmconv --raw');
      case 'htj2k':
        // ojph_expand writes PGM/PPM, which cannot hold negative samples (it clips them to 0):
        // signed greyscale goes through OpenJPEG's opj_decompress (HTJ2K-capable since 2.5) instead.
        if (attributes(file)['0103'] === '1') {
          if (!have('opj_decompress')) return { unavailable: 'opj_decompress not installed (Debian package libopenjp2-tools), needed for signed HTJ2K' };
          return perFrame(file, dir, frames, 'j2c', 'OpenJPEG opj_decompress', (input, output) => run('opj_decompress', ['-quiet', '-i', input, '-o', output]), 'rawl');
        }
        if (!have('ojph_expand')) return { unavailable: 'ojph_expand not installed (Debian package openjph-tools)' };
        return perFrame(file, dir, frames, 'j2c', 'OpenJPH ojph_expand', (input, output) => run('ojph_expand', ['-i', input, '-o', output]));
      case 'jxl':
        if (!have('djxl')) return { unavailable: 'djxl not installed (Debian package libjxl-tools)' };
        return perFrame(file, dir, frames, 'jxl', 'libjxl djxl', (input, output) => run('djxl', [input, output, '--quiet']));
      case 'deflate':
        return deflated(file, dir);
    }
    return { unavailable: family };
  } catch (e) {
    return { unavailable: `${family} tool failed: ${(e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function viaDicom(file: string, dir: string, tool: string, args: string[], name: string): IndependentResult {
  if (!have(tool) || !have('gdcmraw') || !have('dcmdump')) return { unavailable: `${tool}, gdcmraw or dcmdump not installed` };
  const out = join(dir, 'out.dcm');
  run(tool, [...args, file, out]);
  const a = attributes(out);
  const raw = join(dir, 'pixels.raw');
  // Pixel Data, else Float / Double Float Pixel Data.
  let bytes: Uint8Array | undefined;
  for (const tag of ['7fe0,0010', '7fe0,0008', '7fe0,0009']) {
    try {
      run('gdcmraw', ['-i', out, '-o', raw, '-t', tag]);
      bytes = new Uint8Array(readFileSync(raw));
      break;
    } catch {
      /* try the next */
    }
  }
  if (!bytes) return { unavailable: `${name}: no pixel data in the decoded file` };
  const rows = Number(a['0010']);
  const columns = Number(a['0011']);
  const samplesPerPixel = Number(a['0002'] || 1);
  const bitsAllocated = Number(a['0100']);
  const photometric = a['0004'] ?? '';
  // An unreadable Number of Frames (e.g. '1A'): count the frames the bytes hold.
  const declared = (a['0008'] ?? '1').trim();
  const frameBits = rows * columns * (photometric === 'YBR_FULL_422' && samplesPerPixel === 3 ? 2 : samplesPerPixel) * bitsAllocated;
  const n = /^\d+$/.test(declared) ? Math.max(1, Number(declared)) : Math.max(1, Math.floor((bytes.length * 8) / frameBits));
  return { tool: name, rows, columns, samplesPerPixel, bitsAllocated, photometric, planarConfiguration: a['0006'] === '1' ? 1 : 0, frames: split(bytes, n, rows, columns, samplesPerPixel, bitsAllocated, photometric) };
}

function split(bytes: Uint8Array, n: number, rows: number, columns: number, spp: number, bits: number, photometric: string): Uint8Array[] {
  const frames: Uint8Array[] = [];
  if (bits === 1) {
    const per = rows * columns * spp;
    for (let f = 0; f < n; f++) {
      const out = new Uint8Array(Math.ceil(per / 8));
      for (let i = 0; i < per; i++) {
        const b = f * per + i;
        if ((bytes[b >> 3] >> (b & 7)) & 1) out[i >> 3] |= 1 << (i & 7);
      }
      frames.push(out);
    }
    return frames;
  }
  const per = photometric === 'YBR_FULL_422' && spp === 3 ? rows * columns * 2 : rows * columns * spp * (bits / 8);
  for (let f = 0; f < n; f++) frames.push(bytes.slice(f * per, (f + 1) * per));
  return frames;
}

/** Encapsulated fragments via dcmdump +W (item 0 is the Basic Offset Table). */
function fragments(file: string, dir: string): Uint8Array[] {
  const w = join(dir, 'frags');
  execFileSync('sh', ['-c', 'mkdir -p "$1"', 'sh', w]);
  execFileSync('dcmdump', ['-q', '+W', w, file], { stdio: 'ignore', timeout: 60_000, maxBuffer: 256 << 20 });
  const names = readdirSync(w).filter((f) => /\.\d+\.raw$/.test(f));
  names.sort((x, y) => Number(/\.(\d+)\.raw$/.exec(x)![1]) - Number(/\.(\d+)\.raw$/.exec(y)![1]));
  return names.slice(1).map((f) => new Uint8Array(readFileSync(join(w, f))));
}

function frameStreams(file: string, dir: string, count: number): Uint8Array[] | undefined {
  const frags = fragments(file, dir);
  if (frags.length === count) return frags;
  if (count === 1) {
    const all = new Uint8Array(frags.reduce((s, f) => s + f.length, 0));
    let at = 0;
    for (const f of frags) {
      all.set(f, at);
      at += f.length;
    }
    return [all];
  }
  return undefined;
}

function perFrame(
  file: string, dir: string, wanted: number[] | undefined, ext: string, name: string,
  decode: (input: string, output: string) => void, outputFormat?: 'rawl',
): IndependentResult {
  const a = attributes(file);
  const rows = Number(a['0010']);
  const columns = Number(a['0011']);
  const spp = Number(a['0002'] || 1);
  const n = Math.max(1, Number.parseInt(a['0008'] || '1', 10) || 1);
  const streams = frameStreams(file, dir, n);
  if (!streams) return { unavailable: `${name}: fragments do not map one to one onto ${n} frames` };
  const frames: Uint8Array[] = new Array(n).fill(new Uint8Array(0));
  let bitsAllocated = Number(a['0100']);
  for (const i of wanted ?? streams.map((_, k) => k)) {
    const input = join(dir, `f${i}.${ext}`);
    const output = join(dir, `f${i}.${outputFormat ?? (spp === 3 ? 'ppm' : 'pgm')}`);
    writeFileSync(input, streams[i]);
    decode(input, output);
    if (outputFormat === 'rawl') {
      // little-endian samples, ceil(bits / 8) bytes each, greyscale only
      frames[i] = new Uint8Array(readFileSync(output));
      continue;
    }
    const pnm = readPnm(new Uint8Array(readFileSync(output)));
    if (pnm.width !== columns || pnm.height !== rows) return { unavailable: `${name}: decoded ${pnm.width}×${pnm.height}` };
    frames[i] = pnm.data;
    if (pnm.bytes === 1 && bitsAllocated > 8) {
      const wide = new Uint8Array(pnm.data.length * 2);
      pnm.data.forEach((v, k) => (wide[k * 2] = v));
      frames[i] = wide;
    }
    bitsAllocated = Math.max(8, bitsAllocated);
  }
  return { tool: name, rows, columns, samplesPerPixel: spp, bitsAllocated, photometric: spp === 3 ? 'RGB' : a['0004'] ?? '', planarConfiguration: 0, frames };
}

/** Binary PGM/PPM (P5/P6); 16-bit samples are big endian in PNM, returned little endian. */
function readPnm(b: Uint8Array): { width: number; height: number; bytes: number; data: Uint8Array } {
  let at = 0;
  const token = (): string => {
    for (;;) {
      while (at < b.length && /\s/.test(String.fromCharCode(b[at]))) at++;
      if (b[at] === 0x23) while (at < b.length && b[at] !== 0x0a) at++;
      else break;
    }
    const start = at;
    while (at < b.length && !/\s/.test(String.fromCharCode(b[at]))) at++;
    return String.fromCharCode(...b.subarray(start, at));
  };
  const magic = token();
  if (magic !== 'P5' && magic !== 'P6') throw new Error(`not a binary PNM: ${magic}`);
  const width = Number(token());
  const height = Number(token());
  const max = Number(token());
  at++; // one whitespace byte before the samples
  const bytes = max > 255 ? 2 : 1;
  const data = b.slice(at, at + width * height * (magic === 'P6' ? 3 : 1) * bytes);
  if (bytes === 2) {
    const v = new DataView(data.buffer);
    let over = false;
    for (let i = 0; i < data.length; i += 2) if (v.getUint16(i, false) > max) over = true;
    for (let i = 0; i < data.length; i += 2) {
      // djxl 0.7 writes 16-bit-scaled samples under a smaller maxval: scale them back.
      const x = v.getUint16(i, false);
      v.setUint16(i, over ? Math.round((x * max) / 65535) : x, true);
    }
  }
  return { width, height, bytes, data };
}

function deflated(file: string, dir: string): IndependentResult {
  const a = attributes(file);
  const rows = Number(a['0010']);
  const columns = Number(a['0011']);
  const spp = Number(a['0002'] || 1);
  const bits = Number(a['0100']);
  const n = Math.max(1, Number.parseInt(a['0008'] || '1', 10) || 1);
  const streams = frameStreams(file, dir, n);
  if (!streams) return { unavailable: 'deflated frames: fragments do not map onto frames' };
  return {
    tool: 'zlib inflateRaw (Node built-in)', rows, columns, samplesPerPixel: spp, bitsAllocated: bits,
    photometric: a['0004'] ?? '', planarConfiguration: a['0006'] === '1' ? 1 : 0,
    frames: streams.map((s) => new Uint8Array(inflateRawSync(s))),
  };
}

// --- comparing with Veil's output (written apart from src/core/pixels, so a bug there cannot hide itself here)

export interface Difference {
  samples: number;
  /** Samples that differ. */
  differing: number;
  maxAbs: number;
  meanAbs: number;
  firstAt?: number;
}

/** The independent frame as numbers: interleaved, YBR_FULL_422 chroma repeated, 1-bit unpacked. */
export function independentSamples(img: IndependentImage, index: number, like: DecodedFrame): { values: Float64Array; photometric: string } {
  const bytes = img.frames[index];
  const n = img.rows * img.columns;
  const spp = img.samplesPerPixel;
  let values: Float64Array;
  let photometric = img.photometric;
  if (img.bitsAllocated === 1) {
    values = new Float64Array(n * spp);
    for (let i = 0; i < values.length; i++) values[i] = (bytes[i >> 3] >> (i & 7)) & 1;
  } else if (photometric === 'YBR_FULL_422' && spp === 3 && img.bitsAllocated === 8) {
    values = new Float64Array(n * 3);
    const perRow = Math.ceil(img.columns / 2) * 4;
    for (let y = 0; y < img.rows; y++) {
      for (let x = 0; x < img.columns; x++) {
        const g = y * perRow + (x >> 1) * 4;
        const o = (y * img.columns + x) * 3;
        values[o] = bytes[g + (x & 1)];
        values[o + 1] = bytes[g + 2];
        values[o + 2] = bytes[g + 3];
      }
    }
    photometric = 'YBR_FULL';
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const size = img.bitsAllocated / 8;
    const count = Math.min(n * spp, Math.floor(bytes.length / size));
    const planar = new Float64Array(n * spp);
    for (let i = 0; i < count; i++) {
      const at = i * size;
      planar[i] =
        size === 1 ? bytes[at]
        : size === 2 ? (like.pixelRepresentation === 1 ? view.getInt16(at, true) : view.getUint16(at, true))
        : size === 4 ? (like.floatPixels ? view.getFloat32(at, true) : like.pixelRepresentation === 1 ? view.getInt32(at, true) : view.getUint32(at, true))
        : view.getFloat64(at, true);
    }
    if (img.planarConfiguration === 1 && spp > 1) {
      values = new Float64Array(n * spp);
      for (let s = 0; s < spp; s++) for (let i = 0; i < n; i++) values[i * spp + s] = planar[s * n + i];
    } else values = planar;
  }
  return { values, photometric };
}

/** Compares sample values; with `bits`, only the low `bits` bits of integers count. */
export function compare(mine: ArrayLike<number>, theirs: ArrayLike<number>, bits?: number): Difference {
  const samples = Math.max(mine.length, theirs.length);
  let differing = 0;
  let maxAbs = 0;
  let sum = 0;
  let firstAt: number | undefined;
  const mask = bits !== undefined && bits < 32 ? 2 ** bits - 1 : undefined;
  for (let i = 0; i < samples; i++) {
    let a = mine[i];
    let b = theirs[i];
    if (a === undefined || b === undefined) {
      differing++;
      firstAt ??= i;
      maxAbs = Infinity;
      continue;
    }
    if (mask !== undefined) {
      a = (a >>> 0) & mask;
      b = (b >>> 0) & mask;
    }
    if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) {
      const d = Math.abs(a - b);
      differing++;
      firstAt ??= i;
      if (d > maxAbs) maxAbs = d;
      sum += d;
    }
  }
  return { samples, differing, maxAbs, meanAbs: samples ? sum / samples : 0, firstAt };
}
