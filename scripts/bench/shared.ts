/**
 * Pieces every speed bench needs the same way: a median, finding a command, and GDCM's
 * `gdcmanon -e` (the PS3.15 basic profile, file to file) as the native tool to compare with.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * gdcmanon -e on a folder, timed in wall seconds; its key and certificate are made once in
 * `work`. Undefined when gdcmanon or openssl is missing (`apt-get install -y libgdcm-tools openssl`).
 */
export function gdcmanonRunner(work: string): ((dir: string) => number) | undefined {
  const gdcmanon = which('gdcmanon');
  const openssl = which('openssl');
  if (!gdcmanon || !openssl) return undefined;
  const key = path.join(work, 'key.pem');
  const cert = path.join(work, 'cert.pem');
  const made = spawnSync(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=veil-bench'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl could not make a certificate:\n${made.stderr}`);
  return (dir) => {
    const out = path.join(work, `gdcmanon-${Date.now()}`);
    const t0 = performance.now();
    const r = spawnSync(gdcmanon, ['-e', '-r', '--continue', '-i', dir, '-o', out, '-k', key, '-c', cert], { encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`gdcmanon exited with ${r.status}: ${(r.stderr + r.stdout).slice(-1000)}`);
    rmSync(out, { recursive: true, force: true });
    spawnSync('sync', { stdio: 'ignore' });
    return seconds;
  };
}
