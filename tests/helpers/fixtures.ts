/** Where the shared public DICOM corpus lives (beside the repository, as on CI) and what it lists. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixturesDir = process.env.VEIL_FIXTURES ?? resolve(repoRoot, '..', 'shared', 'fixtures', 'dicom');

export interface ManifestRow {
  path: string;
  transferSyntaxUID: string;
  modality: string;
  sopClassName: string;
  notes: string;
}

export function readManifest(): ManifestRow[] {
  const [header, ...lines] = readFileSync(resolve(fixturesDir, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const cols = header.split('\t');
  const at = (name: string) => cols.indexOf(name);
  return lines.map((line) => {
    const c = line.split('\t');
    return {
      path: c[at('path')],
      transferSyntaxUID: c[at('transfer_syntax_uid')],
      modality: c[at('modality')],
      sopClassName: c[at('sop_class_name')],
      notes: c[at('notes')],
    };
  });
}
