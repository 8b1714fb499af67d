/**
 * The export run both hosts drive: input order whatever order results come in, neutral
 * references in the report inside the output, the operator's report with the paths, the
 * after-redaction check, twins, and reports that are written even when the output refuses files.
 */
import { describe, expect, it } from 'vitest';
import { zeroCounts, type ReportedOutcome } from '../outcome.ts';
import { MemorySink } from './archive.ts';
import { KeyedHash } from '../header/keys.ts';
import { inputRef, neutralMessage } from './refs.ts';
import type { ReportJson } from './report.ts';
import { ExportRun, compareInputPaths, type ExportSink } from './run.ts';

const KEY = new Uint8Array(32).fill(7);
const META = { tool: 'veil', version: 'test', profileSummary: 'Basic', optionsApplied: [], mode: 'anonymize' as const, startedAt: 'then' };
const bytes = (s: string) => new TextEncoder().encode(s);

function written(n: number, sop = `2.25.${n}`): ReportedOutcome {
  return {
    status: 'written', input: 'ignored', output: `VEIL-A/study-1/series-1-OT-2/${String(n).padStart(5, '0')}-x.dcm`, size: 4,
    transferSyntaxUID: '1.2.840.10008.1.2.1', sopClassUID: '1.2.840.10008.5.1.4.1.1.7', modality: 'OT',
    patientId: 'VEIL-A', studyInstanceUID: '2.25.1', seriesInstanceUID: '2.25.2', sopInstanceUID: sop,
    warnings: [], residual: [], actions: zeroCounts(),
  };
}

const PATHS = ['DOE^JOHN 12345/img1.dcm', 'DOE^JOHN 12345/img2.dcm', 'DOE^JOHN 12345/notes.txt', 'DOE^JOHN 12345/img1 copy.dcm'];

