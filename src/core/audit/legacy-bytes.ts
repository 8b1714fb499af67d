/**
 * The bytes an ideographic or kana name takes in the legacy East Asian encodings a device may
 * still write into a private blob (GB18030/GBK, Big5, Shift-JIS, EUC-JP, EUC-KR, ISO 2022 JP),
 * for the residual scan's binary search. TextEncoder only writes UTF-8, so each encoding's
 * two-byte table is built once, on first need, by decoding every lead/trail pair in one call and
 * inverting the result.
 */

const LABELS = ['gb18030', 'big5', 'shift_jis', 'euc-jp', 'euc-kr'] as const;
type Label = (typeof LABELS)[number];

const tables = new Map<Label, Map<string, [number, number]>>();

function tableFor(label: Label): Map<string, [number, number]> {
  let table = tables.get(label);
  if (table) return table;
  table = new Map();
  // Every pair lead 0x81..0xFE, trail 0x40..0xFE, each followed by a newline so a pair the
  // decoder rejects cannot swallow its neighbour.
  const pairs: [number, number][] = [];
  for (let lead = 0x81; lead <= 0xfe; lead++) for (let trail = 0x40; trail <= 0xfe; trail++) pairs.push([lead, trail]);
  const bytes = new Uint8Array(pairs.length * 3);
  pairs.forEach(([lead, trail], i) => bytes.set([lead, trail, 0x0a], i * 3));
  let pieces: string[];
  try {
    pieces = new TextDecoder(label).decode(bytes).split('\n');
  } catch {
    pieces = []; // an engine without this encoding: its forms are simply not searched
  }
  if (pieces.length >= pairs.length) {
    pairs.forEach((pair, i) => {
      const ch = pieces[i];
      if (ch.length === 1 && ch !== '\ufffd' && !table!.has(ch)) table!.set(ch, pair);
    });
  }
  tables.set(label, table);
  return table;
}

/** The text in one legacy encoding, or undefined when a character has no two-byte form there. */
function encode(label: Label, text: string): number[] | undefined {
  const table = tableFor(label);
  const out: number[] = [];
  for (const ch of text) {
    const pair = table.get(ch);
    if (!pair) return undefined;
    out.push(pair[0], pair[1]);
  }
  return out;
}

/**
 * Byte forms of `text` (a name in a spaceless script) in every legacy encoding that can write it
 * whole. The ISO 2022 JP form keeps its opening escape: without it, the 7-bit JIS bytes are
 * printable ASCII that would match unrelated text in a blob.
 */
export function legacyForms(text: string): Uint8Array[] {
  const forms: Uint8Array[] = [];
  for (const label of LABELS) {
    const bytes = encode(label, text);
    if (!bytes) continue;
    forms.push(Uint8Array.from(bytes));
    // JIS X 0208 only (both bytes from 0xA1): half-width kana (0x8E) has no ISO 2022 IR 87 form.
    if (label === 'euc-jp' && bytes.every((b) => b >= 0xa1)) forms.push(Uint8Array.from([0x1b, 0x24, 0x42, ...bytes.map((b) => b & 0x7f)]));
  }
  return forms;
}
