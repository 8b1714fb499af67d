/**
 * Synthetic burned-in text with known ground truth. ImageMagick (Debian's `convert`, with
 * fonts-dejavu-core and fonts-liberation) rasterises each text item on its own; the items are
 * composited here at known places, in chosen colours, on a chosen background, into frames of a
 * DICOM image written with the project's Dataset and writePart10. The box of every item is known
 * exactly, so recall and precision of the PHI boxes can be measured.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Dataset } from '../../src/core/dicom/dataset.ts';
import { T } from '../../src/core/dicom/tags.ts';
import { encodeText } from '../../src/core/dicom/values.ts';
import { writePart10 } from '../../src/core/dicom/writer.ts';
import { mulberry32 } from '../synthetic/random.ts';

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

export interface TextItem {
  text: string;
  phi: boolean;
  x: number;
  y: number;
  /** Frames it is drawn on (default: all). */
  frames?: number[];
  /** Font, size and colour of this item when they differ from the image's. */
  font?: string;
  pointSize?: number;
  color?: Rgb;
  /**
   * The identifying parts of a PHI item ("03/14/1962" of "DOB: 03/14/1962"), which no reader
   * may find in the redacted output. Default: every token of the text with a letter or digit.
   */
  secrets?: string[];
}

export interface PlacedItem extends TextItem {
  width: number;
  height: number;
}

export interface SyntheticSpec {
  name: string;
  width: number;
  height: number;
  frames?: number;
  font: string;
  pointSize: number;
  /** 'gray8': MONOCHROME2 8-bit; 'gray16': MONOCHROME2 16-bit with a window; 'mono1': MONOCHROME1 8-bit; 'rgb': RGB 8-bit. */
  kind: 'gray8' | 'gray16' | 'mono1' | 'rgb';
  background: Rgb;
  foreground: Rgb;
  /** Speckle over the image body (ultrasound-like), away from the text. */
  speckle?: boolean;
  /**
   * A radiograph-like body instead of a flat ground: smooth bright shapes (up to ~240 of 255)
   * with fine grain, and a left-to-right ramp from dark to bright along the top rows, so that
   * text placed there runs from the dark border into bright anatomy.
   */
  anatomy?: boolean;
  /** VOI window (centre, width) of a 16-bit image (default 1024, 2048: drawn white is above it). */
  window?: [number, number];
  /** Header values that differ from PATIENT (short names, another institution, another date). */
  header?: Partial<SyntheticHeader>;
  items: TextItem[];
  /** Put the image into this series (default: a series of its own). */
  series?: { studyInstanceUID: string; seriesInstanceUID: string; instanceNumber: number };
}

export interface SyntheticImage {
  spec: SyntheticSpec;
  bytes: Uint8Array;
  sopInstanceUID: string;
  placed: PlacedItem[];
}

export interface SyntheticHeader {
  name: string;
  id: string;
  birthDate: string;
  studyDate: string;
  institution: string;
  accession: string;
  /** Modality and SOP Class of the image (default: US, or CT for 16-bit). */
  modality: string;
  sopClassUID: string;
}

/** The header identifiers the PHI text items repeat. */
export const PATIENT = {
  name: 'NORTHCOTT^EVELYN',
  id: 'MRN7734521',
  birthDate: '19620314',
  studyDate: '20230905',
  institution: 'RIVERSIDE GENERAL HOSPITAL',
  accession: 'A2309051187',
};

/** Debian's ImageMagick; some machines put a stand-in `convert` earlier on the PATH. */
const CONVERT = existsSync('/usr/bin/convert') ? '/usr/bin/convert' : 'convert';

const labelCache = new Map<string, { width: number; height: number; alpha: Uint8Array }>();

