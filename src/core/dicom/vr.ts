/** Value representations: which are text, which carry a 4-byte length, how wide binary words are. */

export const ALL_VRS = new Set([
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL',
  'OV', 'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US',
  'UT', 'UV',
]);

/** VRs whose explicit-VR header has 2 reserved bytes and a 32-bit length (PS3.5 7.1.2). */
export const LONG_LENGTH_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);

/** Text VRs; their values go through the Specific Character Set (or are plain ASCII). */
export const STRING_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);

/** Text VRs that may hold characters outside ASCII (the others are restricted to the default repertoire). */
export const CHARSET_VRS = new Set(['LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT']);

/** Byte width of one binary word, for byte swapping big-endian input; 0 = bytes, no swap. */
export function wordSize(vr: string): number {
  switch (vr) {
    case 'US': case 'SS': case 'OW': case 'AT': return 2;
    case 'UL': case 'SL': case 'FL': case 'OF': case 'OL': return 4;
    case 'FD': case 'OD': case 'SV': case 'UV': case 'OV': return 8;
    default: return 0;
  }
}

export const isValidVR = (vr: string): boolean => ALL_VRS.has(vr);
