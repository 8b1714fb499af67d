/**
 * Issue 8, item 12: `--ocr` fails closed. An image whose pixels cannot be decoded or read is not
 * written (failed, `not written: BLOCKING …` with the reason); the other files of the run still
 * are. Before, such an image was logged "ocr not read" and written anyway, unchecked.
 *
 * The corrupt images carry the patient's name as bytes inside their "codestream": if such a file
 * got through, the byte search finds it in the output.
 */
import { describe, expect, it } from 'vitest';
import { checkWarning } from '../../src/core/detect/pipeline.ts';
import { defaultProfile } from '../../src/core/profile/profile.ts';
import { encodeDataset, encodePart10, type Element } from '../synthetic/encoder.ts';
import { findPlanted, runVeil, type InputSpec, type PlantedValue, type VeilRun } from './harness.ts';
import { monochromeImagePixel } from '../synthetic/image-pixel.ts';

const SC = '1.2.840.10008.5.1.4.1.1.7';
const CT = '1.2.840.10008.5.1.4.1.1.2';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const NAME = 'KOWALCZYK^DOROTA';
const PATIENT_ID = 'PID-90210-K';

function imageElements(o: { sopClass: string; sop?: string; modality: string; series: string; n: number; size: number; bits: number; extra?: Element[] }): Element[] {
  const ds: Element[] = [
    { tag: 0x00080016, vr: 'UI', value: o.sopClass },
    { tag: 0x00080060, vr: 'CS', value: o.modality },
    { tag: 0x00100010, vr: 'PN', value: NAME },
    { tag: 0x00100020, vr: 'LO', value: PATIENT_ID },
    { tag: 0x0020000d, vr: 'UI', value: '1.2.826.0.1.3680043.99998.12.1' },
    { tag: 0x0020000e, vr: 'UI', value: o.series },
    { tag: 0x00200013, vr: 'IS', value: String(o.n) },
    ...monochromeImagePixel(o.size, o.size, o.bits),
    ...(o.extra ?? []),
  ];
  if (o.sop) ds.push({ tag: 0x00080018, vr: 'UI', value: o.sop });
  return ds;
}

/** A blank native image (nothing burned in): the OCR reads it and finds nothing. */
function nativeImage(o: Parameters<typeof imageElements>[0]): Uint8Array {
  const ds = imageElements(o);
  ds.push({ tag: 0x7fe00010, vr: 'OB', value: new Uint8Array(o.size * o.size * (o.bits / 8)) });
  return encodePart10({ sopClassUID: o.sopClass, sopInstanceUID: o.sop ?? '1.2.826.0.1.3680043.99998.12.999', transferSyntax: 'explicit-le', dataset: ds });
}

// ---- a hand-built encapsulated Part 10 file (the test encoder writes native syntaxes only)

const le16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const le32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const padded = (s: string) => (s.length % 2 ? `${s}\0` : s);

function metaElement(element: number, vr: string, value: number[]): number[] {
  return [...le16(0x0002), ...le16(element), ...ascii(vr), ...le16(value.length), ...value];
}

/** JPEG baseline file whose single fragment is `codestream` (odd lengths padded). */
function jpegFile(elements: Element[], sop: string, sopClass: string, codestream: number[]): Uint8Array {
  const meta = [
    ...[0x02, 0x00, 0x01, 0x00, ...ascii('OB'), 0, 0, ...le32(2), 0, 1],
    ...metaElement(0x0002, 'UI', ascii(padded(sopClass))),
    ...metaElement(0x0003, 'UI', ascii(padded(sop))),
    ...metaElement(0x0010, 'UI', ascii(padded(JPEG_BASELINE))),
    ...metaElement(0x0012, 'UI', ascii(padded('1.2.826.0.1.3680043.99998.1'))),
  ];
  const fragment = codestream.length % 2 ? [...codestream, 0] : codestream;
  const pixels = [
    ...le16(0x7fe0), ...le16(0x0010), ...ascii('OB'), 0, 0, ...le32(0xffffffff),
    ...le16(0xfffe), ...le16(0xe000), ...le32(0), // empty basic offset table
    ...le16(0xfffe), ...le16(0xe000), ...le32(fragment.length), ...fragment,
    ...le16(0xfffe), ...le16(0xe0dd), ...le32(0),
  ];
  const body = encodeDataset([...elements, { tag: 0x00080018, vr: 'UI', value: sop }], 'explicit-le');
  return new Uint8Array([
    ...new Uint8Array(128), ...ascii('DICM'),
    ...le16(0x0002), ...le16(0x0000), ...ascii('UL'), ...le16(4), ...le32(meta.length), ...meta,
    ...body, ...pixels,
  ]);
}

