/**
 * Synthetic burned-in text with known boxes: several fonts, sizes, positions, contrasts and
 * colours (white on black, yellow on grey, black on white, MONOCHROME1, dim grey, cyan on navy,
 * 16-bit CT), and a multi-frame cine whose clock changes from frame to frame. Measures recall
 * and precision of the ACCEPTED (PHI) boxes against the PHI items drawn, prints them, and holds
 * them to floors.
 *
 * Recall: a PHI item counts as found when accepted boxes cover at least 85% of its ink box on
 * every frame it is drawn on. Precision: an accepted box counts as right when at least 40% of
 * its area lies on PHI items.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedactionBox } from '../../src/core/pixels/plan.ts';
import { createNodeOcrEngine } from '../../src/cli/ocr-node.ts';
import { detectAndPlan } from '../../src/core/detect/pipeline.ts';
import type { OcrEngine } from '../../src/core/detect/ocr-engine.ts';
import { imageMagickAvailable, makeSynthetic, rasterise, uid, type PlacedItem, type Rgb, type SyntheticSpec, type TextItem } from './synthetic-images.ts';

const PHI_TEXTS = ['NORTHCOTT, EVELYN', 'ID: MRN7734521', 'DOB: 03/14/1962', '05-Sep-2023 14:32:07', 'RIVERSIDE GENERAL HOSPITAL', 'Acc: A2309051187'];
const OTHER_TEXTS = ['TIS 0.4  MI 1.1', 'C5-2  12cm', 'Gain 54 dB', 'Abdomen', 'HR 72 bpm', '2D 65%'];

const FONTS = ['DejaVu-Sans', 'DejaVu-Sans-Mono', 'Liberation-Serif', 'Liberation-Sans-Bold'];
const SCHEMES: { name: string; kind: SyntheticSpec['kind']; background: Rgb; foreground: Rgb }[] = [
  { name: 'white on black', kind: 'gray8', background: { r: 0, g: 0, b: 0 }, foreground: { r: 255, g: 255, b: 255 } },
  { name: 'yellow on grey', kind: 'rgb', background: { r: 105, g: 105, b: 105 }, foreground: { r: 255, g: 225, b: 0 } },
  { name: 'black on white (inverted)', kind: 'gray8', background: { r: 235, g: 235, b: 235 }, foreground: { r: 10, g: 10, b: 10 } },
  { name: 'MONOCHROME1', kind: 'mono1', background: { r: 0, g: 0, b: 0 }, foreground: { r: 230, g: 230, b: 230 } },
  { name: 'dim grey on black', kind: 'gray8', background: { r: 15, g: 15, b: 15 }, foreground: { r: 140, g: 140, b: 140 } },
  { name: 'cyan on navy', kind: 'rgb', background: { r: 10, g: 20, b: 70 }, foreground: { r: 80, g: 220, b: 255 } },
];
const SIZES = [12, 15, 19, 24];
const GEOMETRIES: [number, number][] = [[640, 480], [800, 600], [1024, 768]];

type Anchor = 'tl' | 'tr' | 'bl' | 'br' | 'ml' | 'mr';

function place(text: string, phi: boolean, anchor: Anchor, font: string, size: number, w: number, h: number, extra: Partial<TextItem> = {}): TextItem {
  const l = rasterise(text, font, size);
  const m = 10;
  const x = anchor.endsWith('l') ? m : w - l.width - m;
  const y = anchor[0] === 't' ? m : anchor[0] === 'b' ? h - l.height - m : Math.round(h * 0.3);
  return { text, phi, x, y, ...extra };
}

function specs(): SyntheticSpec[] {
  const out: SyntheticSpec[] = [];
  let n = 0;
  for (const scheme of SCHEMES) {
    for (const font of FONTS) {
      const [w, h] = GEOMETRIES[n % GEOMETRIES.length];
      // Devices scale their fonts with the screen: no 24 pt header on a 640-pixel frame.
      const size = Math.min(SIZES[n % SIZES.length], Math.round(w / 40));
      const p = (k: number): string => PHI_TEXTS[(n + k) % PHI_TEXTS.length];
      const o = (k: number): string => OTHER_TEXTS[(n + k) % OTHER_TEXTS.length];
      // PHI in the corners devices use; other text in the side columns and a bottom corner.
      const anchors: Anchor[][] = [['tl', 'tr', 'bl'], ['tr', 'bl', 'tl'], ['bl', 'tl', 'tr']];
      const a = anchors[n % anchors.length];
      const items: TextItem[] = [
        place(p(0), true, a[0], font, size, w, h),
        place(p(1), true, a[1], font, size, w, h),
        place(p(2), true, a[2], font, size, w, h),
        place(o(0), false, 'ml', font, size, w, h),
        place(o(1), false, 'mr', font, size, w, h),
        place(o(2), false, 'br', font, size, w, h),
      ];
      out.push({ name: `${scheme.name}, ${font} ${size}pt, ${w}x${h}`, width: w, height: h, font, pointSize: size, kind: scheme.kind, background: scheme.background, foreground: scheme.foreground, speckle: true, items });
      n++;
    }
  }
  // A 16-bit CT slice with a window, text drawn at the top of the range.
  out.push({
    name: 'CT 16-bit 512x512, DejaVu-Sans 14pt', width: 512, height: 512, font: 'DejaVu-Sans', pointSize: 14, kind: 'gray16',
    background: { r: 0, g: 0, b: 0 }, foreground: { r: 255, g: 255, b: 255 },
    items: [
      place('NORTHCOTT, EVELYN', true, 'tl', 'DejaVu-Sans', 14, 512, 512),
      place('DOB: 03/14/1962', true, 'tr', 'DejaVu-Sans', 14, 512, 512),
      place('W 400 L 40', false, 'bl', 'DejaVu-Sans', 14, 512, 512),
    ],
  });
  return out;
}

/** A cine loop: name and ID on every frame, a clock that changes, a frame counter. */
function cineSpec(): SyntheticSpec {
  const w = 640;
  const h = 480;
  const font = 'DejaVu-Sans-Mono';
  const size = 14;
  const items: TextItem[] = [place('NORTHCOTT, EVELYN', true, 'tl', font, size, w, h), place('ID: MRN7734521', true, 'tr', font, size, w, h)];
  for (let f = 0; f < 6; f++) {
    items.push(place(`14:32:0${f}`, true, 'bl', font, size, w, h, { frames: [f] }));
    items.push(place(`Frame ${f + 1}/6`, false, 'br', font, size, w, h, { frames: [f] }));
  }
  return { name: 'cine, 6 frames, changing clock', width: w, height: h, frames: 6, font, pointSize: size, kind: 'gray8', background: { r: 0, g: 0, b: 0 }, foreground: { r: 240, g: 240, b: 240 }, speckle: true, items };
}

