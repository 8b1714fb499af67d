/**
 * Generates the benchmark input: one synthetic CT series of N axial slices (default 400),
 * 512×512, 16-bit signed, explicit VR little endian, into `.bench/ct-<N>/` (gitignored). The
 * series is only generated when it is not already there (a small manifest beside the folder
 * records what was generated; a different generator version or count regenerates).
 *
 * The header is shaped like a real scanner's (~130 elements): patient, study, series,
 * equipment, frame of reference, image plane/pixel, CT image and acquisition modules; dates and
 * times; referenced study / PPS / image sequences; a nested Procedure Code Sequence; a Request
 * Attributes Sequence; and two GE-style private blocks. Pixels are a circle phantom in an air
 * field (body, lungs, spine, a contrast vessel) plus noise. Everything is deterministic: the same
 * N gives byte-identical files on every machine.
 *
 *   npx tsx scripts/bench/make-ct-series.ts [--files N] [--force]
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Dataset, type DataElement } from '../../src/core/dicom/dataset.ts';
import { encodeText } from '../../src/core/dicom/values.ts';
import { writePart10 } from '../../src/core/dicom/writer.ts';
import { mulberry32 } from '../../tests/synthetic/random.ts';

/** Bump when the generated content changes, so cached series are regenerated. */
const GENERATOR_VERSION = 1;

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCH_DIR = path.join(ROOT, '.bench');

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';
const ROWS = 512;
const COLS = 512;

export interface Series {
  dir: string;
  files: string[];
  totalBytes: number;
  /** Identifying values written into every slice, for checking that outputs no longer hold them. */
  phi: { patientName: string; patientId: string; accessionNumber: string; institutionName: string };
  generated: boolean;
}

const PHI = {
  patientName: 'BENCHMARK^HORTENSIA^Q',
  patientId: 'PID-4711-0815',
  accessionNumber: 'ACC20240317001',
  institutionName: 'Saint Wendelin Regional Hospital',
};

// ----------------------------------------------------------------------------- deterministic randomness

/** A 2.25 UID (PS3.5 B.2): "2.25." + a 128-bit integer, here drawn from a seeded PRNG. */
function uid(seed: number): string {
  const r = mulberry32(seed * 2654435761);
  let n = 0n;
  for (let i = 0; i < 4; i++) n = (n << 32n) | BigInt(Math.floor(r() * 4294967296));
  return `2.25.${n.toString()}`;
}

// ----------------------------------------------------------------------------- element helpers

const text = (ds: Dataset, tag: number, vr: string, value: string): void => ds.set({ tag, vr, value: encodeText(value, vr) });

function binary(ds: Dataset, tag: number, vr: string, values: number[]): void {
  const size = vr === 'FD' ? 8 : vr === 'UL' || vr === 'SL' || vr === 'FL' ? 4 : 2;
  const value = new Uint8Array(size * values.length);
  const v = new DataView(value.buffer);
  values.forEach((n, i) => {
    const at = i * size;
    if (vr === 'US') v.setUint16(at, n, true);
    else if (vr === 'SS') v.setInt16(at, n, true);
    else if (vr === 'UL') v.setUint32(at, n, true);
    else if (vr === 'SL') v.setInt32(at, n, true);
    else if (vr === 'FL') v.setFloat32(at, n, true);
    else if (vr === 'FD') v.setFloat64(at, n, true);
    else throw new Error(`binary(): unsupported VR ${vr}`);
  });
  ds.set({ tag, vr, value });
}

function sequence(ds: Dataset, tag: number, items: Dataset[]): void {
  const el: DataElement = { tag, vr: 'SQ', value: new Uint8Array(0), items };
  ds.set(el);
}

function item(fill: (ds: Dataset) => void): Dataset {
  const ds = new Dataset();
  fill(ds);
  return ds;
}

function code(value: string, scheme: string, meaning: string): Dataset {
  return item((c) => {
    text(c, 0x00080100, 'SH', value);
    text(c, 0x00080102, 'SH', scheme);
    text(c, 0x00080104, 'LO', meaning);
  });
}

const ds2 = (n: number): string => {
  // DS values are at most 16 characters.
  const s = Number(n.toFixed(6)).toString();
  return s.length <= 16 ? s : n.toPrecision(10);
};

// ----------------------------------------------------------------------------- header

interface SeriesUIDs {
  study: string;
  series: string;
  frameOfReference: string;
  scoutSeries: string;
  scoutImage: string;
  pps: string;
  referencedStudy: string;
  equipment: string;
}

