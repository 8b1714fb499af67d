/**
 * The free-text detector on burned-in lines, in the browser's OCR worker: an ultrasound-like
 * image whose burned-in phone number and e-mail address no header field holds. detect-text must
 * paint both (accepted boxes whose reason names the detector, "free text: phone"), and the export
 * must carry the paint over them — while the clinical overlays beside them stay as they were.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { RedactionPlan } from '../src/core/pixels/plan.ts';
import { syntheticSets } from '../tests/ocr/burned-in-sets.ts';
import { makeSynthetic } from '../tests/ocr/synthetic-images.ts';
import { parse, readFrame } from './helpers/pixels.ts';
import { collectProblems, exportZip, foreignRequests, recordRequests, shot, waitForCounts } from './helpers/session.ts';
import { knownFileQuirks, openViewer } from './helpers/viewer.ts';
import { openZip, outputsByInput } from './helpers/zip-check.ts';

test('detect-text paints a burned-in phone and e-mail the header never names, and leaves the overlays', async ({ page, context, baseURL }) => {
  test.setTimeout(240_000);
  const requests = recordRequests(context);
  const problems = collectProblems(page);
  const sets = syntheticSets();
  const s = sets.findIndex((x) => x.name === 'free-text lines');
  const spec = sets[s].specs.find((x) => x.items.some((i) => i.text.startsWith('Tel ')) && (x.frames ?? 1) === 1)!;
  const img = makeSynthetic(spec, 1000 + 100 * s + sets[s].specs.indexOf(spec));
  const root = mkdtempSync(path.join(tmpdir(), 'veil-e2e-free-text-'));
  const dir = path.join(root, 'free-text');
  mkdirSync(dir);
  const file = path.join(dir, 'phone-email.dcm');
  writeFileSync(file, img.bytes);

  await page.goto('./');
  await page.getByTestId('folder-input').setInputFiles(dir);
  await waitForCounts(page, 1, 0);
  await page.getByTestId('detect-text').click();
  await expect(page.getByTestId('detection-done')).toBeVisible({ timeout: 180_000 });

  await openViewer(page, parse(img.bytes).string('x0020000e')!.trim());
  await shot(page, 'ocr-free-text-01-boxes');
  const planDownload = page.waitForEvent('download');
  await page.getByTestId('export-plan').click();
  const plan = JSON.parse(readFileSync(await (await planDownload).path(), 'utf8')) as RedactionPlan;
  const accepted = plan.boxes.filter((b) => b.source === 'ocr' && b.status === 'accepted');
  const labels = accepted.map((b) => b.label ?? '').join('\n');
  expect(labels).toContain('free text: phone');
  expect(labels).toContain('free text: email');

  const zip = await openZip(await exportZip(page));
  const out = outputsByInput(zip).get('free-text/phone-email.dcm')!;
  expect(out, 'written').toBeDefined();
  const before = readFrame(parse(img.bytes));
  const after = readFrame(out);
  const pixel = (frame: typeof before, r: number, c: number): string => Array.from({ length: frame.samples }, (_, k) => frame.get(r, c, k)).join();
  const inside = (item: (typeof img.placed)[number], f: (r: number, c: number) => void): void => {
    for (let r = item.y; r < item.y + item.height; r++) for (let c = item.x; c < item.x + item.width; c++) f(r, c);
  };
  for (const item of img.placed) {
    if (item.phi) {
      // Painted: one fill value over the whole rectangle of the text, no ink left.
      const values = new Set<string>();
      inside(item, (r, c) => values.add(pixel(after, r, c)));
      expect(values.size, item.text).toBe(1);
    } else {
      // A clinical overlay: not a pixel changed.
      let changed = 0;
      inside(item, (r, c) => (changed += Number(pixel(before, r, c) !== pixel(after, r, c))));
      expect(changed, item.text).toBe(0);
    }
  }
  expect(foreignRequests(requests, new URL(baseURL!).origin)).toEqual([]);
  expect(knownFileQuirks(problems)).toEqual([]);
});