/**
 * A JPEG whose marker segments are in order (SOI, frame header for the declared size, scan
 * header, EOI: the codestream check lets it through) but that no decoder can read: it has no
 * Huffman or quantisation tables. Its "entropy-coded data" holds the patient's name, as burned-in
 * text would be in pixels nobody could decode to look at.
 */
function corruptJpeg(size: number): number[] {
  return [0xff, 0xd8, 0xff, 0xc0, 0x00, 0x0b, 0x08, ...le16(size).reverse(), ...le16(size).reverse(), 0x01, 0x01, 0x11, 0x00,
    0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00,
    ...ascii(NAME), 0x13, 0x37, 0x00, 0x42, 0xff, 0xd9];
}

const planted: PlantedValue[] = [
  { value: NAME, kind: 'name', inMapping: true },
  { value: 'KOWALCZYK', kind: 'name', inMapping: true },
  { value: PATIENT_ID, kind: 'id', inMapping: true },
];

const statusOf = (run: VeilRun, name: string) => run.operator.files.find((f) => f.path!.endsWith(name))!;

describe('--ocr fails closed', () => {
  it('an image whose compressed pixels cannot be decoded is not written; the others are', async () => {
    const SERIES_SC = '1.2.826.0.1.3680043.99998.12.2';
    const SERIES_CT = '1.2.826.0.1.3680043.99998.12.3';
    const inputs: InputSpec[] = [
      // A capture (always read) whose JPEG is corrupt.
      { name: 'a-corrupt.dcm', bytes: jpegFile(imageElements({ sopClass: SC, modality: 'OT', series: SERIES_SC, n: 1, size: 32, bits: 8 }), '1.2.826.0.1.3680043.99998.12.10', SC, corruptJpeg(32)) },
      // A good capture in the same run.
      { name: 'b-good.dcm', bytes: nativeImage({ sopClass: SC, sop: '1.2.826.0.1.3680043.99998.12.11', modality: 'OT', series: SERIES_SC, n: 2, size: 32, bits: 8 }) },
      // A CT series of four, sampled (first, middle, last read; the second takes their boxes
      // over). The first is corrupt, so the sample says nothing about the second: it must be
      // read itself — and it is corrupt too.
      ...[1, 2].map((n) => ({ name: `c-ct-${n}.dcm`, bytes: jpegFile(imageElements({ sopClass: CT, modality: 'CT', series: SERIES_CT, n, size: 32, bits: 8 }), `1.2.826.0.1.3680043.99998.12.2${n}`, CT, corruptJpeg(32)) })),
      ...[3, 4].map((n) => ({ name: `c-ct-${n}.dcm`, bytes: nativeImage({ sopClass: CT, sop: `1.2.826.0.1.3680043.99998.12.2${n}`, modality: 'CT', series: SERIES_CT, n, size: 32, bits: 8 }) })),
      // An image without SOP Instance UID: OCR boxes are scoped to it, so it cannot be handled.
      { name: 'd-no-uid.dcm', bytes: nativeImage({ sopClass: SC, modality: 'OT', series: SERIES_SC, n: 3, size: 32, bits: 8 }) },
    ];
    for (const mode of ['anonymize', 'pseudonymize'] as const) {
      const profile = defaultProfile();
      profile.pseudonyms.mode = mode;
      const run = await runVeil(inputs, { profile, ocr: {} });

      for (const bad of ['a-corrupt.dcm', 'c-ct-1.dcm', 'c-ct-2.dcm', 'd-no-uid.dcm']) {
        const e = statusOf(run, bad);
        expect(e.status, `${mode}: ${bad}`).toBe('failed');
        expect(e.reason, `${mode}: ${bad}`).toMatch(/^not written: BLOCKING: burned-in text could not be checked: \S/);
        expect(e.output).toBeUndefined();
      }
      for (const good of ['b-good.dcm', 'c-ct-3.dcm', 'c-ct-4.dcm']) expect(statusOf(run, good).status, `${mode}: ${good}`).toBe('written');
      expect(run.exitCode).toBe(0);
      // Nothing of the corrupt images (the name inside their pixels) reached any output byte.
      expect(findPlanted(run, planted, profile), mode).toEqual([]);
      expect([...run.outputs.keys()].filter((k) => k.endsWith('.dcm'))).toHaveLength(3);
    }
  }, 180_000);

  it('an output that could not be read again after redaction is blocking, not a note', () => {
    // The CLI (and the browser's OCR worker) refuse a file whose after-redaction check says this.
    const warning = checkWarning({ findings: [], framesRead: [], skipped: 'frame 0: the JPEG codestream is damaged' });
    expect(warning).toMatch(/^BLOCKING: burned-in text could not be checked after redaction: frame 0/);
  });
});