function header(index: number, count: number, u: SeriesUIDs, sopInstanceUID: string): Dataset {
  const ds = new Dataset();
  const instance = index + 1;
  const sliceThickness = 1.25;
  const z = -50 - index * sliceThickness; // head first supine, moving towards the feet
  // Acquisition time advances with the table: 0.1 s per slice from 09:42:17.
  const acqSeconds = 9 * 3600 + 42 * 60 + 17 + index * 0.1;
  const hh = Math.floor(acqSeconds / 3600);
  const mm = Math.floor((acqSeconds % 3600) / 60);
  const ss = acqSeconds % 60;
  const acqTime = `${String(hh).padStart(2, '0')}${String(mm).padStart(2, '0')}${ss.toFixed(6).padStart(9, '0')}`;

  // --- SOP common, general study/series/image (group 0008)
  text(ds, 0x00080005, 'CS', 'ISO_IR 100');
  text(ds, 0x00080008, 'CS', 'ORIGINAL\\PRIMARY\\AXIAL');
  text(ds, 0x00080012, 'DA', '20240317');
  text(ds, 0x00080013, 'TM', '094512.000000');
  text(ds, 0x00080016, 'UI', CT_IMAGE_STORAGE);
  text(ds, 0x00080018, 'UI', sopInstanceUID);
  text(ds, 0x00080020, 'DA', '20240317');
  text(ds, 0x00080021, 'DA', '20240317');
  text(ds, 0x00080022, 'DA', '20240317');
  text(ds, 0x00080023, 'DA', '20240317');
  text(ds, 0x00080030, 'TM', '093851.000000');
  text(ds, 0x00080031, 'TM', '094156.000000');
  text(ds, 0x00080032, 'TM', acqTime);
  text(ds, 0x00080033, 'TM', acqTime);
  text(ds, 0x00080050, 'SH', PHI.accessionNumber);
  text(ds, 0x00080060, 'CS', 'CT');
  text(ds, 0x00080070, 'LO', 'GE MEDICAL SYSTEMS');
  text(ds, 0x00080080, 'LO', PHI.institutionName);
  text(ds, 0x00080081, 'ST', '12 Cathedral Street\\Saint Wendelin\\66606');
  text(ds, 0x00080090, 'PN', 'OBERMAIER^KLAUS^^DR.');
  text(ds, 0x00080201, 'SH', '+0100');
  text(ds, 0x00081010, 'SH', 'CTAWP71923');
  text(ds, 0x00081030, 'LO', 'CT THORAX ABDOMEN WITH CONTRAST');
  sequence(ds, 0x00081032, [
    item((p) => {
      text(p, 0x00080100, 'SH', 'CTCAPC');
      text(p, 0x00080102, 'SH', 'GEIIS');
      text(p, 0x00080104, 'LO', 'CT Chest Abdomen Pelvis w contrast');
      // Nested: the code's equivalent in another scheme.
      sequence(p, 0x00080121, [code('RPID145', 'RADLEX', 'CT CHEST ABDOMEN PELVIS WITH IV CONTRAST')]);
    }),
  ]);
  text(ds, 0x0008103e, 'LO', 'AX 1.25 STND CAP');
  text(ds, 0x00081040, 'LO', 'RADIOLOGY CT 2');
  text(ds, 0x00081048, 'PN', 'HUBER^ANNA');
  text(ds, 0x00081050, 'PN', 'SCHMID^PETRA');
  text(ds, 0x00081060, 'PN', 'WAGNER^JONAS^^DR.');
  text(ds, 0x00081070, 'PN', 'MUELLER^T');
  text(ds, 0x00081090, 'LO', 'Revolution CT');
  sequence(ds, 0x00081110, [
    item((r) => {
      text(r, 0x00081150, 'UI', '1.2.840.10008.3.1.2.3.1');
      text(r, 0x00081155, 'UI', u.referencedStudy);
    }),
  ]);
  sequence(ds, 0x00081111, [
    item((r) => {
      text(r, 0x00081150, 'UI', '1.2.840.10008.3.1.2.3.3');
      text(r, 0x00081155, 'UI', u.pps);
    }),
  ]);
  sequence(ds, 0x00081140, [
    item((r) => {
      text(r, 0x00081150, 'UI', CT_IMAGE_STORAGE);
      text(r, 0x00081155, 'UI', u.scoutImage);
    }),
  ]);
  sequence(ds, 0x00082218, [code('T-D3000', 'SRT', 'Chest')]);

  // --- GE private block in group 0009
  text(ds, 0x00090010, 'LO', 'GEMS_IDEN_01');
  text(ds, 0x00091001, 'LO', 'GE_GENESIS_FF');
  text(ds, 0x00091002, 'SH', 'CT01');
  text(ds, 0x00091004, 'SH', 'Revolution CT');
  binary(ds, 0x00091027, 'SL', [1710665111]);
  text(ds, 0x000910e3, 'UI', u.equipment);

  // --- patient (group 0010)
  text(ds, 0x00100010, 'PN', PHI.patientName);
  text(ds, 0x00100020, 'LO', PHI.patientId);
  text(ds, 0x00100021, 'LO', 'SWRH');
  text(ds, 0x00100030, 'DA', '19570823');
  text(ds, 0x00100040, 'CS', 'F');
  text(ds, 0x00101000, 'LO', 'MRN883214');
  text(ds, 0x00101010, 'AS', '066Y');
  text(ds, 0x00101020, 'DS', '1.68');
  text(ds, 0x00101030, 'DS', '71');
  text(ds, 0x00102160, 'SH', 'WHITE');
  text(ds, 0x001021b0, 'LT', 'Follow-up after right hemicolectomy 2021; new weight loss.');
  text(ds, 0x00104000, 'LT', 'Allergy: iodine contrast (mild), premedicated.');

  // --- acquisition (group 0018)
  text(ds, 0x00180010, 'LO', 'OMNIPAQUE 350');
  text(ds, 0x00180015, 'CS', 'CHEST');
  text(ds, 0x00180022, 'CS', 'HELICAL MODE');
  text(ds, 0x00180050, 'DS', ds2(sliceThickness));
  text(ds, 0x00180060, 'DS', '120');
  text(ds, 0x00180088, 'DS', ds2(sliceThickness));
  text(ds, 0x00180090, 'DS', '500');
  text(ds, 0x00181000, 'LO', 'RCT1234567');
  text(ds, 0x00181020, 'LO', 'revo_ct_22.100');
  text(ds, 0x00181030, 'LO', '5.1 CHEST ABDOMEN PELVIS C+');
  text(ds, 0x00181100, 'DS', '400');
  text(ds, 0x00181110, 'DS', '1085.6');
  text(ds, 0x00181111, 'DS', '625.6');
  text(ds, 0x00181120, 'DS', '0');
  text(ds, 0x00181130, 'DS', '168.5');
  text(ds, 0x00181140, 'CS', 'CW');
  text(ds, 0x00181150, 'IS', '500');
  text(ds, 0x00181151, 'IS', String(180 + ((index * 7) % 90)));
  text(ds, 0x00181152, 'IS', '12');
  text(ds, 0x00181160, 'SH', 'BODY FILTER');
  text(ds, 0x00181170, 'IS', '72');
  text(ds, 0x00181190, 'DS', '0.7');
  text(ds, 0x00181210, 'SH', 'STANDARD');
  text(ds, 0x00185100, 'CS', 'HFS');
  binary(ds, 0x00189305, 'FD', [0.5]);
  binary(ds, 0x00189306, 'FD', [0.625]);
  binary(ds, 0x00189307, 'FD', [80]);
  binary(ds, 0x00189309, 'FD', [158.75]);
  binary(ds, 0x00189310, 'FD', [79.375]);
  binary(ds, 0x00189311, 'FD', [0.992188]);
  binary(ds, 0x00189345, 'FD', [9.87]);

  // --- study/series/image identification, plane (group 0020)
  text(ds, 0x0020000d, 'UI', u.study);
  text(ds, 0x0020000e, 'UI', u.series);
  text(ds, 0x00200010, 'SH', '48213');
  text(ds, 0x00200011, 'IS', '3');
  text(ds, 0x00200012, 'IS', '1');
  text(ds, 0x00200013, 'IS', String(instance));
  text(ds, 0x00200032, 'DS', `-199.609375\\-199.609375\\${ds2(z)}`);
  text(ds, 0x00200037, 'DS', '1\\0\\0\\0\\1\\0');
  text(ds, 0x00200052, 'UI', u.frameOfReference);
  text(ds, 0x00201040, 'LO', 'SN');
  text(ds, 0x00201041, 'DS', ds2(z));
  text(ds, 0x00204000, 'LT', `Slice ${instance} of ${count}; dose report in series 999`);

  // --- image pixel, CT image, VOI LUT (group 0028)
  binary(ds, 0x00280002, 'US', [1]);
  text(ds, 0x00280004, 'CS', 'MONOCHROME2');
  binary(ds, 0x00280010, 'US', [ROWS]);
  binary(ds, 0x00280011, 'US', [COLS]);
  text(ds, 0x00280030, 'DS', '0.78125\\0.78125');
  binary(ds, 0x00280100, 'US', [16]);
  binary(ds, 0x00280101, 'US', [16]);
  binary(ds, 0x00280102, 'US', [15]);
  binary(ds, 0x00280103, 'US', [1]);
  binary(ds, 0x00280120, 'SS', [-2000]);
  text(ds, 0x00281050, 'DS', '40\\-600');
  text(ds, 0x00281051, 'DS', '400\\1500');
  text(ds, 0x00281052, 'DS', '-1024');
  text(ds, 0x00281053, 'DS', '1');
  text(ds, 0x00281054, 'LO', 'HU');
  text(ds, 0x00281055, 'LO', 'WINDOW1\\WINDOW2');

  // --- requesting service (group 0032)
  text(ds, 0x00321032, 'PN', 'KELLER^MARTIN^^DR.');
  text(ds, 0x00321033, 'LO', 'ONCOLOGY OUTPATIENT');
  text(ds, 0x00321060, 'LO', 'CT CHEST ABDOMEN PELVIS W CONTRAST');
  sequence(ds, 0x00321064, [code('CTCAPC', 'GEIIS', 'CT Chest Abdomen Pelvis w contrast')]);

  // --- performed procedure step, request attributes (group 0040)
  text(ds, 0x00400244, 'DA', '20240317');
  text(ds, 0x00400245, 'TM', '093851.000000');
  text(ds, 0x00400253, 'SH', 'PPS48213');
  text(ds, 0x00400254, 'LO', 'CT CHEST ABDOMEN PELVIS W CONTRAST');
  sequence(ds, 0x00400275, [
    item((r) => {
      text(r, 0x00400007, 'LO', 'CT CAP WITH CONTRAST');
      sequence(r, 0x00400008, [code('CTCAPC', 'GEIIS', 'CT Chest Abdomen Pelvis w contrast')]);
      text(r, 0x00400009, 'SH', 'SPS-0099812');
      text(r, 0x00401001, 'SH', 'RP-0099812');
      text(r, 0x00401002, 'LO', 'Staging, suspected liver metastases');
    }),
  ]);
  text(ds, 0x00402016, 'LO', 'PLC-556712');
  text(ds, 0x00402017, 'LO', 'FIL-556712');

  // --- GE private block in group 0043
  text(ds, 0x00430010, 'LO', 'GEMS_PARM_01');
  binary(ds, 0x00431002, 'SS', [1]);
  binary(ds, 0x00431010, 'US', [120]);
  text(ds, 0x00431027, 'SH', '/1.0:1');
  text(ds, 0x00431031, 'DS', '-0.195312\\0.390625');
  binary(ds, 0x0043104e, 'FL', [10.4, 0.5, 3.2, 0]);

  return ds;
}

