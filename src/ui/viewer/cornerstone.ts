/**
 * Cornerstone3D, set up once per page: the core (rendering engine), the tools, and the DICOM
 * image loader with its decode workers and wasm codecs. Everything is bundled by Vite from
 * node_modules and served from the app's own origin (the loader's worker and each codec's
 * .wasm become same-origin assets under dist/); nothing is fetched from anywhere else.
 *
 * This module is only imported by the viewer, which the app loads on demand, so the study
 * browser does not pay for the viewer's code until someone opens it.
 */
import * as core from '@cornerstonejs/core';
import * as tools from '@cornerstonejs/tools';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';

export { core, tools, dicomImageLoader };

export const RENDERING_ENGINE_ID = 'veil-engine';
export const TOOL_GROUP_ID = 'veil-tools';

/** Decoded images kept in memory for quick scrolling (bytes). */
const CACHE_BYTES = 512 * 1024 * 1024;

let ready: Promise<void> | undefined;

/** Initialises cornerstone once; later calls wait for the first. */
export function initCornerstone(): Promise<void> {
  ready ??= (async () => {
    core.init();
    core.cache.setMaxCacheSize(CACHE_BYTES);
    tools.init();
    // One or two decode workers: the engine workers already use the other cores.
    const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 2;
    dicomImageLoader.init({
      maxWebWorkers: Math.max(1, Math.min(2, Math.floor(cores / 2))),
      // The dicom-parser metadata path: it reads the odd files a de-identifier meets (private
      // blobs of unknown VR, retired syntaxes, missing meta elements) where the newer
      // naturalized-metadata path gives up on the pixel data.
      useLegacyMetadataProvider: true,
    });
    for (const Tool of [tools.WindowLevelTool, tools.PanTool, tools.ZoomTool, tools.StackScrollTool]) {
      // addTool throws when a tool is added twice (hot reload in development).
      try {
        tools.addTool(Tool);
      } catch {
        // already registered
      }
    }
  })();
  ready.catch(() => (ready = undefined));
  return ready;
}

/** The loader's in-memory file list: a File or Blob becomes a `dicomfile:N` image id. */
export function addFile(blob: Blob): string {
  return dicomImageLoader.wadouri.fileManager.add(blob);
}

/** Forgets a file added with addFile, and its decoded frames. */
export function removeFile(baseImageId: string, frameIds: readonly string[]): void {
  const index = Number(baseImageId.slice('dicomfile:'.length));
  for (const id of frameIds) {
    try {
      core.cache.removeImageLoadObject(id);
    } catch {
      // not cached
    }
  }
  try {
    dicomImageLoader.wadouri.dataSetCacheManager.unload(baseImageId.slice('dicomfile:'.length));
  } catch {
    // not loaded
  }
  if (Number.isInteger(index)) dicomImageLoader.wadouri.fileManager.remove(index);
}

/** Image ids for every frame of a file: `dicomfile:N` for one frame, `dicomfile:N?frame=k` (1-based) for more. */
export function frameImageIds(baseImageId: string, frames: number): string[] {
  if (frames <= 1) return [baseImageId];
  return Array.from({ length: frames }, (_, k) => `${baseImageId}?frame=${k + 1}`);
}
