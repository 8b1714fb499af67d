/**
 * Replacement text is written as UTF-8. A dataset in another character set (Latin-1, ISO 2022
 * Japanese, GB18030 …) is therefore re-encoded whole as UTF-8 with Specific Character Set
 * ISO_IR 192, so values that were not touched still decode correctly next to the new ones.
 */
import { Dataset } from '../dicom/dataset.ts';
import { isUtf8Compatible } from '../dicom/charset.ts';
import { T } from '../dicom/tags.ts';
import { elementText, encodeText, setString } from '../dicom/values.ts';
import { CHARSET_VRS } from '../dicom/vr.ts';

/**
 * True when some text at some depth is in a set other than ASCII/UTF-8. Pure-ASCII text reads
 * the same in every set (ISO 2022 starts in ASCII too), so a Latin-1 file that only holds ASCII
 * is left as it is.
 */
function needsTranscode(ds: Dataset): boolean {
  const foreign = !isUtf8Compatible(ds.charset);
  for (const el of ds.elements.values()) {
    if (foreign && CHARSET_VRS.has(el.vr) && !isAscii(el.value)) return true;
    if (el.items?.some(needsTranscode)) return true;
  }
  return false;
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80 || bytes[i] === 0x1b) return false;
  return true;
}

/**
 * Re-encodes all text as UTF-8 when needed; also declares UTF-8 when the engine wrote non-ASCII
 * text (a pseudonym from a lookup table, say) into a default-repertoire dataset.
 * Returns true when the dataset's character set changed.
 */
export function normalizeToUtf8(ds: Dataset, wroteNonAscii: boolean): boolean {
  if (!needsTranscode(ds)) {
    if (wroteNonAscii && !ds.charset.includes('ISO_IR 192')) {
      setString(ds, T.SpecificCharacterSet, 'ISO_IR 192', 'CS');
      ds.charset = ['ISO_IR 192'];
      return true;
    }
    return false;
  }
  transcode(ds, true);
  return true;
}

function transcode(ds: Dataset, top: boolean): void {
  for (const el of ds.elements.values()) {
    if (CHARSET_VRS.has(el.vr) && el.value.length) {
      // Decode with the set in force here, keep the padding trimmed off, write UTF-8.
      el.value = encodeText(elementText(el, ds.charset), el.vr);
    }
    el.items?.forEach((item) => transcode(item, false));
  }
  if (top) setString(ds, T.SpecificCharacterSet, 'ISO_IR 192', 'CS');
  else ds.delete(T.SpecificCharacterSet); // items inherit the top-level set
  ds.charset = ['ISO_IR 192'];
}
