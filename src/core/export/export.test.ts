import { describe, expect, it } from 'vitest';
import { zeroCounts, type FileOutcome, type WrittenOutcome } from '../outcome.ts';
import { KIND } from '../audit/identifiers.ts';
import { PathAllocator, hash8, outputPathFor, sanitizeComponent, type LayoutInput } from './layout.ts';
import { CSV_COLUMNS, REPORT_CSV, REPORT_JSON, buildReport, type ReportJson, type ReportMeta } from './report.ts';
import { MAPPING_CSV, MAPPING_JSON, MappingLog } from './mapping.ts';
import { csvField, parseCsv } from './csv.ts';

const layout: LayoutInput = {
  patientId: 'VEIL-3F9A2C1B',
  studyInstanceUID: '2.25.1111',
  seriesInstanceUID: '2.25.2222',
  sopInstanceUID: '2.25.3333',
  modality: 'CT',
  seriesNumber: '3',
  instanceNumber: '12',
};

describe('layout', () => {
  it('builds patient / study / series / instance paths deterministically', () => {
    const p = outputPathFor(layout);
    expect(p).toBe(`VEIL-3F9A2C1B/study-${hash8('2.25.1111')}/series-3-CT-${hash8('2.25.2222')}/00012-${hash8('2.25.3333')}.dcm`);
    expect(outputPathFor({ ...layout })).toBe(p);
    expect(p).toMatch(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+){3}$/);
  });

  it('hashes are 8 hex digits and spread', () => {
    expect(hash8('')).toMatch(/^[0-9a-f]{8}$/);
    const seen = new Set<string>();
    for (let i = 0; i < 20000; i++) seen.add(hash8(`1.2.840.113619.2.55.3.${i}`));
    expect(seen.size).toBeGreaterThan(19990);
  });

  it('sanitises every component and tolerates missing numbers', () => {
    const p = outputPathFor({
      ...layout,
      patientId: '../Smith, John/..',
      modality: 'c t/\\',
      seriesNumber: 'abc',
      instanceNumber: undefined,
    });
    const parts = p.split('/');
    expect(parts).toHaveLength(4);
    for (const part of parts) expect(part).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(parts[0]).toBe('_.._Smith_John__'); // trailing dots are dropped by Windows, so they go too
    expect(parts[2]).toBe(`series-C_T-${hash8('2.25.2222')}`);
    expect(parts[3]).toBe(`00000-${hash8('2.25.3333')}.dcm`);
    expect(sanitizeComponent('..', 'X')).toBe('X');
    expect(sanitizeComponent('', 'X')).toBe('X');
    expect(sanitizeComponent('CON', 'X')).toBe('_CON');
    expect(sanitizeComponent('.hidden', 'X')).toBe('_.hidden');
    expect(sanitizeComponent('a'.repeat(100), 'X')).toHaveLength(64);
    expect(outputPathFor({ ...layout, patientId: '' }).startsWith('NO-PATIENT-ID/')).toBe(true);
  });

  it('never gives two instances the same path', () => {
    const alloc = new PathAllocator();
    const a = alloc.allocate(layout);
    const b = alloc.allocate({ ...layout, sopInstanceUID: '2.25.3334' });
    const dup1 = alloc.allocate(layout);
    const dup2 = alloc.allocate(layout);
    expect(new Set([a, b, dup1, dup2]).size).toBe(4);
    expect(dup1).toBe(a.replace(/\.dcm$/, '-2.dcm'));
    expect(dup2).toBe(a.replace(/\.dcm$/, '-3.dcm'));
    // Paths computed elsewhere (in a worker) are claimed the same way.
    expect(alloc.claim(b)).toBe(b.replace(/\.dcm$/, '-2.dcm'));
    expect(alloc.claim('x/new.dcm')).toBe('x/new.dcm');
    alloc.reserve('deid-report.csv');
    expect(alloc.claim('deid-report.csv')).toBe('deid-report-2.csv');
  });
});

const meta: ReportMeta = {
  tool: 'veil',
  version: '0.1.0',
  profileSummary: 'Basic Application Confidentiality Profile',
  optionsApplied: ['retainLongModifiedDates', 'cleanDescriptors'],
  mode: 'pseudonymize',
  startedAt: '2024-01-01T10:00:00.000Z',
  finishedAt: '2024-01-01T10:00:05.000Z',
};

function written(input: string, over: Partial<WrittenOutcome> = {}): WrittenOutcome {
  return {
    status: 'written',
    input,
    output: `VEIL-3F9A2C1B/study-1/series-1-CT-1/${input.replace(/\W/g, '')}.dcm`,
    parts: [new Uint8Array(4)],
    size: 4,
    transferSyntaxUID: '1.2.840.10008.1.2.1',
    sopClassUID: '1.2.840.10008.5.1.4.1.1.2',
    modality: 'CT',
    patientId: 'VEIL-3F9A2C1B',
    studyInstanceUID: '2.25.1',
    seriesInstanceUID: '2.25.2',
    sopInstanceUID: '2.25.3',
    warnings: [],
    residual: [],
    actions: { ...zeroCounts(), removed: 10, kept: 5, uidsReplaced: 3 },
    ...over,
  };
}

