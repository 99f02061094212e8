#!/usr/bin/env node
// The `kpl-kcl` command. A file of its own, not the build's, so that npm links it on install even
// before the first build (in the repository, `npm run build` first).
import { main } from '../dist/esm/launcher/main.js';

const controller = new AbortController();
// The first Ctrl-C stops the daemon as the KCL shuts down (it gets the SIGINT of the terminal
// too); a second one ends this at once.
process.once('SIGINT', () => {
  controller.abort();
  process.once('SIGINT', () => process.exit(130));
});
process.once('SIGTERM', () => controller.abort());
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
