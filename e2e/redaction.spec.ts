/**
 * Redaction boxes in the viewer: drawn, moved, resized, deleted, undone and redone with the
 * mouse and keyboard; scoped to a frame, an image, a series or a device; carried forward to the
 * next image of the same size; template proposals accepted or rejected; the whole set exported
 * as the redaction plan the CLI reads. Then the real thing on burned-in fixtures: a box drawn
 * with the mouse over a burned-in name, applied to the series, previewed (the viewer shows the
 * bytes export will write), exported — and the output pixels checked, inside and outside.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import type { RedactionPlan } from '../src/core/pixels/plan.ts';
import { CT_BURNED, US_GREY, US_PALETTE_CINE, US_YBR_RLE, makeFolder, type FixtureFile } from './helpers/burned-in.ts';
import { makeFixtureFolder } from './helpers/fixtures.ts';
import { parse, readFrame, type Frame } from './helpers/pixels.ts';
import { collectProblems, exportZip, shot, waitForCounts } from './helpers/session.ts';
import { canvasColors, dragPixels, knownFileQuirks, openViewer, placement, waitForImage } from './helpers/viewer.ts';
import { openZip } from './helpers/zip-check.ts';

const uidOf = (f: FixtureFile, tag: string): string => parse(new Uint8Array(readFileSync(f.abs))).string(tag)!.trim();

/** Downloads the plan through the app's Export plan button and parses it. */
async function exportedPlan(page: Page): Promise<RedactionPlan> {
  const download = page.waitForEvent('download');
  await page.getByTestId('export-plan').click();
  return JSON.parse(readFileSync(await (await download).path(), 'utf8')) as RedactionPlan;
}

const rows = (page: Page) => page.getByTestId('box-row');

test('boxes: draw, move, resize, undo/redo, delete, scopes, carry-forward and proposals', async ({ page }) => {
  const problems = collectProblems(page);
  const study = makeFixtureFolder('boxes-study');
  await page.goto('./');
  await page.getByTestId('folder-input').setInputFiles(study.dir);
  await waitForCounts(page, study.expectWritten.length, study.expectRejected.length);
  await page.getByRole('button', { name: /CT.*4$/ }).first().click();
  await page.getByTestId('open-viewer').click();
  await waitForImage(page);
  const where = await placement(page, 16, 16);

  // Draw (B, then drag): a user box in image pixel coordinates, scoped to this image.
  await page.keyboard.press('b');
  await dragPixels(page, where, [2, 2], [10, 6]);
  await expect(rows(page)).toHaveCount(1);
  let plan = await exportedPlan(page);
  expect(plan.boxes).toHaveLength(1);
  const sop1 = (plan.boxes[0].scope as { sopInstanceUID: string }).sopInstanceUID;
  expect(plan.boxes[0]).toMatchObject({ id: 'u1', x: 2, y: 2, width: 8, height: 4, frames: 'all', source: 'user', scope: { kind: 'instance' } });

  // Move it by dragging its inside (not with the draw tool: there a drag always draws), resize it by its bottom-right handle.
  await page.getByTestId('tool-windowLevel').click();
  await dragPixels(page, where, [6, 4], [8, 9]);
  await dragPixels(page, where, [12, 11], [14, 14]);
  plan = await exportedPlan(page);
  expect(plan.boxes[0]).toMatchObject({ x: 4, y: 7, width: 10, height: 7 });

  // Undo the resize, redo it (keyboard and buttons).
  await page.keyboard.press('Control+z');
  expect((await exportedPlan(page)).boxes[0]).toMatchObject({ x: 4, y: 7, width: 8, height: 4 });
  await page.getByTestId('redo').click();
  expect((await exportedPlan(page)).boxes[0]).toMatchObject({ x: 4, y: 7, width: 10, height: 7 });

  // Carry forward: the next slice (same size) gets a copy of this slice's box.
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('viewer-position')).toHaveText('2 / 4');
  await expect(rows(page)).toHaveCount(1);
  plan = await exportedPlan(page);
  expect(plan.boxes).toHaveLength(2);
  expect(plan.boxes[1]).toMatchObject({ x: 4, y: 7, width: 10, height: 7, source: 'user', scope: { kind: 'instance' } });
  expect((plan.boxes[1].scope as { sopInstanceUID: string }).sopInstanceUID).not.toBe(sop1);

  // Delete the copy (select it in the list, Delete), undo brings it back, delete it again.
  await rows(page).first().locator('.box-row-title').click();
  await page.keyboard.press('Delete');
  await expect(rows(page)).toHaveCount(0);
  await page.getByTestId('undo').click();
  await expect(rows(page)).toHaveCount(1);
  await rows(page).first().getByTestId('delete-box').click();
  await expect(rows(page)).toHaveCount(0);

  // Scope: the first slice's box, applied to the whole series, shows on every slice.
  await page.getByTestId('carry-forward').uncheck();
  await page.keyboard.press('Home');
  await expect(rows(page)).toHaveCount(1);
  await rows(page).first().getByTestId('box-row-scope').selectOption('series');
  await page.getByTestId('viewer').focus();
  for (const n of [2, 3, 4]) {
    await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('viewer-position')).toHaveText(`${n} / 4`);
    await expect(rows(page)).toHaveCount(1);
  }
  plan = await exportedPlan(page);
  expect(plan.boxes).toHaveLength(1);
  expect(plan.boxes[0].scope).toMatchObject({ kind: 'series' });
  // … or to every image of this device signature (manufacturer, model, rows, columns).
  await rows(page).first().getByTestId('box-row-scope').selectOption('device');
  plan = await exportedPlan(page);
  expect(plan.boxes[0].scope).toMatchObject({ kind: 'device', rows: 16, columns: 16 });

  // New boxes get the scope chosen for them.
  await page.getByTestId('box-scope').selectOption('series');
  await page.getByTestId('viewer').focus();
  await page.keyboard.press('b');
  await dragPixels(page, where, [0, 12], [6, 16]);
  plan = await exportedPlan(page);
  expect(plan.boxes.at(-1)).toMatchObject({ x: 0, y: 12, width: 6, height: 4, scope: { kind: 'series' } });

  expect(knownFileQuirks(problems)).toEqual([]);
});

