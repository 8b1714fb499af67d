// Page side of the floor (see index.html). ?read=arrayBuffer|readerSync|stream picks how the
// workers read; ?workers=N how many (default: navigator.hardwareConcurrency, as the app's pool).
const params = new URLSearchParams(location.search);
const method = params.get('read') ?? 'arrayBuffer';
const count = Number(params.get('workers') ?? navigator.hardwareConcurrency);
// Started before the pick, as the app starts its engine workers when idle.
const workers = Array.from({ length: count }, () => new Worker(new URL('./floor-worker.js', import.meta.url)));
let picked = [];

document.getElementById('pick').addEventListener('change', async (event) => {
  const t0 = performance.now();
  picked = [...event.target.files];
  // Batches of 8 files per message, shared out as the app's pool does: the next batch to the
  // first worker that is free.
  const batches = [];
  for (let i = 0; i < picked.length; i += 8) batches.push(picked.slice(i, i + 8));
  let next = 0;
  let bytes = 0;
  await Promise.all(workers.map(async (worker) => {
    while (next < batches.length) {
      const batch = batches[next++];
      const read = await new Promise((resolve) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.postMessage({ files: batch, method });
      });
      bytes += read; // after the await: `bytes += await` would add to a stale total

    }
  }));
  window.__floor = { readMs: performance.now() - t0, bytes, files: picked.length };
});

document.getElementById('save').addEventListener('click', () => {
  const t0 = performance.now();
  // The zip the app writes is a Blob of slices of the input files and small headers; the floor
  // writes the inputs alone.
  const url = URL.createObjectURL(new Blob(picked, { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'floor.zip';
  a.click();
  window.__floorSaveMs = performance.now() - t0;
});