interface Score {
  phiItems: number;
  phiFound: number;
  accepted: number;
  acceptedRight: number;
  otherAccepted: string[];
  missed: string[];
}

function boxesOnFrame(boxes: RedactionBox[], f: number): RedactionBox[] {
  return boxes.filter((b) => b.frames === 'all' || b.frames.includes(f));
}

function coverage(item: PlacedItem, boxes: RedactionBox[]): number {
  let inside = 0;
  for (let y = item.y; y < item.y + item.height; y++) {
    for (let x = item.x; x < item.x + item.width; x++) {
      if (boxes.some((b) => x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height)) inside++;
    }
  }
  return inside / (item.width * item.height);
}

function score(placed: PlacedItem[], boxes: RedactionBox[], frames: number): Score {
  const accepted = boxes.filter((b) => b.status === 'accepted');
  const s: Score = { phiItems: 0, phiFound: 0, accepted: accepted.length, acceptedRight: 0, otherAccepted: [], missed: [] };
  for (const item of placed.filter((i) => i.phi)) {
    s.phiItems++;
    const on = item.frames ?? Array.from({ length: frames }, (_, f) => f);
    if (on.every((f) => coverage(item, boxesOnFrame(accepted, f)) >= 0.85)) s.phiFound++;
    else s.missed.push(item.text);
  }
  for (const b of accepted) {
    let onPhi = 0;
    for (let y = b.y; y < b.y + b.height; y++) {
      for (let x = b.x; x < b.x + b.width; x++) {
        if (placed.some((i) => i.phi && x >= i.x && x < i.x + i.width && y >= i.y && y < i.y + i.height)) onPhi++;
      }
    }
    if (onPhi >= 0.4 * b.width * b.height) s.acceptedRight++;
    else s.otherAccepted.push(b.label ?? '');
  }
  return s;
}

let engine: OcrEngine;
const results: { name: string; s: Score }[] = [];

beforeAll(() => {
  engine = createNodeOcrEngine({ workers: 2 });
});
afterAll(async () => {
  await engine.terminate();
});

