import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { charsetTerms, decodeText, isKnownCharset, isUtf8Compatible } from './charset.ts';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/dicom/charset/', import.meta.url));

const ESC = 0x1b;
const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const hex = (h: string): number[] => (h.match(/../g) ?? []).map((x) => parseInt(x, 16));
/** Trailing padding off, as the value readers do. */
const unpad = (s: string): string => s.replace(/[\0 ]+$/, '');

// -------------------------------------------------------------------------------------------
// Real files. Raw bytes come from dicom-parser; our own Part 10 reader is not used here.
// -------------------------------------------------------------------------------------------

interface Loaded {
  ds: DataSet;
  buf: Uint8Array;
}

function load(name: string): Loaded {
  const buf = new Uint8Array(readFileSync(FIXTURES + name));
  return { ds: dicomParser.parseDicom(buf), buf };
}

function raw(ds: DataSet, tag: string): Uint8Array {
  const el = ds.elements[tag];
  if (!el) throw new Error(`missing ${tag}`);
  const arr = ds.byteArray as Uint8Array;
  return arr.subarray(el.dataOffset, el.dataOffset + el.length);
}

function charsetOf(ds: DataSet): string[] | undefined {
  if (!ds.elements['x00080005']) return undefined;
  return charsetTerms(String.fromCharCode(...raw(ds, 'x00080005')));
}

function text(ds: DataSet, tag: string, charsets: readonly string[], vr?: string): string {
  return unpad(decodeText(raw(ds, tag), charsets, vr ?? ds.elements[tag]?.vr));
}

/** Expected Patient Name (0010,0010) of each top-level file, plus other elements worth checking. */
const PATIENT_NAMES: Record<string, { charset: string[]; name: string; more?: Record<string, string> }> = {
  'chrArab.dcm': { charset: ['ISO_IR 127'], name: 'قباني^لنزار' },
  'chrFren.dcm': { charset: ['ISO_IR 100'], name: 'Buc^Jérôme' },
  'chrGreek.dcm': { charset: ['ISO_IR 126'], name: 'Διονυσιος' },
  'chrHbrw.dcm': { charset: ['ISO_IR 138'], name: 'שרון^דבורה' },
  // Cyrillic letters mixed with Latin c, e, y, p exactly as the file has them.
  'chrRuss.dcm': { charset: ['ISO_IR 144'], name: 'Люк\u0063\u0065мб\u0079\u0070г' },
  'chrH31.dcm': { charset: ['', 'ISO 2022 IR 87'], name: 'Yamada^Tarou=山田^太郎=やまだ^たろう' },
  'chrH32.dcm': { charset: ['ISO 2022 IR 13', 'ISO 2022 IR 87'], name: 'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう' },
  'chrI2.dcm': { charset: ['', 'ISO 2022 IR 149'], name: 'Hong^Gildong=洪^吉洞=홍^길동' },
  'chrX1.dcm': { charset: ['ISO_IR 192'], name: 'Wang^XiaoDong=王^小東=' },
  'chrX2.dcm': { charset: ['GB18030'], name: 'Wang^XiaoDong=王^小东=' },
  'chrGB2312.dcm': { charset: ['', 'ISO 2022 IR 58'], name: 'Zhang^XiaoDong=张^小东=' },
  'chrJapMulti.dcm': {
    charset: ['', 'ISO 2022 IR 87'],
    name: 'やまだ^たろう',
    more: { x00101001: 'やまだ^たろう\\やまだ^たろう', x001021b0: 'たろう', x00081030: 'Chest' },
  },
  'chrJapMultiExplicitIR6.dcm': {
    charset: ['ISO 2022 IR 6', 'ISO 2022 IR 87'],
    name: 'やまだ^たろう',
    more: { x00101001: 'やまだ^たろう\\やまだ^たろう', x001021b0: 'たろう', x00081030: 'Chest' },
  },
  'chrKoreanMulti.dcm': {
    charset: ['', 'ISO 2022 IR 149'],
    name: '김희중',
    more: { x00081070: '김희중', x00101001: '김희중\\김희중', x001021b0: '김희중' },
  },
};

