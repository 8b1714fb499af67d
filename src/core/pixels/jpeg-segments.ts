/**
 * Marker segments of one JPEG frame (ITU-T T.81: baseline, extended, progressive, lossless,
 * hierarchical; ITU-T T.87: JPEG-LS, which uses the same marker syntax). Comment (COM) and
 * application (APPn) segments can carry any text — device software writes patient names and
 * dates into them — and no decoder needs them to produce the pixels, so they are taken out.
 * Three application segments are kept because decoders read them to get the colours right:
 * APP0 JFIF (its thumbnail, a picture of the original image, is cut), APP2 ICC_PROFILE and
 * APP14 Adobe (trimmed to their fixed size). Reserved markers go too. Entropy-coded data is
 * copied byte for byte: nothing is decoded or re-encoded.
 */
import { CodestreamError, concat, copyOf, trailingBytes, u16be, type StrippedFrame } from './codestream-parts.ts';

const ascii = (b: Uint8Array, at: number, text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

/** Markers a decoder needs: frame and scan headers, tables, restart interval, JPEG-LS parameters. */
function isCodingMarker(m: number): boolean {
  if (m >= 0xc0 && m <= 0xcf) return m !== 0xc8; // SOFn, DHT (C4), DAC (CC); C8 is reserved (JPG)
  return m === 0xda || m === 0xdb || m === 0xdc || m === 0xdd || m === 0xde || m === 0xdf || m === 0xf7 || m === 0xf8;
}

const hex2 = (m: number): string => m.toString(16).toUpperCase().padStart(2, '0');

/**
 * What to write for one marker segment with a length field: the segment itself, a trimmed
 * copy, or nothing. `removed` names what went.
 */
function judgeSegment(seg: Uint8Array, m: number, removed: string[]): Uint8Array | undefined {
  if (isCodingMarker(m)) return seg;
  if (m === 0xe0 && seg.length >= 18 && ascii(seg, 4, 'JFIF\0')) {
    // JFIF header: identifier, version, units, densities (14 bytes), then a thumbnail.
    if (seg.length === 18 && seg[16] === 0 && seg[17] === 0) return seg;
    const trimmed = copyOf(seg.subarray(0, 18));
    trimmed[2] = 0;
    trimmed[3] = 16;
    trimmed[16] = 0;
    trimmed[17] = 0;
    removed.push('APP0 JFIF thumbnail or extra bytes');
    return trimmed;
  }
  if (m === 0xe2 && ascii(seg, 4, 'ICC_PROFILE\0')) return seg;
  if (m === 0xee && seg.length >= 16 && ascii(seg, 4, 'Adobe')) {
    // APP14 Adobe: identifier, version, two flag words and the colour transform (12 bytes).
    if (seg.length === 16) return seg;
    const trimmed = copyOf(seg.subarray(0, 16));
    trimmed[2] = 0;
    trimmed[3] = 14;
    removed.push('APP14 Adobe extra bytes');
    return trimmed;
  }
  if (m === 0xfe) removed.push('COM');
  else if (m >= 0xe0 && m <= 0xef) removed.push(`APP${m - 0xe0}`);
  else removed.push(`reserved marker FF${hex2(m)}`);
  return undefined;
}

/**
 * End of the entropy-coded data that starts at `from`: the next marker. Inside the data, FF00
 * (stuffing), FFD0–FFD7 (restart) and, for JPEG-LS, FF followed by a byte below 80 (bit
 * stuffing) are data; FF FF is fill before a marker. Returns the frame's length when the data
 * runs to the end (a truncated frame: nothing after it to hide text in).
 */
function entropyEnd(b: Uint8Array, from: number, jpegLs: boolean): number {
  for (let i = from; i + 1 < b.length; i++) {
    if (b[i] !== 0xff) continue;
    const n = b[i + 1];
    if (n === 0 || (n >= 0xd0 && n <= 0xd7) || (jpegLs && n < 0x80)) continue;
    if (n === 0xff) continue; // fill: the marker is further on
    return i;
  }
  return b.length;
}

/** Strips one JPEG / JPEG-LS frame. Throws CodestreamError when its structure cannot be followed. */
export function stripJpeg(b: Uint8Array): StrippedFrame {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) throw new CodestreamError('the JPEG frame does not start with an SOI marker');
  const parts: Uint8Array[] = [b.subarray(0, 2)];
  const headers: Uint8Array[] = [];
  const removed: string[] = [];
  let changed = false;
  let jpegLs = false;
  let at = 2;
  for (;;) {
    if (at >= b.length) break; // ends without EOI, right after a segment or scan: nothing unchecked
    if (b[at] !== 0xff) throw new CodestreamError(`the JPEG frame has bytes outside any marker segment at offset ${at}`);
    if (at + 1 >= b.length) break;
    const m = b[at + 1];
    if (m === 0xff) {
      parts.push(b.subarray(at, at + 1)); // fill byte
      at++;
      continue;
    }
    if (m === 0xd9) {
      parts.push(b.subarray(at, at + 2));
      const tail = trailingBytes(b.subarray(at + 2));
      if (tail.removed) {
        removed.push(tail.removed);
        changed = true;
      }
      parts.push(tail.keep);
      break;
    }
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      parts.push(b.subarray(at, at + 2)); // TEM, RSTn: no length
      at += 2;
      continue;
    }
    if (m === 0xd8 || m === 0x00) throw new CodestreamError(`the JPEG frame has a misplaced marker FF${hex2(m)} at offset ${at}`);
    if (at + 4 > b.length) throw new CodestreamError('the JPEG frame ends inside a marker segment');
    const length = u16be(b, at + 2);
    if (length < 2 || at + 2 + length > b.length) throw new CodestreamError(`the JPEG marker segment FF${hex2(m)} at offset ${at} runs past the end of the frame`);
    const seg = b.subarray(at, at + 2 + length);
    const keep = judgeSegment(seg, m, removed);
    if (keep !== seg) changed = true;
    if (keep) {
      parts.push(keep);
      headers.push(keep);
    }
    at += 2 + length;
    if (m === 0xf7) jpegLs = true;
    if (m === 0xda) {
      const end = entropyEnd(b, at, jpegLs);
      parts.push(b.subarray(at, end));
      at = end;
    }
  }
  return { bytes: changed ? concat(parts) : b, removed, headers };
}