// ----------------------------------------------------------------------------- pixels

/**
 * One slice of a body phantom in stored values (HU + 1024, rescale intercept -1024): padding
 * outside the reconstruction circle, air, an elliptic body of soft tissue, two lungs whose size
 * follows the slice position, a bony spine, a contrast-filled aorta, and Gaussian-ish noise.
 */
function slicePixels(index: number, count: number): Uint8Array {
  const out = new Int16Array(ROWS * COLS);
  const rnd = mulberry32(0x5eed0000 + index);
  const t = count > 1 ? index / (count - 1) : 0.5;
  // Lungs are large at the top of the series and vanish towards the abdomen.
  const lung = Math.max(0, Math.sin(Math.PI * Math.min(1, t * 1.6)));
  const cx = 255.5;
  const cy = 265.5;
  const bodyA = 190, bodyB = 140;
  const lungA = 62 * lung, lungB = 88 * lung;
  const lungDx = 85;
  const spineR = 24, spineY = cy + 95;
  const aortaR = 13, aortaX = cx + 20, aortaY = cy + 60;
  const fovR2 = 256 * 256;
  for (let y = 0; y < ROWS; y++) {
    const dy = y - cy;
    for (let x = 0; x < COLS; x++) {
      const dx = x - cx;
      let hu: number;
      const fx = x - 255.5, fy = y - 255.5;
      if (fx * fx + fy * fy > fovR2) {
        out[y * COLS + x] = -2000; // pixel padding value
        continue;
      }
      if ((dx * dx) / (bodyA * bodyA) + (dy * dy) / (bodyB * bodyB) > 1) hu = -1000;
      else {
        hu = 45;
        if ((dx * dx) / (bodyA * bodyA) + (dy * dy) / (bodyB * bodyB) > 0.88) hu = -100; // fat rim
        if (lung > 0.05) {
          const lx1 = dx - lungDx, lx2 = dx + lungDx, ly = dy + 10;
          if ((lx1 * lx1) / (lungA * lungA) + (ly * ly) / (lungB * lungB) < 1) hu = -850;
          if ((lx2 * lx2) / (lungA * lungA) + (ly * ly) / (lungB * lungB) < 1) hu = -850;
        }
        const sx = x - cx, sy = y - spineY;
        const s2 = sx * sx + sy * sy;
        if (s2 < spineR * spineR) hu = s2 < (spineR - 6) * (spineR - 6) ? 250 : 900;
        const ax = x - aortaX, ay = y - aortaY;
        if (ax * ax + ay * ay < aortaR * aortaR) hu = 280;
      }
      // Approximately normal noise, sigma ~12 HU (sum of three uniforms).
      const noise = (rnd() + rnd() + rnd() - 1.5) * 24;
      out[y * COLS + x] = Math.round(hu + 1024 + noise);
    }
  }
  return new Uint8Array(out.buffer);
}

