/**
 * The registration back end in a browser worker: @itk-wasm/elastix's browser build, with its
 * pipelines loaded from the app's own origin (dist/elastix/, copied by
 * scripts/vite-plugin-elastix-assets.ts) rather than itk-wasm's default CDN. The pipelines run in
 * the calling thread (`webWorker: false`): this adapter is meant to be used inside Veil's own
 * engine worker, so no second worker script (itk-wasm's pipeline worker) has to be served.
 */
import { defaultParameterMap, elastix, setPipelinesBaseUrl } from '@itk-wasm/elastix';
import type { Image } from 'itk-wasm';
import { elastixRegistrar, type ElastixCalls } from '../core/deface/elastix-maps.ts';
import { toItkImage } from '../core/deface/itk-image.ts';
import type { Registrar } from '../core/deface/types.ts';

/** `base`: the app's base URL (e.g. new URL('./', self.location.href) in the worker). */
export function browserRegistrar(base: string | URL): Registrar {
  setPipelinesBaseUrl(new URL('elastix', base).href);
  const calls: ElastixCalls = {
    async defaultParameterMap(stage, resolutions) {
      return (await defaultParameterMap(stage, { numberOfResolutions: resolutions, webWorker: false })).parameterMap as Record<string, string[]>;
    },
    async elastix(parameterObject, fixed, moving) {
      const result = await elastix(parameterObject, { fixed: toItkImage(fixed) as Image, moving: toItkImage(moving) as Image, webWorker: false });
      return result.transformParameterObject as Record<string, string[]>[];
    },
  };
  return elastixRegistrar(calls);
}
