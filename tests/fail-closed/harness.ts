/**
 * Shared harness for the fail-closed tests (one test file per class of hiding place, issue 8).
 *
 * A test builds its own input files with planted identifiers (their names may carry identifiers
 * too: the report inside the output names inputs by neutral references), then `runVeil` runs them
 * through the real command (`runDeidentify`, in-process: the same code path as `npx veil
 * deidentify`) into a temporary folder or zip, and `findPlanted` searches EVERY byte Veil wrote
 * inside the output — each output file, deid-report.json/.csv — and the mapping for every planted value in every encoding it could have
 * been written in (ASCII/Latin-1, UTF-8, UTF-16 LE/BE, upper/lower case, plus any byte forms the
 * test adds, e.g. ISO 2022 or GB18030 bytes).
 *
 * `PROFILE_VARIANTS` is the default profile in both modes, each of the ten options on its own,
 * and everything on. A planted value declares what it is (`kind`); options that keep that kind
 * on purpose (Retain UIDs keeps UIDs, …) are the only variants allowed to leave it in.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader, ZipWriter, configure } from '@zip.js/zip.js/lib/zip-core-custom.js';
import { runDeidentify, type DeidentifyArgs } from '../../src/cli/deidentify-command.ts';
import type { ReportJson } from '../../src/core/export/report.ts';
import { OPTION_KEYS, defaultProfile, type OptionKey, type Profile } from '../../src/core/profile/profile.ts';

/** What a planted value is, so the options that keep that kind on purpose can be told apart. */
export type PlantedKind = 'name' | 'id' | 'birthdate' | 'date' | 'uid' | 'institution' | 'device' | 'text';

export interface PlantedValue {
  value: string;
  kind: PlantedKind;
  /** Extra byte forms of the value (ISO 2022 escape sequences, GB18030, Shift-JIS…). */
  bytes?: Uint8Array[];
  /**
   * The re-identification mapping holds the original Patient ID, name and Study/Series UIDs by
   * design; set this for such values so the mapping file (and only it) may contain them.
   */
  inMapping?: boolean;
}

/** Which option keeps which kind of planted value on purpose. */
const KEPT_BY: Partial<Record<OptionKey, readonly PlantedKind[]>> = {
  retainUIDs: ['uid'],
  retainDeviceIdentity: ['device'],
  retainInstitutionIdentity: ['institution'],
  retainLongFullDates: ['date'],
};

export interface ProfileVariant {
  name: string;
  profile: Profile;
}

function withOptions(mode: 'anonymize' | 'pseudonymize', on: readonly OptionKey[]): Profile {
  const p = defaultProfile();
  p.pseudonyms.mode = mode;
  for (const k of on) p.options[k] = true;
  // Full and modified dates are alternatives; "everything on" keeps the modified (shifted) one.
  if (p.options.retainLongFullDates && p.options.retainLongModifiedDates) p.options.retainLongFullDates = false;
  return p;
}

/** Default (both modes), each option alone (pseudonymize, so a mapping is written), everything on. */
export const PROFILE_VARIANTS: readonly ProfileVariant[] = [
  { name: 'basic (anonymize)', profile: withOptions('anonymize', []) },
  { name: 'basic (pseudonymize)', profile: withOptions('pseudonymize', []) },
  ...OPTION_KEYS.map((k) => ({ name: k, profile: withOptions('pseudonymize', [k]) })),
  { name: 'every option', profile: withOptions('pseudonymize', OPTION_KEYS) },
];

/** Is `value` allowed to survive under this profile (an option keeps its kind on purpose)? */
export function keptOnPurpose(value: PlantedValue, profile: Profile): boolean {
  return OPTION_KEYS.some((k) => profile.options[k] && (KEPT_BY[k] ?? []).includes(value.kind));
}

export interface InputSpec {
  /** Relative path inside the input folder. */
  name: string;
  bytes: Uint8Array;
}

export interface VeilRun {
  exitCode: number;
  /** Every file Veil wrote inside the output folder (or zip), by relative path. */
  outputs: Map<string, Uint8Array>;
  /** The parsed deid-report.json (inputs named by reference). */
  report: ReportJson;
  /** The operator's report written beside the output: the same rows with each input's `path`. */
  operator: ReportJson;
  /** The operator's report as CSV. */
  operatorCsv: string;
  /** The mapping CSV (pseudonymize mode), written beside the output. */
  mapping?: Uint8Array;
  /** Lines the command printed (stdout and stderr). */
  log: string[];
  dir: string;
}

