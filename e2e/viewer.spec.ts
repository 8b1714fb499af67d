/**
 * The image viewer (data-testid="viewer", cornerstone3D): images shown as they should be —
 * MONOCHROME1 with white bones, Palette Color through its LUTs, YBR converted to RGB — and the
 * stack, cine, window/level, zoom, pan, invert, reset and keyboard shortcuts working.
 *
 * What the viewport shows is read back from its canvas and compared with the file's own pixel
 * values, decoded here independently (dicom-parser + PackBits), never by the app.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { CR_MONO1_RLE, US_GREY, US_PALETTE_CINE, US_RGB, US_YBR_RLE, makeFolder, type FixtureFile } from './helpers/burned-in.ts';
import { makeFixtureFolder } from './helpers/fixtures.ts';
import { isFlat, meanAround, paletteRgb, parse, rankCorrelation, readFrame, ybrToRgb, type Frame } from './helpers/pixels.ts';
import { collectProblems, shot, waitForCounts } from './helpers/session.ts';
import { canvasColors, knownFileQuirks, openViewer, placement, viewerInfo, waitForImage } from './helpers/viewer.ts';

const seriesUid = (f: FixtureFile): string => parse(new Uint8Array(readFileSync(f.abs))).string('x0020000e')!.trim();

/** Sample positions spread over the image whose neighbourhood is one colour (so scaling cannot blur them). */
function flatPoints(frame: Frame, radius: number, want = 60): [number, number][] {
  const out: [number, number][] = [];
  const step = Math.max(2, Math.floor(Math.min(frame.rows, frame.columns) / 90));
  for (let r = radius; r < frame.rows - radius; r += step) {
    for (let c = radius; c < frame.columns - radius; c += step) if (isFlat(frame, r, c, radius)) out.push([r, c]);
  }
  // Prefer points that are not black, then spread them evenly.
  const lit = out.filter(([r, c]) => Array.from({ length: frame.samples }, (_, s) => frame.get(r, c, s)).some((v) => v > 24));
  const pool = lit.length >= want / 2 ? lit : out;
  const every = Math.max(1, Math.floor(pool.length / want));
  return pool.filter((_, i) => i % every === 0).slice(0, want);
}

async function expectColours(page: Page, frame: Frame, expected: (r: number, c: number) => [number, number, number], label: string): Promise<void> {
  const where = await placement(page, frame.columns, frame.rows);
  const radius = Math.ceil(1 / Math.min(1, where.scale)) + 1;
  const points = flatPoints(frame, radius);
  expect(points.length, `${label}: flat sample points`).toBeGreaterThanOrEqual(20);
  const shown = await canvasColors(page, points.map(([r, c]) => where.toCanvas(c, r)));
  const off = points.filter(([r, c], i) => expected(r, c).some((v, k) => Math.abs(v - shown[i][k]) > 10));
  const detail = off.slice(0, 5).map(([r, c]) => `(${c},${r}) expected ${expected(r, c)} shown ${shown[points.findIndex((p) => p[0] === r && p[1] === c)]}`);
  expect(off.length, `${label}: ${off.length}/${points.length} samples off: ${detail.join('; ')}`).toBeLessThanOrEqual(points.length * 0.05);
}

