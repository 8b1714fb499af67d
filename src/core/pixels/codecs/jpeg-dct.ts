/**
 * A small DCT-based JPEG decoder (ITU T.81 Annex F and G, Huffman coding) for what the 8-bit
 * libjpeg-turbo build cannot do: 12-bit precision — extended (SOF1), spectral selection and full
 * progression (SOF2, the retired DICOM 4.53/4.55) — and 8-bit colour that must NOT be converted
 * from YCbCr (RGB stored without a colour transform). Components come out interleaved, chroma
 * upsampled by replication, with no colour conversion. Arithmetic coding and the hierarchical
 * processes are not supported.
 */
import { PixelDataError } from './types.ts';

export interface DctImage {
  width: number;
  height: number;
  precision: number;
  components: number;
  /** Interleaved samples, width × height × components. */
  data: Uint8Array | Uint16Array;
}

const ZIGZAG = new Int32Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

interface Huffman {
  maxcode: Int32Array; // by code length 1..16; -1 when no codes of that length
  valptr: Int32Array;
  mincode: Int32Array;
  values: Uint8Array;
}

function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxcode = new Int32Array(18).fill(-1);
  const valptr = new Int32Array(17);
  const mincode = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1];
    if (n) {
      valptr[len] = k;
      mincode[len] = code;
      code += n;
      k += n;
      maxcode[len] = code - 1;
    }
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff; // sentinel
  return { maxcode, valptr, mincode, values };
}

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
  /** Blocks that hold image samples, and the padded grid the MCUs cover. */
  blocksPerLine: number;
  blocksPerColumn: number;
  paddedBlocksPerLine: number;
  paddedBlocksPerColumn: number;
  coefficients: Int32Array;
  quant?: Int32Array;
  dcPred: number;
  dcTable?: Huffman;
  acTable?: Huffman;
}

class BitReader {
  private bits = 0;
  private count = 0;
  /** True once a marker was hit: from then on the reader feeds zero bits (as libjpeg does). */
  private atMarker = false;
  /** Zero bits fed in place of data (at a marker or past the end), for the overrun check. */
  private fed = 0;
  constructor(
    private readonly data: Uint8Array,
    public pos: number,
  ) {}

  private fill(): void {
    while (this.count <= 24) {
      let byte = 0;
      if (this.atMarker || this.pos >= this.data.length) this.fed += 8;
      else {
        byte = this.data[this.pos];
        if (byte === 0xff) {
          const next = this.data[this.pos + 1];
          if (next === 0x00) this.pos += 2;
          else if (next === 0xff) {
            this.pos += 1; // fill byte before a marker
            continue;
          } else {
            this.atMarker = true;
            this.fed += 8;
            byte = 0;
          }
        } else this.pos += 1;
      }
      this.bits = (this.bits << 8) | byte;
      this.count += 8;
    }
  }

  bit(): number {
    if (this.count === 0) this.fill();
    this.count--;
    return (this.bits >>> this.count) & 1;
  }

  read(n: number): number {
    if (n === 0) return 0;
    if (this.count < n) this.fill();
    this.count -= n;
    return (this.bits >>> this.count) & ((1 << n) - 1);
  }

  decode(t: Huffman): number {
    let code = this.bit();
    let len = 1;
    while (code > t.maxcode[len]) {
      code = (code << 1) | this.bit();
      if (++len > 16) throw new PixelDataError('JPEG entropy-coded data holds an invalid Huffman code: the codestream is damaged');
    }
    return t.values[t.valptr[len] + code - t.mincode[len]];
  }

  /** Value of an s-bit magnitude category (T.81 F.2.2.1, EXTEND). */
  receiveExtend(s: number): number {
    if (s === 0) return 0;
    if (s > 16) throw new PixelDataError('JPEG coefficient category out of range: the codestream is damaged');
    const v = this.read(s);
    return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
  }

  /**
   * Throws when the decoder used bits that were not in the codestream: the entropy-coded data
   * ended (truncation) or hit a marker (damage) before the scan or restart interval was complete.
   */
  checkOverrun(): void {
    if (this.fed > this.count) {
      throw new PixelDataError(
        this.pos >= this.data.length ? 'JPEG codestream ends in the middle of a scan: it is truncated' : 'JPEG scan data stops short at a marker: the codestream is damaged',
      );
    }
  }

  /** Skips to the byte after the next RSTn marker and resets the bit buffer. */
  restart(): void {
    this.checkOverrun();
    this.fed = 0;
    this.bits = 0;
    this.count = 0;
    this.atMarker = false;
    while (this.pos + 1 < this.data.length && !(this.data[this.pos] === 0xff && this.data[this.pos + 1] >= 0xd0 && this.data[this.pos + 1] <= 0xd7)) this.pos++;
    this.pos += 2;
  }

