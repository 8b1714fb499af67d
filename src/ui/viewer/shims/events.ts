/**
 * A small stand-in for Node's `events` module in the browser build. vtk.js (through
 * cornerstone's mesh reader) pulls in xmlbuilder2, whose streaming builder class extends
 * EventEmitter; Vite would otherwise replace `events` with an empty module and the class
 * definition would fail at load time. The viewer never builds XML; this only has to be a
 * correct, minimal emitter. Aliased in vite.config.ts.
 */
type Listener = (...args: unknown[]) => void;

export class EventEmitter {
  private readonly handlers = new Map<string | symbol, Listener[]>();

  on(event: string | symbol, listener: Listener): this {
    const list = this.handlers.get(event);
    if (list) list.push(listener);
    else this.handlers.set(event, [listener]);
    return this;
  }

  addListener(event: string | symbol, listener: Listener): this {
    return this.on(event, listener);
  }

  once(event: string | symbol, listener: Listener): this {
    const wrapped: Listener = (...args) => {
      this.off(event, wrapped);
      listener(...args);
    };
    return this.on(event, wrapped);
  }

  off(event: string | symbol, listener: Listener): this {
    const list = this.handlers.get(event);
    if (!list) return this;
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.handlers.delete(event);
    return this;
  }

  removeListener(event: string | symbol, listener: Listener): this {
    return this.off(event, listener);
  }

  removeAllListeners(event?: string | symbol): this {
    if (event === undefined) this.handlers.clear();
    else this.handlers.delete(event);
    return this;
  }

  emit(event: string | symbol, ...args: unknown[]): boolean {
    const list = this.handlers.get(event);
    if (!list || list.length === 0) {
      if (event === 'error') throw args[0] instanceof Error ? args[0] : new Error(String(args[0]));
      return false;
    }
    for (const l of [...list]) l.apply(this, args);
    return true;
  }

  listenerCount(event: string | symbol): number {
    return this.handlers.get(event)?.length ?? 0;
  }
}

export default EventEmitter;
