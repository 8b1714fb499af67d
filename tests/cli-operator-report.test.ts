/**
 * The CLI's two reports (issue 9): the operator's report goes beside the output — by default
 * `<out>-operator-report.csv/.json`, or where --operator-report says, never inside the output —
 * and both reports are written when the output refuses some files.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDeidentify } from '../src/cli/deidentify-command.ts';
import type { ReportJson } from '../src/core/export/report.ts';
import { quietly } from './helpers/cli-output.ts';
import { encodePart10, type Element } from './synthetic/encoder.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function image(n: number): Uint8Array {
  const sop = `1.2.826.0.1.3680043.99996.4.${n}`;
  const ds: Element[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
    { tag: 0x00080018, vr: 'UI', value: sop },
    { tag: 0x00080060, vr: 'CS', value: 'OT' },
    { tag: 0x00100010, vr: 'PN', value: 'Ostrander^Bea' },
    { tag: 0x00100020, vr: 'LO', value: 'PID-77' },
    { tag: 0x0020000d, vr: 'UI', value: '1.2.826.0.1.3680043.99996.1' },
    { tag: 0x0020000e, vr: 'UI', value: '1.2.826.0.1.3680043.99996.2' },
    { tag: 0x00200013, vr: 'IS', value: String(n) },
  ];
  return encodePart10({ sopClassUID: '1.2.840.10008.5.1.4.1.1.7', sopInstanceUID: sop, transferSyntax: 'explicit-le', dataset: ds });
}

function inputs(): { dir: string; inDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'veil-operator-'));
  dirs.push(dir);
  const inDir = join(dir, 'Ostrander PID-77');
  mkdirSync(inDir);
  for (const n of [1, 2, 3]) writeFileSync(join(inDir, `img${n}.dcm`), image(n));
  return { dir, inDir };
}

describe('veil deidentify: the operator report', () => {
  it('is written beside the output by default, with every input path; the output has references only', async () => {
    const { dir, inDir } = inputs();
    const out = join(dir, 'out.zip');
    expect(await quietly(() => runDeidentify({ inputs: [inDir], out, passphrase: 'p', quiet: true }))).toBe(0);
    const operator = JSON.parse(readFileSync(join(dir, 'out-operator-report.json'), 'utf8')) as ReportJson;
    expect(operator.files.map((f) => f.path)).toEqual(['Ostrander PID-77/img1.dcm', 'Ostrander PID-77/img2.dcm', 'Ostrander PID-77/img3.dcm']);
    expect(readFileSync(join(dir, 'out-operator-report.csv'), 'utf8')).toContain('Ostrander PID-77/img2.dcm');
    expect(readFileSync(out).includes('Ostrander')).toBe(false);
  });

  it('goes where --operator-report says, and never into the output folder', async () => {
    const { dir, inDir } = inputs();
    const out = join(dir, 'out');
    await quietly(() => runDeidentify({ inputs: [inDir], out, passphrase: 'p', quiet: true, operatorReportPath: join(dir, 'keep', 'who.csv') }));
    expect(existsSync(join(dir, 'keep', 'who.csv')) && existsSync(join(dir, 'keep', 'who.json'))).toBe(true);
    await expect(runDeidentify({ inputs: [inDir], out: join(dir, 'out2'), quiet: true, operatorReportPath: join(dir, 'out2', 'who.csv') }))
      .rejects.toMatchObject({ usage: true, message: expect.stringMatching(/--operator-report .* must not be inside the output folder/) });
    await expect(runDeidentify({ inputs: [inDir], out: join(dir, 'out3'), quiet: true, mappingPath: join(dir, 'out3', 'sub', 'map.csv') }))
      .rejects.toMatchObject({ usage: true });
    expect(existsSync(join(dir, 'out2')) || existsSync(join(dir, 'out3'))).toBe(false);
  });

  it('and the report inside the output are written when the output refuses a file', async () => {
    const { dir, inDir } = inputs();
    // Find where the second image goes, then block that path with a folder in a fresh output.
    const first = join(dir, 'first');
    await quietly(() => runDeidentify({ inputs: [inDir], out: first, passphrase: 'p', quiet: true }));
    const target = (JSON.parse(readFileSync(join(first, 'deid-report.json'), 'utf8')) as ReportJson).files[1].output!;
    const out = join(dir, 'second');
    mkdirSync(join(out, target), { recursive: true });
    const code = await quietly(() => runDeidentify({ inputs: [inDir], out, passphrase: 'p', quiet: true, mode: 'pseudonymize', overwrite: true }));
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'deid-report.json'), 'utf8')) as ReportJson;
    expect(report.files.map((f) => f.status)).toEqual(['written', 'failed', 'written']);
    expect(report.files[1].reason).toMatch(/^could not be written to the output: /);
    expect(report.files[1].reason).not.toContain('Ostrander');
    expect(existsSync(join(dir, 'second-operator-report.csv')) && existsSync(join(dir, 'second-deid-mapping.csv'))).toBe(true);
  });
});