test('shows MONOCHROME1, Palette Color, YBR and RGB images with the right grey levels and colours', async ({ page }) => {
  const problems = collectProblems(page);
  const fx = makeFolder('display', [CR_MONO1_RLE, US_PALETTE_CINE, US_YBR_RLE, US_RGB, US_GREY]);
  const [cr, palette, ybr, rgb, grey] = fx.files;
  await page.goto('./');
  await page.getByTestId('folder-input').setInputFiles(fx.dir);
  await waitForCounts(page, 5, 0);

  // MONOCHROME1: high stored values are dark. Grey levels on screen must fall as values rise.
  await openViewer(page, seriesUid(cr));
  await expect(page.getByTestId('viewer-info')).toContainText('MONOCHROME1');
  await expect(page.getByTestId('viewer-info')).not.toContainText('inverted');
  const crFrame = readFrame(parse(new Uint8Array(readFileSync(cr.abs))));
  {
    const where = await placement(page, crFrame.columns, crFrame.rows);
    const radius = Math.ceil(1 / where.scale);
    const pts: [number, number][] = [];
    for (let r = 60; r < crFrame.rows - 60; r += 97) for (let c = 60; c < crFrame.columns - 60; c += 97) pts.push([r, c]);
    const values = pts.map(([r, c]) => meanAround(crFrame, r, c, radius));
    const shown = (await canvasColors(page, pts.map(([r, c]) => where.toCanvas(c, r)))).map(([r, g, b]) => (r + g + b) / 3);
    expect(rankCorrelation(values, shown), 'MONOCHROME1: brightness against stored value').toBeLessThan(-0.9);
  }
  await shot(page, 'viewer-01-monochrome1');

  // The same check on a MONOCHROME2 image: brightness rises with the value.
  await openViewer(page, seriesUid(grey));
  const greyFrame = readFrame(parse(new Uint8Array(readFileSync(grey.abs))));
  {
    const where = await placement(page, greyFrame.columns, greyFrame.rows);
    const radius = Math.ceil(1 / where.scale);
    const pts: [number, number][] = [];
    for (let r = 20; r < greyFrame.rows - 20; r += 23) for (let c = 20; c < greyFrame.columns - 20; c += 23) pts.push([r, c]);
    const values = pts.map(([r, c]) => meanAround(greyFrame, r, c, radius));
    const shown = (await canvasColors(page, pts.map(([r, c]) => where.toCanvas(c, r)))).map(([r, g, b]) => (r + g + b) / 3);
    expect(rankCorrelation(values, shown), 'MONOCHROME2: brightness against stored value').toBeGreaterThan(0.9);
  }

  // Palette Color: every flat area shows its LUT colour.
  await openViewer(page, seriesUid(palette));
  await expect(page.getByTestId('viewer-position')).toHaveText('1 / 10');
  const palDs = parse(new Uint8Array(readFileSync(palette.abs)));
  const palFrame = readFrame(palDs, 0);
  const lut = paletteRgb(palDs);
  await expectColours(page, palFrame, (r, c) => lut(palFrame.get(r, c)), 'PALETTE COLOR');
  await shot(page, 'viewer-02-palette-cine');

  // YBR_FULL (RLE, planar): converted to RGB.
  await openViewer(page, seriesUid(ybr));
  const ybrFrame = readFrame(parse(new Uint8Array(readFileSync(ybr.abs))));
  expect(ybrFrame.photometric).toBe('YBR_FULL');
  await expectColours(page, ybrFrame, (r, c) => ybrToRgb(ybrFrame.get(r, c, 0), ybrFrame.get(r, c, 1), ybrFrame.get(r, c, 2)), 'YBR_FULL');

  // RGB, native.
  await openViewer(page, seriesUid(rgb));
  const rgbFrame = readFrame(parse(new Uint8Array(readFileSync(rgb.abs))));
  await expectColours(page, rgbFrame, (r, c) => [rgbFrame.get(r, c, 0), rgbFrame.get(r, c, 1), rgbFrame.get(r, c, 2)], 'RGB');

  expect(knownFileQuirks(problems)).toEqual([]);
});