/** Text rasterised white on black by ImageMagick: coverage 0..255 per pixel, trimmed to the ink. */
export function rasterise(text: string, font: string, pointSize: number): { width: number; height: number; alpha: Uint8Array } {
  const key = `${font}|${pointSize}|${text}`;
  const cached = labelCache.get(key);
  if (cached) return cached;
  const r = spawnSync(CONVERT, ['-background', 'black', '-fill', 'white', '-font', font, '-pointsize', String(pointSize), `label:${text}`, '-trim', '+repage', '-depth', '8', 'pgm:-'], { maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`ImageMagick could not draw "${text}" in ${font}: ${r.stderr?.toString()}`);
  const buf = new Uint8Array(r.stdout);
  // P5\n<w> <h>\n255\n<data>
  let at = 0;
  const fields: string[] = [];
  while (fields.length < 4) {
    while (buf[at] === 0x20 || buf[at] === 0x0a || buf[at] === 0x0d || buf[at] === 0x09) at++;
    let s = '';
    while (!(buf[at] === 0x20 || buf[at] === 0x0a || buf[at] === 0x0d || buf[at] === 0x09)) s += String.fromCharCode(buf[at++]);
    fields.push(s);
  }
  at++;
  const width = Number(fields[1]);
  const height = Number(fields[2]);
  const out = { width, height, alpha: buf.slice(at, at + width * height) };
  labelCache.set(key, out);
  return out;
}

export function imageMagickAvailable(): boolean {
  return spawnSync(CONVERT, ['-version']).status === 0;
}

let uidCounter = 0;
export const uid = (): string => `2.25.${(BigInt(Date.now()) * 1000n + BigInt(++uidCounter)).toString()}${uidCounter}`;

/**
 * A radiograph-like body drawn into `img`: a dark border, broad bright shapes (lungs, mediastinum
 * and shoulders of a chest film, roughly) and fine grain; along the top rows a ramp from dark on
 * the left to bright on the right, where devices print the patient's name.
 */
function paintAnatomy(img: Float64Array, width: number, height: number, channels: number, rand: () => number): void {
  const blobs = [
    { cx: 0.5, cy: 0.55, sx: 0.16, sy: 0.4, a: 150 },
    { cx: 0.28, cy: 0.5, sx: 0.2, sy: 0.32, a: 90 },
    { cx: 0.72, cy: 0.5, sx: 0.2, sy: 0.32, a: 90 },
    { cx: 0.15, cy: 0.12, sx: 0.25, sy: 0.12, a: 170 },
    { cx: 0.85, cy: 0.12, sx: 0.25, sy: 0.12, a: 170 },
  ];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width;
      const v = y / height;
      let val = 40;
      for (const b of blobs) val += b.a * Math.exp(-(((u - b.cx) / b.sx) ** 2 + ((v - b.cy) / b.sy) ** 2));
      // The top band: dark at the left edge, bright anatomy from a third of the width on.
      const band = v < 0.18 ? 1 : Math.exp(-(((v - 0.18) / 0.06) ** 2));
      const ramp = 30 + 200 * Math.min(1, Math.max(0, (u - 0.04) / 0.3));
      val += (Math.max(val, ramp) - val) * band;
      val += (rand() - 0.5) * 14;
      const p = y * width + x;
      for (let c = 0; c < channels; c++) img[p * channels + c] = Math.min(245, Math.max(0, val));
    }
  }
}

