/**
 * The CLI's input zips, read through the shared reader (src/workers/zip-input.ts): every entry is
 * an input the report accounts for — two entries with one name are two inputs, an encrypted entry
 * is reported as such, a zip inside the zip is opened — and a zip bomb is refused with its reason
 * while the process's memory stays far below what the bomb would expand to.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js/lib/zip-core-custom.js';
import '../../src/workers/zip-input.ts'; // configures zip.js (no workers) for the writer below too
import { runVeil } from '../fail-closed/harness.ts';
import { makePhiStudy } from '../synthetic/phi-study.ts';
import { craftZip, deflatedZeros, entry } from '../helpers/zip-craft.ts';
import type { ReportJson } from '../../src/core/export/report.ts';

const dir = mkdtempSync(join(tmpdir(), 'veil-cli-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = (report: ReportJson) => report.files.map((f) => ({ status: f.status, reason: 'reason' in f ? f.reason : undefined }));

describe('CLI input zips', () => {
  const ct = makePhiStudy().files.filter((f) => f.role === 'ct');

  it('two entries with the same name are two inputs; an encrypted entry is reported as encrypted; a nested zip is opened', async () => {
    const w = new ZipWriter(new Uint8ArrayWriter());
    await w.add('study/slice.dcm', new Uint8ArrayReader(ct[2].bytes), { level: 0 });
    await w.add('locked.dcm', new Uint8ArrayReader(ct[3].bytes), { password: 'pw' });
    const inner = await w.close();
    // The same entry name twice (a PACS export appended to an existing zip), then the nested zip.
    const outer = craftZip([entry('study/slice.dcm', ct[0].bytes), entry('study/slice.dcm', ct[1].bytes, 0), entry('inner.zip', inner, 0)]);
    const run = await runVeil([{ name: 'case.zip', bytes: outer }]);
    expect(run.exitCode).toBe(0);
    const r = rows(run.report);
    expect(r).toHaveLength(4);
    expect(r.filter((x) => x.status === 'written')).toHaveLength(3);
    expect(r.filter((x) => x.status === 'failed')).toEqual([{ status: 'failed', reason: expect.stringMatching(/encrypted zip entry/) }]);
    // Three distinct outputs, one per DICOM input: the second entry named like the first is not lost.
    const written = run.report.files.filter((f) => f.status === 'written').map((f) => ('output' in f ? f.output : ''));
    expect(new Set(written).size).toBe(3);
    for (const out of written) expect(run.outputs.has(out!)).toBe(true);
  });

  it('a zip that is not a zip is reported with the reason, the other inputs still written', async () => {
    const run = await runVeil([{ name: 'broken.zip', bytes: new TextEncoder().encode('not a zip at all, just text') }, { name: 'one.dcm', bytes: ct[0].bytes }]);
    expect(rows(run.report)).toEqual([
      { status: 'failed', reason: expect.stringMatching(/not a readable zip/) },
      { status: 'written', reason: undefined },
    ]);
  });

  it('refuses a 1 GiB zip bomb, honest or lying about its size, with bounded memory', async () => {
    const zeros = await deflatedZeros(1024); // 1 GiB of zeros in about 1 MiB
    const honest = { name: 'bomb.dcm', data: zeros.data, method: 8 as const, crc: zeros.crc, size: zeros.size };
    const liar = { ...honest, name: 'liar.dcm', size: 4 << 20 }; // says 4 MiB, would give 1 GiB
    // Records that point at one compressed kernel (the "overlapping" construction).
    const kernel = { ...honest, name: 'kernel.dcm', size: 4 << 20 };
    const alias = { ...kernel, name: 'alias.dcm', sameDataAs: 2 };
    const bombPath = join(dir, 'bomb.zip');
    writeFileSync(bombPath, craftZip([honest, liar, kernel, alias, entry('ok.dcm', ct[0].bytes)]));
    const out = join(dir, 'bomb-out');
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'bomb-child.ts'), out, bombPath], {
      encoding: 'utf8',
      cwd: join(import.meta.dirname, '..', '..'),
      timeout: 120_000,
    });
    const last = child.stdout.trim().split('\n').pop() ?? '';
    expect(last, child.stderr).toMatch(/^\{"exitCode"/);
    const { exitCode, maxRssKiB } = JSON.parse(last) as { exitCode: number; maxRssKiB: number };
    expect(exitCode).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'deid-report.json'), 'utf8')) as ReportJson;
    const reasons = report.files.map((f) => ('reason' in f ? f.reason : f.status)).sort();
    expect(reasons).toEqual([
      expect.stringMatching(/^could not be read: zip bomb refused: the entry inflates to more than the 4194304 bytes its header declares$/),
      expect.stringMatching(/^could not be read: zip bomb refused: the entry would expand 10\d\d times \(0.99 MiB to 1024 MiB\)/),
      expect.stringMatching(/^could not be read: zip bomb refused: .*shares its compressed bytes/),
      expect.stringMatching(/^could not be read: zip bomb refused: .*shares its compressed bytes/),
      'written',
    ]);
    // Reading the whole bomb would need over 1 GiB; the process stayed a fraction of that.
    console.log(`zip bomb: peak RSS of the CLI process ${Math.round(maxRssKiB / 1024)} MiB`);
    expect(maxRssKiB).toBeLessThan(400 * 1024);
  }, 180_000);
});
