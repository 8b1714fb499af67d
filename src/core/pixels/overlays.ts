/**
 * Text hidden in overlays. Two places can hold it:
 *
 * 1. Overlay Data (60xx,3000), a separate bit plane. The basic profile removes it (Table E.1-1:
 *    X; with Clean Graphics the action is C, and binary data cannot be cleaned, so it is removed
 *    too — see header/apply.ts). It survives only when a profile override keeps it; then, on an
 *    image that gets boxes painted, the overlay bits under each box are cleared as well
 *    (clearOverlayPlanesInBoxes), so a box hides everything drawn at that place.
 *
 * 2. The unused high bits of Pixel Data (retired, but in old files): an overlay group whose
 *    Overlay Bits Allocated (60xx,0100) equals Bits Allocated and whose Overlay Bit Position
 *    (60xx,0102) is not 0, with no Overlay Data element of its own. The profile cannot see it:
 *    it is part of the pixels. De-identified output always has those bits set to zero
 *    (highBitOverlays tells which bits, redact.ts clears them), whether or not the image has
 *    boxes — so such an image's Pixel Data differs from the input even without a box.
 */
import type { Dataset } from '../dicom/dataset.ts';
import { tagOf } from '../dicom/tags.ts';
import { getNumber } from '../dicom/values.ts';
import type { PixelLayout, Rect } from './paint.ts';

const OVERLAY_GROUPS = Array.from({ length: 16 }, (_, i) => 0x6000 + 2 * i);
const el = (group: number, element: number): number => tagOf(group, element);

export interface HighBitOverlays {
  /** Bit positions (within each stored word) to clear. */
  positions: number[];
  /** Overlay groups those bits belong to, e.g. "6000". */
  groups: string[];
  /** Overlay groups that declare bits inside Bits Stored (not cleared: they are image data). */
  inside: string[];
}

/** Values of an SS (or US) element with VM > 1. */
function shorts(ds: Dataset, tag: number): number[] {
  const e = ds.get(tag);
  if (!e || e.value.length < 2) return [];
  const v = new DataView(e.value.buffer, e.value.byteOffset, e.value.byteLength);
  const out: number[] = [];
  for (let at = 0; at + 2 <= e.value.length; at += 2) out.push(e.vr === 'US' ? v.getUint16(at, true) : v.getInt16(at, true));
  return out;
}

const hex = (g: number): string => g.toString(16).toUpperCase().padStart(4, '0');

/** Overlay planes stored in the unused bits of Pixel Data. */
export function highBitOverlays(ds: Dataset, l: PixelLayout): HighBitOverlays {
  const result: HighBitOverlays = { positions: [], groups: [], inside: [] };
  if (l.float || l.bitsAllocated < 8) return result;
  const low = l.highBit - l.bitsStored + 1;
  for (const g of OVERLAY_GROUPS) {
    if (ds.has(el(g, 0x3000))) continue;
    const bitsAllocated = getNumber(ds, el(g, 0x0100));
    const position = getNumber(ds, el(g, 0x0102));
    if (bitsAllocated === undefined || position === undefined) continue;
    if (bitsAllocated !== l.bitsAllocated || position === 0 || position >= l.bitsAllocated) continue;
    if (position >= low && position <= l.highBit) {
      result.inside.push(hex(g));
      continue;
    }
    result.groups.push(hex(g));
    if (!result.positions.includes(position)) result.positions.push(position);
  }
  return result;
}

/**
 * Clears Overlay Data (60xx,3000) bits under the painted rectangles. `painted` maps a 0-based
 * image frame to the rectangles painted on it. Returns the overlay groups changed (e.g. "6000").
 * The overlay's value is copied before it is changed: the input is never modified.
 */