// ----------------------------------------------------------------------------- series

interface Manifest {
  version: number;
  files: number;
  names: string[];
  totalBytes: number;
}

const fileName = (index: number): string => `CT${String(index + 1).padStart(6, '0')}.dcm`;

/**
 * Returns the series in `<baseDir>/ct-<count>/` (`.bench/` unless given: the browser bench puts
 * its multi-gigabyte studies in the temp folder), generating it first if it is missing or stale.
 */
export function makeCtSeries(count = 400, options: { force?: boolean; log?: (line: string) => void; baseDir?: string } = {}): Series {
  if (endianness() !== 'LE') throw new Error('make-ct-series: pixel generation assumes a little-endian machine');
  const log = options.log ?? ((line: string) => console.log(line));
  const baseDir = options.baseDir ?? BENCH_DIR;
  const dir = path.join(baseDir, `ct-${count}`);
  const manifestPath = path.join(baseDir, `ct-${count}.json`);

  if (!options.force && existsSync(manifestPath) && existsSync(dir)) {
    try {
      const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
      const present = new Set(readdirSync(dir));
      const ok =
        m.version === GENERATOR_VERSION &&
        m.files === count &&
        m.names.length === count &&
        present.size === count &&
        m.names.every((n) => present.has(n)) &&
        m.names.reduce((sum, n) => sum + statSync(path.join(dir, n)).size, 0) === m.totalBytes;
      if (ok) {
        return { dir, files: m.names.map((n) => path.join(dir, n)), totalBytes: m.totalBytes, phi: { ...PHI }, generated: false };
      }
    } catch {
      // unreadable manifest: regenerate
    }
  }

  log(`make-ct-series: generating ${count} CT slices (512x512, 16-bit signed, explicit VR LE) in ${path.relative(ROOT, dir)}/ ...`);
  const started = performance.now();
  rmSync(dir, { recursive: true, force: true });
  rmSync(manifestPath, { force: true });
  mkdirSync(dir, { recursive: true });

  const u: SeriesUIDs = {
    study: uid(1),
    series: uid(2),
    frameOfReference: uid(3),
    scoutSeries: uid(4),
    scoutImage: uid(5),
    pps: uid(6),
    referencedStudy: uid(7),
    equipment: uid(8),
  };
  const names: string[] = [];
  let totalBytes = 0;
  for (let i = 0; i < count; i++) {
    const sopInstanceUID = uid(1000 + i);
    const ds = header(i, count, u, sopInstanceUID);
    ds.set({ tag: 0x7fe00010, vr: 'OW', value: slicePixels(i, count) });
    const bytes = writePart10({ dataset: ds, transferSyntaxUID: EXPLICIT_VR_LE, sopClassUID: CT_IMAGE_STORAGE, sopInstanceUID });
    const name = fileName(i);
    writeFileSync(path.join(dir, name), bytes);
    names.push(name);
    totalBytes += bytes.length;
  }
  const manifest: Manifest = { version: GENERATOR_VERSION, files: count, names, totalBytes };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 1) + '\n');
  log(
    `make-ct-series: wrote ${count} files, ${(totalBytes / 1e6).toFixed(1)} MB, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { dir, files: names.map((n) => path.join(dir, n)), totalBytes, phi: { ...PHI }, generated: true };
}

// ----------------------------------------------------------------------------- command line

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--files');
  const count = at >= 0 ? Number(args[at + 1]) : 400;
  if (!Number.isInteger(count) || count < 1) {
    console.error('usage: make-ct-series.ts [--files N] [--force]');
    process.exit(2);
  }
  const s = makeCtSeries(count, { force: args.includes('--force') });
  if (!s.generated) console.log(`make-ct-series: ${s.files.length} files already in ${path.relative(ROOT, s.dir)}/ (use --force to regenerate)`);
}
