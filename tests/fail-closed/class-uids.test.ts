/**
 * Issue 8, item 2: class and registry UIDs keep their values; instance UIDs never survive.
 *
 * A SOP Class UID (private, or a 2.25 UUID class) names what kind of object a file is, not whose
 * it is: changing it makes the object unreadable, and changing it in the dataset but not in the
 * file meta makes the two disagree. Instance UIDs — including one a vendor minted under the DICOM
 * root 1.2.840.10008 — are identifiers and must be mapped under every profile but Retain UIDs.
 */
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { encodePart10, type Element } from '../synthetic/encoder.ts';
import { leaksUnderEveryProfile, runVeil, type PlantedValue, type VeilRun } from './harness.ts';

const PRIVATE_CLASS = '1.3.46.670589.5.0.1.1'; // a Philips private SOP class
const UUID_CLASS = '2.25.193283491937746938125462829183123455';
const REFERENCED_PRIVATE_CLASS = '2.25.302839248938127398127398127398127391';
const SNOMED_CODING_SCHEME = '2.16.840.1.113883.6.96';
const MAPPING_RESOURCE = '1.2.840.10008.8.1.1'; // DICOM Content Mapping Resource (registry)
const CONTEXT_GROUP = '1.2.840.10008.6.1.2'; // CID 2 (registry)
/** Talairach well-known Frame of Reference: a registry UID in an attribute the table does not name. */
const WELL_KNOWN_FRAME = '1.2.840.10008.1.4.1.1';

const STUDY = '1.2.826.0.1.3680043.8.498.41.20261204.1';
const SERIES = '1.2.826.0.1.3680043.8.498.41.20261204.2';
const INSTANCE_A = '1.2.826.0.1.3680043.8.498.41.20261204.3';
const INSTANCE_B = '1.2.826.0.1.3680043.8.498.41.20261204.4';
const REFERENCED_INSTANCE = '1.2.826.0.1.3680043.8.498.41.20261204.5';
/** Instance UIDs a vendor minted under the DICOM root: not in the registry, so instance UIDs. */
const ROOT_MISUSE_VOLUME_FRAME = '1.2.840.10008.5.1.4.1.1.2.20261204.77123';
const ROOT_MISUSE_EVENT = '1.2.840.10008.999.20261204093012.4411';

const planted: PlantedValue[] = [
  { value: STUDY, kind: 'uid', inMapping: true },
  { value: SERIES, kind: 'uid', inMapping: true },
  { value: INSTANCE_A, kind: 'uid' },
  { value: INSTANCE_B, kind: 'uid' },
  { value: REFERENCED_INSTANCE, kind: 'uid' },
  { value: ROOT_MISUSE_VOLUME_FRAME, kind: 'uid' },
  { value: ROOT_MISUSE_EVENT, kind: 'uid' },
];

function dataset(sopClass: string, sopInstance: string): Element[] {
  return [
    { tag: 0x00080016, vr: 'UI', value: sopClass },
    { tag: 0x00080018, vr: 'UI', value: sopInstance },
    { tag: 0x00080060, vr: 'CS', value: 'MR' },
    {
      tag: 0x00080110, vr: 'SQ', value: [[ // Coding Scheme Identification Sequence
        { tag: 0x00080102, vr: 'SH', value: 'SCT' },
        { tag: 0x0008010c, vr: 'UI', value: SNOMED_CODING_SCHEME },
      ]],
    },
    {
      tag: 0x00081140, vr: 'SQ', value: [[ // Referenced Image Sequence
        { tag: 0x00081150, vr: 'UI', value: REFERENCED_PRIVATE_CLASS },
        { tag: 0x00081155, vr: 'UI', value: REFERENCED_INSTANCE },
      ]],
    },
    {
      tag: 0x00082218, vr: 'SQ', value: [[ // Anatomic Region Sequence: a code item with registry UIDs
        { tag: 0x00080100, vr: 'SH', value: '12738006' },
        { tag: 0x00080102, vr: 'SH', value: 'SCT' },
        { tag: 0x00080104, vr: 'LO', value: 'Brain' },
        { tag: 0x00080117, vr: 'UI', value: CONTEXT_GROUP },
        { tag: 0x00080118, vr: 'UI', value: MAPPING_RESOURCE },
      ]],
    },
    { tag: 0x00083012, vr: 'UI', value: ROOT_MISUSE_EVENT },
    { tag: 0x00100010, vr: 'PN', value: 'ANON^CLASS' },
    { tag: 0x00100020, vr: 'LO', value: 'CLS001' },
    { tag: 0x0018991e, vr: 'UI', value: WELL_KNOWN_FRAME },
    { tag: 0x0020000d, vr: 'UI', value: STUDY },
    { tag: 0x0020000e, vr: 'UI', value: SERIES },
    { tag: 0x00209312, vr: 'UI', value: ROOT_MISUSE_VOLUME_FRAME },
  ];
}

