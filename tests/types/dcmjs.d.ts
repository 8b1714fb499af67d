// dcmjs ships no type declarations; tests use it only as an independent reader.
declare module 'dcmjs';
