/**
 * Peak memory of a browser: every process of Chromium's tree (browser process, zygotes,
 * renderers — their Web Workers are threads of them —, GPU and utility processes), sampled from
 * /proc every ~200 ms. Pss (proportional set size, from smaps_rollup) counts a page shared by
 * several processes once in total, so the sum over the tree is what the browser really holds;
 * the RSS sum (VmRSS) counts shared pages once per process and overstates it. Linux only.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';

export interface MemoryPeak {
  /** Highest sum over the tree of Pss, bytes. */
  pssBytes: number;
  /** Highest sum over the tree of VmRSS, bytes. */
  rssBytes: number;
  /** Most processes seen at once. */
  processes: number;
  samples: number;
  /** At the Pss peak: each process's kind (Chromium's --type, or "browser") and Pss bytes, largest first. */
  atPeak: { kind: string; pssBytes: number }[];
}

function children(): Map<number, number[]> {
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = byParent.get(ppid) ?? [];
      list.push(Number(name));
      byParent.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  return byParent;
}

function tree(root: number): number[] {
  const byParent = children();
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(byParent.get(out[i]) ?? []));
  return out;
}

/** kB field of a /proc status-like file, in bytes (0 when missing). */
function kbField(text: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

/** What Chromium started a process as: its --type (renderer, gpu-process, utility, zygote), else the browser. */
function kindOf(pid: number): string {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser';
  } catch {
    return '?';
  }
}

function sample(root: number): { pss: number; rss: number; processes: number; each: { pid: number; pss: number }[] } {
  let pss = 0;
  let rss = 0;
  const pids = tree(root);
  const each: { pid: number; pss: number }[] = [];
  for (const pid of pids) {
    try {
      rss += kbField(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
      const own = kbField(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
      pss += own;
      each.push({ pid, pss: own });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return { pss, rss, processes: pids.length, each };
}

/** The Chromium that Playwright started from this Node process (it talks to it over a pipe). */
export function findBrowserPid(): number | undefined {
  const byParent = children();
  const queue = [...(byParent.get(process.pid) ?? [])];
  for (const pid of queue) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('--remote-debugging-pipe')) return pid;
    } catch {
      // ended
    }
    queue.push(...(byParent.get(pid) ?? []));
  }
  return undefined;
}

/** Samples the tree under `root` every `everyMs` until stop() is called; stop() returns the peaks. */
export function watchMemory(root: number, everyMs = 200): { stop(): MemoryPeak } {
  const peak: MemoryPeak = { pssBytes: 0, rssBytes: 0, processes: 0, samples: 0, atPeak: [] };
  const take = () => {
    if (!existsSync(`/proc/${root}`)) return;
    const s = sample(root);
    if (s.pss > peak.pssBytes) {
      peak.atPeak = s.each.filter((p) => p.pss > 0).sort((a, b) => b.pss - a.pss).map((p) => ({ kind: kindOf(p.pid), pssBytes: p.pss }));
    }
    peak.pssBytes = Math.max(peak.pssBytes, s.pss);
    peak.rssBytes = Math.max(peak.rssBytes, s.rss);
    peak.processes = Math.max(peak.processes, s.processes);
    peak.samples++;
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}
