/**
 * Writes the synthetic PHI study (tests/synthetic/phi-study.ts) to a folder, for end-to-end tests
 * and for trying the CLI by hand:
 *
 *   npx tsx scripts/make-synthetic-fixtures.ts <out-dir> [--slices N] [--no-un-blobs]
 *
 * Besides the .dcm files it writes planted.json: every planted value and where it went, so a
 * de-identified output can be searched for them. All values are made up.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { makePhiStudy, plantedValues, type PhiStudyOptions } from '../tests/synthetic/phi-study.ts';

function usage(message?: string): never {
  if (message) console.error(message);
  console.error('usage: tsx scripts/make-synthetic-fixtures.ts <out-dir> [--slices N] [--no-un-blobs]');
  process.exit(2);
}

function parseArgs(argv: string[]): { out: string; options: PhiStudyOptions } {
  let out: string | undefined;
  const options: PhiStudyOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--slices') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) usage('--slices needs a positive whole number');
      options.ctSlices = n;
    } else if (arg === '--no-un-blobs') {
      options.unBlobs = false;
    } else if (arg === '-h' || arg === '--help') {
      usage();
    } else if (arg.startsWith('-')) {
      usage(`unknown option ${arg}`);
    } else if (out === undefined) {
      out = arg;
    } else {
      usage(`unexpected argument ${arg}`);
    }
  }
  if (out === undefined) usage('missing <out-dir>');
  return { out: resolve(out), options };
}

const { out, options } = parseArgs(process.argv.slice(2));
const study = makePhiStudy(options);
for (const f of study.files) {
  const path = join(out, f.name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, f.bytes);
}
const values = [...plantedValues(study)].map(([value, places]) => ({
  value,
  kind: places[0]!.kind,
  patient: places[0]!.patient ?? null,
  where: places.map((p) => p.where),
}));
writeFileSync(
  join(out, 'planted.json'),
  JSON.stringify({ patients: study.patients, files: study.files.map((f) => ({ name: f.name, patient: f.patient, role: f.role, transferSyntax: f.transferSyntax, sopInstanceUID: f.sopInstanceUID })), planted: values }, null, 2) + '\n',
);
console.log(`wrote ${study.files.length} DICOM files and planted.json (${values.length} planted values) to ${out}`);