/** Files whose interesting text sits in a sequence item (Referring Physician... (0032,1064)). */
const SEQUENCE_FILES: Record<string, { top: string[]; item: string[] | undefined; name: string }> = {
  // Dataset says UTF-8; the item declares its own Japanese ISO 2022 set.
  'chrSQEncoding.dcm': {
    top: ['ISO_IR 192'],
    item: ['ISO 2022 IR 13', 'ISO 2022 IR 87'],
    name: 'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう',
  },
  // Only the dataset declares the Japanese set; the item inherits it.
  'chrSQEncoding1.dcm': {
    top: ['ISO 2022 IR 13', 'ISO 2022 IR 87'],
    item: undefined,
    name: 'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう',
  },
};

const CHARSET_VRS = new Set(['SH', 'LO', 'ST', 'LT', 'UT', 'UC', 'PN']);

/** Decodes every text element of a dataset and its items, each with its own or inherited set. */
function decodeAll(ds: DataSet, inherited: readonly string[], out: string[]): void {
  const charsets = charsetOf(ds) ?? inherited;
  for (const [tag, el] of Object.entries(ds.elements)) {
    if (el.items) {
      for (const item of el.items) if (item.dataSet) decodeAll(item.dataSet, charsets, out);
    } else if (el.vr && CHARSET_VRS.has(el.vr) && el.length > 0) {
      out.push(`${tag}=${text(ds, tag, charsets)}`);
    }
  }
}

describe('decodeText on the charset fixtures', () => {
  it('covers every file in the charset fixture folder', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.dcm')).sort();
    const covered = [...Object.keys(PATIENT_NAMES), ...Object.keys(SEQUENCE_FILES)].sort();
    expect(covered).toEqual(files);
  });

  for (const [file, expected] of Object.entries(PATIENT_NAMES)) {
    it(`${file}: ${expected.charset.join('\\') || '(default)'}`, () => {
      const { ds } = load(file);
      const charsets = charsetOf(ds)!;
      expect(charsets).toEqual(expected.charset);
      expect(text(ds, 'x00100010', charsets)).toBe(expected.name);
      for (const [tag, value] of Object.entries(expected.more ?? {})) {
        expect(text(ds, tag, charsets), tag).toBe(value);
      }
      // Without the VR hint the result is the same for these well-formed values.
      expect(unpad(decodeText(raw(ds, 'x00100010'), charsets))).toBe(expected.name);
      // And every other text element decodes without replacement characters.
      const all: string[] = [];
      decodeAll(ds, [], all);
      expect(all.filter((s) => s.includes('\uFFFD'))).toEqual([]);
    });
  }

  for (const [file, expected] of Object.entries(SEQUENCE_FILES)) {
    it(`${file}: character set inside a sequence item`, () => {
      const { ds } = load(file);
      const top = charsetOf(ds)!;
      expect(top).toEqual(expected.top);
      expect(text(ds, 'x00321032', top)).toBe('Doctor^Who^^MD');
      expect(text(ds, 'x00080100', top)).toBe('Code Value');

      const items = ds.elements['x00321064']?.items ?? [];
      expect(items).toHaveLength(1);
      const item = items[0]!.dataSet!;
      expect(charsetOf(item)).toEqual(expected.item);
      const inForce = charsetOf(item) ?? top;
      expect(text(item, 'x00100010', inForce)).toBe(expected.name);
      expect(text(item, 'x00080100', inForce)).toBe('CodeValue');

      if (expected.item) {
        // The parent's UTF-8 would garble the item's name: the item's own set must win.
        expect(text(item, 'x00100010', top)).not.toBe(expected.name);
      }
      const all: string[] = [];
      decodeAll(ds, [], all);
      expect(all).toContain(`x00100010=${expected.name}`);
      expect(all.filter((s) => s.includes('\uFFFD'))).toEqual([]);
    });
  }
});

