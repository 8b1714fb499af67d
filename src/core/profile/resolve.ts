/**
 * What to do with one attribute under a profile: PS3.15 Table E.1-1 (basic column plus the
 * enabled option columns), per-attribute overrides, the repeating-group pattern rows, and Table
 * E.3.10-1 for private attributes.
 *
 * Precedence, highest first:
 *   1. an override from profile.overrides for the exact tag;
 *   2. the cell of an enabled option (PS3.15 E.3: "a requirement of an option, when implemented,
 *      overrides the Basic Profile"); when two enabled options have cells for a row, K beats C,
 *      because a K is something the user explicitly asked to retain;
 *   3. the basic column;
 *   4. for a tag the table does not list: keep if the data dictionary (PS3.6) defines it (a
 *      standard attribute the standard does not consider identifying), remove if it does not (a
 *      public tag nobody defined can hold anything). Private attributes are never "not listed":
 *      the private row removes them unless Retain Safe Private finds them in Table E.3.10-1.
 *
 * `compileProfile` precomputes every answer once per profile (Map look-ups only) and is what the
 * engine should call per element; `resolveAction`/`resolvePrivate` compute the same answers
 * directly, for one-off questions (UI, reports, tests).
 */
import { elementOf, formatTag, groupOf, isPrivateTag, lookupDictionary, parseTag } from '../dicom/tags.ts';
import { METHOD_CODE_FOR_COLUMN } from './method-codes.generated.ts';
import { defaultProfile, OPTION_KEYS, type Mode, type OptionKey, type Override, type Profile, type ProfileOptions } from './profile.ts';
import { SAFE_PRIVATE, type SafePrivateEntry } from './safe-private.generated.ts';
import { TABLE_E1_1_EXACT, TABLE_E1_1_PATTERNS, type TableCode, type TableRow } from './table.generated.ts';

export type { TableRow, TableCode } from './table.generated.ts';
export type { SafePrivateEntry } from './safe-private.generated.ts';

/** A single action. Table E.1-1's compound codes are collapsed to one of these (see COLLAPSE). */
export type Action = 'D' | 'Z' | 'X' | 'K' | 'C' | 'U';

interface ResolutionBase {
  /**
   * The Table E.1-1 cell that decided, as written (e.g. "X/Z/D", or "C" for the private row under
   * Retain Safe Private). Where no cell decided (override, tag not in the table) the action letter.
   */
  readonly code: string;
  /** Why, for people: "basic profile", "Retain Device Identity option", "override: keep", … */
  readonly source: string;
  /** The Table E.1-1 row that matched, if any (also given when an override decided). */
  readonly row?: TableRow;
  /** For a private attribute kept by Retain Safe Private: its Table E.3.10-1 entry (VR, meaning). */
  readonly safePrivate?: SafePrivateEntry;
}
/** R: replace the value with `value` (from an override). */
export type Resolution =
  | (ResolutionBase & { readonly action: Action })
  | (ResolutionBase & { readonly action: 'R'; readonly value: string });

/**
 * Compound codes of Table E.1-1a depend on the attribute's Type in the IOD of each file, which
 * this layer does not know (it varies by SOP Class and by condition). Each collapses to the
 * variant that conforms in every case while disclosing nothing.
 */
const COLLAPSE: Readonly<Record<TableCode, Action>> = {
  D: 'D',
  Z: 'Z',
  X: 'X',
  K: 'K',
  C: 'C',
  U: 'U',
  // "Z unless D is required (Type 2 vs Type 1)": a dummy value satisfies Type 1 and Type 2 alike,
  // where an empty value would break a Type 1 attribute. Dummies carry no PHI, so nothing leaks.
  'Z/D': 'D',
  // "X unless Z is required (Type 3 vs Type 2)": an empty value is valid for Type 2 and for Type 3
  // (which may be present with zero length), where removal breaks Type 2. Empty leaks nothing.
  'X/Z': 'Z',
  // "X unless D is required (Type 3 vs Type 1)": a dummy keeps Type 1 conformance; for a Type 3
  // attribute a present dummy is still valid, and it carries no PHI.
  'X/D': 'D',
  // "X unless Z or D is required": D is the only one of the three valid for Type 1, 2 and 3.
  'X/Z/D': 'D',
  // "X unless Z or replacement of contained instance UIDs (U) is required" (Referenced Image
  // Sequence, Source Image Sequence): keep the sequence and replace the UIDs inside it. The caller
  // recurses into the items, where each attribute gets its own row (Referenced SOP Instance UID is
  // U, anything identifying is removed), so references between the de-identified instances stay
  // intact and no original UID survives.
  'X/Z/U*': 'U',
};