  /** Position of the next marker after the scan's entropy-coded data. */
  endOfScan(): number {
    let p = this.pos;
    while (p + 1 < this.data.length) {
      if (this.data[p] === 0xff && this.data[p + 1] !== 0 && !(this.data[p + 1] >= 0xd0 && this.data[p + 1] <= 0xd7) && this.data[p + 1] !== 0xff) return p;
      p++;
    }
    return this.data.length;
  }
}

export function decodeJpegDct(data: Uint8Array): DctImage {
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new PixelDataError('JPEG codestream does not start with an SOI marker');
  const quantTables: Int32Array[] = [];
  const dcTables: Huffman[] = [];
  const acTables: Huffman[] = [];
  let frame: { precision: number; width: number; height: number; progressive: boolean; hmax: number; vmax: number; mcusPerLine: number; mcusPerColumn: number; components: Component[] } | undefined;
  let restartInterval = 0;
  let pos = 2;
  let scans = 0;

  while (pos + 4 <= data.length) {
    if (data[pos] !== 0xff) {
      pos++;
      continue;
    }
    const marker = data[pos + 1];
    if (marker === 0xff) {
      pos++;
      continue;
    }
    if (marker === 0xd9) break; // EOI
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      pos += 2;
      continue;
    }
    const len = (data[pos + 2] << 8) | data[pos + 3];
    const seg = pos + 4;
    const end = pos + 2 + len;
    if (end > data.length) throw new PixelDataError('JPEG marker segment runs past the end of the codestream: it is truncated');
    switch (marker) {
      case 0xdb: { // DQT
        let p = seg;
        while (p < end) {
          const pq = data[p] >> 4;
          const tq = data[p] & 15;
          p++;
          const table = new Int32Array(64);
          for (let i = 0; i < 64; i++) {
            table[ZIGZAG[i]] = pq ? (data[p] << 8) | data[p + 1] : data[p];
            p += pq ? 2 : 1;
          }
          quantTables[tq] = table;
        }
        break;
      }
      case 0xc4: { // DHT
        let p = seg;
        while (p < end) {
          const tc = data[p] >> 4;
          const th = data[p] & 15;
          const counts = data.subarray(p + 1, p + 17);
          let total = 0;
          for (let i = 0; i < 16; i++) total += counts[i];
          const values = data.slice(p + 17, p + 17 + total);
          (tc === 0 ? dcTables : acTables)[th] = buildHuffman(counts, values);
          p += 17 + total;
        }
        break;
      }
      case 0xdd: // DRI
        restartInterval = (data[seg] << 8) | data[seg + 1];
        break;
      case 0xc0:
      case 0xc1:
      case 0xc2: {
        const precision = data[seg];
        const height = (data[seg + 1] << 8) | data[seg + 2];
        const width = (data[seg + 3] << 8) | data[seg + 4];
        const n = data[seg + 5];
        if (!width || !height) throw new PixelDataError('JPEG frame header has no size (a DNL marker is not supported)');
        const components: Component[] = [];
        for (let c = 0; c < n; c++) {
          const b = seg + 6 + c * 3;
          components.push({
            id: data[b], h: Math.max(1, data[b + 1] >> 4), v: Math.max(1, data[b + 1] & 15), tq: data[b + 2],
            blocksPerLine: 0, blocksPerColumn: 0, paddedBlocksPerLine: 0, paddedBlocksPerColumn: 0, coefficients: new Int32Array(0), dcPred: 0,
          });
        }
        const hmax = Math.max(...components.map((c) => c.h));
        const vmax = Math.max(...components.map((c) => c.v));
        const mcusPerLine = Math.ceil(width / (8 * hmax));
        const mcusPerColumn = Math.ceil(height / (8 * vmax));
        for (const c of components) {
          c.blocksPerLine = Math.ceil(Math.ceil((width * c.h) / hmax) / 8);
          c.blocksPerColumn = Math.ceil(Math.ceil((height * c.v) / vmax) / 8);
          c.paddedBlocksPerLine = mcusPerLine * c.h;
          c.paddedBlocksPerColumn = mcusPerColumn * c.v;
          c.coefficients = new Int32Array(c.paddedBlocksPerLine * c.paddedBlocksPerColumn * 64);
        }
        frame = { precision, width, height, progressive: marker === 0xc2, hmax, vmax, mcusPerLine, mcusPerColumn, components };
        break;
      }
      case 0xc3: case 0xc5: case 0xc6: case 0xc7: case 0xc9: case 0xca: case 0xcb: case 0xcd: case 0xce: case 0xcf:
        throw new PixelDataError(`JPEG process with SOF marker 0x${marker.toString(16).toUpperCase()} is not supported by this decoder`);
      case 0xda: { // SOS
        if (!frame) throw new PixelDataError('JPEG scan before any frame header: the codestream is damaged');
        const ns = data[seg];
        const scanComponents: Component[] = [];
        for (let i = 0; i < ns; i++) {
          const id = data[seg + 1 + i * 2];
          const tables = data[seg + 2 + i * 2];
          const c = frame.components.find((x) => x.id === id);
          if (!c) throw new PixelDataError(`JPEG scan names component ${id}, which the frame does not have`);
          c.dcTable = dcTables[tables >> 4];
          c.acTable = acTables[tables & 15];
          c.quant ??= quantTables[c.tq];
          scanComponents.push(c);
        }
        const q = seg + 1 + ns * 2;
        const ss = data[q];
        const se = data[q + 1];
        const ah = data[q + 2] >> 4;
        const al = data[q + 2] & 15;
        const reader = new BitReader(data, end);
        decodeScan(reader, frame, scanComponents, restartInterval, ss, se, ah, al);
        reader.checkOverrun();
        scans++;
        pos = reader.endOfScan();
        continue;
      }
      default:
        break; // APPn, COM, DNL…: nothing to do
    }
    pos = end;
  }
  if (!frame || scans === 0) throw new PixelDataError('JPEG codestream has no frame or no scan: it is damaged or truncated');
  return toImage(frame);
}