// -------------------------------------------------------------------------------------------
// Every defined term, single-byte and multi-byte, with hand-made byte strings
// -------------------------------------------------------------------------------------------

/** [defined term (without code extension), escape sequence for it as ISO 2022, bytes, text]. */
const SINGLE_BYTE: [string, string, number[], string][] = [
  ['ISO_IR 100', '-A', hex('4275635e4ae972f46d65'), 'Buc^Jérôme'],
  ['ISO_IR 101', '-B', hex('5761b3ea7361'), 'Wałęsa'],
  ['ISO_IR 109', '-C', hex('616e7461fd6e6f6d6f'), 'antaŭnomo'],
  ['ISO_IR 110', '-D', hex('76e0726473'), 'vārds'],
  ['ISO_IR 144', '-L', hex('bbeeda6365dcd17970d3'), 'Люкceмбypг'],
  ['ISO_IR 127', '-G', hex('e2c8c7e6ea5ee4e6d2c7d1'), 'قباني^لنزار'],
  ['ISO_IR 126', '-F', hex('c4e9efedf5f3e9eff2'), 'Διονυσιος'],
  ['ISO_IR 138', '-H', hex('f9f8e5ef5ee3e1e5f8e4'), 'שרון^דבורה'],
  ['ISO_IR 148', '-M', hex('c7617675fe6ff06c75'), 'Çavuşoğlu'],
  ['ISO_IR 203', '-b', hex('a43130bd'), '€10œ'],
  ['ISO_IR 166', '-T', hex('b9d2c1caa1d8c5'), 'นามสกุล'],
  ['ISO_IR 13', ')I', hex('d4cfc0de5ec0dbb3'), 'ﾔﾏﾀﾞ^ﾀﾛｳ'],
];

describe('single-byte character sets', () => {
  for (const [term, escape, data, expected] of SINGLE_BYTE) {
    it(`${term} without code extension`, () => {
      expect(decodeText(new Uint8Array(data), [term])).toBe(expected);
      expect(isKnownCharset(term)).toBe(true);
    });

    const iso2022 = term.replace('ISO_IR', 'ISO 2022 IR');
    it(`${iso2022} as value 1 (no escape needed)`, () => {
      expect(decodeText(new Uint8Array(data), [iso2022])).toBe(expected);
    });

    it(`${iso2022} as a code extension after ASCII`, () => {
      // Escape before each component, as encoders write it: '^' resets G1 in PN.
      const components = splitAt(data, 0x5e);
      const encoded = bytes('ASCII+', ...components.flatMap((c, k) => [k > 0 ? [0x5e] : [], [ESC], escape, c]));
      expect(decodeText(encoded, ['', iso2022], 'PN')).toBe(`ASCII+${expected}`);
      expect(decodeText(encoded, ['ISO 2022 IR 6', iso2022], 'PN')).toBe(`ASCII+${expected}`);
    });
  }

  it('keeps C1 bytes as C1 controls (not the Windows code page characters)', () => {
    expect(decodeText(bytes([0x80, 0x9f, 0xe9]), ['ISO_IR 100'])).toBe('\u0080\u009fé');
    expect(decodeText(bytes([0x80, 0xfd]), ['ISO_IR 148'])).toBe('\u0080ı');
  });

  it('marks holes in a set as U+FFFD', () => {
    expect(decodeText(bytes([0xa5]), ['ISO_IR 109'])).toBe('\uFFFD'); // unassigned in ISO 8859-3
    expect(decodeText(bytes([0xe0]), ['ISO_IR 13'])).toBe('\uFFFD'); // beyond JIS X 0201 katakana
  });
});

function splitAt(data: number[], sep: number): number[][] {
  const out: number[][] = [[]];
  for (const b of data) {
    if (b === sep) out.push([]);
    else out[out.length - 1]!.push(b);
  }
  return out;
}