/** The single action a Table E.1-1 / E.1-1a code stands for here. */
export function collapseCode(code: TableCode): Action {
  return COLLAPSE[code];
}

/** "Retain Device Identity option", from the CID 7050 code meanings. */
export const OPTION_LABELS: Readonly<Record<OptionKey, string>> = Object.fromEntries(
  OPTION_KEYS.map((k) => [k, METHOD_CODE_FOR_COLUMN[k].codeMeaning.replace(/ Option$/, ' option')]),
) as Record<OptionKey, string>;

export const SOURCE_BASIC = 'basic profile';
export const SOURCE_NOT_IN_TABLE = 'not in Table E.1-1: standard attribute kept';
export const SOURCE_UNKNOWN_PUBLIC = 'public attribute not in the data dictionary: removed';
export const SOURCE_PRIVATE = 'private attribute';

const PRIVATE_ROW = TABLE_E1_1_PATTERNS.privateAttributes;
const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');
const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');
const freeze = (r: Resolution): Resolution => Object.freeze(r);

// ---------------------------------------------------------------------------------------------
// Table E.3.10-1

/** Private Creator values are compared trimmed (LO is space padded; some writers pad with NUL). */
export const normalizeCreator = (creator: string): string => creator.replace(/^[\s\0]+|[\s\0]+$/g, '');

const safeKey = (group: number, creator: string): string => `${hex4(group)}|${normalizeCreator(creator)}`;

const SAFE_BLOCKS: ReadonlyMap<string, ReadonlyMap<number, SafePrivateEntry>> = new Map(
  Object.entries(SAFE_PRIVATE).map(([key, block]) => [
    key,
    new Map(Object.entries(block).map(([offset, entry]) => [Number(offset), entry])),
  ]),
);

/** The Table E.3.10-1 entry for (group, creator, element offset), if the standard lists one. */
export function lookupSafePrivate(group: number, creator: string, elementOffset: number): SafePrivateEntry | undefined {
  return SAFE_BLOCKS.get(safeKey(group, creator))?.get(elementOffset);
}

/** True when Table E.3.10-1 lists at least one attribute in this creator's block of this group. */
export function isSafePrivateCreator(group: number, creator: string): boolean {
  return SAFE_BLOCKS.has(safeKey(group, creator));
}

// ---------------------------------------------------------------------------------------------
// The rules, shared by the direct and the compiled resolvers

function checkOptions(options: ProfileOptions): void {
  if (options.retainLongFullDates && options.retainLongModifiedDates) {
    throw new Error(
      'profile.options: retainLongFullDates and retainLongModifiedDates exclude each other (PS3.15 E.3.6); turn one off',
    );
  }
}

/** The action a Table E.1-1 row gives under these options: the basic column, or the winning enabled option's cell. */
export function resolveRow(row: TableRow, options: ProfileOptions): Resolution {
  checkOptions(options);
  return fromRow(row, options);
}

function fromRow(row: TableRow, options: ProfileOptions): Resolution {
  let best: { key: OptionKey; cell: TableCode } | undefined;
  const others: string[] = [];
  for (const key of OPTION_KEYS) {
    const cell = row.options[key];
    if (!cell || !options[key]) continue;
    // K beats C: the user asked to retain it. Otherwise the first option in column order wins
    // (the table only ever has K and C in option columns).
    if (!best || (cell === 'K' && best.cell !== 'K')) {
      if (best) others.push(`${OPTION_LABELS[best.key]}: ${best.cell}`);
      best = { key, cell };
    } else {
      others.push(`${OPTION_LABELS[key]}: ${cell}`);
    }
  }
  if (!best) return freeze({ action: COLLAPSE[row.basic], code: row.basic, source: SOURCE_BASIC, row });
  const source = others.length ? `${OPTION_LABELS[best.key]} (over ${others.join(', ')})` : OPTION_LABELS[best.key];
  return freeze({ action: COLLAPSE[best.cell], code: best.cell, source, row });
}

/** A private attribute whose creator is not known (resolveAction): removed. */
function privateWithoutCreator(options: ProfileOptions): Resolution {
  return options.retainSafePrivate
    ? freeze({
        action: 'X',
        code: PRIVATE_ROW.options.retainSafePrivate ?? 'C',
        source: `${SOURCE_PRIVATE}: removed (Retain Safe Private needs the Private Creator; use resolvePrivate)`,
        row: PRIVATE_ROW,
      })
    : freeze({ action: 'X', code: PRIVATE_ROW.basic, source: SOURCE_PRIVATE, row: PRIVATE_ROW });
}

