/**
 * Defacing benchmark (Node): wall time, CPU time and peak resident memory of defaceSeries (remove)
 * on each fixture head, registration included. Target: under 30 s and 1 GB per head. CPU time is
 * reported beside wall time because the bench machine is shared: wall time there measures the
 * neighbours as much as the engine. elastix runs in this thread (WASI), so process.cpuUsage sees it.
 *   npx tsx scripts/bench/deface.ts
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { readPart10 } from '../../src/core/dicom/reader.ts';
import { defaceSeries } from '../../src/core/deface/deface.ts';
import { nodeRegistrar } from '../../src/cli/elastix-node.ts';
import { useNodeCodecs } from '../../src/cli/codec-loader.ts';

useNodeCodecs();
const heads = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures', 'heads');
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
for (const folder of ['ct-cranium', 'mr-colin27']) {
  const dir = resolve(heads, folder);
  const series = readdirSync(dir).filter((f) => f.endsWith('.dcm')).map((f) => {
    const parsed = readPart10(new Uint8Array(readFileSync(resolve(dir, f))));
    return { path: resolve(dir, f), dataset: parsed.dataset, transferSyntaxUID: parsed.transferSyntaxUID };
  });
  peak = process.memoryUsage().rss;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const out = await defaceSeries(series, { mode: 'remove' }, { registrar: nodeRegistrar() });
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(`deface ${folder}: ${out.status}${out.reason ? ` (${out.reason})` : ''}, ${out.changedVoxels} voxels changed, similarity ${out.registration?.similarity.toFixed(3)}, ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`);
}
clearInterval(sampler);
