/**
 * A pool of engine workers sized to the machine. Tasks go to the least busy worker (at most
 * `perWorker` in flight each, so a worker always has the next file ready while it finishes the
 * current one). A worker that dies fails its tasks instead of leaving them hanging.
 */
import * as Comlink from 'comlink';
import type { EngineWorkerApi } from './protocol.ts';
import { addStageSource, mergeStageTimes, stageTimesEnabled, type StageTotals } from './stage-times.ts';

interface Slot {
  worker: Worker;
  api: Comlink.Remote<EngineWorkerApi>;
  busy: number;
  dead: Promise<never>;
}

export function defaultPoolSize(): number {
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 2;
  return Math.max(1, Math.min(cores, 8));
}

export class WorkerPool {
  readonly size: number;
  private readonly slots: Slot[];
  private readonly waiting: (() => void)[] = [];
  private terminated = false;

  constructor(size = defaultPoolSize(), private readonly perWorker = 2) {
    this.size = size;
    this.slots = Array.from({ length: size }, (_, i) => {
      const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: `veil-engine-${i + 1}` });
      const dead = new Promise<never>((_, reject) => {
        worker.addEventListener('error', (e) => reject(new Error(`a worker stopped: ${e.message || 'script error'}`)));
      });
      dead.catch(() => undefined);
      return { worker, api: Comlink.wrap<EngineWorkerApi>(worker), busy: 0, dead };
    });
    if (stageTimesEnabled()) {
      // Messages to a worker are handled in order: timing is on before its first task.
      for (const s of this.slots) void s.api.stageTimes(true);
      this.removeStageSource = addStageSource(async () => {
        const all: StageTotals = {};
        for (const s of this.slots) mergeStageTimes(all, await s.api.stageTimes(true));
        return all;
      });
    }
  }

  private removeStageSource?: () => void;

  private async acquire(): Promise<Slot> {
    for (;;) {
      if (this.terminated) throw new Error('worker pool was shut down');
      const free = this.slots.filter((s) => s.busy < this.perWorker).sort((a, b) => a.busy - b.busy)[0];
      if (free) {
        free.busy++;
        return free;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(slot: Slot): void {
    slot.busy--;
    this.waiting.shift()?.();
  }

  /** Runs one task on the least busy worker. */
  async run<T>(task: (api: Comlink.Remote<EngineWorkerApi>) => Promise<T>): Promise<T> {
    const slot = await this.acquire();
    try {
      return await Promise.race([task(slot.api), slot.dead]);
    } finally {
      this.release(slot);
    }
  }

  /** Runs a task on every worker (configuration, export set-up). */
  each<T>(task: (api: Comlink.Remote<EngineWorkerApi>, index: number) => Promise<T>): Promise<T[]> {
    return Promise.all(this.slots.map((s, i) => Promise.race([task(s.api, i), s.dead])));
  }

  terminate(): void {
    this.terminated = true;
    this.removeStageSource?.();
    for (const s of this.slots) {
      s.api[Comlink.releaseProxy]();
      s.worker.terminate();
    }
    for (const w of this.waiting.splice(0)) w();
  }
}