describe('report', () => {
  const outcomes: FileOutcome[] = [
    written('scans/a, "first".dcm', {
      warnings: ['line one\nline two', 'has, comma'],
      residual: [{ kind: KIND.patientName, value: 'ZEBEDEE', where: '(0008,1030) StudyDescription' }],
      actions: { ...zeroCounts(), removed: 7, cleaned: 2, datesShifted: 4 },
    }),
    { status: 'skipped', input: 'scans/readme.txt', reason: 'not DICOM: no DICM prefix and no recognisable elements', warnings: [] },
    { status: 'failed', input: 'scans/broken.dcm', reason: 'truncated at (7FE0,0010), offset 1234', warnings: ['recovered "UN"'] },
    written('scans/b.dcm'),
  ];
  const { json, csv } = buildReport(outcomes, meta);
  const report = JSON.parse(json) as ReportJson;

  it('has fixed file names', () => {
    expect(REPORT_JSON).toBe('deid-report.json');
    expect(REPORT_CSV).toBe('deid-report.csv');
  });

  it('JSON: meta, totals, every input in order', () => {
    expect(report.meta).toEqual(meta);
    expect(report.files.map((f) => f.input)).toEqual(outcomes.map((o) => o.input));
    expect(report.files.map((f) => f.status)).toEqual(['written', 'skipped', 'failed', 'written']);
    expect(report.totals).toMatchObject({ inputs: 4, written: 2, skipped: 1, failed: 1, filesWithResidualWarnings: 1, residualFindings: 1, filesWithWarnings: 2 });
    expect(report.totals.actions).toEqual({ ...zeroCounts(), removed: 17, kept: 5, cleaned: 2, datesShifted: 4, uidsReplaced: 3 });
    expect(report.files[0].residual).toEqual([{ kind: KIND.patientName, where: '(0008,1030) StudyDescription' }]);
    expect(report.files[0].output).toBe((outcomes[0] as WrittenOutcome).output);
    expect(report.files[0].transferSyntaxUID).toBe('1.2.840.10008.1.2.1');
    expect(report.files[1].reason).toContain('not DICOM');
    expect(report.files[1].output).toBeUndefined();
  });

  it('never contains the residual identifier value', () => {
    expect(json).not.toContain('ZEBEDEE');
    expect(csv).not.toContain('ZEBEDEE');
  });

  it('CSV: header, one correctly quoted row per input in order', () => {
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(5);
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    const col = (r: string[], name: (typeof CSV_COLUMNS)[number]): string => r[CSV_COLUMNS.indexOf(name)];
    expect(rows.slice(1).map((r) => col(r, 'input'))).toEqual(outcomes.map((o) => o.input));
    expect(col(rows[1], 'warnings')).toBe('line one\nline two | has, comma');
    expect(col(rows[1], 'residual_warnings')).toBe('1');
    expect(col(rows[1], 'removed')).toBe('7');
    expect(col(rows[1], 'dates_shifted')).toBe('4');
    expect(col(rows[2], 'status')).toBe('skipped');
    expect(col(rows[2], 'output')).toBe('');
    expect(col(rows[3], 'reason')).toBe('truncated at (7FE0,0010), offset 1234');
    expect(col(rows[3], 'warnings')).toBe('recovered "UN"');
    expect(col(rows[4], 'uids_replaced')).toBe('3');
    expect(csvField('a"b')).toBe('"a""b"');
    expect(csvField('plain')).toBe('plain');
    expect(csvField(' lead')).toBe('" lead"');
    // Formula injection: defused with an apostrophe; numbers stay numbers.
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('+1+1')).toBe("'+1+1");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('\r=1')).toBe('"\'\r=1"');
    expect(csvField(-365)).toBe('-365');
    expect(csvField('-365')).toBe('-365');
    expect(csvField('a=b')).toBe('a=b');
  });

  it('redacts identifiers from input paths and messages when asked', () => {
    const r = buildReport(
      [{ status: 'failed', input: 'Smith_John/19500107/img1.dcm', reason: 'bad value in SMITH^JOHN', warnings: ['John?'] }],
      meta,
      { redact: [{ kind: KIND.patientName, value: 'SMITH' }, { kind: KIND.patientName, value: 'JOHN' }, { kind: KIND.birthDate, value: '19500107' }] },
    );
    expect(r.json).not.toMatch(/smith|john|19500107/i);
    expect(r.csv).not.toMatch(/smith|john|19500107/i);
    expect((JSON.parse(r.json) as ReportJson).files[0].input).toBe('***_***/***/img1.dcm');
  });

  it('handles an empty export', () => {
    const r = buildReport([], meta);
    expect((JSON.parse(r.json) as ReportJson).totals.inputs).toBe(0);
    expect(parseCsv(r.csv)).toHaveLength(1);
  });
});

