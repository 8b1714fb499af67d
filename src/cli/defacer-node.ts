/**
 * The defacing engine as the CLI runs it: the engine's header test and defaceSeries with elastix
 * registration from node_modules (elastix-node.ts), and the automatic face check with face-api's
 * detector from its package (face-detector-node.ts), run on the volume as it will be written.
 * Both load only when a run asks for --deface.
 */
import { defaceSeries } from '../core/deface/deface.ts';
import { defacedVolumeData } from '../core/deface/defaced-data.ts';
import { checkDefacedFace } from '../core/deface/face-check.ts';
import { isHeadSeries } from '../core/deface/volume.ts';
import type { SeriesDefacer } from './deface-run.ts';
import { nodeRegistrar } from './elastix-node.ts';
import { createNodeFaceDetector } from './face-detector-node.ts';

export function nodeDefacer(): SeriesDefacer {
  const registrar = nodeRegistrar();
  const detector = createNodeFaceDetector();
  return {
    isHeadSeries,
    deface: (instances, options) => defaceSeries(instances, options, { registrar }),
    async checkFace(outcome, instances) {
      if (!outcome.volume) throw new Error('the engine returned no volume to check');
      const byPath = new Map(instances.map((i) => [i.path, i.dataset]));
      const defaced = defacedVolumeData(outcome.volume, outcome.patches, (path) => byPath.get(path));
      return checkDefacedFace(outcome.volume, defaced, detector);
    },
  };
}
