#!/usr/bin/env node
// The `kpl` command. A file of its own, not the build's, so that npm links it on install even
// before the first build (in the repository, `npm run build` first).
import '../dist/esm/bin.js';
