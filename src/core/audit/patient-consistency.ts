/**
 * One pseudonym, one person: a run-level check over the outcomes of every file.
 *
 * Each file is de-identified on its own (and, with --threads or in the browser's worker pool, by
 * a Session of its own), so only the place that collects every outcome for the report — the
 * CLI's main thread, the browser's zip writer — can see that two files disagree about who the
 * patient is. It flags, on every file involved:
 *   - one patient key (issuer + Patient ID) with different names or birth dates: one pseudonym
 *     and date shift stand for what may be two people;
 *   - one pseudonym given to two different patient keys (a lookup row without issuer);
 *   - one Patient ID under different issuers: filed as different patients, said so.
 *
 * Same key with another name still shares the pseudonym: names are spelt differently across
 * systems and change (marriage, corrections), and the ID under its issuer is what the hospital
 * asserts. Splitting on the name would scatter one patient over several pseudonyms, differently
 * in every later run; a person must decide, and the warning tells them where to look.
 *
 * Warnings name the kind of disagreement and another input involved, never a value.
 */
import type { PatientFacts, ReportedOutcome } from '../outcome.ts';
import type { PatientIdentity, PseudonymMaker } from '../header/pseudonyms.ts';

/** Patient's Name as compared: case, spacing and empty trailing components do not count. */
export function comparableName(name: string): string {
  return name
    .toUpperCase()
    .split('=')
    .map((group) => group.split('^').map((c) => c.trim().replace(/\s+/g, ' ')).join('^').replace(/\^+$/, ''))
    .join('=')
    .replace(/=+$/, '');
}

/** The facts of one file, as digests keyed by the session (see PatientFacts). */
export function patientFacts(patient: PatientIdentity, pseudonymId: string, pseudonyms: PseudonymMaker): PatientFacts {
  return {
    key: pseudonyms.fingerprint('patient', patient.key),
    id: pseudonyms.fingerprint('patient-id', patient.originalId),
    name: pseudonyms.fingerprint('patient-name', comparableName(patient.originalName)),
    birthDate: pseudonyms.fingerprint('birth-date', patient.originalBirthDate),
    pseudonymId,
  };
}

type Checked = ReportedOutcome & { status: 'written'; patient: PatientFacts };

function groupBy(files: readonly Checked[], field: (f: Checked) => string): Checked[][] {
  const groups = new Map<string, Checked[]>();
  for (const f of files) {
    const k = field(f);
    if (!k) continue;
    const g = groups.get(k);
    if (g) g.push(f);
    else groups.set(k, [f]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

/**
 * Adds a warning to each file whose group holds another file that differs in `field` (both
 * non-empty). Linear in the group's size: one patient can have thousands of files.
 */
function flagDiffering(groups: Checked[][], field: (f: Checked) => string, warning: (count: number, example: Checked) => string): Set<Checked> {
  const flagged = new Set<Checked>();
  for (const group of groups) {
    const count = new Map<string, number>();
    const first = new Map<string, Checked>();
    for (const f of group) {
      const v = field(f);
      if (!v) continue;
      count.set(v, (count.get(v) ?? 0) + 1);
      if (!first.has(v)) first.set(v, f);
    }
    if (count.size < 2) continue;
    const withValue = [...count.values()].reduce((a, b) => a + b, 0);
    for (const f of group) {
      const mine = field(f);
      if (!mine) continue;
      const example = [...first].find(([v]) => v !== mine)![1];
      f.warnings.push(warning(withValue - count.get(mine)!, example));
      flagged.add(f);
    }
  }
  return flagged;
}

const files = (count: number, example: Checked): string => `${count} other file(s) of this run (e.g. ${example.input})`;

/** Adds the warnings to the outcomes in place (before the report is built); returns how many files were flagged. */
export function flagPatientConflicts(outcomes: readonly ReportedOutcome[]): number {
  const checked = outcomes.filter((o): o is Checked => o.status === 'written' && o.patient !== undefined);
  const byKey = groupBy(checked, (f) => f.patient.key);
  const flagged = new Set<Checked>();
  const add = (s: Set<Checked>) => s.forEach((f) => flagged.add(f));
  add(flagDiffering(byKey, (f) => f.patient.name, (n, e) =>
    `patient check: same Patient ID (and issuer) as ${files(n, e)} but a different Patient's Name; all are filed under one pseudonym and date shift — check that they are one person`));
  add(flagDiffering(byKey, (f) => f.patient.birthDate, (n, e) =>
    `patient check: same Patient ID (and issuer) as ${files(n, e)} but a different Patient's Birth Date; all are filed under one pseudonym and date shift — check that they are one person`));
  add(flagDiffering(groupBy(checked, (f) => f.patient.pseudonymId), (f) => f.patient.key, (n, e) =>
    `patient check: the same pseudonym is given to a different patient (another Patient ID or Issuer of Patient ID) in ${files(n, e)} — two people share one pseudonym; give each its own row in the lookup table`));
  add(flagDiffering(groupBy(checked, (f) => f.patient.id), (f) => f.patient.key, (n, e) =>
    `patient check: same Patient ID as ${files(n, e)} but under a different Issuer of Patient ID (or none): filed as a different patient, with its own pseudonym and date shift`));
  return flagged.size;
}
