/**
 * Driving the image viewer in the tests: open a series in it, find where an image pixel is on
 * the page (from the image rectangle the viewer publishes on data-image-rect), draw boxes with
 * the mouse, and read back what the viewport shows.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** Opens the viewer on a series, named by its (original) Series Instance UID or its tree entry's text. */
export async function openViewer(page: Page, series: string | RegExp): Promise<Locator> {
  const byUid = typeof series === 'string' && /^[0-9.]+$/.test(series);
  await (byUid ? page.locator(`.tree-series-item[data-series-uid="${series}"]`) : page.locator('.tree-series-item', { hasText: series })).first().click();
  await page.getByTestId('open-viewer').click();
  const viewer = page.getByTestId('viewer');
  await waitForImage(page);
  return viewer;
}

/** Waits until the viewport shows an image (and the overlay knows where it is). */
export async function waitForImage(page: Page): Promise<void> {
  const viewer = page.getByTestId('viewer');
  await expect(viewer).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
  await expect(viewer).toHaveAttribute('data-image-rect', /\d/);
  // Two animation frames: the last render has reached the canvas.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

export interface Placement {
  /** Page position of an image pixel-edge coordinate (column, row). */
  toPage(x: number, y: number): { x: number; y: number };
  /** Canvas position (device pixels = CSS pixels at scale 1) of the centre of pixel (column, row). */
  toCanvas(col: number, row: number): { x: number; y: number };
  /** CSS pixels per image pixel. */
  scale: number;
}

/** Where the image on screen is: from data-image-rect (CSS px, relative to the viewport). */
export async function placement(page: Page, columns: number, rows: number): Promise<Placement> {
  const viewer = page.getByTestId('viewer');
  const box = (await viewer.boundingBox())!;
  const rect = (await viewer.getAttribute('data-image-rect'))!.split(',').map(Number);
  const [left, top, width, height] = rect;
  const sx = width / columns;
  const sy = height / rows;
  return {
    toPage: (x, y) => ({ x: box.x + left + x * sx, y: box.y + top + y * sy }),
    toCanvas: (c, r) => ({ x: left + (c + 0.5) * sx, y: top + (r + 0.5) * sy }),
    scale: sx,
  };
}

/** Drags the mouse from one image pixel-edge coordinate to another (the Draw box tool must be on). */
export async function dragPixels(page: Page, where: Placement, from: [number, number], to: [number, number], button: 'left' | 'right' | 'middle' = 'left'): Promise<void> {
  const a = where.toPage(...from);
  const b = where.toPage(...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down({ button });
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up({ button });
}

/** RGBA of the viewport canvas at canvas positions. */
export async function canvasColors(page: Page, points: readonly { x: number; y: number }[]): Promise<[number, number, number][]> {
  return page.evaluate((pts) => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="viewer"] canvas.cornerstone-canvas');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) throw new Error('no viewport canvas');
    const ratio = canvas.width / canvas.getBoundingClientRect().width;
    return pts.map((p) => {
      const d = ctx.getImageData(Math.floor(p.x * ratio), Math.floor(p.y * ratio), 1, 1).data;
      return [d[0], d[1], d[2]] as [number, number, number];
    });
  }, points);
}

/** The text of the viewer's info line (position, window, zoom). */
export async function viewerInfo(page: Page): Promise<string> {
  return (await page.getByTestId('viewer-info').textContent()) ?? '';
}

/** Console messages of the DICOM parser about a file's own quirks, not problems of the app. */
export const knownFileQuirks = (problems: string[]): string[] => problems.filter((p) => !/Invalid vr type/.test(p));
