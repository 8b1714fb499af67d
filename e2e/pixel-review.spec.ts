/**
 * Issue 10, the clinician's flow: nothing leaves with unreviewed burned-in text.
 *   - export without detection: the gate lists the images that need review (with their count)
 *     before anything is written; export-anyway writes them with Burned In Annotation YES and the
 *     report records the choice per file;
 *   - detect text + accept: no gate;
 *   - in draw mode a drag always draws a new box, even over another box;
 *   - Clear asks before throwing away a loaded study and its boxes;
 *   - the export dialog by keyboard alone: focus inside, Tab trapped, Escape closes, focus returns.
 */
import { expect, test, type Page } from '@playwright/test';
import type { RedactionPlan } from '../src/core/pixels/plan.ts';
import { readFileSync } from 'node:fs';
import { CR_MONO1_RLE, US_GREY, US_RGB, US_YBR_RLE, makeFolder } from './helpers/burned-in.ts';
import { collectProblems, exportZip, saveOperatorReport, waitForCounts } from './helpers/session.ts';
import { dragPixels, knownFileQuirks, openViewer, placement } from './helpers/viewer.ts';
import { openZip, outputsByInput, str } from './helpers/zip-check.ts';

type PixelEntry = { input: string; status: string; pixelStatus?: string; pixelReviewReasons?: string[]; exportedAnyway?: boolean; warnings: string[] };

async function load(page: Page, name: string, files: string[]) {
  const fx = makeFolder(name, files);
  await page.goto('./');
  await page.getByTestId('folder-input').setInputFiles(fx.dir);
  await waitForCounts(page, files.length, 0);
  return fx;
}

