// The emscripten module loaders in @cornerstonejs/codec-* ship without type declarations.
// Each exports one MODULARIZE factory; ./codec-loader.ts narrows it to EmscriptenFactory.
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs';
declare module '@cornerstonejs/codec-charls/decodewasmjs';
declare module '@cornerstonejs/codec-charls/wasmjs';
declare module '@cornerstonejs/codec-openjpeg/wasmjs';
declare module '@cornerstonejs/codec-openjph/wasmjs';
declare module '@cornerstonejs/codec-libjxl/decodewasmjs';
declare module '@cornerstonejs/codec-libjxl/encodewasmjs';