const NOT_IN_TABLE: Resolution = freeze({ action: 'K', code: 'K', source: SOURCE_NOT_IN_TABLE });
const UNKNOWN_PUBLIC: Resolution = freeze({ action: 'X', code: 'X', source: SOURCE_UNKNOWN_PUBLIC });

/**
 * A public tag outside Table E.1-1: kept only when PS3.6 defines it. Group lengths (gggg,0000)
 * count as known: they are structure, and the header layer drops them anyway.
 */
const notInTable = (tag: number): Resolution =>
  elementOf(tag) === 0x0000 || lookupDictionary(tag) ? NOT_IN_TABLE : UNKNOWN_PUBLIC;

/** Curves (50xx,xxxx) in the even groups 5000-501E; overlays (60xx,3000/4000) in 6000-601E. */
function patternRow(tag: number): TableRow | undefined {
  const group = groupOf(tag);
  if (group & 1) return undefined;
  if (group >= 0x5000 && group <= 0x501e) return TABLE_E1_1_PATTERNS.curveData;
  if (group >= 0x6000 && group <= 0x601e) {
    const element = elementOf(tag);
    if (element === 0x3000) return TABLE_E1_1_PATTERNS.overlayData;
    if (element === 0x4000) return TABLE_E1_1_PATTERNS.overlayComments;
  }
  return undefined;
}

function fromOverride(override: Override, tag: number): Resolution {
  const row = TABLE_E1_1_EXACT[tag] ?? patternRow(tag) ?? (isPrivateTag(tag) ? PRIVATE_ROW : undefined);
  const withRow = <T extends object>(r: T): T & { row?: TableRow } => (row ? { ...r, row } : r);
  switch (override.action) {
    case 'keep':
      return freeze(withRow({ action: 'K', code: 'K', source: 'override: keep' }));
    case 'remove':
      return freeze(withRow({ action: 'X', code: 'X', source: 'override: remove' }));
    case 'empty':
      return freeze(withRow({ action: 'Z', code: 'Z', source: 'override: empty' }));
    case 'replace':
      return freeze(withRow({ action: 'R', value: override.value, code: 'R', source: 'override: replace' }));
    default:
      throw new Error(`override for ${formatTag(tag)}: unknown action ${JSON.stringify((override as { action: unknown }).action)}`);
  }
}

const CANONICAL_TAG = /^\([0-9A-F]{4},[0-9A-F]{4}\)$/;
const checkedOverrides = new WeakSet<object>();

/** Override keys must be canonical "(GGGG,EEEE)" (validateProfile writes them so): a key that
 *  silently matched nothing would leave an attribute the user meant to remove. */
function checkOverrideKeys(overrides: Record<string, Override>): void {
  if (checkedOverrides.has(overrides)) return;
  for (const key of Object.keys(overrides)) {
    if (!CANONICAL_TAG.test(key)) {
      throw new Error(
        `profile.overrides: key ${JSON.stringify(key)} is not of the form "(GGGG,EEEE)" with upper-case hex; ` +
          'pass the profile through validateProfile',
      );
    }
  }
  checkedOverrides.add(overrides);
}

function checkPrivateArgs(group: number, elementOffset: number): void {
  if (!Number.isInteger(group) || group < 0 || group > 0xffff || (group & 1) !== 1) {
    throw new RangeError(`resolvePrivate: group ${group} is not an odd (private) group`);
  }
  if (!Number.isInteger(elementOffset) || elementOffset < 0 || elementOffset > 0xff) {
    throw new RangeError(`resolvePrivate: element offset ${elementOffset} is not 0-255 (the low byte of the element)`);
  }
}

function privateResolution(group: number, creator: string, elementOffset: number, options: ProfileOptions): Resolution {
  if (!options.retainSafePrivate) return privateWithoutCreator(options);
  const entry = lookupSafePrivate(group, creator, elementOffset);
  const code = PRIVATE_ROW.options.retainSafePrivate ?? 'C';
  if (!entry) {
    return freeze({
      action: 'X',
      code,
      source: `${SOURCE_PRIVATE}: not in Table E.3.10-1, removed`,
      row: PRIVATE_ROW,
    });
  }
  const what = entry.meaning || `(${hex4(group)},xx${hex2(elementOffset)}) ${normalizeCreator(creator)}`;
  return freeze({
    action: 'K',
    code,
    source: `Retain Safe Private option (Table E.3.10-1: ${what})`,
    row: PRIVATE_ROW,
    safePrivate: entry,
  });
}