describe('synthetic burned-in text: recall and precision of PHI boxes', () => {
  it('ImageMagick and its fonts are installed (Debian: imagemagick, fonts-dejavu-core, fonts-liberation)', () => {
    expect(imageMagickAvailable()).toBe(true);
  });

  it('finds the PHI across fonts, sizes, positions, contrasts and colours', async () => {
    const images = [...specs(), cineSpec()].map((spec, i) => makeSynthetic(spec, i + 1));
    const detected = await Promise.all(images.map((img) => detectAndPlan(engine, [{ path: img.spec.name, bytes: img.bytes }])));
    images.forEach((img, i) => results.push({ name: img.spec.name, s: score(img.placed, detected[i].plan.boxes, img.spec.frames ?? 1) }));

    const total = results.reduce(
      (t, r) => ({ items: t.items + r.s.phiItems, found: t.found + r.s.phiFound, accepted: t.accepted + r.s.accepted, right: t.right + r.s.acceptedRight }),
      { items: 0, found: 0, accepted: 0, right: 0 },
    );
    const recall = total.found / total.items;
    const precision = total.accepted ? total.right / total.accepted : 1;
    const lines = results.map((r) => {
      const misses = r.s.missed.length ? `  missed: ${r.s.missed.join(' | ')}` : '';
      const wrong = r.s.otherAccepted.length ? `  wrongly accepted: ${r.s.otherAccepted.join(' | ')}` : '';
      return `  ${r.name.padEnd(58)} PHI ${r.s.phiFound}/${r.s.phiItems}  accepted ${r.s.acceptedRight}/${r.s.accepted}${misses}${wrong}`;
    });
    const byScheme = SCHEMES.map((sc) => {
      const rs = results.filter((r) => r.name.startsWith(sc.name));
      const items = rs.reduce((n, r) => n + r.s.phiItems, 0);
      const found = rs.reduce((n, r) => n + r.s.phiFound, 0);
      return `  ${sc.name.padEnd(28)} recall ${(found / items).toFixed(2)}`;
    });
    console.log(
      `synthetic burned-in text, ${results.length} images:\n${lines.join('\n')}\n${byScheme.join('\n')}\n` +
        `PHI recall ${recall.toFixed(3)} (${total.found}/${total.items}), precision ${precision.toFixed(3)} (${total.right}/${total.accepted})`,
    );
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(precision).toBeGreaterThanOrEqual(0.9);
    // The cine: the changing clock is boxed on every frame.
    const cine = results[results.length - 1];
    expect(cine.s.missed).toEqual([]);
  });

  it('reports recall on a harder set (small, faint, italic, text over the image) with a lower floor', async () => {
    const hard: SyntheticSpec[] = [];
    const cases: { font: string; size: number; bg: number; fg: number; over?: boolean }[] = [
      { font: 'DejaVu-Sans', size: 10, bg: 0, fg: 255 },
      { font: 'Liberation-Serif-Italic', size: 13, bg: 0, fg: 255 },
      { font: 'DejaVu-Sans-Mono', size: 11, bg: 40, fg: 95 },
      { font: 'Liberation-Sans', size: 12, bg: 200, fg: 150 },
      { font: 'DejaVu-Sans', size: 14, bg: 0, fg: 255, over: true },
      { font: 'Liberation-Sans-Narrow', size: 12, bg: 0, fg: 200 },
    ];
    cases.forEach((c, n) => {
      const w = 1024;
      const h = 768;
      const items: TextItem[] = [
        place(PHI_TEXTS[n % 6], true, 'tl', c.font, c.size, w, h),
        place(PHI_TEXTS[(n + 1) % 6], true, 'tr', c.font, c.size, w, h),
        place(OTHER_TEXTS[n % 6], false, 'bl', c.font, c.size, w, h),
      ];
      // Over the image: inside the speckle fan rather than on the flat border.
      if (c.over) items.push({ ...place(PHI_TEXTS[(n + 2) % 6], true, 'ml', c.font, c.size, w, h), x: Math.round(w * 0.42), y: Math.round(h * 0.55) });
      const g = { r: c.bg, g: c.bg, b: c.bg };
      const f = { r: c.fg, g: c.fg, b: c.fg };
      hard.push({ name: `hard: ${c.font} ${c.size}pt, ${c.fg} on ${c.bg}${c.over ? ', over the image' : ''}`, width: w, height: h, font: c.font, pointSize: c.size, kind: 'gray8', background: g, foreground: f, speckle: true, items });
    });
    const images = hard.map((spec, i) => makeSynthetic(spec, 500 + i));
    const detected = await Promise.all(images.map((img) => detectAndPlan(engine, [{ path: img.spec.name, bytes: img.bytes }])));
    const scores = images.map((img, i) => ({ name: img.spec.name, s: score(img.placed, detected[i].plan.boxes, 1) }));
    const items = scores.reduce((n, r) => n + r.s.phiItems, 0);
    const found = scores.reduce((n, r) => n + r.s.phiFound, 0);
    const accepted = scores.reduce((n, r) => n + r.s.accepted, 0);
    const right = scores.reduce((n, r) => n + r.s.acceptedRight, 0);
    console.log(
      `harder synthetic set, ${scores.length} images:\n${scores.map((r) => `  ${r.name.padEnd(58)} PHI ${r.s.phiFound}/${r.s.phiItems}  accepted ${r.s.acceptedRight}/${r.s.accepted}${r.s.missed.length ? `  missed: ${r.s.missed.join(' | ')}` : ''}`).join('\n')}\n` +
        `harder set: PHI recall ${(found / items).toFixed(3)} (${found}/${items}), precision ${(accepted ? right / accepted : 1).toFixed(3)} (${right}/${accepted})`,
    );
    expect(found / items).toBeGreaterThanOrEqual(0.6);
    expect(accepted ? right / accepted : 1).toBeGreaterThanOrEqual(0.8);
  });

  it('samples a CT series (first, middle, last) and carries the boxes over to the slices not read', async () => {
    const study = uid();
    const series = uid();
    const slices = Array.from({ length: 9 }, (_, i) =>
      makeSynthetic({
        name: `CT slice ${i + 1}`, width: 512, height: 512, font: 'DejaVu-Sans', pointSize: 14, kind: 'gray16',
        background: { r: 0, g: 0, b: 0 }, foreground: { r: 255, g: 255, b: 255 },
        items: [place('NORTHCOTT, EVELYN', true, 'tl', 'DejaVu-Sans', 14, 512, 512), place(`Im: ${i + 1}`, false, 'bl', 'DejaVu-Sans', 14, 512, 512)],
        series: { studyInstanceUID: study, seriesInstanceUID: series, instanceNumber: i + 1 },
      }, 200 + i),
    );
    const detected = await detectAndPlan(engine, slices.map((s, i) => ({ path: `slice${i}`, bytes: s.bytes })));
    expect([...detected.read].sort()).toEqual(['slice0', 'slice4', 'slice8']);
    for (const s of slices) {
      const name = detected.plan.boxes.filter((b) => b.status === 'accepted' && b.scope.kind === 'instance' && b.scope.sopInstanceUID === s.sopInstanceUID);
      expect(name.length, s.spec.name).toBeGreaterThanOrEqual(1);
      expect(coverage(s.placed[0], name)).toBeGreaterThanOrEqual(0.85);
    }
  });

  it('keeps measurements and scale labels out of the proposals when asked, proposes them otherwise', async () => {
    const font = 'DejaVu-Sans';
    const spec: SyntheticSpec = {
      name: 'keep clinical text', width: 800, height: 600, font, pointSize: 18, kind: 'gray8',
      background: { r: 0, g: 0, b: 0 }, foreground: { r: 255, g: 255, b: 255 },
      items: [
        place('NORTHCOTT, EVELYN', true, 'tl', font, 18, 800, 600),
        place('TIS 0.4  MI 1.1', false, 'tr', font, 18, 800, 600),
        place('Dist 3.2 cm', false, 'ml', font, 18, 800, 600),
        place('HR 72 bpm', false, 'br', font, 18, 800, 600),
      ],
    };
    const img = makeSynthetic(spec, 99);
    const all = await detectAndPlan(engine, [{ path: 'a', bytes: img.bytes }]);
    const kept = await detectAndPlan(engine, [{ path: 'b', bytes: img.bytes }], { keepClinicalText: true });
    const labels = (boxes: RedactionBox[]): string => boxes.map((b) => `${b.status}: ${b.label}`).join('\n');
    expect(all.plan.boxes.filter((b) => b.status === 'proposed').length, labels(all.plan.boxes)).toBeGreaterThanOrEqual(2);
    expect(kept.plan.boxes.filter((b) => /TIS|MI 1|cm|bpm/.test(b.label ?? '')), labels(kept.plan.boxes)).toEqual([]);
    expect(kept.plan.boxes.some((b) => b.status === 'accepted' && /NORTHCOTT/.test(b.label ?? '')), labels(kept.plan.boxes)).toBe(true);
  });
});