test('export without detection stops at the gate; export anyway writes Burned In Annotation YES and records the choice', async ({ page }) => {
  const problems = collectProblems(page);
  const fx = await load(page, 'gate-study', [US_GREY, US_RGB, US_YBR_RLE]);
  // The status shows where the person works: the tree and the series.
  await expect(page.getByTestId('series-needs-review').first()).toBeVisible();
  await expect(page.getByTestId('pixel-status').first()).toHaveAttribute('data-status', 'needs-review');

  let downloads = 0;
  page.on('download', () => downloads++);
  await page.getByTestId('export-zip').click();
  const gate = page.getByTestId('pixel-review-needed');
  await expect(gate).toBeVisible();
  await expect(gate.getByRole('heading')).toHaveText('3 images need review');
  for (const f of fx.files) await expect(gate).toContainText(f.input.split('/').pop()!);
  await expect(gate).toContainText('Burned In Annotation is YES');
  await expect(gate).toContainText('US images usually carry text (Burned In Annotation absent)');
  // Nothing was written or downloaded while the gate is up.
  expect(downloads).toBe(0);
  await expect(page.getByTestId('export-done')).toHaveCount(0);

  const download = page.waitForEvent('download');
  await page.getByTestId('export-anyway').click();
  const zipPath = await (await download).path();
  await saveOperatorReport(page, zipPath);
  const zip = await openZip(zipPath);
  await expect(page.getByTestId('exported-anyway')).toContainText('3 images were exported without pixel review');
  const outputs = outputsByInput(zip);
  for (const f of fx.files) {
    const entry = zip.report.files.find((e) => e.input === f.input) as unknown as PixelEntry;
    expect(entry, f.input).toMatchObject({ status: 'written', pixelStatus: 'needs-review', exportedAnyway: true });
    expect(entry.warnings.join(' '), f.input).toMatch(/exported anyway at the user's explicit choice/);
    const out = outputs.get(f.input)!;
    expect(str(out, 0x00280301), `${f.input}: Burned In Annotation`).toBe('YES');
    expect(str(out, 0x00120062), `${f.input}: Patient Identity Removed`).toBe('YES');
  }
  expect(zip.report.totals.exportedWithoutPixelReview).toBe(3);
  expect(zip.csv.split('\r\n')[1]).toMatch(/needs-review,.*,yes$/);
  expect(knownFileQuirks(problems)).toEqual([]);
});

test('detect text, accept the PHI proposals: no gate, painted images leave with Burned In Annotation NO', async ({ page }) => {
  test.setTimeout(240_000);
  const fx = await load(page, 'detect-study', [US_GREY, CR_MONO1_RLE]);
  await page.getByTestId('detect-text').click();
  await expect(page.getByTestId('detection-done')).toBeVisible({ timeout: 180_000 });
  // The counter never ran past the number of images.
  for (const f of fx.files) {
    const uid = (await import('./helpers/pixels.ts')).parse(new Uint8Array(readFileSync(f.abs))).string('x0020000e')!.trim();
    await openViewer(page, uid);
    const accept = page.getByTestId('accept-all-boxes');
    if (await accept.isEnabled()) await accept.click();
    await expect(page.getByTestId('viewer-pixel-status').getByTestId('pixel-status')).toHaveAttribute('data-status', 'painted');
  }
  const zip = await openZip(await exportZip(page));
  const outputs = outputsByInput(zip);
  for (const f of fx.files) {
    const entry = zip.report.files.find((e) => e.input === f.input) as unknown as PixelEntry;
    expect(entry, f.input).toMatchObject({ status: 'written', pixelStatus: 'painted' });
    expect(str(outputs.get(f.input)!, 0x00280301), f.input).toBe('NO');
  }
});

test('draw mode: a drag over an existing box draws a new box; Clear asks first', async ({ page }) => {
  const fx = await load(page, 'draw-study', [US_GREY]);
  const uid = (await import('./helpers/pixels.ts')).parse(new Uint8Array(readFileSync(fx.files[0].abs))).string('x0020000e')!.trim();
  await openViewer(page, uid);
  const where = await placement(page, 1024, 768);
  await page.getByTestId('tool-box').click();
  await dragPixels(page, where, [300, 300], [500, 400]);
  await expect(page.getByTestId('box-row').filter({ hasText: /Drawn|user/i })).toHaveCount(1);
  // Starting inside the first box: a second box, the first one untouched.
  await dragPixels(page, where, [350, 320], [450, 380]);
  const plan = await planOf(page);
  const user = plan.boxes.filter((b) => b.source === 'user');
  expect(user).toHaveLength(2);
  // Within a CSS pixel (about 2.3 image pixels at this zoom): the mouse lands on CSS pixels.
  const near = (b: RedactionPlan['boxes'][number], x: number, y: number, w: number, h: number) =>
    [b.x - x, b.y - y, b.width - w, b.height - h].every((d) => Math.abs(d) <= 3);
  expect(near(user[0], 300, 300, 200, 100), JSON.stringify(user[0])).toBe(true);
  expect(near(user[1], 350, 320, 100, 60), JSON.stringify(user[1])).toBe(true);

  // Clear: dismissing the question keeps everything; accepting it clears.
  page.once('dialog', (d) => void d.dismiss());
  await page.getByTestId('clear').click();
  await expect(page.getByTestId('instance-count')).toHaveText('1');
  page.once('dialog', (d) => {
    expect(d.message()).toMatch(/Clear every loaded file and \d+ redaction box/);
    void d.accept();
  });
  await page.getByTestId('clear').click();
  await expect(page.getByTestId('viewer')).toHaveCount(0);
  await expect(page.getByTestId('clear')).toHaveCount(0);
});

async function planOf(page: Page): Promise<RedactionPlan> {
  const download = page.waitForEvent('download');
  await page.getByTestId('export-plan').click();
  return JSON.parse(readFileSync(await (await download).path(), 'utf8')) as RedactionPlan;
}

test('the export dialog by keyboard alone: focus moves in, Tab stays in, Escape closes and focus returns', async ({ page }) => {
  await load(page, 'keyboard-study', [US_GREY]);
  await page.getByTestId('export-zip').focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('export-dialog');
  await expect(page.getByTestId('pixel-review-needed')).toBeVisible();
  const inDialog = () => page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'));
  expect(await inDialog()).toBe(true);
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab');
    expect(await inDialog(), `after ${i + 1} Tab presses`).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('export-zip')).toBeFocused();

  // Again, to the end: Tab to "Export anyway", Enter, then Enter on Done.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('pixel-review-needed')).toBeVisible();
  const download = page.waitForEvent('download');
  for (let i = 0; i < 10 && !(await page.getByTestId('export-anyway').evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(page.getByTestId('export-anyway')).toBeFocused();
  await page.keyboard.press('Enter');
  await download;
  await expect(page.getByTestId('export-done')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Done' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('export-zip')).toBeFocused();
});
