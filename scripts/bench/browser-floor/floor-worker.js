// Worker side of the floor: read each file's every byte and answer with the byte count.
const readers = {
  arrayBuffer: async (file) => (await file.arrayBuffer()).byteLength,
  readerSync: async (file) => new FileReaderSync().readAsArrayBuffer(file).byteLength,
  stream: async (file) => {
    let n = 0;
    const reader = file.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return n;
      n += value.byteLength;
    }
  },
};

self.onmessage = async (e) => {
  const read = readers[e.data.method];
  let bytes = 0;
  for (const file of e.data.files) bytes += await read(file);
  self.postMessage(bytes);
};
