// npm 11.19 `npm ci` resolves the optional platform binaries of every platform (esbuild's,
// swc's, Biome's, unrs-resolver's) and refuses a lockfile that lacks any of them, while
// `npm install` on a registry mirror that lacks some of those binaries records none of them.
// This adds the missing entries (version, os, cpu, libc from the package's name), so that
// `npm ci` works on this machine and on every other platform. `npm run lock` runs it.
import { readFileSync, writeFileSync } from 'node:fs';

const platform =
  /-(android|darwin|freebsd|linux|openharmony|sunos|win32|wasm32)(?:-(arm64|arm|ia32|loong64|ppc64|riscv64|s390x|x64))?(?:-(gnu|musl|msvc|gnueabihf|musleabihf|eabi|wasi))?/;

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const added = [];
for (const entry of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const match = name.match(platform);
    if (lock.packages[key] || !match) continue;
    const [, os, cpu, abi] = match;
    lock.packages[key] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(abi?.startsWith('gnu')
        ? { libc: ['glibc'] }
        : abi?.startsWith('musl')
          ? { libc: ['musl'] }
          : {}),
    };
    added.push(`${name}@${version}`);
  }
}
if (added.length > 0) {
  writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`package-lock.json: added ${added.length} optional platform packages`);
}