test('frame scope on a multi-frame image; template proposals accepted, rejected, all accepted; plan re-imported', async ({ page }) => {
  const problems = collectProblems(page);
  const fx = makeFolder('frames', [US_PALETTE_CINE, US_YBR_RLE, US_GREY]);
  await page.goto('./');
  await page.getByTestId('folder-input').setInputFiles(fx.dir);
  await waitForCounts(page, 3, 0);

  // A box on frame 3 only.
  await openViewer(page, uidOf(fx.files[0], 'x0020000e'));
  await page.getByTestId('box-scope').selectOption('frame');
  // Arrow keys belong to a focused select: give them back to the viewer.
  await page.getByTestId('viewer').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('viewer-info')).toContainText('frame 3/10');
  const cine = await placement(page, 600, 430);
  await page.keyboard.press('b');
  await dragPixels(page, cine, [20, 20], [120, 60]);
  await expect(rows(page)).toHaveCount(1);
  await page.keyboard.press('ArrowDown');
  await expect(rows(page)).toHaveCount(0);
  let plan = await exportedPlan(page);
  expect(plan.boxes.filter((b) => b.source === 'user')).toMatchObject([{ frames: [2], scope: { kind: 'instance' } }]);

  // Template proposals (RSNA CTP device templates) show dashed; accept one, reject, restore.
  await openViewer(page, uidOf(fx.files[2], 'x0020000e'));
  const proposal = rows(page).filter({ hasText: 'Template' });
  await expect(proposal).toHaveCount(1);
  await expect(proposal).toHaveAttribute('data-state', 'proposed');
  await expect(page.locator('.box-layer .box-proposed')).toHaveCount(1);
  await proposal.getByTestId('reject-box').click();
  await expect(rows(page)).toHaveCount(0);
  await page.getByText('1 rejected here').click();
  await page.getByRole('button', { name: 'Restore' }).click();
  await expect(proposal).toHaveAttribute('data-state', 'proposed');
  await proposal.getByTestId('accept-box').click();
  await expect(proposal).toHaveAttribute('data-state', 'paint');

  // accept-all-boxes, for every series, accepts the rest (the YBR ultrasound's template).
  await page.getByTestId('accept-every-series').check();
  await expect(page.getByTestId('accept-all-boxes')).toContainText('(1)');
  await page.getByTestId('accept-all-boxes').click();
  await expect(page.getByTestId('accept-all-boxes')).toBeDisabled();
  plan = await exportedPlan(page);
  expect(plan.boxes.filter((b) => b.source === 'template').map((b) => b.status)).toEqual(['accepted', 'accepted']);

  // The exported plan imports back as it was; a broken one is refused with the reason.
  const file = test.info().outputPath('plan.json');
  writeFileSync(file, JSON.stringify(plan));
  await page.getByTestId('delete-box').first().click();
  await page.getByTestId('import-plan').setInputFiles(file);
  await expect(page.getByText(/Imported \d+ box/)).toBeVisible();
  expect(await exportedPlan(page)).toEqual(plan);
  writeFileSync(file, JSON.stringify({ version: 1, boxes: [{ id: 'x', x: -1 }] }));
  await page.getByTestId('import-plan').setInputFiles(file);
  await expect(page.getByText(/boxes\[0\]/)).toBeVisible();
  expect(await exportedPlan(page)).toEqual(plan);

  expect(knownFileQuirks(problems)).toEqual([]);
});

