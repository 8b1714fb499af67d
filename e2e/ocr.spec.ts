/**
 * Burned-in text detection in the browser: load burned-in fixtures, detect-text, wait for
 * detection-done, see the proposals in the viewer, accept-all-boxes, export — and check that the
 * text regions were painted in the output pixels and that no request left the origin while the
 * OCR engine (worker, wasm, language data) loaded and ran.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
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
