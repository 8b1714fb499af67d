/**
 * Runs `veil deidentify <inputs> --out <out>` in a process of its own and prints its peak
 * resident memory (maxRSS, KiB) as the last line, so a test can measure what reading a zip cost.
 * Usage: node --import tsx tests/zip/bomb-child.ts <out> <input...>
 */
import { runDeidentify } from '../../src/cli/deidentify-command.ts';

const [out, ...inputs] = process.argv.slice(2);
const exitCode = await runDeidentify({ inputs, out, quiet: true, passphrase: 'bomb' });
console.log(JSON.stringify({ exitCode, maxRssKiB: process.resourceUsage().maxRSS }));
