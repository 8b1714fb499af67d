/**
 * Loads the name tagger once, on first use: compromise is about 350 kB of script that a run
 * which does not clean free text never needs. Both hosts bundle it (Vite makes it a separate
 * chunk of the worker, served from the app's own origin; the CLI bundle inlines it).
 */
import type { NameTagger } from './kinds.ts';
import { compromiseTagger, type Compromise } from './names.ts';

let loading: Promise<NameTagger> | undefined;

export function loadNameTagger(): Promise<NameTagger> {
  loading ??= import('compromise').then((mod) => compromiseTagger(mod.default as unknown as Compromise));
  return loading;
}