export interface RunOptions {
  profile?: Profile;
  passphrase?: string;
  /** A redaction plan object, written to a file and passed as --boxes. */
  boxes?: unknown;
  ocr?: DeidentifyArgs['ocr'];
  /** A pseudonym lookup table (CSV text), written to a file and passed as --lookup. */
  lookup?: string;
  /** Keep the temporary folder (for debugging). */
  keep?: boolean;
  /**
   * Per-attribute overrides added to the profile (to every variant under leaksUnderEveryProfile),
   * e.g. `{ '(0029,1010)': { action: 'keep' } }` for a blob a site keeps on purpose.
   */
  overrides?: Profile['overrides'];
  /** Write the output as a zip (`out.zip`) instead of a folder. */
  zipOutput?: boolean;
  /** Give the inputs packed in one zip of this name (inside the input folder) instead of as files. */
  inputZip?: string;
  /** --deface settings, and the defacing engine to use (default: the real one). */
  deface?: DeidentifyArgs['deface'];
  defacer?: DeidentifyArgs['defacer'];
  /** Worker threads (default 1: in process). */
  threads?: number;
  /** Print the command's lines (for debugging) instead of only collecting them. */
  echo?: boolean;
}

/** Runs `veil deidentify <inputs> --out <folder>` in-process and collects everything it wrote. */
export async function runVeil(inputs: readonly InputSpec[], options: RunOptions = {}): Promise<VeilRun> {
  const dir = mkdtempSync(join(tmpdir(), 'veil-fail-closed-'));
  const inDir = join(dir, 'in');
  if (options.inputZip) {
    configure({ useWebWorkers: false });
    const zip = new ZipWriter(new Uint8ArrayWriter());
    for (const f of inputs) await zip.add(f.name, new Uint8ArrayReader(f.bytes));
    mkdirSync(inDir, { recursive: true });
    writeFileSync(join(inDir, options.inputZip), await zip.close());
  }
  for (const f of options.inputZip ? [] : inputs) {
    const p = join(inDir, f.name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.bytes);
  }
  const profilePath = join(dir, 'profile.json');
  const profile = options.profile ?? defaultProfile();
  writeFileSync(profilePath, JSON.stringify({ ...profile, overrides: { ...profile.overrides, ...options.overrides } }));
  let boxesPath: string | undefined;
  if (options.boxes) {
    boxesPath = join(dir, 'plan.json');
    writeFileSync(boxesPath, JSON.stringify(options.boxes));
  }
  let lookupPath: string | undefined;
  if (options.lookup !== undefined) {
    lookupPath = join(dir, 'lookup.csv');
    writeFileSync(lookupPath, options.lookup);
  }
  const out = join(dir, options.zipOutput ? 'out.zip' : 'out');
  const mappingPath = join(dir, 'mapping.csv');
  const log: string[] = [];
  const origLog = console.log;
  const origErr = console.error;
  console.log = (...a: unknown[]) => void log.push(a.join(' '));
  console.error = (...a: unknown[]) => void log.push(a.join(' '));
  let exitCode: number;
  try {
    exitCode = await runDeidentify({
      inputs: [inDir], out, profilePath, boxesPath, mappingPath, passphrase: options.passphrase ?? 'fail-closed-tests',
      ocr: options.ocr, lookupPath, quiet: !options.deface, deface: options.deface, defacer: options.defacer, threads: options.threads,
    });
  } finally {
    console.log = origLog;
    console.error = origErr;
    if (options.echo) for (const line of log) console.log(line);
  }
  const outputs = new Map<string, Uint8Array>();
  const walkDir = (d: string): void => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walkDir(p);
      else outputs.set(relative(out, p), new Uint8Array(readFileSync(p)));
    }
  };
  if (options.zipOutput && existsSync(out)) {
    configure({ useWebWorkers: false });
    const zip = new ZipReader(new Uint8ArrayReader(new Uint8Array(readFileSync(out))));
    for (const entry of await zip.getEntries()) {
      if (!entry.directory) outputs.set(entry.filename, await entry.getData!(new Uint8ArrayWriter(), { checkCrc32: true }));
    }
    await zip.close();
  } else walkDir(out);
  const reportBytes = outputs.get('deid-report.json');
  if (!reportBytes) throw new Error(`veil wrote no deid-report.json (exit ${exitCode}):\n${log.join('\n')}`);
  const report = JSON.parse(new TextDecoder().decode(reportBytes)) as ReportJson;
  const mapping = existsSync(mappingPath) ? new Uint8Array(readFileSync(mappingPath)) : undefined;
  const operatorBase = join(dir, 'out-operator-report');
  if (!existsSync(`${operatorBase}.json`)) throw new Error(`veil wrote no operator report beside the output (exit ${exitCode}):\n${log.join('\n')}`);
  const operator = JSON.parse(readFileSync(`${operatorBase}.json`, 'utf8')) as ReportJson;
  const operatorCsv = readFileSync(`${operatorBase}.csv`, 'utf8');
  if (!options.keep) rmSync(dir, { recursive: true, force: true });
  return { exitCode, outputs, report, operator, operatorCsv, mapping, log, dir };
}

// ---------------------------------------------------------------------------------------------
// Byte search

function latin1Bytes(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return undefined;
    out[i] = c;
  }
  return out;
}

