/**
 * "Preview output": the de-identified output of the instance on screen, made in a worker by the
 * same engine call the export makes (store.previewOutput) and registered for cornerstone to
 * decode, so that the viewer shows what the zip will hold. Made again when the plan changes;
 * released (after a grace period, while cornerstone may still draw it) when replaced or when
 * the preview is turned off.
 */
import { useEffect, useState } from 'react';
import type { VeilStore } from '../state/store.ts';
import type { RedactionPlan } from '../state/plan-edit.ts';
import type { FileEntry } from '../state/types.ts';
import type { PixelRedaction } from '../../workers/protocol.ts';
import { addOutput, releaseOutput } from './registry.ts';

export interface PreviewOutput {
  fileId: number;
  plan: RedactionPlan;
  status: 'loading' | 'ready' | 'failed';
  /** The registered output's image id base (status 'ready'). */
  base?: string;
  frames: number;
  /** Why it was not written (status 'failed'). */
  reason?: string;
  pixels?: PixelRedaction;
}

/** Time a replaced output stays registered: cornerstone may still be drawing it. */
const RELEASE_AFTER_MS = 2000;
/** Quiet time before an output is made: steps through a stack do not each start one. */
const DEBOUNCE_MS = 150;

export function useOutputPreview(
  store: Pick<VeilStore, 'previewOutput'>,
  preview: boolean,
  currentFileId: number | undefined,
  plan: RedactionPlan,
  byId: ReadonlyMap<number, FileEntry>,
): PreviewOutput | undefined {
  const [output, setOutput] = useState<PreviewOutput>();

  useEffect(() => {
    if (!preview || currentFileId === undefined) return;
    if (output && output.fileId === currentFileId && output.plan === plan && output.status !== 'failed') return;
    let live = true;
    const frames = byId.get(currentFileId)?.summary?.frames ?? 1;
    setOutput((o) => (o && o.fileId === currentFileId ? { ...o, status: o.status === 'ready' ? 'ready' : 'loading', plan } : { fileId: currentFileId, plan, status: 'loading', frames }));
    const timer = setTimeout(() => {
      store
        .previewOutput(currentFileId)
        .then((r) => {
          if (!live) return;
          if (r.status === 'written' && r.output) {
            const base = addOutput(r.output);
            setOutput((old) => {
              if (old?.base && old.base !== base) setTimeout(() => releaseOutput(old.base!, old.frames), RELEASE_AFTER_MS);
              return { fileId: currentFileId, plan, status: 'ready', base, frames, pixels: r.pixels };
            });
          } else {
            setOutput({ fileId: currentFileId, plan, status: 'failed', frames, reason: r.reason ?? 'not written' });
          }
        })
        .catch((e: unknown) => live && setOutput({ fileId: currentFileId, plan, status: 'failed', frames, reason: (e as Error).message }));
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // output is compared, not followed: a new output must not start another preview.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [preview, currentFileId, plan, byId, store]);

  useEffect(() => {
    if (preview) return;
    setOutput((old) => {
      if (old?.base) setTimeout(() => releaseOutput(old.base!, old.frames), RELEASE_AFTER_MS);
      return undefined;
    });
  }, [preview]);

  return output;
}