export function clearOverlayPlanesInBoxes(ds: Dataset, imageFrames: number, painted: ReadonlyMap<number, readonly Rect[]>): string[] {
  const changed: string[] = [];
  for (const g of OVERLAY_GROUPS) {
    const data = ds.get(el(g, 0x3000));
    if (!data || data.value.length === 0) continue;
    const rows = getNumber(ds, el(g, 0x0010));
    const columns = getNumber(ds, el(g, 0x0011));
    if (!rows || !columns) continue;
    if ((getNumber(ds, el(g, 0x0100)) ?? 1) !== 1) continue;
    const origin = shorts(ds, el(g, 0x0050));
    const originRow = Number.isFinite(origin[0]) ? origin[0] : 1;
    const originColumn = Number.isFinite(origin[1]) ? origin[1] : 1;
    const overlayFrames = Math.max(1, Math.trunc(getNumber(ds, el(g, 0x0015)) ?? 1));
    const frameOrigin = Math.max(1, Math.trunc(getNumber(ds, el(g, 0x0051)) ?? 1));
    let bytes: Uint8Array | undefined;
    for (let j = 0; j < overlayFrames; j++) {
      // A single-frame overlay on a multi-frame image may be shown on any frame: clear the union.
      const frames = overlayFrames === 1 && imageFrames > 1 ? [...painted.keys()] : [frameOrigin - 1 + j];
      for (const f of frames) {
        for (const r of painted.get(f) ?? []) {
          const y0 = Math.max(0, r.y - (originRow - 1));
          const y1 = Math.min(rows, r.y + r.height - (originRow - 1));
          const x0 = Math.max(0, r.x - (originColumn - 1));
          const x1 = Math.min(columns, r.x + r.width - (originColumn - 1));
          for (let y = y0; y < y1; y++) {
            for (let x = x0; x < x1; x++) {
              const bit = j * rows * columns + y * columns + x;
              const at = bit >>> 3;
              if (at >= data.value.length) continue;
              if (!bytes) {
                bytes = data.value.slice();
                data.value = bytes;
              }
              bytes[at] &= ~(1 << (bit & 7));
            }
          }
        }
      }
    }
    if (bytes) changed.push(hex(g));
  }
  return changed;
}

/**
 * Puts every bit of native integer Pixel Data that lies outside Bits Stored into a canonical
 * state, so whatever a writer hid there — an overlay no 60xx group declares, text — is gone while
 * the image values stay. Unsigned pixels: zero. Signed pixels: writers either leave the bits
 * above High Bit zero or copy the sign into them; both are common and both keep the value, so an
 * image that sticks to one convention is left as it is. Anything else (junk, or a mix of the two,
 * which could itself encode a bit plane) is brought to the convention most of its negative pixels
 * use. Bits below the stored range (High Bit < Bits Stored - 1) are always zeroed. With `dryRun`
 * nothing is written, only counted. Returns how many sample words were (or would be) changed.
 */
export function canonicalizeUnusedBits(buf: Uint8Array, l: PixelLayout, dryRun = false): number {
  if (l.float) return 0;
  const bytes = l.bitsAllocated / 8;
  if (bytes !== 1 && bytes !== 2 && bytes !== 4) return 0;
  const low = l.highBit - l.bitsStored + 1;
  // A header that contradicts itself says nothing reliable about which bits are unused.
  if (l.bitsStored < 1 || low < 0 || l.highBit >= l.bitsAllocated) return 0;
  if (low === 0 && l.highBit === l.bitsAllocated - 1) return 0;
  const used = (2 ** l.bitsStored - 1) * 2 ** low;
  const above = 2 ** l.bitsAllocated - 2 ** (l.highBit + 1);
  const sign = 2 ** l.highBit;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const words = Math.floor(buf.length / bytes);
  const read = (at: number): number => (bytes === 1 ? buf[at] : bytes === 2 ? view.getUint16(at, true) : view.getUint32(at, true));

  let extend = false;
  if (l.pixelRepresentation === 1) {
    let zeroed = 0;
    let extended = 0;
    let junk = 0;
    for (let i = 0; i < words; i++) {
      const v = read(i * bytes);
      const kept = (v & used) >>> 0;
      if (v === kept) {
        if ((v & sign) !== 0) zeroed++;
      } else if ((v & sign) !== 0 && v === (kept | above) >>> 0) extended++;
      else junk++;
    }
    if (junk === 0 && (zeroed === 0 || extended === 0)) return 0;
    extend = extended > zeroed;
  }

  let changed = 0;
  for (let i = 0; i < words; i++) {
    const at = i * bytes;
    const v = read(at);
    let target = (v & used) >>> 0;
    if (extend && (v & sign) !== 0) target = (target | above) >>> 0;
    if (target === v) continue;
    changed++;
    if (dryRun) continue;
    if (bytes === 1) buf[at] = target;
    else if (bytes === 2) view.setUint16(at, target, true);
    else view.setUint32(at, target, true);
  }
  return changed;
}
