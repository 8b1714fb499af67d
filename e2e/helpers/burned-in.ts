/**
 * Folders of burned-in-text fixtures (../shared/fixtures/dicom/burned-in and friends) for the
 * viewer and redaction tests, copied into a temporary folder so the inputs stay untouched.
 */
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sharedFixtures } from './fixtures.ts';

export interface FixtureFile {
  /** Path under the shared fixtures folder. */
  from: string;
  /** Path of the copy, relative to the folder handed to folder-input ("<name>/<file>"). */
  input: string;
  /** Absolute path of the copy. */
  abs: string;
}

export interface BurnedInFolder {
  dir: string;
  files: FixtureFile[];
}

export function makeFolder(name: string, files: readonly string[]): BurnedInFolder {
  const root = mkdtempSync(path.join(tmpdir(), 'veil-e2e-'));
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const out: FixtureFile[] = [];
  for (const from of files) {
    const abs = path.join(dir, path.basename(from));
    copyFileSync(path.join(sharedFixtures, from), abs);
    out.push({ from, input: `${name}/${path.basename(from)}`, abs });
  }
  return { dir, files: out };
}

/** Ultrasound with a name, MRN and date burned in across the top; native 8-bit MONOCHROME2; matches a CTP template. */
export const US_GREY = 'burned-in/US_greyscale_deid_BIA_YES.dcm';
/** CT slice, 16-bit native (implicit VR), name and dates burned in at the top left. */
export const CT_BURNED = 'burned-in/CT_pseudo_phi_burned_in.dcm';
/** Chest CR, MONOCHROME1, RLE. */
export const CR_MONO1_RLE = 'burned-in/CR_pseudo_phi_burned_in_rle.dcm';
/** Echo cine: 10 frames, PALETTE COLOR, RLE. */
export const US_PALETTE_CINE = 'burned-in/US-PAL-8-10x-echo.dcm';
/** Acuson ultrasound, YBR_FULL, RLE, name burned in; matches a CTP template. */
export const US_YBR_RLE = 'burned-in/US_ybr_full_rle_name.dcm';
/** RGB ultrasound (Siemens) with a name burned in; matches a CTP template. */
export const US_RGB = 'burned-in/US_rgb_deid_no_BIA.dcm';
/** Philips palette ultrasound, RLE; matches a CTP template. */
export const US_PALETTE_RLE = 'burned-in/US_philips_palette_rle_TEST.dcm';
/** Ultrasound cine, 30 frames, JPEG baseline YBR_FULL_422. */
export const US_JPEG_CINE = 'multiframe/US_multiframe_ybr422_jpeg_sonosite.dcm';