function utf16(s: string, little: boolean): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  const v = new DataView(out.buffer);
  for (let i = 0; i < s.length; i++) v.setUint16(i * 2, s.charCodeAt(i), little);
  return out;
}

/** Every byte form a planted value could take in a file Veil wrote. */
export function byteForms(p: PlantedValue): { label: string; bytes: Uint8Array }[] {
  const forms: { label: string; bytes: Uint8Array }[] = [];
  const seen = new Set<string>();
  const add = (label: string, bytes: Uint8Array | undefined): void => {
    if (!bytes || bytes.length === 0) return;
    const key = Buffer.from(bytes).toString('hex');
    if (seen.has(key)) return;
    seen.add(key);
    forms.push({ label, bytes });
  };
  for (const [caseLabel, s] of [['', p.value], [' upper', p.value.toUpperCase()], [' lower', p.value.toLowerCase()]] as const) {
    add(`latin1${caseLabel}`, latin1Bytes(s));
    add(`utf8${caseLabel}`, new TextEncoder().encode(s));
    add(`utf16le${caseLabel}`, utf16(s, true));
    add(`utf16be${caseLabel}`, utf16(s, false));
  }
  (p.bytes ?? []).forEach((b, i) => add(`extra form ${i}`, b));
  return forms;
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength));
}

export interface Leak {
  value: string;
  form: string;
  file: string;
  offset: number;
}

/**
 * Every planted value found in anything the run wrote, except values the profile keeps on
 * purpose and mapping-only values in the mapping.
 */
export function findPlanted(run: VeilRun, planted: readonly PlantedValue[], profile: Profile = defaultProfile()): Leak[] {
  const leaks: Leak[] = [];
  const files: [string, Uint8Array][] = [...run.outputs];
  if (run.mapping) files.push(['<mapping>', run.mapping]);
  for (const p of planted) {
    if (keptOnPurpose(p, profile)) continue;
    for (const { label, bytes } of byteForms(p)) {
      for (const [file, hay] of files) {
        if (file === '<mapping>' && p.inMapping) continue;
        const at = indexOfBytes(hay, bytes);
        if (at >= 0) leaks.push({ value: p.value, form: label, file, offset: at });
      }
    }
  }
  return leaks;
}

/** Runs every profile variant and returns the leaks of each (empty arrays when all is well). */
export async function leaksUnderEveryProfile(
  inputs: readonly InputSpec[],
  planted: readonly PlantedValue[],
  options: Omit<RunOptions, 'profile'> = {},
  check?: (run: VeilRun, variant: ProfileVariant) => void,
): Promise<Record<string, Leak[]>> {
  const result: Record<string, Leak[]> = {};
  for (const variant of PROFILE_VARIANTS) {
    const run = await runVeil(inputs, { ...options, profile: variant.profile });
    check?.(run, variant);
    result[variant.name] = findPlanted(run, planted, variant.profile);
  }
  return result;
}

/**
 * Node's TextDecoder knows legacy encodings but TextEncoder only writes UTF-8, so legacy bytes
 * are found by decoding every 1- and 2-byte sequence once and inverting the table (GB18030's
 * 4-byte forms are not needed for the CJK test names).
 */
const legacyTables = new Map<string, Map<string, number[]>>();
export function encodeLegacy(label: string, text: string): Uint8Array {
  let table = legacyTables.get(label);
  if (!table) {
    table = new Map();
    const dec = new TextDecoder(label);
    for (let b = 0; b < 0x80; b++) table.set(String.fromCharCode(b), [b]);
    for (let b1 = 0x80; b1 <= 0xff; b1++) {
      const one = dec.decode(new Uint8Array([b1]));
      if (one.length === 1 && one !== '\ufffd' && !table.has(one)) table.set(one, [b1]);
      for (let b2 = 0x40; b2 <= 0xfe; b2++) {
        const two = dec.decode(new Uint8Array([b1, b2]));
        if (two.length === 1 && two !== '\ufffd' && !table.has(two)) table.set(two, [b1, b2]);
      }
    }
    legacyTables.set(label, table);
  }
  const out: number[] = [];
  for (const ch of text) {
    const bytes = table.get(ch);
    if (!bytes) throw new Error(`${label} cannot encode ${JSON.stringify(ch)}`);
    out.push(...bytes);
  }
  return new Uint8Array(out);
}

/** ISO 2022 IR 87 (JIS X 0208) bytes of a Japanese text, as DICOM writes them: ESC $ B … ESC ( B. */
export function iso2022jp(text: string): Uint8Array {
  const euc = encodeLegacy('euc-jp', text);
  const out = [0x1b, 0x24, 0x42];
  for (let i = 0; i < euc.length; i++) {
    if (euc[i] < 0x80) throw new Error(`iso2022jp: only JIS X 0208 characters, got ${JSON.stringify(text)}`);
    out.push(euc[i] & 0x7f);
  }
  out.push(0x1b, 0x28, 0x42);
  return new Uint8Array(out);
}
