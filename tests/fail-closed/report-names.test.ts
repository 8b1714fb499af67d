/**
 * Issue 9: the report that travels with the data names no input. A PACS export is a folder or a
 * zip named after the patient — name, MRN, birth date — and so are its files. Run through the
 * real command into a folder and into a zip, from a folder and from a zip, in both modes: none
 * of those values, and none of the original UIDs, is in any byte inside the output (DICOM files,
 * deid-report.csv/.json); inputs are named `#0001-3f9a2c1b`; the operator's report beside the
 * output has every input's path, so the operator can still tell which file was which.
 */
import { describe, expect, it } from 'vitest';
import { defaultProfile, type Profile } from '../../src/core/profile/profile.ts';
import { encodePart10, type Element } from '../synthetic/encoder.ts';
import { findPlanted, runVeil, type InputSpec, type PlantedValue } from './harness.ts';
import { monochromeImagePixel } from '../synthetic/image-pixel.ts';

const NAME = 'Quigley^Marjorie';
const MRN = 'MRN8841277';
const BIRTH = '19470322';
const UID_ROOT = '1.2.826.0.1.3680043.99997.31';
const FOLDER = `Quigley^Marjorie ${MRN} ${BIRTH}`;

function image(n: number): Uint8Array {
  const sop = `${UID_ROOT}.${n}.3`;
  const ds: Element[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
    { tag: 0x00080018, vr: 'UI', value: sop },
    { tag: 0x00080020, vr: 'DA', value: '20190611' },
    { tag: 0x00080060, vr: 'CS', value: 'OT' },
    { tag: 0x00100010, vr: 'PN', value: NAME },
    { tag: 0x00100020, vr: 'LO', value: MRN },
    { tag: 0x00100030, vr: 'DA', value: BIRTH },
    { tag: 0x0020000d, vr: 'UI', value: `${UID_ROOT}.1` },
    { tag: 0x0020000e, vr: 'UI', value: `${UID_ROOT}.2` },
    { tag: 0x00200011, vr: 'IS', value: '1' },
    { tag: 0x00200013, vr: 'IS', value: String(n) },
    ...monochromeImagePixel(8, 8),
    { tag: 0x7fe00010, vr: 'OB', value: new Uint8Array(64) },
  ];
  return encodePart10({ sopClassUID: '1.2.840.10008.5.1.4.1.1.7', sopInstanceUID: sop, transferSyntax: 'explicit-le', dataset: ds });
}

/** Two images, the first again under another name (a twin), and a note: every name tells who it is. */
const INPUTS: InputSpec[] = [
  { name: `${FOLDER}/Quigley_${MRN}_${BIRTH}_1.dcm`, bytes: image(1) },
  { name: `${FOLDER}/Quigley_${MRN}_${BIRTH}_2.dcm`, bytes: image(2) },
  { name: `${FOLDER}/copy of Quigley_${MRN}_${BIRTH}_1.dcm`, bytes: image(1) },
  { name: `${FOLDER}/notes ${MRN} ${BIRTH}.txt`, bytes: new TextEncoder().encode('not DICOM') },
];

const PLANTED: PlantedValue[] = [
  { value: NAME, kind: 'name', inMapping: true },
  { value: 'Quigley', kind: 'name', inMapping: true },
  { value: 'Marjorie', kind: 'name', inMapping: true },
  { value: MRN, kind: 'id', inMapping: true },
  { value: '8841277', kind: 'id', inMapping: true },
  { value: BIRTH, kind: 'birthdate' },
  // Original UIDs (the mapping lists study and series UIDs by design; SOP UIDs go nowhere).
  { value: UID_ROOT, kind: 'uid', inMapping: true },
];

const profileIn = (mode: Profile['pseudonyms']['mode']): Profile => {
  const p = defaultProfile();
  p.pseudonyms.mode = mode;
  return p;
};

const REF = /^#\d{4}-[0-9a-f]{8}$/;

describe('the report inside the output names no input (issue 9)', () => {
  for (const mode of ['anonymize', 'pseudonymize'] as const) {
    for (const [how, options] of [
      ['folder in, folder out', {}],
      ['folder in, zip out', { zipOutput: true }],
      ['zip in, folder out', { inputZip: `${FOLDER}.zip` }],
      ['zip in, zip out', { inputZip: `Quigley ${MRN} ${BIRTH}.zip`, zipOutput: true }],
    ] as const) {
      it(`${mode}, ${how}: no name, ID, birth date or original UID in any byte of the output; the operator's report has the paths`, async () => {
        const profile = profileIn(mode);
        const run = await runVeil(INPUTS, { profile, ...options });
        expect(run.exitCode, run.log.join('\n')).toBe(0);
        expect(run.outputs.has('deid-report.json') && run.outputs.has('deid-report.csv')).toBe(true);
        expect([...run.outputs.keys()].filter((k) => k.endsWith('.dcm'))).toHaveLength(3);
        expect(findPlanted(run, PLANTED, profile)).toEqual([]);

        // Every input, in order, by reference; the twin and the skipped note say so by reference too.
        // Folder walk order (localeCompare): "copy of …_1", "notes …", "Quigley_…_1", "Quigley_…_2".
        expect(run.report.files.map((f) => f.status)).toEqual(['written', 'skipped', 'written', 'written']);
        for (const f of run.report.files) expect(f.input).toMatch(REF);
        expect(run.report.files.map((f) => f.input.slice(0, 5))).toEqual(['#0001', '#0002', '#0003', '#0004']);
        // "copy of …_1" comes first, so "…_1.dcm" is the twin, and says so by the other's reference.
        expect(run.report.files[2].warnings).toContain(`same SOP Instance UID as ${run.report.files[0].input}; written beside it with a suffix`);

        // The operator's report: the same rows, with every input path.
        const paths = run.operator.files.map((f) => f.path);
        const inZip = 'inputZip' in options ? `in/${options.inputZip}/` : 'in/';
        expect([...paths].sort()).toEqual(INPUTS.map((i) => `${inZip}${i.name}`).sort());
        expect(run.operator.files.map((f) => f.input)).toEqual(run.report.files.map((f) => f.input));
        expect(run.operator.files.map((f) => f.output)).toEqual(run.report.files.map((f) => f.output));
        for (const p of paths) expect(run.operatorCsv).toContain(p!);
        expect(run.operatorCsv.split('\r\n')[0]).toMatch(/^input,path,status,/);
      });
    }
  }
});
