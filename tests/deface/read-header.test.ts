/**
 * The CLI's first --deface pass reads headers only (src/cli/read-header.ts): the first bytes of a
 * file, parsed up to its Pixel Data. It must decide exactly as a whole-file read would: on every
 * file of the shared corpus and both head series, the header-only read gives the same elements
 * before Pixel Data, and the same light header byte for byte, as reading the whole file — and
 * for a file whose header fits the prefix, the whole file is never read.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPart10, type ParsedFile } from '../../src/core/dicom/reader.ts';
import { T } from '../../src/core/dicom/tags.ts';
import { getString } from '../../src/core/dicom/values.ts';
import { writePart10 } from '../../src/core/dicom/writer.ts';
import { encodeLightHeader } from '../../src/core/deface/light-header.ts';
import type { InputFile } from '../../src/cli/inputs.ts';
import { readHeader } from '../../src/cli/read-header.ts';
import { fixturesDir, readManifest, repoRoot } from '../helpers/fixtures.ts';

const HEADS = join(repoRoot, '..', 'shared', 'fixtures', 'heads');
const headFiles = ['ct-cranium', 'mr-colin27'].flatMap((d) => readdirSync(join(HEADS, d)).filter((n) => n.endsWith('.dcm')).sort().slice(0, 5).map((n) => join(HEADS, d, n)));
const corpus = [...readManifest().map((r) => resolve(fixturesDir, r.path)), ...headFiles];

/** A file on disk as the CLI lists it; `wholeReads` counts reads of the whole file. */
function diskInput(file: string): InputFile & { wholeReads: number } {
  const input = {
    path: file,
    diskPath: file,
    wholeReads: 0,
    read: async () => {
      input.wholeReads++;
      return new Uint8Array(readFileSync(file));
    },
  };
  return input;
}

/** Every top-level element before Pixel Data, as tag → VR and value bytes. */
function beforePixels(parsed: ParsedFile): [number, string, number[]][] {
  return parsed.dataset.sorted().filter((el) => el.tag < T.PixelData).map((el) => [el.tag, el.vr, [...el.value]]);
}

function fullRead(file: string): ParsedFile | undefined {
  try {
    return readPart10(new Uint8Array(readFileSync(file)));
  } catch {
    return undefined;
  }
}

describe('header-only reads (the first --deface pass)', () => {
  it('read every corpus and head file as a whole-file read does, up to the Pixel Data', async () => {
    let compared = 0;
    let fromPrefix = 0;
    for (const file of corpus) {
      const full = fullRead(file);
      // Small prefixes too, so that growing them is exercised on real headers.
      for (const prefixes of [undefined, [256, 4096]]) {
        const input = diskInput(file);
        const header = await readHeader(input, prefixes).catch((e: Error) => e);
        if (!full) {
          // What the whole read refuses, the header read may refuse too, or stop before the damage.
          continue;
        }
        expect(header, file).not.toBeInstanceOf(Error);
        const h = header as ParsedFile;
        expect(h.stoppedAt !== undefined, `${file}: stopped at Pixel Data iff it has one`).toBe(full.dataset.has(T.PixelData));
        expect(h.transferSyntaxUID, file).toBe(full.transferSyntaxUID);
        expect(beforePixels(h), file).toEqual(beforePixels(full));
        expect(encodeLightHeader(h)?.bytes, file).toEqual(encodeLightHeader(full)?.bytes);
        compared++;
        if (input.wholeReads === 0) fromPrefix++;
      }
    }
    expect(compared).toBeGreaterThan(200);
    // Most headers fit the first prefix: the pass does not read the pixels.
    expect(fromPrefix).toBeGreaterThan(compared / 3);
  });

  const dir = mkdtempSync(join(os.tmpdir(), 'veil-read-header-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The first head CT slice written again with a private element of `size` bytes before its pixels. */
  function withPrivateBlock(size: number): string {
    const parsed = readPart10(new Uint8Array(readFileSync(headFiles[0])));
    parsed.dataset.set({ tag: 0x00090010, vr: 'LO', value: new TextEncoder().encode('VEIL TEST ') });
    parsed.dataset.set({ tag: 0x00091010, vr: 'OB', value: new Uint8Array(size).fill(0x41) });
    const file = join(dir, `private-${size}.dcm`);
    writeFileSync(file, writePart10({
      dataset: parsed.dataset,
      transferSyntaxUID: parsed.transferSyntaxUID,
      sopClassUID: getString(parsed.dataset, T.SOPClassUID)!,
      sopInstanceUID: getString(parsed.dataset, T.SOPInstanceUID)!,
    }));
    return file;
  }

  it('grows the prefix for a header larger than the first one, without reading the whole file', async () => {
    const file = withPrivateBlock(10_000);
    const input = diskInput(file);
    const header = await readHeader(input, [4096, 65536]);
    expect(input.wholeReads).toBe(0);
    expect(header.dataset.get(0x00091010)?.value.length).toBe(10_000);
    expect(encodeLightHeader(header)?.bytes).toEqual(encodeLightHeader(fullRead(file)!)?.bytes);
  });

  it('reads the whole file when no prefix holds the header, and gets the same header', async () => {
    const file = withPrivateBlock(200_000);
    const input = diskInput(file);
    const header = await readHeader(input, [4096, 65536]);
    expect(input.wholeReads).toBe(1);
    expect(header.stoppedAt).toBeDefined();
    expect(encodeLightHeader(header)?.bytes).toEqual(encodeLightHeader(fullRead(file)!)?.bytes);
  });

  it('refuses a file cut inside its header, as a whole-file read does', async () => {
    const bytes = readFileSync(headFiles[0]);
    const header = readPart10(new Uint8Array(bytes), { headerOnly: true });
    const file = join(dir, 'cut.dcm');
    writeFileSync(file, bytes.subarray(0, Math.floor(header.stoppedAt! / 2)));
    await expect(readHeader(diskInput(file))).rejects.toThrow();
    expect(() => readPart10(new Uint8Array(readFileSync(file)))).toThrow();
  });
});