/** A Private Creator (gggg,0010-00FF) is kept when its block holds safe attributes, so they stay readable. */
function creatorResolution(group: number, creator: string | undefined, options: ProfileOptions): Resolution {
  if (options.retainSafePrivate && creator !== undefined && isSafePrivateCreator(group, creator)) {
    return freeze({
      action: 'K',
      code: PRIVATE_ROW.options.retainSafePrivate ?? 'C',
      source: `Retain Safe Private option (Private Creator of a block in Table E.3.10-1: ${normalizeCreator(creator)})`,
      row: PRIVATE_ROW,
    });
  }
  return privateWithoutCreator(options);
}

/** Shared by resolvePrivateElement and the compiled resolver. */
function privateElement(
  tag: number,
  creator: string | undefined,
  options: ProfileOptions,
  data: (group: number, creator: string, offset: number) => Resolution,
): Resolution {
  const group = groupOf(tag);
  const element = elementOf(tag);
  if (element >= 0x0010 && element <= 0x00ff) return creatorResolution(group, creator, options);
  // (gggg,0000-000F) and (gggg,0100-0FFF) hold no private data; a data element without a
  // reservation cannot be identified.
  if (element < 0x1000 || creator === undefined) return privateWithoutCreator(options);
  return data(group, creator, element & 0xff);
}

// ---------------------------------------------------------------------------------------------
// Direct resolvers

/** The action for one tag under a profile. For private tags without their creator: see resolvePrivate. */
export function resolveAction(tag: number, profile: Profile): Resolution {
  checkOptions(profile.options);
  checkOverrideKeys(profile.overrides);
  const override = profile.overrides[formatTag(tag)];
  if (override) return fromOverride(override, tag);
  const row = TABLE_E1_1_EXACT[tag];
  if (row) return fromRow(row, profile.options);
  if (isPrivateTag(tag)) return privateWithoutCreator(profile.options);
  const pattern = patternRow(tag);
  if (pattern) return fromRow(pattern, profile.options);
  return notInTable(tag);
}

/**
 * A private data element (group, creator of its block, low byte of its element): K with source
 * "Retain Safe Private option (Table E.3.10-1: <meaning>)" when that option is on and Table
 * E.3.10-1 lists it, else X. Overrides are keyed by tag, so they are not consulted here; use
 * resolvePrivateElement when the tag is known.
 */
export function resolvePrivate(group: number, creator: string, elementOffset: number, profile: Profile): Resolution {
  checkPrivateArgs(group, elementOffset);
  return privateResolution(group, creator, elementOffset, profile.options);
}

/**
 * Any element of an odd group, given the value of the Private Creator that reserved its block
 * (for a Private Creator element itself, its own value; undefined if there is none). Applies
 * overrides, keeps Private Creators of blocks with safe attributes under Retain Safe Private, and
 * otherwise answers as resolvePrivate.
 */
export function resolvePrivateElement(tag: number, creator: string | undefined, profile: Profile): Resolution {
  if (!isPrivateTag(tag)) return resolveAction(tag, profile);
  checkOptions(profile.options);
  checkOverrideKeys(profile.overrides);
  const override = profile.overrides[formatTag(tag)];
  if (override) return fromOverride(override, tag);
  return privateElement(tag, creator, profile.options, (g, c, o) => privateResolution(g, c, o, profile.options));
}

// ---------------------------------------------------------------------------------------------
// Compiled resolver

export interface CompiledProfile {
  /** The profile it was compiled from. Later changes to that object are not seen: compile again. */
  readonly profile: Profile;
  /** As resolveAction. */
  resolve(tag: number): Resolution;
  /** As resolvePrivate. */
  resolvePrivate(group: number, creator: string, elementOffset: number): Resolution;
  /** As resolvePrivateElement. */
  resolvePrivateElement(tag: number, creator: string | undefined): Resolution;
}

/**
 * Precomputes every answer for a profile: each Table E.1-1 row and override becomes one Map
 * entry, so resolving an element is a Map look-up (plus, for pattern and private groups, a couple
 * of comparisons). Returned Resolutions are frozen and shared: do not mutate them.
 */
