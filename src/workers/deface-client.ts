/**
 * The page's side of the defacing worker. One worker, started when it is needed: a registration
 * holds a whole volume and elastix's wasm, so series are defaced one after another, and the
 * engine workers stay free for loading and export. The worker ends after each defacing (its
 * WebAssembly memory never shrinks) and on cancel (elastix cannot be interrupted); the next
 * request starts a fresh one.
 */
import * as Comlink from 'comlink';
import type { DefaceRequest, DefaceResult, DefaceWorkerApi, HeadCheck } from './deface-protocol.ts';
import type { InputRef } from './protocol.ts';

export type * from './deface-protocol.ts';

export class DefaceClient {
  private worker?: Worker;
  private api?: Comlink.Remote<DefaceWorkerApi>;
  private dead?: Promise<never>;
  /** One task at a time: head checks wait behind a running defacing. */
  private queue: Promise<unknown> = Promise.resolve();

  private start(): { api: Comlink.Remote<DefaceWorkerApi>; dead: Promise<never> } {
    if (!this.worker || !this.api || !this.dead) {
      const worker = new Worker(new URL('./deface.worker.ts', import.meta.url), { type: 'module', name: 'veil-deface' });
      this.worker = worker;
      this.api = Comlink.wrap<DefaceWorkerApi>(worker);
      this.dead = new Promise<never>((_, reject) => {
        worker.addEventListener('error', (e) => reject(new Error(`the defacing worker stopped: ${e.message || 'script error'}`)));
      });
      this.dead.catch(() => undefined);
    }
    return { api: this.api, dead: this.dead };
  }

  private run<T>(task: (api: Comlink.Remote<DefaceWorkerApi>) => Promise<T>): Promise<T> {
    const next = this.queue.catch(() => undefined).then(() => {
      const { api, dead } = this.start();
      return Promise.race([task(api), dead]);
    });
    this.queue = next;
    return next;
  }

  headCheck(inputs: readonly InputRef[]): Promise<HeadCheck> {
    return this.run((api) => api.headCheck([...inputs]));
  }

  deface(inputs: readonly InputRef[], request: DefaceRequest, onProgress: (fraction: number, stage: string) => void): Promise<DefaceResult> {
    return this.run(async (api) => {
      try {
        return await api.deface([...inputs], request, Comlink.proxy(onProgress));
      } finally {
        // elastix's and the face detector's WebAssembly memories only grow: a worker that has
        // defaced holds hundreds of MB it will not give back. Its result has been transferred out,
        // so it is ended here, and the next task starts a fresh one (a second or so of start-up).
        this.retire();
      }
    });
  }

  /** Stops whatever runs (the pending promise rejects) and frees the worker's memory. */
  cancel(): void {
    this.dispose();
    this.queue = Promise.resolve();
  }

  dispose(): void {
    // Rejects the running task's race: the caller hears "stopped", not silence.
    this.worker?.dispatchEvent(new ErrorEvent('error', { message: 'cancelled' }));
    this.retire();
  }

  /** Ends the worker and frees its memory; nothing is running on it. */
  private retire(): void {
    const worker = this.worker;
    if (!worker) return;
    this.api?.[Comlink.releaseProxy]();
    worker.terminate();
    this.worker = undefined;
    this.api = undefined;
    this.dead = undefined;
  }
}
