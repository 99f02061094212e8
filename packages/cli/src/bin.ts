/* v8 ignore start -- the process itself: process.test.ts runs it, out of Jest's coverage */
import { main } from './main.js';

const controller = new AbortController();
// The first Ctrl-C stops the command, which reports what it did; a second one ends it at once.
process.once('SIGINT', () => controller.abort());
// A reader that went away (`kpl inspect | head -1`) stops the command as quietly: nobody reads
// what it would print. Kept after main returns, for a write that fails late.
for (const output of [process.stdout, process.stderr]) output.on('error', () => controller.abort());
process.exitCode = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
/* v8 ignore stop */