const inputs = [
  {
    name: 'a.dcm',
    bytes: encodePart10({ sopClassUID: PRIVATE_CLASS, sopInstanceUID: INSTANCE_A, transferSyntax: 'explicit-le', dataset: dataset(PRIVATE_CLASS, INSTANCE_A) }),
  },
  {
    name: 'b.dcm',
    bytes: encodePart10({ sopClassUID: UUID_CLASS, sopInstanceUID: INSTANCE_B, transferSyntax: 'implicit-le', dataset: dataset(UUID_CLASS, INSTANCE_B) }),
  },
];

const parsedOutputs = (run: VeilRun): dicomParser.DataSet[] =>
  [...run.outputs].filter(([name]) => name.endsWith('.dcm')).map(([, bytes]) => dicomParser.parseDicom(bytes));

const item = (ds: dicomParser.DataSet, tag: string): dicomParser.DataSet => {
  const first = ds.elements[tag]?.items?.[0]?.dataSet;
  if (!first) throw new Error(`no item in ${tag}`);
  return first;
};

/** What must hold in every output, under every profile. */
function checkClassUids(run: VeilRun, variant: string): void {
  const outputs = parsedOutputs(run);
  expect(outputs.length, variant).toBe(2);
  const classes = new Set<string | undefined>();
  for (const ds of outputs) {
    const sopClass = ds.string('x00080016');
    classes.add(sopClass);
    // File meta and dataset agree, and both name the original class.
    expect(ds.string('x00020002'), variant).toBe(sopClass);
    expect([PRIVATE_CLASS, UUID_CLASS], variant).toContain(sopClass);
    expect(ds.string('x00020010'), variant).toMatch(/^1\.2\.840\.10008\.1\.2/);
    expect(item(ds, 'x00081140').string('x00081150'), variant).toBe(REFERENCED_PRIVATE_CLASS);
    expect(item(ds, 'x00080110').string('x0008010c'), variant).toBe(SNOMED_CODING_SCHEME);
    const region = item(ds, 'x00082218');
    expect(region.string('x00080117'), variant).toBe(CONTEXT_GROUP);
    expect(region.string('x00080118'), variant).toBe(MAPPING_RESOURCE);
    expect(ds.string('x0018991e'), variant).toBe(WELL_KNOWN_FRAME);
  }
  expect(classes.size, variant).toBe(2);
  for (const f of run.report.files) expect(f.sopClassUID, variant).toMatch(/^(1\.3\.46\.|2\.25\.1932)/);
}

describe('class and registry UIDs (issue 8, item 2)', () => {
  it('keeps private and 2.25 SOP Class UIDs equal in (0002,0002) and (0008,0016), and registry UIDs as they were, under every profile', async () => {
    const leaks = await leaksUnderEveryProfile(inputs, planted, {}, (run, variant) => {
      expect(run.report.totals.written, variant.name).toBe(2);
      checkClassUids(run, variant.name);
    });
    for (const [variant, found] of Object.entries(leaks)) expect(found, variant).toEqual([]);
  }, 300_000);

  it('maps an instance UID minted under the DICOM root that the registry does not hold', async () => {
    const run = await runVeil(inputs);
    for (const ds of parsedOutputs(run)) {
      const volume = ds.string('x00209312');
      const event = ds.string('x00083012');
      expect(volume).toMatch(/^2\.25\.\d+$/);
      expect(event).toMatch(/^2\.25\.\d+$/);
    }
  }, 60_000);
});