/** Pixels of a frame as a list, for comparisons. */
function checkPainted(label: string, before: Frame, after: Frame, rects: { x: number; y: number; width: number; height: number }[], fill: (sample: number) => number | undefined) {
  expect(after.rows, label).toBe(before.rows);
  expect(after.columns, label).toBe(before.columns);
  const inside = (r: number, c: number) => rects.some((b) => c >= b.x && c < b.x + b.width && r >= b.y && r < b.y + b.height);
  let changedOutside = 0;
  const insideValues = new Map<number, Set<number>>();
  for (let r = 0; r < before.rows; r++) {
    for (let c = 0; c < before.columns; c++) {
      for (let s = 0; s < before.samples; s++) {
        const v = after.get(r, c, s);
        if (inside(r, c)) {
          if (!insideValues.has(s)) insideValues.set(s, new Set());
          insideValues.get(s)!.add(v);
        } else if (v !== before.get(r, c, s)) changedOutside++;
      }
    }
  }
  expect(changedOutside, `${label}: values changed outside the boxes`).toBe(0);
  for (const [s, values] of insideValues) {
    expect([...values], `${label}: sample ${s} inside the boxes`).toHaveLength(1);
    const want = fill(s);
    if (want !== undefined) expect([...values][0], `${label}: fill of sample ${s}`).toBe(want);
  }
}

