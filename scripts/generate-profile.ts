/**
 * Generates the PS3.15 Annex E data the profile layer runs on, from ../shared/standard:
 *
 *   src/core/profile/table.generated.ts         Table E.1-1 (all rows) and the Table E.1-1a codes
 *   src/core/profile/safe-private.generated.ts  Table E.3.10-1, Safe Private Attributes
 *   src/core/profile/method-codes.generated.ts  PS3.16 CID 7050, De-identification Method
 *
 * and then runs the dictionary generator, so `npm run generate` regenerates everything.
 *
 * The build* functions are pure (JSON rows in, source text out) and exported so a test can
 * regenerate in memory and compare with the files on disk. Output is deterministic: no dates,
 * stable ordering, and every input is checked so a changed standard file fails loudly here
 * rather than quietly changing what gets removed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OPTION_KEYS, type OptionKey } from '../src/core/profile/profile.ts';
import { standardDir, writeGenerated } from './standard-source.ts';

export const EDITION = 'DICOM PS3.15 2026d';
export const COPYRIGHT = 'DICOM PS3.15 2026d, © NEMA';

export interface TableJsonRow extends Record<OptionKey, string> {
  tag: string;
  name: string;
  keyword: string;
  retired: boolean;
  inStdCompIOD: boolean;
  basic: string;
  note?: string;
}
export interface ActionCodeJsonRow { code: string; description: string }
export interface SafePrivateJsonRow {
  tag: string;
  group: string;
  elementOffset: string;
  privateCreator: string;
  vr: string;
  vm: string;
  meaning: string;
}
export interface MethodCodeJsonRow {
  codingSchemeDesignator: string;
  codeValue: string;
  codeMeaning: string;
  tableE11Column: string;
}

export interface StandardInputs {
  table: TableJsonRow[];
  actionCodes: ActionCodeJsonRow[];
  safePrivate: SafePrivateJsonRow[];
  methodCodes: MethodCodeJsonRow[];
}

/** The four rows of Table E.1-1 whose tag is a pattern, by the name the code uses for them. */
export const PATTERN_ROWS: Readonly<Record<string, string>> = {
  '(50xx,xxxx)': 'curveData',
  '(60xx,3000)': 'overlayData',
  '(60xx,4000)': 'overlayComments',
  '(gggg,eeee) where gggg is odd': 'privateAttributes',
};

const HEADER = (sources: string): string =>
  `// GENERATED — do not edit. Made by scripts/generate-profile.ts from ${sources}\n` +
  `// (../shared/standard); run \`npm run generate\` to rebuild.\n`;

const str = JSON.stringify;
const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');
/** Plain code-unit comparison: deterministic whatever the machine's locale. */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(resolve(standardDir, file), 'utf8')) as T;
}

export function readStandardInputs(): StandardInputs {
  return {
    table: readJson<TableJsonRow[]>('ps3.15-table-e1-1.json'),
    actionCodes: readJson<ActionCodeJsonRow[]>('ps3.15-table-e1-1a-action-codes.json'),
    safePrivate: readJson<SafePrivateJsonRow[]>('ps3.15-table-e3.10-1-safe-private.json'),
    methodCodes: readJson<MethodCodeJsonRow[]>('cid7050-deidentification-methods.json'),
  };
}

// ---------------------------------------------------------------------------------------------
// Table E.1-1

