/**
 * The registration back end in Node (CLI, tests, benchmarks): @itk-wasm/elastix's Node build,
 * which runs the elastix WebAssembly from node_modules (WASI), nothing fetched.
 */
import { defaultParameterMapNode, elastixNode } from '@itk-wasm/elastix';
import type { Image } from 'itk-wasm';
import { elastixRegistrar, type ElastixCalls } from '../core/deface/elastix-maps.ts';
import { toItkImage } from '../core/deface/itk-image.ts';
import type { Registrar } from '../core/deface/types.ts';

const calls: ElastixCalls = {
  async defaultParameterMap(stage, resolutions) {
    return (await defaultParameterMapNode(stage, { numberOfResolutions: resolutions })).parameterMap as Record<string, string[]>;
  },
  async elastix(parameterObject, fixed, moving) {
    const result = await elastixNode(parameterObject, { fixed: toItkImage(fixed) as Image, moving: toItkImage(moving) as Image });
    return result.transformParameterObject as Record<string, string[]>[];
  },
};

/** elastix in Node: rigid (2 resolutions) then affine (3), or one stage at a time for the search. */
export function nodeRegistrar(): Registrar {
  return elastixRegistrar(calls);
}
