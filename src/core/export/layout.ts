/**
 * Where a de-identified file goes inside the output folder or zip:
 *
 *   <pseudonymous patient ID>/study-<h(study UID)>/series-<number>-<MODALITY>-<h(series UID)>/<instance 00000>-<h(SOP UID)>.dcm
 *
 * e.g. VEIL-3F9A2C1B/study-1a2b3c4d/series-3-CT-9f8e7d6c/00012-0badcafe.dcm
 *
 * Only the NEW (de-identified) identifiers go in: the pseudonymous Patient ID and hashes of the
 * replacement UIDs. Descriptions, names and dates never do, since they could carry PHI. Every
 * component is reduced to [A-Za-z0-9._-]. Paths are deterministic: the same inputs always give
 * the same path. Two instances differ in their SOP Instance UID and so in the file name's hash;
 * the 32-bit hash makes a clash between two instances with the same patient, study, series and
 * instance number vanishingly rare, and `PathAllocator` makes it impossible (and also files a
 * duplicate input — the same SOP Instance UID twice — under a distinct name).
 */

export interface LayoutInput {
  /** Pseudonymous Patient ID of the OUTPUT file. */
  patientId: string;
  /** The OUTPUT file's UIDs. */
  studyInstanceUID: string;
  seriesInstanceUID: string;
  sopInstanceUID: string;
  modality: string;
  seriesNumber?: string;
  instanceNumber?: string;
}

/**
 * cyrb53 (public domain, bryc): a fast, well-mixed 53-bit string hash. Not cryptographic; it only
 * has to spread UIDs evenly. Returns the low 32 bits as 8 lower-case hex digits.
 */
export function hash8(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // cyrb53 = 2^32 * (h2 & 0x1fffff) + (h1 >>> 0); its low 32 bits, already mixed with h2:
  return (h1 >>> 0).toString(16).padStart(8, '0');
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * One path component reduced to [A-Za-z0-9._-]: other characters become "_", runs collapse,
 * length is capped, and names a file system treats specially ("", ".", "..", ".hidden", "CON")
 * are made harmless.
 */
export function sanitizeComponent(text: string, fallback: string, maxLength = 64): string {
  let s = text.trim().replace(/[^A-Za-z0-9._-]+/g, '_').replace(/_+/g, '_');
  s = s.replace(/^_+|_+$/g, '');
  if (s.length > maxLength) s = s.slice(0, maxLength);
  if (s.length === 0 || /^\.+$/.test(s)) s = fallback;
  if (s.startsWith('.')) s = `_${s}`;
  if (WINDOWS_RESERVED.test(s)) s = `_${s}`;
  // Windows drops trailing dots and spaces from names.
  return s.replace(/\.+$/, '_');
}

/** A non-negative integer IS value, or undefined. */
function integerOf(text: string | undefined): number | undefined {
  const t = (text ?? '').trim().replace(/^\+/, '');
  if (!/^\d{1,9}$/.test(t)) return undefined;
  return Number(t);
}

/** The output path of one de-identified instance ("/"-separated, relative, no leading slash). */
export function outputPathFor(o: LayoutInput): string {
  const patient = sanitizeComponent(o.patientId, 'NO-PATIENT-ID');
  const study = `study-${hash8(o.studyInstanceUID)}`;
  const modality = sanitizeComponent(o.modality.toUpperCase(), 'OT', 16);
  const seriesNumber = integerOf(o.seriesNumber);
  const series = `series-${seriesNumber === undefined ? '' : `${seriesNumber}-`}${modality}-${hash8(o.seriesInstanceUID)}`;
  const instance = String(integerOf(o.instanceNumber) ?? 0).padStart(5, '0');
  return `${patient}/${study}/${series}/${instance}-${hash8(o.sopInstanceUID)}.dcm`;
}

/**
 * Hands out output paths for one export and guarantees no two instances share one: a path
 * already given to a different SOP Instance UID (a hash clash) or to the same one (the same
 * instance dropped twice) gets a "-2", "-3", … suffix. Suffixes depend on the order of calls.
 */
export class PathAllocator {
  private readonly taken = new Set<string>();

  allocate(o: LayoutInput): string {
    return this.claim(outputPathFor(o));
  }

  /**
   * Claims an already computed path (e.g. `WrittenOutcome.output` made in a worker): returns it
   * unchanged if free, else the first free "-2", "-3", … variant. Call it where files are handed
   * to the sink, one thread, and put the result back into the outcome before it is reported.
   */
  claim(path: string): string {
    if (!this.taken.has(path)) {
      this.taken.add(path);
      return path;
    }
    const dot = path.lastIndexOf('.');
    const slash = path.lastIndexOf('/');
    const [stem, ext] = dot > slash + 1 ? [path.slice(0, dot), path.slice(dot)] : [path, ''];
    for (let n = 2; ; n++) {
      const candidate = `${stem}-${n}${ext}`;
      if (!this.taken.has(candidate)) {
        this.taken.add(candidate);
        return candidate;
      }
    }
  }

  /** Marks a path as used (e.g. the report files at the root). */
  reserve(path: string): void {
    this.taken.add(path);
  }
}
