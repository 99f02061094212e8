// Builds the package in the current folder, the same way for every package (its package.json's
// build script is `node ../../scripts/build-package.mjs`): the ESM build and declarations with
// `tsc -b` (which builds the packages it references first), the CommonJS build with its own
// tsconfig, and a package.json in dist/cjs that marks it CommonJS, since Node decides a .js
// file's format from the nearest package.json and the package's own says "type": "module".
// A package whose build is current (scripts/build-hash.mjs) is left as it is.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BUILD_HASH_FILE, buildHashOf, buildRecordOf, isBuilt } from './build-hash.mjs';

const { name } = JSON.parse(readFileSync('package.json', 'utf8'));
// Taken before building: a source edited during the build makes the next build run again.
const hash = buildHashOf('.');
if (isBuilt('.')) {
  console.log(`${name}: up to date, not rebuilt (its build hash matches)`);
  process.exit(0);
}
// A build that fails half-way must not pass for current.
rmSync(BUILD_HASH_FILE, { force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = (...args) => execFileSync(process.execPath, [tsc, ...args], { stdio: 'inherit' });

// A clean CommonJS build: a file whose source was removed must not ship.
rmSync('dist/cjs', { recursive: true, force: true });
run('-b');
// `tsc -b` builds incrementally and never deletes: the ESM output of a removed source goes here.
for (const output of readdirSync('dist/esm', { recursive: true })) {
  const source = output.replace(/\.(d\.ts|js)(\.map)?$/, '.ts');
  if (source !== output && !existsSync(join('src', source))) rmSync(join('dist/esm', output));
}
run('-p', 'tsconfig.cjs.json');
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');
writeFileSync(BUILD_HASH_FILE, buildRecordOf('.', hash));
