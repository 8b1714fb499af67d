/**
 * The Image Pixel module of a small unsigned MONOCHROME2 test image, without its Pixel Data
 * (the caller adds that: the bytes are what each test is about).
 */
import type { Element } from './encoder.ts';

export function monochromeImagePixel(rows: number, columns: number, bits = 8): Element[] {
  return [
    { tag: 0x00280002, vr: 'US', value: [1] },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: [rows] },
    { tag: 0x00280011, vr: 'US', value: [columns] },
    { tag: 0x00280100, vr: 'US', value: [bits] },
    { tag: 0x00280101, vr: 'US', value: [bits] },
    { tag: 0x00280102, vr: 'US', value: [bits - 1] },
    { tag: 0x00280103, vr: 'US', value: [0] },
  ];
}
