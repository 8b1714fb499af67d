import { createContext, useContext, useSyncExternalStore } from 'react';
import type { VeilStore } from './store.ts';
import type { AppState } from './types.ts';

export const StoreContext = createContext<VeilStore | null>(null);

export function useVeilStore(): VeilStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('StoreContext missing');
  return store;
}

/** Subscribes to a slice of the state; re-renders when the selected value changes (by identity). */
export function useAppState<T>(select: (s: AppState) => T): T {
  const store = useVeilStore();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