export function buildTableSource(table: TableJsonRow[], actionCodes: ActionCodeJsonRow[]): string {
  const codes = new Set(actionCodes.map((c) => c.code));
  if (codes.size !== actionCodes.length) throw new Error('Table E.1-1a: duplicate action code');

  const exact: Array<[number, string]> = [];
  const patterns = new Map<string, string>();
  const seen = new Set<string>();
  for (const r of table) {
    const where = `Table E.1-1 row ${r.tag} ${r.name}`;
    if (seen.has(r.tag)) throw new Error(`${where}: duplicate tag`);
    seen.add(r.tag);
    if (!codes.has(r.basic)) throw new Error(`${where}: unknown basic action ${str(r.basic)}`);
    const options: string[] = [];
    for (const k of OPTION_KEYS) {
      const cell = r[k];
      if (typeof cell !== 'string') throw new Error(`${where}: missing column ${k}`);
      if (cell === '') continue;
      if (!codes.has(cell)) throw new Error(`${where}: unknown ${k} action ${str(cell)}`);
      options.push(`${k}: ${str(cell)}`);
    }
    const literal =
      `{ tag: ${str(r.tag)}, name: ${str(r.name)}, keyword: ${str(r.keyword)}, ` +
      `retired: ${r.retired === true}, inStdCompIOD: ${r.inStdCompIOD === true}, basic: ${str(r.basic)}, ` +
      `options: ${options.length ? `{ ${options.join(', ')} }` : '{}'}` +
      `${r.note ? `, note: ${str(r.note)}` : ''} }`;
    const m = /^\(([0-9A-F]{4}),([0-9A-F]{4})\)$/.exec(r.tag);
    if (m) {
      exact.push([parseInt(m[1], 16) * 0x10000 + parseInt(m[2], 16), literal]);
    } else {
      const key = PATTERN_ROWS[r.tag];
      if (!key) throw new Error(`${where}: tag is neither (GGGG,EEEE) nor a known pattern`);
      patterns.set(key, literal);
    }
  }
  for (const [tag, key] of Object.entries(PATTERN_ROWS)) {
    if (!patterns.has(key)) throw new Error(`Table E.1-1: pattern row ${tag} missing`);
  }
  exact.sort((a, b) => a[0] - b[0]);

  const codeUnion = actionCodes.map((c) => str(c.code)).join(' | ');
  return `${HEADER('ps3.15-table-e1-1.json and ps3.15-table-e1-1a-action-codes.json')}// ${COPYRIGHT}
import type { OptionKey } from './profile.ts';

export const TABLE_E1_1_EDITION = ${str(EDITION)};
export const TABLE_E1_1_COPYRIGHT = ${str(COPYRIGHT)};

/** The action codes of Table E.1-1a. */
export type TableCode = ${codeUnion};

/** Table E.1-1a, De-identification Action Codes, in the standard's words. */
export const ACTION_CODES: Readonly<Record<TableCode, string>> = {
${actionCodes.map((c) => `  ${str(c.code)}: ${str(c.description)},`).join('\n')}
};

/** One row of Table E.1-1. */
export interface TableRow {
  /** As the standard writes it: "(0010,0010)", or a pattern such as "(60xx,3000)". */
  readonly tag: string;
  readonly name: string;
  /** PS3.6 keyword; "" for (50xx,xxxx) and the private-attribute row. */
  readonly keyword: string;
  readonly retired: boolean;
  readonly inStdCompIOD: boolean;
  /** The Basic Profile column. */
  readonly basic: TableCode;
  /** The option columns whose cell is not blank. */
  readonly options: Readonly<Partial<Record<OptionKey, TableCode>>>;
  /** Only on Icon Image Sequence: "(see Note 11)". */
  readonly note?: string;
}

export type TablePatternKey = ${Object.values(PATTERN_ROWS).map((k) => str(k)).join(' | ')};

/** Rows with a single tag, keyed by tag number (group << 16 | element). ${exact.length} rows. */
export const TABLE_E1_1_EXACT: Readonly<Record<number, TableRow>> = {
${exact.map(([tag, lit]) => `  0x${hex(tag, 8)}: ${lit},`).join('\n')}
};

/**
 * The rows whose tag is a pattern: (50xx,xxxx) curves and (60xx,3000)/(60xx,4000) overlays in the
 * even groups 5000-501E / 6000-601E (PS3.5 7.6), and private attributes (odd groups).
 */
export const TABLE_E1_1_PATTERNS: Readonly<Record<TablePatternKey, TableRow>> = {
${Object.values(PATTERN_ROWS).map((k) => `  ${k}: ${patterns.get(k)},`).join('\n')}
};

/** Every row of Table E.1-1 (${table.length}): the exact rows in tag order, then the patterns. */
export const TABLE_E1_1_ROWS: readonly TableRow[] = [
  ...Object.values(TABLE_E1_1_EXACT),
  ...Object.values(TABLE_E1_1_PATTERNS),
];
`;
}

// ---------------------------------------------------------------------------------------------
// Table E.3.10-1

/** Private creators are compared after trimming (LO values are space padded; some writers pad with NUL). */
export const normalizeCreator = (creator: string): string => creator.replace(/^[\s\0]+|[\s\0]+$/g, '');