function decodeScan(
  reader: BitReader,
  frame: { progressive: boolean; mcusPerLine: number; mcusPerColumn: number },
  comps: Component[],
  restartInterval: number,
  ss: number,
  se: number,
  ah: number,
  al: number,
): void {
  for (const c of comps) c.dcPred = 0;
  let eobrun = 0;
  const progressive = frame.progressive;

  const decodeBlock = (c: Component, offset: number): void => {
    const coef = c.coefficients;
    if (!progressive) {
      const t = reader.decode(c.dcTable!);
      c.dcPred += reader.receiveExtend(t);
      coef[offset] = c.dcPred;
      for (let k = 1; k < 64; ) {
        const rs = reader.decode(c.acTable!);
        const r = rs >> 4;
        const s = rs & 15;
        if (s === 0) {
          if (r < 15) break;
          k += 16;
          continue;
        }
        k += r;
        if (k > 63) throw new PixelDataError('JPEG block has more than 64 coefficients: the codestream is damaged');
        coef[offset + ZIGZAG[k]] = reader.receiveExtend(s);
        k++;
      }
      return;
    }
    if (ss === 0) {
      // DC scans (first, then refinement); spectral selection never mixes DC with AC.
      if (ah === 0) {
        const t = reader.decode(c.dcTable!);
        c.dcPred += reader.receiveExtend(t);
        coef[offset] = c.dcPred * (1 << al);
      } else if (reader.bit()) coef[offset] |= 1 << al;
      return;
    }
    if (ah === 0) {
      // AC first pass
      if (eobrun > 0) {
        eobrun--;
        return;
      }
      for (let k = ss; k <= se; ) {
        const rs = reader.decode(c.acTable!);
        const r = rs >> 4;
        const s = rs & 15;
        if (s === 0) {
          if (r < 15) {
            eobrun = (1 << r) - 1;
            if (r) eobrun += reader.read(r);
            break;
          }
          k += 16;
          continue;
        }
        k += r;
        if (k > 63) throw new PixelDataError('JPEG block has more than 64 coefficients: the codestream is damaged');
        coef[offset + ZIGZAG[k]] = reader.receiveExtend(s) * (1 << al);
        k++;
      }
      return;
    }
    // AC refinement (T.81 G.1.2.3): correction bits for coefficients already non-zero,
    // new coefficients of magnitude 1 << al placed after r zero-history coefficients.
    const p1 = 1 << al;
    const m1 = -1 << al;
    let k = ss;
    const refine = (z: number): void => {
      if (reader.bit() && (coef[z] & p1) === 0) coef[z] += coef[z] >= 0 ? p1 : m1;
    };
    if (eobrun === 0) {
      for (; k <= se; k++) {
        const rs = reader.decode(c.acTable!);
        let r = rs >> 4;
        const s = rs & 15;
        let value = 0;
        if (s) {
          if (s !== 1) throw new PixelDataError('JPEG refinement scan with a coefficient of magnitude above 1: the codestream is damaged');
          value = reader.bit() ? p1 : m1;
        } else if (r !== 15) {
          eobrun = 1 << r;
          if (r) eobrun += reader.read(r);
          break;
        }
        while (k <= se) {
          const z = offset + ZIGZAG[k];
          if (coef[z] !== 0) refine(z);
          else {
            if (r === 0) break;
            r--;
          }
          k++;
        }
        if (value && k <= se) coef[offset + ZIGZAG[k]] = value;
      }
    }
    if (eobrun > 0) {
      for (; k <= se; k++) {
        const z = offset + ZIGZAG[k];
        if (coef[z] !== 0) refine(z);
      }
      eobrun--;
    }
  };

  const blockOffset = (c: Component, row: number, col: number): number => (row * c.paddedBlocksPerLine + col) * 64;
  let mcu = 0;
  const restartIfDue = (): void => {
    if (restartInterval && mcu > 0 && mcu % restartInterval === 0) {
      reader.restart();
      for (const c of comps) c.dcPred = 0;
      eobrun = 0;
    }
  };

  if (comps.length === 1) {
    // Non-interleaved: the component's own block grid, each block one MCU.
    const c = comps[0];
    for (let row = 0; row < c.blocksPerColumn; row++) {
      for (let col = 0; col < c.blocksPerLine; col++) {
        restartIfDue();
        decodeBlock(c, blockOffset(c, row, col));
        mcu++;
      }
    }
    return;
  }
  for (let my = 0; my < frame.mcusPerColumn; my++) {
    for (let mx = 0; mx < frame.mcusPerLine; mx++) {
      restartIfDue();
      for (const c of comps) {
        for (let v = 0; v < c.v; v++) {
          for (let h = 0; h < c.h; h++) decodeBlock(c, blockOffset(c, my * c.v + v, mx * c.h + h));
        }
      }
      mcu++;
    }
  }
}