test('burned-in fixtures: draw a box with the mouse, apply it to the series, preview, export, check the output pixels', async ({ page }) => {
  const problems = collectProblems(page);
  const fx = makeFolder('burned-in', [CT_BURNED, US_GREY, US_YBR_RLE]);
  const [ct, grey, ybr] = fx.files;
  await page.goto('./');
  await page.getByTestId('folder-input').setInputFiles(fx.dir);
  await waitForCounts(page, 3, 0);

  // The CT slice: name and dates burned in at the top left. Draw over them with the mouse.
  await openViewer(page, uidOf(ct, 'x0020000e'));
  const ctFrame = readFrame(parse(new Uint8Array(readFileSync(ct.abs))));
  const ctWhere = await placement(page, ctFrame.columns, ctFrame.rows);
  await page.getByTestId('tool-box').click();
  await dragPixels(page, ctWhere, [0, 0], [250, 36]);
  await expect(rows(page)).toHaveCount(1);
  // Applied to the series.
  await rows(page).first().getByTestId('box-row-scope').selectOption('series');
  await expect(rows(page).first()).toContainText('will be painted');
  await shot(page, 'redaction-01-user-box-ct');

  // The ultrasound: a template proposal (dashed) for its header band, and a box of our own.
  await openViewer(page, uidOf(grey, 'x0020000e'));
  const greyFrame = readFrame(parse(new Uint8Array(readFileSync(grey.abs))));
  const greyWhere = await placement(page, greyFrame.columns, greyFrame.rows);
  await page.keyboard.press('b');
  await dragPixels(page, greyWhere, [8, 58], [100, 172]);
  await expect(rows(page)).toHaveCount(2);
  await shot(page, 'redaction-02-user-and-template-boxes');
  await page.getByTestId('accept-every-series').check();
  await page.getByTestId('accept-all-boxes').click();
  await expect(rows(page).filter({ hasText: 'Template' })).toHaveAttribute('data-state', 'paint');

  // Preview: the viewer now shows the de-identified output, decoded from the exported bytes.
  await openViewer(page, uidOf(ct, 'x0020000e'));
  let plan = await exportedPlan(page);
  const ctBox = plan.boxes.find((b) => b.scope.kind === 'series')!;
  expect(ctBox.x).toBeLessThanOrEqual(1);
  expect(ctBox.y).toBeLessThanOrEqual(1);
  expect(Math.abs(ctBox.width - 250)).toBeLessThanOrEqual(2);
  expect(Math.abs(ctBox.height - 36)).toBeLessThanOrEqual(2);
  await page.getByTestId('preview-toggle').check();
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-showing', 'output', { timeout: 30_000 });
  await expect(page.getByTestId('preview-banner')).toContainText('1 box(es) painted');
  await waitForImage(page);
  {
    const where = await placement(page, ctFrame.columns, ctFrame.rows);
    const pts: { x: number; y: number }[] = [];
    for (let y = ctBox.y + 3; y < ctBox.y + ctBox.height - 3; y += 6) for (let x = ctBox.x + 3; x < ctBox.x + ctBox.width - 3; x += 12) pts.push(where.toCanvas(x, y));
    const shown = await canvasColors(page, pts);
    const lum = shown.map(([r, g, b]) => Math.round((r + g + b) / 3));
    expect(Math.max(...lum) - Math.min(...lum), 'the painted box shows one flat value').toBeLessThanOrEqual(2);
  }
  await shot(page, 'redaction-03-preview-output');
  // Boxes cannot be edited over the output; back to the original.
  await expect(page.getByTestId('tool-box')).toBeDisabled();
  await page.keyboard.press('v');
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-showing', 'original');

  plan = await exportedPlan(page);
  const zip = await openZip(await exportZip(page));
  await expect(page.getByTestId('export-painted')).toHaveText('3');
  const report = new Map(zip.report.files.map((f) => [f.input, f]));
  const output = (f: FixtureFile) => {
    const entry = report.get(f.input)!;
    expect(entry.status, f.input).toBe('written');
    expect(entry.warnings.join('\n'), f.input).toMatch(/redaction: painted/);
    const ds = parse(zip.entries.get(entry.output!)!);
    expect(ds.string('x00280301'), `${f.input}: Burned In Annotation`).toBe('NO');
    return ds;
  };
  const rectsFor = (f: FixtureFile) => {
    const sop = uidOf(f, 'x00080018');
    const series = uidOf(f, 'x0020000e');
    const frame = readFrame(parse(new Uint8Array(readFileSync(f.abs))));
    return plan.boxes.filter(
      (b) =>
        b.status !== 'rejected' && b.status !== 'proposed' &&
        ((b.scope.kind === 'instance' && b.scope.sopInstanceUID === sop) ||
          (b.scope.kind === 'series' && b.scope.seriesInstanceUID === series) ||
          (b.scope.kind === 'device' && b.scope.rows === frame.rows && b.scope.columns === frame.columns)),
    );
  };

  // CT (native 16-bit): the box is the darkest value of the image (or its padding value), the rest untouched.
  {
    const before = readFrame(parse(new Uint8Array(readFileSync(ct.abs))));
    const after = readFrame(output(ct));
    expect(rectsFor(ct)).toHaveLength(1);
    checkPainted('CT', before, after, rectsFor(ct), () => undefined);
  }
  // Ultrasound (native 8-bit): the user box and the accepted template box.
  {
    const before = readFrame(parse(new Uint8Array(readFileSync(grey.abs))));
    const after = readFrame(output(grey));
    expect(rectsFor(grey).map((b) => b.source).sort()).toEqual(['template', 'user']);
    let min = 255;
    for (let r = 0; r < before.rows; r++) for (let c = 0; c < before.columns; c++) min = Math.min(min, before.get(r, c));
    checkPainted('US greyscale', before, after, rectsFor(grey), () => min);
  }
  // YBR ultrasound (RLE): re-encoded as RLE, the template band black (Y 0, Cb/Cr 128).
  {
    const before = readFrame(parse(new Uint8Array(readFileSync(ybr.abs))));
    const after = readFrame(output(ybr));
    expect(after.transferSyntax).toBe('1.2.840.10008.1.2.5');
    expect(rectsFor(ybr).map((b) => b.source)).toEqual(['template']);
    checkPainted('US YBR RLE', before, after, rectsFor(ybr), (s) => (s === 0 ? 0 : 128));
  }
  expect(knownFileQuirks(problems)).toEqual([]);
});
