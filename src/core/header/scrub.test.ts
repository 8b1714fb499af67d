import { describe, expect, it } from 'vitest';
import { Dataset } from '../dicom/dataset.ts';
import { T } from '../dicom/tags.ts';
import { encodeText, getString } from '../dicom/values.ts';
import { KIND } from '../audit/identifiers.ts';
import { zeroCounts } from '../outcome.ts';
import { scrubPatientIdentifiers } from './scrub.ts';

describe('scrubPatientIdentifiers', () => {
  it('leaves the pseudonym alone when an identifier turns up inside it by chance, and cleans kept text', () => {
    const ds = new Dataset(['ISO_IR 192']);
    ds.set({ tag: T.PatientID, vr: 'LO', value: encodeText('VEIL-X123Y', 'LO') });
    ds.set({ tag: T.PatientName, vr: 'PN', value: encodeText('VEIL^X123Y', 'PN') });
    ds.set({ tag: 0x00700081, vr: 'LO', value: encodeText('ref 123', 'LO') });
    const result = scrubPatientIdentifiers(ds, {
      identifiers: [{ kind: KIND.patientId, value: '123' }],
      uids: { map: (u) => u },
      personName: 'VEIL^X123Y',
      engineValues: ['VEIL^X123Y', 'VEIL-X123Y'],
      counts: zeroCounts(),
    });
    expect(getString(ds, T.PatientID)).toBe('VEIL-X123Y');
    expect(getString(ds, T.PatientName)).toBe('VEIL^X123Y');
    expect(getString(ds, 0x00700081)).toBe('ref ***');
    expect(result.residual.map((f) => f.where).sort()).toEqual(['(0010,0010) PatientName', '(0010,0020) PatientID']);
  });
});