export function makeSynthetic(spec: SyntheticSpec, seed = 1): SyntheticImage {
  const frames = spec.frames ?? 1;
  const { width, height } = spec;
  const channels = spec.kind === 'rgb' ? 3 : 1;
  const rand = mulberry32(seed);
  const label = (item: TextItem): ReturnType<typeof rasterise> => rasterise(item.text, item.font ?? spec.font, item.pointSize ?? spec.pointSize);
  const placed: PlacedItem[] = spec.items.map((item) => {
    const l = label(item);
    return { ...item, width: l.width, height: l.height };
  });
  const planes: Float64Array[] = [];
  for (let f = 0; f < frames; f++) {
    const img = new Float64Array(width * height * channels);
    const bg = [spec.background.r, spec.background.g, spec.background.b];
    for (let p = 0; p < width * height; p++) for (let c = 0; c < channels; c++) img[p * channels + c] = bg[c];
    if (spec.speckle) {
      // An ultrasound-like fan of speckle in the middle of the image, changing from frame to frame.
      const cx = width / 2;
      for (let y = Math.round(height * 0.22); y < Math.round(height * 0.85); y++) {
        const half = (y - height * 0.15) * 0.55;
        for (let x = Math.max(0, Math.round(cx - half)); x < Math.min(width, Math.round(cx + half)); x++) {
          const v = 30 + rand() * rand() * 160;
          for (let c = 0; c < channels; c++) img[(y * width + x) * channels + c] = v;
        }
      }
    }
    if (spec.anatomy) paintAnatomy(img, width, height, channels, mulberry32(seed * 7919 + f));
    for (const item of placed) {
      if (item.frames && !item.frames.includes(f)) continue;
      const colour = item.color ?? spec.foreground;
      const fg = [colour.r, colour.g, colour.b];
      const l = label(item);
      for (let y = 0; y < l.height; y++) {
        for (let x = 0; x < l.width; x++) {
          const X = item.x + x;
          const Y = item.y + y;
          if (X < 0 || Y < 0 || X >= width || Y >= height) continue;
          const a = l.alpha[y * l.width + x] / 255;
          for (let c = 0; c < channels; c++) {
            const i = (Y * width + X) * channels + c;
            img[i] = img[i] * (1 - a) + fg[c] * a;
          }
        }
      }
    }
    planes.push(img);
  }

  const ds = new Dataset();
  const text = (tag: number, vr: string, v: string): void => ds.set({ tag, vr, value: encodeText(v, vr) });
  const us = (tag: number, n: number): void => {
    const value = new Uint8Array(2);
    new DataView(value.buffer).setUint16(0, n, true);
    ds.set({ tag, vr: 'US', value });
  };
  const sopInstanceUID = uid();
  const multi = frames > 1;
  const h = { ...PATIENT, ...spec.header };
  const sopClass = h.sopClassUID ?? (multi ? '1.2.840.10008.5.1.4.1.1.6.2' : spec.kind === 'gray16' ? '1.2.840.10008.5.1.4.1.1.2' : '1.2.840.10008.5.1.4.1.1.6.1');
  text(T.SpecificCharacterSet, 'CS', 'ISO_IR 192');
  text(T.SOPClassUID, 'UI', sopClass);
  text(T.SOPInstanceUID, 'UI', sopInstanceUID);
  text(T.StudyDate, 'DA', h.studyDate);
  text(T.AccessionNumber, 'SH', h.accession);
  text(T.Modality, 'CS', h.modality ?? (spec.kind === 'gray16' ? 'CT' : 'US'));
  text(T.InstitutionName, 'LO', h.institution);
  text(T.PatientName, 'PN', h.name);
  text(T.PatientID, 'LO', h.id);
  text(T.PatientBirthDate, 'DA', h.birthDate);
  text(T.StudyInstanceUID, 'UI', spec.series?.studyInstanceUID ?? uid());
  text(T.SeriesInstanceUID, 'UI', spec.series?.seriesInstanceUID ?? uid());
  text(T.InstanceNumber, 'IS', String(spec.series?.instanceNumber ?? 1));
  us(T.SamplesPerPixel, channels);
  text(T.PhotometricInterpretation, 'CS', spec.kind === 'rgb' ? 'RGB' : spec.kind === 'mono1' ? 'MONOCHROME1' : 'MONOCHROME2');
  if (channels === 3) us(0x00280006, 0);
  if (multi) text(T.NumberOfFrames, 'IS', String(frames));
  us(T.Rows, height);
  us(T.Columns, width);
  const bits = spec.kind === 'gray16' ? 16 : 8;
  us(T.BitsAllocated, bits);
  us(0x00280101, bits === 16 ? 12 : 8);
  us(0x00280102, bits === 16 ? 11 : 7);
  us(0x00280103, 0);
  if (spec.kind === 'gray16') {
    const [centre, width] = spec.window ?? [1024, 2048];
    text(0x00281050, 'DS', String(centre));
    text(0x00281051, 'DS', String(width));
  }
  const frameSamples = width * height * channels;
  const pixels = new Uint8Array(frames * frameSamples * (bits / 8) + ((frames * frameSamples * (bits / 8)) % 2));
  const view = new DataView(pixels.buffer);
  planes.forEach((img, f) => {
    for (let i = 0; i < frameSamples; i++) {
      let v = img[i];
      if (spec.kind === 'mono1') v = 255 - v; // stored inverted: shown as drawn
      if (bits === 16) view.setUint16((f * frameSamples + i) * 2, Math.round((v / 255) * 4095), true);
      else pixels[f * frameSamples + i] = Math.round(v);
    }
  });
  ds.set({ tag: T.PixelData, vr: bits === 16 ? 'OW' : 'OB', value: pixels });
  const bytes = writePart10({ dataset: ds, transferSyntaxUID: '1.2.840.10008.1.2.1', sopClassUID: sopClass, sopInstanceUID });
  return { spec, bytes, sopInstanceUID, placed };
}