export function compileProfile(profile: Profile): CompiledProfile {
  const options: ProfileOptions = { ...profile.options };
  checkOptions(options);
  checkOverrideKeys(profile.overrides);

  const exact = new Map<number, Resolution>();
  for (const [tag, row] of Object.entries(TABLE_E1_1_EXACT)) exact.set(Number(tag), fromRow(row, options));
  const overridden = new Map<number, Resolution>();
  for (const [key, override] of Object.entries(profile.overrides)) {
    const tag = parseTag(key);
    const r = fromOverride(override, tag);
    overridden.set(tag, r);
    exact.set(tag, r);
  }

  const curve = fromRow(TABLE_E1_1_PATTERNS.curveData, options);
  const overlayData = fromRow(TABLE_E1_1_PATTERNS.overlayData, options);
  const overlayComments = fromRow(TABLE_E1_1_PATTERNS.overlayComments, options);
  const privateNoCreator = privateWithoutCreator(options);

  const safe = new Map<string, Map<number, Resolution>>();
  const safeCreators = new Map<string, Resolution>();
  // Under Retain Safe Private, what any (group, creator, offset) outside Table E.3.10-1 gets.
  const privateNotSafe = privateResolution(0x0009, '', 0, options);
  if (options.retainSafePrivate) {
    for (const [key, block] of SAFE_BLOCKS) {
      const group = parseInt(key.slice(0, 4), 16);
      const creator = key.slice(5);
      safe.set(key, new Map([...block.keys()].map((o) => [o, privateResolution(group, creator, o, options)])));
      safeCreators.set(key, creatorResolution(group, creator, options));
    }
  }

  const compiledPrivate = (group: number, creator: string, offset: number): Resolution => {
    if (!options.retainSafePrivate) return privateNoCreator;
    return safe.get(safeKey(group, creator))?.get(offset) ?? privateNotSafe;
  };

  const resolve = (tag: number): Resolution => {
    const hit = exact.get(tag);
    if (hit) return hit;
    const group = tag >>> 16;
    if (group & 1) return privateNoCreator;
    if (group >= 0x5000 && group <= 0x501e) return curve;
    if (group >= 0x6000 && group <= 0x601e) {
      const element = tag & 0xffff;
      if (element === 0x3000) return overlayData;
      if (element === 0x4000) return overlayComments;
    }
    return notInTable(tag);
  };

  return {
    profile,
    resolve,
    resolvePrivate(group, creator, elementOffset) {
      checkPrivateArgs(group, elementOffset);
      return compiledPrivate(group, creator, elementOffset);
    },
    resolvePrivateElement(tag, creator) {
      if (!isPrivateTag(tag)) return resolve(tag);
      const hit = overridden.get(tag);
      if (hit) return hit;
      const element = tag & 0xffff;
      if (element >= 0x0010 && element <= 0x00ff) {
        if (!options.retainSafePrivate || creator === undefined) return privateNoCreator;
        return safeCreators.get(safeKey(tag >>> 16, creator)) ?? privateNoCreator;
      }
      if (element < 0x1000 || creator === undefined) return privateNoCreator;
      return compiledPrivate(tag >>> 16, creator, element & 0xff);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Profile JSON

const OVERRIDE_ACTIONS = ['keep', 'remove', 'empty', 'replace'] as const;
const MODES: readonly Mode[] = ['anonymize', 'pseudonymize'];
/** Top-level fields that may appear in a profile file and are ignored. */
const IGNORED_FIELDS = ['$schema', 'name', 'description'];
/** A hundred years, in days: anything larger is a typo, not a date shift. */
const MAX_SHIFT_DAYS = 36525;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

function expectObject(v: unknown, field: string): Record<string, unknown> {
  if (!isObject(v)) throw new Error(`${field}: expected an object, got ${show(v)}`);
  return v;
}

function rejectUnknown(obj: Record<string, unknown>, field: string, known: readonly string[], ignored: readonly string[] = []): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key) && !ignored.includes(key)) {
      throw new Error(`${field}: unknown field ${JSON.stringify(key)} (expected ${known.join(', ')})`);
    }
  }
}

/**
 * Parses (if given a string) and validates profile JSON. Fields that are missing take the values
 * of defaultProfile(); anything unknown or malformed is an Error naming the field. Override keys
 * are normalised to "(GGGG,EEEE)".
 */
