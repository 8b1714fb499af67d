/**
 * Burned-in text detection in the browser: load burned-in fixtures, detect-text, wait for
 * detection-done, see the proposals in the viewer, accept-all-boxes, export — and check that the
 * text regions were painted in the output pixels and that no request left the origin while the
 * OCR engine (worker, wasm, language data) loaded and ran.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { RedactionPlan } from '../src/core/pixels/plan.ts';
import { CT_BURNED, US_YBR_RLE, makeFolder } from './helpers/burned-in.ts';
import { parse, readFrame } from './helpers/pixels.ts';
import { collectProblems, exportZip, foreignRequests, recordRequests, shot, waitForCounts } from './helpers/session.ts';
import { knownFileQuirks, openViewer } from './helpers/viewer.ts';
import { openZip, outputsByInput, str } from './helpers/zip-check.ts';

test('detect-text proposes boxes over burned-in PHI; accepted, they are painted in the export', async ({ page, context, baseURL }) => {
  test.setTimeout(240_000);
  const requests = recordRequests(context);
  const problems = collectProblems(page);
  const fx = makeFolder('ocr-study', [CT_BURNED, US_YBR_RLE]);

  await page.goto('./');
  await page.getByTestId('folder-input').setInputFiles(fx.dir);
  await waitForCounts(page, 2, 0);

  await page.getByTestId('detect-text').click();
  const done = page.getByTestId('detection-done');
  await expect(done).toBeVisible({ timeout: 180_000 });
  const summary = (await done.textContent()) ?? '';
  const phi = Number(/(\d+) PHI/.exec(summary)?.[1] ?? 0);
  expect(phi, summary).toBeGreaterThanOrEqual(2);

  // The proposals are in the viewer; accept-all-boxes takes the ones not pre-accepted as PHI too.
  await openViewer(page, parse(new Uint8Array(readFileSync(fx.files[0].abs))).string('x0020000e')!.trim());
  await shot(page, 'ocr-01-proposals');
  const acceptAll = page.getByTestId('accept-all-boxes');
  if (await acceptAll.isEnabled()) await acceptAll.click();
  await expect(acceptAll).toBeDisabled();

  const zip = await openZip(await exportZip(page));
  const outputs = outputsByInput(zip);
  for (const file of fx.files) {
    const entry = zip.report.files.find((f) => f.input === file.input)!;
    expect(entry.status, file.input).toBe('written');
    expect(entry.warnings.join(' '), file.input).toMatch(/paint/i);
    const out = outputs.get(file.input)!;
    expect(str(out, 0x00280301), file.input).toBe('NO');
    // Pixels changed where text was, and only there: every changed pixel holds the fill value.
    const before = readFrame(parse(new Uint8Array(readFileSync(file.abs))));
    const after = readFrame(out);
    let changed = 0;
    const fills = new Set<string>();
    for (let r = 0; r < before.rows; r++) {
      for (let c = 0; c < before.columns; c++) {
        const a: number[] = [];
        const b: number[] = [];
        for (let s = 0; s < before.samples; s++) {
          a.push(before.get(r, c, s));
          b.push(after.get(r, c, s));
        }
        if (a.join() !== b.join()) {
          changed++;
          fills.add(b.join());
        }
      }
    }
    expect(changed, file.input).toBeGreaterThan(100);
    expect(fills.size, `${file.input}: changed pixels hold one fill value`).toBe(1);
  }

  expect(foreignRequests(requests, new URL(baseURL!).origin)).toEqual([]);
  expect(requests.some((u) => u.includes('/tesseract/lang/eng.traineddata.gz'))).toBe(true);
  expect(knownFileQuirks(problems)).toEqual([]);
});

test('after detection, the export reads each redacted image again and blocks one whose name is still readable', async ({ page }) => {
  test.setTimeout(300_000);
  const problems = collectProblems(page);
  const fx = makeFolder('ocr-check', [CT_BURNED, US_YBR_RLE]);
  await page.goto('./');
  await page.getByTestId('folder-input').setInputFiles(fx.dir);
  await waitForCounts(page, 2, 0);
  await page.getByTestId('detect-text').click();
  await expect(page.getByTestId('detection-done')).toBeVisible({ timeout: 180_000 });

  // The CT's OCR boxes are rejected (as if a person had judged them wrong) and a box that misses
  // the text is drawn instead — through the plan file, the same boxes the viewer edits.
  const ctSop = parse(new Uint8Array(readFileSync(fx.files[0].abs))).string('x00080018')!.trim();
  await openViewer(page, parse(new Uint8Array(readFileSync(fx.files[0].abs))).string('x0020000e')!.trim());
  const work = mkdtempSync(path.join(tmpdir(), 'veil-ocr-check-'));
  const planDownload = page.waitForEvent('download');
  await page.getByTestId('export-plan').click();
  const plan = JSON.parse(readFileSync(await (await planDownload).path(), 'utf8')) as RedactionPlan;
  const ctOcr = plan.boxes.filter((b) => b.source === 'ocr' && b.scope.kind === 'instance' && b.scope.sopInstanceUID === ctSop);
  expect(ctOcr.filter((b) => b.status === 'accepted').length, 'the burned-in name was detected').toBeGreaterThanOrEqual(1);
  const edited: RedactionPlan = {
    ...plan,
    boxes: [
      ...plan.boxes.map((b) => (ctOcr.includes(b) ? { ...b, status: 'rejected' as const } : b)),
      { id: 'misses-the-name', x: 200, y: 400, width: 40, height: 20, frames: 'all', scope: { kind: 'instance', sopInstanceUID: ctSop }, source: 'user' },
    ],
  };
  writeFileSync(path.join(work, 'edited.json'), JSON.stringify(edited));
  await page.getByTestId('import-plan').setInputFiles(path.join(work, 'edited.json'));

  const zip = await openZip(await exportZip(page));
  const ct = zip.report.files.find((f) => f.input === fx.files[0].input)!;
  expect(ct.status).toBe('failed');
  expect(ct.reason).toMatch(/^not written: BLOCKING: identifying burned-in text is still readable after redaction/);
  expect(ct.output).toBeUndefined();
  // The ultrasound's accepted boxes cover its name: read again, it passes and is written.
  expect(zip.report.files.find((f) => f.input === fx.files[1].input)!.status).toBe('written');
  expect(zip.names.filter((n) => n.endsWith('.dcm'))).toHaveLength(1);
  // The export dialog says so too.
  await expect(page.locator('.export-rejected')).toContainText('1 file not in the zip');
  await page.locator('.export-rejected summary').click();
  await expect(page.locator('.export-rejected')).toContainText('still readable after redaction');
  expect(knownFileQuirks(problems)).toEqual([]);
});