test('scrolls the stack, plays cine, and window/level, zoom, pan, invert and reset work by mouse and keyboard', async ({ page }) => {
  const problems = collectProblems(page);
  const study = makeFixtureFolder('stack-study');
  await page.goto('./');
  await page.getByTestId('folder-input').setInputFiles(study.dir);
  await waitForCounts(page, study.expectWritten.length, study.expectRejected.length);

  // The synthetic CT series: four slices, one stack.
  await page.getByRole('button', { name: /CT.*4$/ }).first().click();
  await page.getByTestId('open-viewer').click();
  await waitForImage(page);
  const position = page.getByTestId('viewer-position');
  const viewer = page.getByTestId('viewer');
  await expect(position).toHaveText('1 / 4');
  await page.keyboard.press('ArrowDown');
  await expect(position).toHaveText('2 / 4');
  const box = (await viewer.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 120);
  await expect(position).toHaveText('3 / 4');
  await page.keyboard.press('End');
  await expect(position).toHaveText('4 / 4');
  await page.keyboard.press('Home');
  await expect(position).toHaveText('1 / 4');
  await page.getByTestId('viewer-slider').fill('2');
  await expect(position).toHaveText('3 / 4');

  // Window/level with the left button (the default tool): the window changes.
  const wl = async () => /W (-?\d+) L (-?\d+)/.exec(await viewerInfo(page))?.slice(1).join('/');
  const before = await wl();
  expect(before).toBeTruthy();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 + 40, { steps: 6 });
  await page.mouse.up();
  await expect.poll(wl).not.toBe(before);

  // Zoom: keyboard, then the right button; Reset (R) fits again.
  await page.keyboard.press('+');
  await expect(page.getByTestId('viewer-info')).toContainText('125%');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down({ button: 'right' });
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 60, { steps: 6 });
  await page.mouse.up({ button: 'right' });
  await expect(page.getByTestId('viewer-info')).not.toContainText('125%');

  // Pan (P, then drag with the left button): the image moves with the mouse.
  await page.keyboard.press('r');
  await expect(page.getByTestId('viewer-info')).toContainText('100%');
  const left = async () => Number((await viewer.getAttribute('data-image-rect'))!.split(',')[0]);
  const x0 = await left();
  await page.keyboard.press('p');
  await expect(page.getByTestId('tool-pan')).toHaveAttribute('aria-pressed', 'true');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 100, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  await expect.poll(left).toBeGreaterThan(x0 + 60);

  // Invert (I): the centre of the image turns to its opposite; reset undoes pan and inversion.
  await page.keyboard.press('r');
  await expect.poll(left).toBeCloseTo(x0, 0);
  const centre = { x: box.width / 2, y: box.height / 2 };
  const [plain] = await canvasColors(page, [centre]);
  await page.keyboard.press('i');
  await expect(page.getByTestId('viewer-info')).toContainText('inverted');
  await expect.poll(async () => (await canvasColors(page, [centre]))[0][0]).toBeCloseTo(255 - plain[0], -1);
  await page.getByTestId('viewer-reset').click();
  await expect(page.getByTestId('viewer-info')).not.toContainText('inverted');

  // The help popover lists the shortcuts.
  await page.keyboard.press('?');
  await expect(page.getByTestId('viewer-help')).toContainText('Window / level');
  await shot(page, 'viewer-03-shortcuts');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('viewer-help')).toHaveCount(0);

  expect(knownFileQuirks(problems)).toEqual([]);
});

test('plays the frames of a multi-frame image (cine) and steps through them', async ({ page }) => {
  const problems = collectProblems(page);
  const fx = makeFolder('cine', [US_PALETTE_CINE]);
  await page.goto('./');
  await page.getByTestId('folder-input').setInputFiles(fx.dir);
  await waitForCounts(page, 1, 0);
  await openViewer(page, seriesUid(fx.files[0]));
  const position = page.getByTestId('viewer-position');
  await expect(position).toHaveText('1 / 10');
  await expect(page.getByTestId('viewer-info')).toContainText('frame 1/10');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('viewer-info')).toContainText('frame 2/10');

  const seen = new Set<string>();
  await page.keyboard.press(' ');
  await expect(page.getByTestId('cine')).toHaveText('Pause');
  for (let i = 0; i < 12; i++) {
    seen.add((await position.textContent()) ?? '');
    await page.waitForTimeout(120);
  }
  expect(seen.size, `frames seen while playing: ${[...seen].join(', ')}`).toBeGreaterThanOrEqual(4);
  await page.getByTestId('cine').click();
  await expect(page.getByTestId('cine')).toHaveText('Play');
  const stopped = await position.textContent();
  await page.waitForTimeout(400);
  await expect(position).toHaveText(stopped!);
  expect(knownFileQuirks(problems)).toEqual([]);
});
