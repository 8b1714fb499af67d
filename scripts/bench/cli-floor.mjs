// The CLI's floor (scripts/bench/cli-cpu.ts): what Node alone costs to read every file of a
// folder, compute its CRC-32 (native zlib, as the zip writer does) and write it to one output
// file — no parsing, no de-identification, no zip headers. Synchronous calls: on this machine
// they beat reads overlapped on the thread pool (README, "The CLI's floor").
//   node scripts/bench/cli-floor.mjs <folder> <output file>
import { closeSync, openSync, readFileSync, readdirSync, writeSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';

const [dir, out] = process.argv.slice(2);
const fd = openSync(out, 'w');
let files = 0;
let check = 0;
for (const name of readdirSync(dir).sort()) {
  const bytes = readFileSync(path.join(dir, name));
  check ^= crc32(bytes);
  writeSync(fd, bytes);
  files++;
}
closeSync(fd);
console.log(`${files} written (crc xor ${check >>> 0})`);