describe('ExportRun', () => {
  it('places results in input order, names inputs by reference and keeps the paths for the operator only', async () => {
    const sink = new MemorySink();
    const order: string[] = [];
    const run = new ExportRun<Uint8Array>({ paths: PATHS, key: KEY, sink: { add: (p, d) => (order.push(p), sink.add(p, d)), close: () => sink.close() }, meta: META });
    // Results arrive out of order, as from a pool of workers.
    void run.deliver(3, { outcome: written(1), pieces: [bytes('dup1')] });
    void run.deliver(1, { outcome: written(2), pieces: [bytes('two2')] });
    expect(run.placed).toBe(0);
    void run.deliver(2, { outcome: { status: 'skipped', input: PATHS[2], reason: `not DICOM: ${PATHS[2]} has no preamble (from 1.2.826.0.1.3680043.2.1125.99)`, warnings: [] } });
    await run.deliver(0, { outcome: written(1), pieces: [bytes('one1')] });
    const result = await run.finish();

    const refs = result.outcomes.map((o) => o.input);
    refs.forEach((r, i) => expect(r).toMatch(new RegExp(`^#000${i + 1}-[0-9a-f]{8}$`)));
    // Keyed: the same path and key give the same reference; another key another one.
    expect(refs[0]).toBe(inputRef(new KeyedHash(KEY), 0, PATHS[0]));
    expect(inputRef(new KeyedHash(new Uint8Array(32)), 0, PATHS[0])).not.toBe(refs[0]);
    expect(order.slice(0, 3)).toEqual([
      'VEIL-A/study-1/series-1-OT-2/00001-x.dcm', 'VEIL-A/study-1/series-1-OT-2/00002-x.dcm', 'VEIL-A/study-1/series-1-OT-2/00001-x-2.dcm',
    ]);
    expect(order.slice(3)).toEqual(['deid-report.json', 'deid-report.csv']);
    // The twin speaks of the other file by reference; the skip reason lost the path and the UID.
    expect(result.outcomes[3].warnings).toEqual([`same SOP Instance UID as ${refs[0]}; written beside it with a suffix`]);
    expect((result.outcomes[2] as { reason: string }).reason).toBe(`not DICOM: ${refs[2]} has no preamble (from <UID>)`);

    const inside = new TextDecoder().decode(sink.files.get('deid-report.json')!) + new TextDecoder().decode(sink.files.get('deid-report.csv')!);
    for (const leak of ['DOE', 'JOHN', '12345', 'img1', 'notes', '1.2.826.0.1.3680043']) expect(inside).not.toContain(leak);
    const operator = JSON.parse(result.operatorReport.json) as ReportJson;
    expect(operator.files.map((f) => f.path)).toEqual(PATHS);
    expect(operator.files.map((f) => f.input)).toEqual(refs);
    expect(result.operatorReport.csv.split('\r\n')[1]).toMatch(new RegExp(`^${refs[0]},DOE\\^JOHN 12345/img1.dcm,written,`));
  });

  it('writes the report, and fails only the files the output refused, when the sink fails mid-run', async () => {
    const sink = new MemorySink();
    let adds = 0;
    const flaky: ExportSink<Uint8Array> = {
      add: async (p, d) => {
        if (++adds === 2) throw new Error('No space left on device');
        await sink.add(p, d);
      },
      close: () => sink.close(),
    };
    const run = new ExportRun<Uint8Array>({ paths: PATHS.slice(0, 2), key: KEY, sink: flaky, meta: META });
    await run.deliver(0, { outcome: written(1), pieces: [bytes('a')] });
    await run.deliver(1, { outcome: written(2), pieces: [bytes('b')] });
    const result = await run.finish();
    expect(result.outcomes.map((o) => o.status)).toEqual(['written', 'failed']);
    expect((result.outcomes[1] as { reason: string }).reason).toBe('could not be written to the output: No space left on device');
    const report = JSON.parse(new TextDecoder().decode(sink.files.get('deid-report.json')!)) as ReportJson;
    expect(report.totals).toMatchObject({ inputs: 2, written: 1, failed: 1 });
    expect(result.sinkError).toBeUndefined();
  });

  it('returns both reports when the output refuses everything, and accounts for inputs never delivered', async () => {
    const dead: ExportSink<Uint8Array> = { add: async () => { throw new Error('disk gone'); }, close: async () => { throw new Error('disk gone'); } };
    const run = new ExportRun<Uint8Array>({ paths: PATHS, key: KEY, sink: dead, meta: META });
    await run.deliver(0, { outcome: written(1), pieces: [bytes('a')] });
    const result = await run.finish([], `worker for ${PATHS[1]} crashed`);
    expect(result.sinkError).toMatch(/report could not be written into the output: disk gone/);
    expect(result.outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect((result.outcomes[1] as { reason: string }).reason).toBe(`not processed: the run stopped: worker for ${result.outcomes[1].input} crashed`);
    expect((JSON.parse(result.operatorReport.json) as ReportJson).files.map((f) => f.path)).toEqual(PATHS);
  });

  it('blocks a file the after-redaction check refuses and keeps its warning otherwise', async () => {
    const sink = new MemorySink();
    const seen: string[] = [];
    const run = new ExportRun<Uint8Array>({
      paths: PATHS.slice(0, 2), key: KEY, sink, meta: META,
      check: async (path) => {
        seen.push(path);
        return path.endsWith('img1.dcm')
          ? `BLOCKING: burned-in text matching the patient's identifiers is still readable after redaction: frame 0 at 3,4 (patient name) in ${path}`
          : 'OCR: 1 line of other text kept';
      },
    });
    await run.deliver(0, { outcome: written(1), pieces: [bytes('a')] });
    await run.deliver(1, { outcome: written(2), pieces: [bytes('b')] });
    const result = await run.finish();
    expect(seen).toEqual(PATHS.slice(0, 2));
    expect(result.outcomes[0]).toMatchObject({ status: 'failed' });
    expect((result.outcomes[0] as { reason: string }).reason).toMatch(/^not written: BLOCKING: .* still readable .* in #0001-[0-9a-f]{8}$/);
    expect(result.outcomes[1].warnings).toEqual(['OCR: 1 line of other text kept']);
    expect([...sink.files.keys()].filter((k) => k.endsWith('.dcm'))).toEqual(['VEIL-A/study-1/series-1-OT-2/00002-x.dcm']);
  });

  it('defuses formulas in every CSV it writes: an input path crafted as a formula', async () => {
    const paths = ['=HYPERLINK("http://evil","x").dcm', '+cmd|calc.dcm', '@SUM(A1).dcm', '-2+3.dcm'];
    const run = new ExportRun<Uint8Array>({ paths, key: KEY, sink: new MemorySink(), meta: META });
    paths.forEach((p, i) => void run.deliver(i, { outcome: { status: 'skipped', input: p, reason: 'not DICOM', warnings: [] } }));
    const { operatorReport, report } = await run.finish();
    for (const csv of [operatorReport.csv, report.csv]) {
      for (const line of csv.split('\r\n').filter(Boolean)) {
        for (const cell of line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"/, ''))) {
          expect(cell, line).not.toMatch(/^[=+\-@\t\r]/);
        }
      }
    }
    expect(operatorReport.csv).toContain(`"'=HYPERLINK(""http://evil"",""x"").dcm"`);
  });

  it('keeps UIDs of the standard and words that merely contain a short path readable', () => {
    expect(neutralMessage('transfer syntax 1.2.840.10008.1.2.4.50 decoded', 'a/b.dcm', '#0001-00000000')).toBe('transfer syntax 1.2.840.10008.1.2.4.50 decoded');
    expect(neutralMessage('box ocr-1.2.3.4.5-1 outside', 'x', '#1')).toBe('box ocr-<UID>-1 outside');
    // Only the whole path goes: a file named DICOMDIR or a folder named "odd" keeps its words.
    expect(neutralMessage('DICOMDIR (media directory): not copied', 'case/DICOMDIR', '#1')).toBe('DICOMDIR (media directory): not copied');
    expect(neutralMessage("ENOENT: no such file, open '/srv/case/odd/a.dcm' (odd length)", 'case/odd/a.dcm', '#2')).toBe("ENOENT: no such file, open '/srv/#2' (odd length)");
  });

  it('orders inputs as the CLI walks a folder', () => {
    expect(['b/a.dcm', 'a-b/c.dcm', 'a/z.dcm', 'a/b/c.dcm'].sort(compareInputPaths)).toEqual(['a/b/c.dcm', 'a/z.dcm', 'a-b/c.dcm', 'b/a.dcm']);
  });
});

describe('ExportRun, defacing', () => {
  it('lists each series in both reports, and its reasons and file records name no path and no original UID', async () => {
    const sink = new MemorySink();
    const run = new ExportRun<Uint8Array>({ paths: PATHS, key: KEY, sink, meta: META });
    const why = `not one regular 3-D head volume: ${PATHS[1]} lies off the stack (series 1.2.826.0.1.3680043.2.1125.7)`;
    run.addDefaceSeries({ inputs: [0, 1], status: 'declined', mode: 'remove', reason: why, modality: 'CT' });
    run.addDefaceSeries({ inputs: [3], status: 'skipped', reason: 'skipped defacing: not a head CT/MR series (modality OT)' });
    await run.deliver(0, { outcome: { status: 'failed', input: PATHS[0], reason: `not written: defacing declined: ${why}`, warnings: [], deface: { status: 'declined', mode: 'remove', reason: why } } });
    await run.deliver(1, { outcome: { status: 'failed', input: PATHS[1], reason: `not written: defacing declined: ${why}`, warnings: [], deface: { status: 'declined', mode: 'remove', reason: why } } });
    await run.deliver(2, { outcome: { status: 'skipped', input: PATHS[2], reason: 'not DICOM', warnings: [] } });
    await run.deliver(3, { outcome: { ...written(3), deface: { status: 'skipped', reason: 'skipped defacing: not a head CT/MR series (modality OT)' } }, pieces: [bytes('x')] });
    const result = await run.finish();

    const report = JSON.parse(new TextDecoder().decode(sink.files.get('deid-report.json')!)) as ReportJson;
    const refs = result.outcomes.map((o) => o.input);
    expect(report.defacing).toEqual([
      { status: 'declined', mode: 'remove', modality: 'CT', reason: `not one regular 3-D head volume: ${refs[1]} lies off the stack (series <UID>)`, inputs: [refs[0], refs[1]] },
      { status: 'skipped', reason: 'skipped defacing: not a head CT/MR series (modality OT)', inputs: [refs[3]] },
    ]);
    expect(report.files[1].deface?.reason).toBe(`not one regular 3-D head volume: ${refs[1]} lies off the stack (series <UID>)`);
    expect(report.files[3].deface).toEqual({ status: 'skipped', reason: 'skipped defacing: not a head CT/MR series (modality OT)' });
    const inside = new TextDecoder().decode(sink.files.get('deid-report.json')!) + new TextDecoder().decode(sink.files.get('deid-report.csv')!);
    for (const leak of ['DOE', 'img2', '1.2.826.0.1.3680043']) expect(inside).not.toContain(leak);
    const operator = JSON.parse(result.operatorReport.json) as ReportJson;
    expect(operator.defacing?.[0].paths).toEqual([PATHS[0], PATHS[1]]);
  });
});