describe('character sets without code extension', () => {
  it('ISO_IR 192 (UTF-8)', () => {
    expect(decodeText(bytes(hex('4275635e4ac3a972c3b46d65')), ['ISO_IR 192'])).toBe('Buc^Jérôme');
    expect(decodeText(bytes(hex('e78e8bf09f98800a')), ['ISO_IR 192'])).toBe('王😀\n');
  });

  it('GB18030, including four-byte sequences', () => {
    expect(decodeText(bytes(hex('cdf55ed0a1b6ab')), ['GB18030'])).toBe('王^小东');
    expect(decodeText(bytes(hex('81308130')), ['GB18030'])).toBe('\u0080');
    expect(decodeText(bytes(hex('95328236')), ['GB18030'])).toBe('\u{20000}');
  });

  it('GBK, whose trail bytes may be 0x5C: decode before splitting values', () => {
    // 0x905C is a GBK character whose second byte is the backslash.
    const decoded = decodeText(bytes(hex('905c5c41')), ['GBK']);
    expect(decoded).toBe('怽\\A');
    expect(decoded.split('\\')).toEqual(['怽', 'A']);
  });
});

describe('ISO 2022 multi-byte sets', () => {
  it('ISO 2022 IR 87 (JIS X 0208)', () => {
    const v = bytes('Yamada=', [ESC], '$B', ';3ED', [ESC], '(B');
    expect(decodeText(v, ['', 'ISO 2022 IR 87'])).toBe('Yamada=山田');
  });

  it('does not take two-byte halves 0x3D, 0x5C, 0x5E for delimiters', () => {
    // JIS X 0208 0x3D5C 0x5C3D 0x5E5C: every byte is '=', '\' or '^'.
    const v = bytes([ESC], '$B', '=\\\\=^\\', [ESC], '(B', '\\x');
    expect(decodeText(v, ['', 'ISO 2022 IR 87'], 'PN')).toBe('旬椽湃\\x');
    expect(decodeText(v, ['', 'ISO 2022 IR 87'], 'PN').split('\\')).toEqual(['旬椽湃', 'x']);
  });

  it('ISO 2022 IR 159 (JIS X 0212) next to IR 87', () => {
    // 森 0x3F39, 鷗 0x6C3F (JIS X 0212), 外 0x3330, もり 0x2462 0x246A, おうがい 0x242A 0x2426 0x242C 0x2424.
    const v = bytes(
      'Mori^Ogai=', [ESC], '$B?9', [ESC], '(B^', [ESC], '$(Dl?', [ESC], '$B30', [ESC], '(B=',
      [ESC], '$B$b$j', [ESC], '(B^', [ESC], '$B$*$&$,$$', [ESC], '(B',
    );
    expect(decodeText(v, ['ISO 2022 IR 6', 'ISO 2022 IR 87', 'ISO 2022 IR 159'], 'PN')).toBe(
      'Mori^Ogai=森^鷗外=もり^おうがい',
    );
  });

  it('JIS X 0201 and JIS X 0208 in one value', () => {
    const v = bytes([ESC], '$B$"', [ESC], '(Ja', [ESC], ')I', [0xb1], [ESC], '$B%"', [ESC], '$(DmN', [ESC], '(J');
    expect(decodeText(v, ['ISO 2022 IR 13', 'ISO 2022 IR 87', 'ISO 2022 IR 159'])).toBe('あaｱア齩');
  });

  it('ISO 2022 IR 149 (KS X 1001)', () => {
    const v = bytes([ESC], '$)C', hex('c8ab'), '^', [ESC], '$)C', hex('b1e6b5bf'));
    expect(decodeText(v, ['', 'ISO 2022 IR 149'], 'PN')).toBe('홍^길동');
    // Lenient: KS X 1001 as value 1 needs no escape (a common real-world shape).
    expect(decodeText(bytes(hex('b1e8c8f1c1df')), ['ISO 2022 IR 149'])).toBe('김희중');
  });

  it('ISO 2022 IR 58 (GB 2312)', () => {
    const v = bytes([ESC], '$)A', hex('cdf5'), '^', [ESC], '$)A', hex('d0a1b6ab'));
    expect(decodeText(v, ['', 'ISO 2022 IR 58'], 'PN')).toBe('王^小东');
  });
});