export function validateProfile(json: unknown): Profile {
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json) as unknown;
    } catch (e) {
      throw new Error(`profile: not valid JSON (${(e as Error).message})`);
    }
  }
  const root = expectObject(json, 'profile');
  rejectUnknown(root, 'profile', ['options', 'overrides', 'pseudonyms'], IGNORED_FIELDS);
  const profile = defaultProfile();

  if (root.options !== undefined) {
    const options = expectObject(root.options, 'profile.options');
    for (const [key, value] of Object.entries(options)) {
      if (!(OPTION_KEYS as readonly string[]).includes(key)) {
        throw new Error(`profile.options: unknown option ${JSON.stringify(key)} (known: ${OPTION_KEYS.join(', ')})`);
      }
      if (typeof value !== 'boolean') throw new Error(`profile.options.${key}: expected true or false, got ${show(value)}`);
      profile.options[key as OptionKey] = value;
    }
    checkOptions(profile.options);
  }

  if (root.overrides !== undefined) {
    const overrides = expectObject(root.overrides, 'profile.overrides');
    for (const [key, value] of Object.entries(overrides)) {
      const field = `profile.overrides[${JSON.stringify(key)}]`;
      let tag: number;
      try {
        tag = parseTag(key);
      } catch {
        throw new Error(`${field}: not a tag; write one exact tag as "(gggg,eeee)" in hexadecimal (patterns such as 60xx are not accepted)`);
      }
      const group = groupOf(tag);
      if (group === 0x0002) throw new Error(`${field}: file meta information (group 0002) is written by the writer and cannot be overridden`);
      if (group === 0xfffe) throw new Error(`${field}: item and delimitation tags (group FFFE) are structure, not attributes`);
      const canonical = formatTag(tag);
      if (profile.overrides[canonical]) throw new Error(`${field}: ${canonical} is overridden twice`);
      const o = expectObject(value, field);
      if (!(OVERRIDE_ACTIONS as readonly unknown[]).includes(o.action)) {
        throw new Error(`${field}.action: expected one of ${OVERRIDE_ACTIONS.join(', ')}, got ${show(o.action)}`);
      }
      const action = o.action as Override['action'];
      if (action === 'replace') {
        rejectUnknown(o, field, ['action', 'value']);
        if (typeof o.value !== 'string') throw new Error(`${field}.value: "replace" needs a string value, got ${show(o.value)}`);
        profile.overrides[canonical] = { action, value: o.value };
      } else {
        rejectUnknown(o, field, ['action']);
        profile.overrides[canonical] = { action };
      }
    }
  }

  if (root.pseudonyms !== undefined) {
    const p = expectObject(root.pseudonyms, 'profile.pseudonyms');
    rejectUnknown(p, 'profile.pseudonyms', ['mode', 'patientIdPrefix', 'dateShiftDays']);
    const s = profile.pseudonyms;
    if (p.mode !== undefined) {
      if (!MODES.includes(p.mode as Mode)) throw new Error(`profile.pseudonyms.mode: expected one of ${MODES.join(', ')}, got ${show(p.mode)}`);
      s.mode = p.mode as Mode;
    }
    if (p.patientIdPrefix !== undefined) {
      const prefix = p.patientIdPrefix;
      // Patient ID is LO: at most 64 characters, no backslash (the value separator), no controls;
      // the prefix leaves room for "-" and the pseudonym.
      if (typeof prefix !== 'string' || prefix.length > 32 || !/^[\x20-\x5b\x5d-\x7e]*$/.test(prefix)) {
        throw new Error(
          `profile.pseudonyms.patientIdPrefix: expected up to 32 printable ASCII characters without "\\", got ${show(prefix)}`,
        );
      }
      s.patientIdPrefix = prefix;
    }
    if (p.dateShiftDays !== undefined) {
      const d = expectObject(p.dateShiftDays, 'profile.pseudonyms.dateShiftDays');
      rejectUnknown(d, 'profile.pseudonyms.dateShiftDays', ['min', 'max']);
      for (const k of ['min', 'max'] as const) {
        if (d[k] === undefined) continue;
        const v = d[k];
        if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > MAX_SHIFT_DAYS) {
          throw new Error(
            `profile.pseudonyms.dateShiftDays.${k}: expected a whole number of days between -${MAX_SHIFT_DAYS} and ${MAX_SHIFT_DAYS}, got ${show(v)}`,
          );
        }
        s.dateShiftDays[k] = v;
      }
      const { min, max } = s.dateShiftDays;
      if (min > max) throw new Error(`profile.pseudonyms.dateShiftDays: min (${min}) is greater than max (${max})`);
      if (min === 0 && max === 0) {
        throw new Error('profile.pseudonyms.dateShiftDays: a range of 0..0 would not shift dates (use retainLongFullDates to keep them)');
      }
    }
  }
  return profile;
}
