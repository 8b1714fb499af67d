/**
 * Pieces every speed bench needs the same way: a median, finding a command, GDCM's
 * `gdcmanon -e` (the PS3.15 basic profile, file to file) as the native tool to compare with, and
 * a headless Chromium.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** GDCM's `gdcmanon -e` ready to run: its key and certificate made, and its arguments for a folder. */
export interface Gdcmanon {
  command: string;
  /** `-e -r --continue -i <inDir> -o <outDir> -k key -c cert` */
  args(inDir: string, outDir: string): string[];
}

/**
 * gdcmanon and a key and self-signed certificate for its PS3.15 (encrypting) mode, made once in
 * `work`. Undefined when gdcmanon or openssl is missing (`apt-get install -y libgdcm-tools openssl`).
 */
export function gdcmanonSetup(work: string): Gdcmanon | undefined {
  const command = which('gdcmanon');
  const openssl = which('openssl');
  if (!command || !openssl) return undefined;
  const key = path.join(work, 'key.pem');
  const cert = path.join(work, 'cert.pem');
  const made = spawnSync(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=veil-bench'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl could not make a certificate:\n${made.stderr}`);
  return { command, args: (inDir, outDir) => ['-e', '-r', '--continue', '-i', inDir, '-o', outDir, '-k', key, '-c', cert] };
}

/** gdcmanon -e on a folder, timed in wall seconds (gdcmanonSetup); its output is deleted. */
export function gdcmanonRunner(work: string): ((dir: string) => number) | undefined {
  const gdcmanon = gdcmanonSetup(work);
  if (!gdcmanon) return undefined;
  return (dir) => {
    const out = path.join(work, `gdcmanon-${Date.now()}`);
    const t0 = performance.now();
    const r = spawnSync(gdcmanon.command, gdcmanon.args(dir, out), { encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`gdcmanon exited with ${r.status}: ${(r.stderr + r.stdout).slice(-1000)}`);
    rmSync(out, { recursive: true, force: true });
    spawnSync('sync', { stdio: 'ignore' });
    return seconds;
  };
}

/** The flags every headless Chromium of the benches runs with (as the e2e tests' config). */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** Headless Chromium: Debian's at /usr/bin/chromium when there is one, else Playwright's own. */
export function launchChromium(): Promise<Browser> {
  const executablePath = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