describe('resetting the code elements (PS3.5 6.1.2.5.3)', () => {
  it('returns to value 1 at each value of a multi-valued element', () => {
    const v = bytes(
      'Buc^J', [0xe9], 'r', [0xf4], 'me\\',
      [ESC], '-F', hex('c4e9efedf5f3e9eff2'), '\\',
      [ESC], '-L', hex('bbeeda6365dcd17970d3'),
    );
    const charsets = ['ISO 2022 IR 100', 'ISO 2022 IR 144', 'ISO 2022 IR 126'];
    expect(decodeText(v, charsets, 'LO').split('\\')).toEqual(['Buc^Jérôme', 'Διονυσιος', 'Люкceмбypг']);
    // GR bytes after a backslash without a new escape are value 1's set again ...
    const w = bytes([ESC], '-F', [0xc4], '\\', [0xe9]);
    expect(decodeText(w, charsets, 'LO')).toBe('Δ\\é');
    // ... but LT/ST/UT are single-valued, so a backslash there changes nothing.
    expect(decodeText(w, charsets, 'LT')).toBe('Δ\\ι');
  });

  it('returns to value 1 at ^ and = in PN only', () => {
    const v = bytes('ASCII+', [ESC], ')I', hex('d4cfc0de'), '^', hex('c0dbb3'));
    // Missing escape after '^': G1 is back to value 1, the default repertoire, read as Latin-1.
    expect(decodeText(v, ['', 'ISO 2022 IR 13'], 'PN')).toBe('ASCII+ﾔﾏﾀﾞ^ÀÛ³');
    expect(decodeText(v, ['', 'ISO 2022 IR 13'], 'LO')).toBe('ASCII+ﾔﾏﾀﾞ^ﾀﾛｳ');
    const g = bytes('Dionysios=', [ESC], '-F', hex('c4e9efedf5f3e9eff2'));
    expect(decodeText(g, ['ISO 2022 IR 100', 'ISO 2022 IR 126'], 'PN')).toBe('Dionysios=Διονυσιος');
  });

  it('returns to value 1 at CR, LF, FF and TAB, even inside a two-byte run', () => {
    const v = bytes([ESC], '$B', ';3', '\r\nAB\t', [ESC], '$B', 'ED', '\fCD');
    expect(decodeText(v, ['', 'ISO 2022 IR 87'], 'LT')).toBe('山\r\nAB\t田\fCD');
    const w = bytes([ESC], '-L', [0xbb], '\n', [0xe9]);
    expect(decodeText(w, ['ISO 2022 IR 100', 'ISO 2022 IR 144'], 'LT')).toBe('Л\né');
  });

  it('starts every call in value 1, whatever the previous value left active', () => {
    decodeText(bytes([ESC], '-L', [0xbb]), ['ISO 2022 IR 100', 'ISO 2022 IR 144']);
    expect(decodeText(bytes([0xe9]), ['ISO 2022 IR 100', 'ISO 2022 IR 144'])).toBe('é');
  });
});

// -------------------------------------------------------------------------------------------
// Fast path, fallbacks, bad bytes
// -------------------------------------------------------------------------------------------

