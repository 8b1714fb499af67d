import { beforeAll, describe, expect, it } from 'vitest';
import { createSession, deidentifyFileAsync, type FileInput, type Session } from '../deidentify.ts';
import { defaultProfile } from '../profile/profile.ts';
import { validateProfile } from '../profile/resolve.ts';
import { makePhiStudy } from '../../../tests/synthetic/phi-study.ts';
import { reviewInstance, type InstanceReview } from './review.ts';

/** As the engine worker wires it: the session's own de-identification, traced. */
const reviewOf = (input: FileInput, session: Session): Promise<InstanceReview> =>
  reviewInstance(input.bytes, session.profile, (trace) => deidentifyFileAsync(input, session, { trace }));

const study = makePhiStudy();
const ct = study.files.find((f) => f.role === 'ct')!;
const sr = study.files.find((f) => f.role === 'sr')!;

describe('reviewInstance', () => {
  const session = createSession({ profile: defaultProfile(), passphrase: 'review-test' });
  let review: InstanceReview;
  beforeAll(async () => {
    review = await reviewOf({ path: ct.name, bytes: ct.bytes }, session);
  });
  const row = (tag: string) => review.rows.find((r) => r.tag === tag && r.depth === 0 && !r.id.startsWith('meta'))!;

  it('lists every attribute with before, after, action and why', () => {
    expect(review.status).toBe('written');
    const name = row('(0010,0010)');
    expect(name.before).toBe(study.patients.A.name);
    expect(name.after).toMatch(/^VEIL\^/);
    expect(name.action).toBe('pseudonym');
    const sop = row('(0008,0018)');
    expect(sop.action).toBe('new-uid');
    expect(sop.after).toMatch(/^2\.25\./);
    expect(sop.reason).toBe('basic profile');
    const cls = row('(0008,0016)');
    expect(cls.action).toBe('kept');
    expect(cls.before).toBe(cls.after);
    for (const r of review.rows) {
      expect(r.reason.length > 0 || r.kind === 'item', `${r.id} has no reason`).toBe(true);
    }
  });

  it('nests sequence items under their sequence and lists the marks the engine adds', () => {
    const nested = review.rows.filter((r) => r.depth > 0 && r.parent);
    expect(nested.length).toBeGreaterThan(0);
    for (const r of nested) expect(review.rows.some((p) => p.id === r.parent), r.id).toBe(true);
    const added = review.rows.filter((r) => r.action === 'added').map((r) => r.tag);
    expect(added).toContain('(0012,0062)');
    expect(review.rows.some((r) => r.id === 'meta' && r.kind === 'item')).toBe(true);
  });

  it('shows an override as the reason', async () => {
    const profile = validateProfile({ overrides: { '(0008,1030)': { action: 'replace', value: 'TEACHING' } } });
    const r = await reviewOf({ path: ct.name, bytes: ct.bytes }, createSession({ profile, passphrase: 'review-test' }));
    const desc = r.rows.find((x) => x.tag === '(0008,1030)' && x.depth === 0)!;
    expect(desc.after).toBe('TEACHING');
    expect(desc.action).toBe('replaced');
    expect(desc.reason).toBe('override: replace');
  });

  it('reviews a structured report down its content tree', async () => {
    const r = await reviewOf({ path: sr.name, bytes: sr.bytes }, session);
    expect(r.rows.some((x) => x.depth >= 4)).toBe(true);
  });

  it('says why a file is not exported', async () => {
    const r = await reviewOf({ path: 'x.txt', bytes: new TextEncoder().encode('hello') }, session);
    expect(r.status).toBe('skipped');
    expect(r.reason).toMatch(/not a DICOM file/);
  });
});

describe('reviewInstance and the patient identifiers found in kept values', () => {
  it('shows a kept value that named the patient as cleaned, and a blob that did as removed, with why', async () => {
    const { image, latin1, samplesWith } = await import('../../../tests/fail-closed/residual-inputs.ts');
    const { privateBlock } = await import('../../../tests/synthetic/encoder.ts');
    const profile = defaultProfile();
    profile.overrides['(0029,1011)'] = { action: 'keep' };
    const session = createSession({ profile, passphrase: 'review-test' });
    const bytes = image([
      { tag: 0x00700081, vr: 'LO', value: 'Follow-up of Karlsson' },
      ...privateBlock(0x0029, 'ACME BLOB', [{ offset: 0x11, vr: 'OB', value: samplesWith(latin1('owner: Karlsson')) }]),
    ]);
    const review = await reviewOf({ path: 'one.dcm', bytes }, session);
    const row = (tag: string) => review.rows.find((r) => r.tag === tag && r.depth === 0 && !r.id.startsWith('meta'))!;
    expect(row('(0070,0081)')).toMatchObject({ after: 'Follow-up of ***', action: 'cleaned' });
    expect(row('(0070,0081)').reason).toMatch(/patient identifier/);
    expect(row('(0029,1011)')).toMatchObject({ after: null, action: 'removed' });
    expect(row('(0029,1011)').reason).toMatch(/patient identifier/);
  });
});
