import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPart10 } from '../../src/core/dicom/reader.ts';
import { T } from '../../src/core/dicom/tags.ts';
import { setString } from '../../src/core/dicom/values.ts';
import { decideSeries } from '../../src/core/deface/series-plan.ts';
import { encodeLightHeader, instanceFromLightHeader } from '../../src/core/deface/light-header.ts';
import { isHeadSeries } from '../../src/core/deface/volume.ts';
import { repoRoot } from '../helpers/fixtures.ts';
import { headsDir } from './helpers.ts';
import { seriesFiles } from './synthetic-series.ts';

const fixtures = resolve(repoRoot, '..', 'shared', 'fixtures', 'dicom');

/** Every file of a folder, parsed whole (what the head check used to read) and as load hands it over. */
function both(files: { path: string; bytes: Uint8Array }[]) {
  const full = files.map(({ path, bytes }) => ({ path, parsed: readPart10(bytes), size: bytes.length }));
  const light = full.map(({ path, parsed }) => {
    const header = encodeLightHeader(parsed);
    if (!header) throw new Error(`${path}: no light header`);
    return { path, header };
  });
  return {
    full: full.map(({ path, parsed }) => ({ path, dataset: parsed.dataset, transferSyntaxUID: parsed.transferSyntaxUID })),
    light: light.map(({ path, header }) => instanceFromLightHeader(path, header)),
    lightBytes: light.map((l) => l.header.bytes.length),
    fileBytes: full.map((f) => f.size),
  };
}

const folder = (dir: string) =>
  readdirSync(dir).filter((f) => f.endsWith('.dcm')).sort().map((f) => ({ path: resolve(dir, f), bytes: new Uint8Array(readFileSync(resolve(dir, f))) }));

describe('the head check decides from the light header load hands over, as it did from the whole files', () => {
  it.each(['ct-cranium', 'mr-colin27'])('%s: the same decision, from about a kilobyte per file and no pixel data', (name) => {
    const { full, light, lightBytes, fileBytes } = both(folder(resolve(headsDir, name)));
    expect(decideSeries(light, isHeadSeries)).toEqual(decideSeries(full, isHeadSeries));
    expect(decideSeries(light, isHeadSeries)).toEqual({ kind: 'deface' });
    for (const inst of light) expect(inst.dataset.has(T.PixelData)).toBe(false);
    expect(Math.max(...lightBytes)).toBeLessThan(2048);
    expect(lightBytes.reduce((a, b) => a + b, 0)).toBeLessThan(fileBytes.reduce((a, b) => a + b, 0) / 50);
  });

  it('a head that cannot be defaced is still declined (fail closed), a chest still skipped', async () => {
    // 12 slices: too few for a volume. Described as a head, the gate must stop it.
    const files = await seriesFiles({ seriesUID: '2.25.4242', slices: 12 });
    const head = both(files.map((f) => ({ path: f.name, bytes: f.bytes })));
    for (const inst of [...head.full, ...head.light]) setString(inst.dataset, T.SeriesDescription, 'ORBIT', 'LO');
    expect(decideSeries(head.light, isHeadSeries)).toEqual(decideSeries(head.full, isHeadSeries));
    expect(decideSeries(head.light, isHeadSeries).kind).toBe('decline');

    const chest = both((await seriesFiles({ seriesUID: '2.25.4243', slices: 12, bodyPart: 'CHEST' })).map((f) => ({ path: f.name, bytes: f.bytes })));
    for (const inst of [...chest.full, ...chest.light]) setString(inst.dataset, T.SeriesDescription, 'CHEST', 'LO');
    expect(decideSeries(chest.light, isHeadSeries)).toEqual(decideSeries(chest.full, isHeadSeries));
    expect(decideSeries(chest.light, isHeadSeries).kind).toBe('skip');
  });

  it.each(['multiframe/eCT_Supplemental_enhanced_CT.dcm', 'multiframe/legacy_converted_enhanced_CT_3frames.dcm', 'multiframe/emri_small_enhanced_MR.dcm'])(
    '%s: the same decision for an enhanced multi-frame file',
    (file) => {
      const { full, light } = both([{ path: file, bytes: new Uint8Array(readFileSync(resolve(fixtures, file))) }]);
      expect(decideSeries(light, isHeadSeries)).toEqual(decideSeries(full, isHeadSeries));
    },
  );
});