describe('report: boxes painted over burned-in text', () => {
  const painted = (source: 'user' | 'ocr' | 'template', kinds?: string[]) => ({ id: `b${Math.random()}`, source, ...(kinds ? { kinds } : {}), rect: { x: 0, y: 0, width: 4, height: 4 }, frames: 1 });
  const withBoxes = (input: string, boxes: ReturnType<typeof painted>[]): FileOutcome =>
    ({ ...written(input), pixels: { painted: boxes, framesPainted: 1, encoding: 'native', transferSyntaxUID: '1.2.840.10008.1.2.1', overlayBitsCleared: [], overlayPlanesCleared: [] } }) as FileOutcome;
  const outcomes = [
    withBoxes('us/1.dcm', [painted('ocr', ['patient name part', 'date']), painted('ocr', ['free text: phone']), painted('user')]),
    // An imported plan may say anything in `kinds`: a name there must not reach the report.
    withBoxes('us/2.dcm', [painted('ocr', ['JOHN SMITH']), painted('template'), painted('ocr', ['date'])]),
    written('ct/3.dcm'),
  ];
  const { json, csv } = buildReport(outcomes, meta);
  const report = JSON.parse(json) as ReportJson;

  it('counts each file\'s boxes by what found them, and sums them', () => {
    expect(report.files[0].burnedInBoxes).toEqual({ 'patient name part': 1, date: 1, 'free text: phone': 1, 'drawn by a person': 1 });
    expect(report.files[1].burnedInBoxes).toEqual({ 'other (kind not recognised)': 1, 'device template': 1, date: 1 });
    expect(report.files[2].burnedInBoxes).toBeUndefined();
    expect(report.totals.burnedInBoxes).toEqual({ 'patient name part': 1, date: 2, 'free text: phone': 1, 'drawn by a person': 1, 'other (kind not recognised)': 1, 'device template': 1 });
  });

  it('writes only kinds of its own vocabulary, in JSON and CSV', () => {
    expect(json).not.toContain('JOHN');
    expect(csv).not.toContain('JOHN');
    const rows = parseCsv(csv);
    const at = CSV_COLUMNS.indexOf('burned_in_boxes');
    expect(rows[1][at]).toBe('date 1; drawn by a person 1; free text: phone 1; patient name part 1');
    expect(rows[3][at]).toBe('');
  });
});

describe('mapping', () => {
  it('records patients, studies and study/series UIDs, once each', () => {
    const m = new MappingLog();
    m.addPatient('MRN001', 'DOE^JANE', 'VEIL-AAAA0001', 'VEIL-AAAA0001', -400);
    m.addPatient('MRN001', 'DOE^JANE', 'VEIL-AAAA0001', 'VEIL-AAAA0001', -400);
    m.addStudy('1.2.3.4', '2.25.99', 'VEIL-AAAA0001');
    m.addStudy('1.2.3.4', '2.25.99', 'VEIL-AAAA0001');
    m.addUid('1.2.3.4.5', '2.25.100', 'series');
    m.addUid('1.2.3.4.5.6', '2.25.101', 'instance');
    m.addUid('1.2.3.4.5.7', '2.25.102');
    expect(m.counts).toEqual({ patients: 1, studies: 1, uids: 1 });
    expect(MAPPING_CSV).toBe('deid-mapping.csv');
    expect(MAPPING_JSON).toBe('deid-mapping.json');
    const json = JSON.parse(m.toJson({ tool: 'veil' })) as { warning: string; patients: unknown[]; studies: unknown[]; uids: unknown[] };
    expect(json.warning).toMatch(/re-identifies/);
    expect(json.patients).toEqual([{ originalId: 'MRN001', originalName: 'DOE^JANE', pseudoId: 'VEIL-AAAA0001', pseudoName: 'VEIL-AAAA0001', dateShiftDays: -400 }]);
    expect(json.uids).toEqual([{ level: 'series', original: '1.2.3.4.5', replacement: '2.25.100' }]);
    const rows = parseCsv(m.toCsv());
    expect(rows).toHaveLength(4);
    // The issuer column (last, so the older columns keep their places) is empty without an issuer.
    expect(rows[1]).toEqual(['patient', 'MRN001', 'DOE^JANE', 'VEIL-AAAA0001', 'VEIL-AAAA0001', '-400', '', '', '', '']);
    expect(rows[2]).toEqual(['study', 'MRN001', 'DOE^JANE', 'VEIL-AAAA0001', 'VEIL-AAAA0001', '-400', 'study', '1.2.3.4', '2.25.99', '']);
    expect(rows[3]).toEqual(['uid', '', '', '', '', '', 'series', '1.2.3.4.5', '2.25.100', '']);
  });

  it('keeps every UID when asked', () => {
    const m = new MappingLog({ keepAllUids: true });
    m.addUid('1', '2', 'instance');
    m.addUid('3', '4');
    expect(m.counts.uids).toBe(2);
    expect(new MappingLog().isEmpty).toBe(true);
  });
});