describe('ASCII fast path', () => {
  afterEach(() => vi.restoreAllMocks());

  it('skips TextDecoder when every byte is 7-bit and there is no ESC', () => {
    const spy = vi.spyOn(TextDecoder.prototype, 'decode');
    const v = bytes('DOE^JOHN\\SMITH^JANE=ABC ');
    for (const cs of [[], ['ISO_IR 192'], ['GB18030'], ['', 'ISO 2022 IR 87'], ['ISO_IR 144'], ['NONSENSE']]) {
      expect(decodeText(v, cs, 'PN')).toBe('DOE^JOHN\\SMITH^JANE=ABC ');
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it('handles long values (chunked String.fromCharCode)', () => {
    const big = new Uint8Array(300_000);
    for (let k = 0; k < big.length; k++) big[k] = 0x20 + (k % 95);
    const s = decodeText(big, ['ISO_IR 100']);
    expect(s.length).toBe(big.length);
    expect(s.charCodeAt(123_456)).toBe(big[123_456]);
    // Long Latin-1 too (table path).
    const latin = big.map((b) => b | 0x80);
    const t = decodeText(latin, ['ISO_IR 100']);
    expect(t.length).toBe(latin.length);
    expect(t.charCodeAt(200_001)).toBe(latin[200_001]);
  });

  it('returns an empty string for an empty value', () => {
    expect(decodeText(new Uint8Array(0), ['ISO_IR 192'])).toBe('');
  });
});

describe('fallbacks and bad input', () => {
  it('treats unknown or empty terms as the default repertoire, high bytes as Latin-1', () => {
    const v = bytes('J', [0xe9], 'r', [0xf4], 'me');
    expect(decodeText(v, [])).toBe('Jérôme');
    expect(decodeText(v, [''])).toBe('Jérôme');
    expect(decodeText(v, ['ISO_IR 999'])).toBe('Jérôme');
    expect(decodeText(v, ['UNSUPPORTED', 'ISO 2022 IR 144'])).toBe('Jérôme');
    expect(isKnownCharset('ISO_IR 999')).toBe(false);
  });

  it('accepts common misspellings of the defined terms', () => {
    const v = bytes([0xbb, 0xee]);
    for (const term of ['ISO-IR 144', 'ISO_IR144', 'iso_ir 144', 'ISO IR 144', 'ISO_2022-IR 144', ' ISO_IR 144\0']) {
      expect(decodeText(v, [term]), term).toBe('Лю');
    }
    expect(decodeText(bytes(hex('c3a9')), ['ISO IR 192'])).toBe('é');
    // The whole (0008,0005) value passed as one string still works.
    expect(decodeText(bytes([ESC], '$B;3', [ESC], '(B'), ['\\ISO 2022 IR 87'])).toBe('山');
  });

  it('replaces invalid UTF-8 instead of throwing', () => {
    expect(decodeText(bytes(hex('c4e9ef41')), ['ISO_IR 192'])).toBe('\uFFFD\uFFFD\uFFFDA');
    expect(decodeText(bytes(hex('41e78e')), ['ISO_IR 192'])).toBe('A\uFFFD');
  });

  it('survives broken ISO 2022: odd two-byte runs, truncated and unknown escapes', () => {
    const cs = ['', 'ISO 2022 IR 87'];
    expect(decodeText(bytes([ESC], '$B;3E', [ESC], '(Bx'), cs)).toBe('山\uFFFDx');
    expect(decodeText(bytes('ab', [ESC], '$'), cs)).toBe('ab\u001b$');
    expect(decodeText(bytes('ab', [ESC]), cs)).toBe('ab\u001b');
    expect(decodeText(bytes([ESC], '(Zq'), cs)).toBe('\u001b(Zq');
    expect(decodeText(bytes([ESC], '$(D', hex('c4e9')), ['', 'ISO 2022 IR 159'])).toBe('\u00c4\u00e9');
    expect(decodeText(bytes([ESC], '$)C', [0xb1]), ['', 'ISO 2022 IR 149'])).toBe('\uFFFD');
  });

  it('honours a recognised escape even when its set was not declared', () => {
    const v = bytes([ESC], '-F', hex('c4e9efedf5f3e9eff2'));
    expect(decodeText(v, ['ISO_IR 100'])).toBe('Διονυσιος');
  });

  it('never throws on random bytes under any character set', () => {
    let seed = 12345;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
    const sets: string[][] = [
      [], ['ISO_IR 192'], ['GB18030'], ['GBK'], ['ISO_IR 13'], ['ISO_IR 166'],
      ['', 'ISO 2022 IR 87', 'ISO 2022 IR 159'], ['ISO 2022 IR 13', 'ISO 2022 IR 87'],
      ['', 'ISO 2022 IR 149'], ['', 'ISO 2022 IR 58'],
      ...SINGLE_BYTE.map(([t]) => [t]),
    ];
    for (let round = 0; round < 200; round++) {
      const v = new Uint8Array(rand() % 64);
      for (let k = 0; k < v.length; k++) v[k] = rand() % 4 === 0 ? ESC : rand() & 0xff;
      for (const cs of sets) {
        for (const vr of [undefined, 'PN', 'LT']) {
          expect(typeof decodeText(v, cs, vr)).toBe('string');
        }
      }
    }
  });

  it('decodes views into shared or offset buffers', () => {
    const shared = new Uint8Array(new SharedArrayBuffer(8));
    shared.set([0x41, 0xc3, 0xa9, 0x42]);
    expect(decodeText(shared.subarray(0, 4), ['ISO_IR 192'])).toBe('AéB');
    expect(decodeText(shared.subarray(1, 3), ['ISO_IR 192'])).toBe('é');
  });
});

describe('isUtf8Compatible and charsetTerms', () => {
  it('is true for the default repertoire and UTF-8 only', () => {
    expect(isUtf8Compatible([])).toBe(true);
    expect(isUtf8Compatible([''])).toBe(true);
    expect(isUtf8Compatible(['ISO_IR 6'])).toBe(true);
    expect(isUtf8Compatible(['ISO 2022 IR 6'])).toBe(true);
    expect(isUtf8Compatible(['ISO_IR 192'])).toBe(true);
    expect(isUtf8Compatible(['ISO_IR 100'])).toBe(false);
    expect(isUtf8Compatible(['', 'ISO 2022 IR 87'])).toBe(false);
    expect(isUtf8Compatible(['GB18030'])).toBe(false);
    expect(isUtf8Compatible(['GBK'])).toBe(false);
    expect(isUtf8Compatible(['SOMETHING'])).toBe(false);
  });

  it('splits a raw (0008,0005) value into terms', () => {
    expect(charsetTerms('\\ISO 2022 IR 87 ')).toEqual(['', 'ISO 2022 IR 87']);
    expect(charsetTerms('ISO 2022 IR 13\\ISO 2022 IR 87 ')).toEqual(['ISO 2022 IR 13', 'ISO 2022 IR 87']);
    expect(charsetTerms('ISO_IR 100')).toEqual(['ISO_IR 100']);
    expect(charsetTerms('')).toEqual([]);
    expect(charsetTerms('  ')).toEqual([]);
  });

  it('knows every defined term of PS3.3 C.12.1.1.2', () => {
    const terms = [
      'ISO_IR 100', 'ISO_IR 101', 'ISO_IR 109', 'ISO_IR 110', 'ISO_IR 144', 'ISO_IR 127', 'ISO_IR 126',
      'ISO_IR 138', 'ISO_IR 148', 'ISO_IR 203', 'ISO_IR 13', 'ISO_IR 166', 'ISO_IR 192', 'GB18030', 'GBK',
      'ISO 2022 IR 6', 'ISO 2022 IR 100', 'ISO 2022 IR 101', 'ISO 2022 IR 109', 'ISO 2022 IR 110',
      'ISO 2022 IR 144', 'ISO 2022 IR 127', 'ISO 2022 IR 126', 'ISO 2022 IR 138', 'ISO 2022 IR 148',
      'ISO 2022 IR 203', 'ISO 2022 IR 13', 'ISO 2022 IR 166', 'ISO 2022 IR 87', 'ISO 2022 IR 159',
      'ISO 2022 IR 149', 'ISO 2022 IR 58',
    ];
    expect(terms.filter((t) => !isKnownCharset(t))).toEqual([]);
  });
});