export function buildSafePrivateSource(rows: SafePrivateJsonRow[]): string {
  const blocks = new Map<string, Map<number, string>>();
  for (const r of rows) {
    const where = `Table E.3.10-1 row ${r.tag} ${str(r.privateCreator)}`;
    if (!/^[0-9A-F]{4}$/.test(r.group) || (parseInt(r.group, 16) & 1) !== 1) {
      throw new Error(`${where}: group ${str(r.group)} is not an odd (private) group`);
    }
    if (!/^[0-9A-F]{2}$/.test(r.elementOffset)) throw new Error(`${where}: bad element offset ${str(r.elementOffset)}`);
    const creator = normalizeCreator(r.privateCreator);
    if (!creator) throw new Error(`${where}: empty private creator`);
    const key = `${r.group}|${creator}`;
    let block = blocks.get(key);
    if (!block) blocks.set(key, (block = new Map()));
    const offset = parseInt(r.elementOffset, 16);
    if (block.has(offset)) throw new Error(`${where}: duplicate element`);
    block.set(offset, `{ vr: ${str(r.vr)}, vm: ${str(r.vm)}, meaning: ${str(r.meaning)} }`);
  }
  const body = [...blocks.keys()].sort(cmp).map((key) => {
    const block = blocks.get(key)!;
    const entries = [...block.entries()].sort((a, b) => a[0] - b[0]);
    return `  ${str(key)}: {\n${entries.map(([o, lit]) => `    0x${hex(o, 2)}: ${lit},`).join('\n')}\n  },`;
  });
  return `${HEADER('ps3.15-table-e3.10-1-safe-private.json')}// ${COPYRIGHT}

/** One attribute of Table E.3.10-1. \`vr\` is "" where the standard gives none. */
export interface SafePrivateEntry {
  readonly vr: string;
  readonly vm: string;
  readonly meaning: string;
}

/**
 * Table E.3.10-1, Safe Private Attributes (${rows.length} rows, ${blocks.size} blocks). Keyed by
 * "GGGG|Private Creator" (group as 4 upper-case hex digits, creator trimmed), then by element offset:
 * the low byte of the element, i.e. the "ee" of (gggg,xxee), whichever block the creator reserved.
 * The standard gives it as a sample of attributes thought to be safe; vendors do not guarantee it.
 */
export const SAFE_PRIVATE: Readonly<Record<string, Readonly<Record<number, SafePrivateEntry>>>> = {
${body.join('\n')}
};
`;
}

// ---------------------------------------------------------------------------------------------
// CID 7050

export function buildMethodCodesSource(rows: MethodCodeJsonRow[]): string {
  const columns = new Set<string>(['basic', ...OPTION_KEYS]);
  const covered = new Set<string>();
  for (const r of rows) {
    if (r.tableE11Column !== '' && !columns.has(r.tableE11Column)) {
      throw new Error(`CID 7050 ${r.codeValue}: unknown Table E.1-1 column ${str(r.tableE11Column)}`);
    }
    if (r.tableE11Column) {
      if (covered.has(r.tableE11Column)) throw new Error(`CID 7050: two codes for ${r.tableE11Column}`);
      covered.add(r.tableE11Column);
    }
  }
  for (const c of columns) if (!covered.has(c)) throw new Error(`CID 7050: no code for column ${c}`);
  const lines = rows.map(
    (r) =>
      `  { codingSchemeDesignator: ${str(r.codingSchemeDesignator)}, codeValue: ${str(r.codeValue)}, ` +
      `codeMeaning: ${str(r.codeMeaning)}, tableE11Column: ${str(r.tableE11Column)} },`,
  );
  return `${HEADER('cid7050-deidentification-methods.json')}// DICOM PS3.16 2026d, © NEMA
import type { OptionKey } from './profile.ts';

/** A code of CID 7050 De-identification Method, for De-identification Method Code Sequence (0012,0064). */
export interface DeidentificationMethodCode {
  readonly codingSchemeDesignator: string;
  readonly codeValue: string;
  readonly codeMeaning: string;
  /** The Table E.1-1 column the code stands for; "" for Clean Pixel Data and Clean Recognizable Visual Features. */
  readonly tableE11Column: OptionKey | 'basic' | '';
}

/** PS3.16 CID 7050 (${rows.length} codes), in the standard's order. */
export const CID_7050: readonly DeidentificationMethodCode[] = [
${lines.join('\n')}
];

/** The code for the Basic Profile and for each option column of Table E.1-1. */
export const METHOD_CODE_FOR_COLUMN = Object.fromEntries(
  CID_7050.filter((c) => c.tableE11Column !== '').map((c) => [c.tableE11Column, c]),
) as Readonly<Record<OptionKey | 'basic', DeidentificationMethodCode>>;

/** The codes with no Table E.1-1 column, by what they stand for. */
export const CLEAN_PIXEL_DATA_CODE = CID_7050.find((c) => c.codeValue === '113101')!;
export const CLEAN_RECOGNIZABLE_VISUAL_FEATURES_CODE = CID_7050.find((c) => c.codeValue === '113102')!;
`;
}

// ---------------------------------------------------------------------------------------------

/** Every file this generator writes, path (relative to the repository) → text. */
export function generateProfileSources(inputs: StandardInputs = readStandardInputs()): Record<string, string> {
  return {
    'src/core/profile/table.generated.ts': buildTableSource(inputs.table, inputs.actionCodes),
    'src/core/profile/safe-private.generated.ts': buildSafePrivateSource(inputs.safePrivate),
    'src/core/profile/method-codes.generated.ts': buildMethodCodesSource(inputs.methodCodes),
  };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const inputs = readStandardInputs();
  for (const [path, text] of Object.entries(generateProfileSources(inputs))) writeGenerated(path, text);
  console.log(
    `profile: Table E.1-1 ${inputs.table.length} rows, Table E.3.10-1 ${inputs.safePrivate.length} rows, ` +
      `CID 7050 ${inputs.methodCodes.length} codes`,
  );
  await import('./generate-dictionary.ts');
}