/** cos((2x + 1) u π / 16) · C(u) / 2, the separable 8-point IDCT basis. */
const BASIS = (() => {
  const b = new Float64Array(64);
  for (let x = 0; x < 8; x++) {
    for (let u = 0; u < 8; u++) b[x * 8 + u] = (u === 0 ? Math.SQRT1_2 : 1) * Math.cos(((2 * x + 1) * u * Math.PI) / 16) / 2;
  }
  return b;
})();

function toImage(frame: { precision: number; width: number; height: number; hmax: number; vmax: number; components: Component[] }): DctImage {
  const { width, height, precision, hmax, vmax, components } = frame;
  const max = (1 << precision) - 1;
  const shift = 1 << (precision - 1);
  const planes: { data: Float64Array | Int32Array; stride: number; c: Component }[] = [];
  const block = new Float64Array(64);
  const tmp = new Float64Array(64);
  for (const c of components) {
    if (!c.quant) throw new PixelDataError(`JPEG component ${c.id} has no quantization table`);
    const stride = c.paddedBlocksPerLine * 8;
    const plane = new Int32Array(stride * c.paddedBlocksPerColumn * 8);
    for (let row = 0; row < c.paddedBlocksPerColumn; row++) {
      for (let col = 0; col < c.paddedBlocksPerLine; col++) {
        const off = (row * c.paddedBlocksPerLine + col) * 64;
        for (let i = 0; i < 64; i++) block[i] = c.coefficients[off + i] * c.quant[i];
        // rows: tmp[y][x] = Σu basis[x][u] · F[y][u]
        for (let y = 0; y < 8; y++) {
          for (let x = 0; x < 8; x++) {
            let s = 0;
            for (let u = 0; u < 8; u++) s += BASIS[x * 8 + u] * block[y * 8 + u];
            tmp[y * 8 + x] = s;
          }
        }
        // columns
        for (let x = 0; x < 8; x++) {
          for (let y = 0; y < 8; y++) {
            let s = 0;
            for (let v = 0; v < 8; v++) s += BASIS[y * 8 + v] * tmp[v * 8 + x];
            const value = Math.round(s) + shift;
            plane[(row * 8 + y) * stride + col * 8 + x] = value < 0 ? 0 : value > max ? max : value;
          }
        }
      }
    }
    planes.push({ data: plane, stride, c });
  }
  const n = components.length;
  const out = precision > 8 ? new Uint16Array(width * height * n) : new Uint8Array(width * height * n);
  for (let k = 0; k < n; k++) {
    const { data, stride, c } = planes[k];
    for (let y = 0; y < height; y++) {
      const sy = Math.floor((y * c.v) / vmax);
      for (let x = 0; x < width; x++) out[(y * width + x) * n + k] = data[sy * stride + Math.floor((x * c.h) / hmax)];
    }
  }
  return { width, height, precision, components: n, data: out };
}
