/** Where the shared DICOM standard tables live, and how generators write their output. */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const standardDir = process.env.VEIL_STANDARD_DIR ?? resolve(repoRoot, '..', 'shared', 'standard');

export function writeGenerated(relPath: string, text: string): void {
  writeFileSync(resolve(repoRoot, relPath), text);
}
