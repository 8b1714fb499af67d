import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { readPart10 } from '../../src/core/dicom/reader.ts';
import type { SeriesInstance } from '../../src/core/deface/types.ts';
import { repoRoot } from '../helpers/fixtures.ts';

export const headsDir = resolve(repoRoot, '..', 'shared', 'fixtures', 'heads');

export function readSeries(folder: string): SeriesInstance[] {
  const dir = resolve(headsDir, folder);
  return readdirSync(dir).filter((f) => f.endsWith('.dcm')).sort().map((f) => {
    const path = resolve(dir, f);
    const parsed = readPart10(new Uint8Array(readFileSync(path)));
    return { path, dataset: parsed.dataset, transferSyntaxUID: parsed.transferSyntaxUID };
  });
}
