// `npm run build` skips a package whose build is current (scripts/build-hash.mjs): these are the
// ways a build that is not current could pass for one.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const script = pathToFileURL(join(__dirname, '../scripts/build-hash.mjs')).href;

/** Runs in a Node of its own (the script is ESM, and caches hashes per process). */
function node(code: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
  }).trim();
}
const record = (directory: string) =>
  node(`import { buildHashOf, buildRecordOf } from ${JSON.stringify(script)};
    import { writeFileSync } from 'node:fs';
    const d = ${JSON.stringify(directory)};
    writeFileSync(d + '/.build-hash', buildRecordOf(d, buildHashOf(d)));`);
const isBuilt = (directory: string) =>
  node(`import { isBuilt } from ${JSON.stringify(script)};
    console.log(isBuilt(${JSON.stringify(directory)}));`) === 'true';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'build-hash-'));
  for (const folder of ['src', 'types', 'dist/esm', 'dist/cjs']) {
    mkdirSync(join(directory, folder), { recursive: true });
  }
  writeFileSync(join(directory, 'package.json'), '{ "name": "p" }');
  writeFileSync(join(directory, 'tsconfig.json'), '{ "include": ["src", "types"] }');
  writeFileSync(join(directory, 'src/index.ts'), 'export const a = 1;');
  writeFileSync(join(directory, 'types/service.d.ts'), 'declare module "s";');
  writeFileSync(join(directory, 'dist/esm/index.js'), 'export const a = 1;');
  writeFileSync(join(directory, 'dist/cjs/package.json'), '{ "type": "commonjs" }');
  record(directory);
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

it('holds a build current until what it was made from changes', () => {
  expect(isBuilt(directory)).toBe(true);
  writeFileSync(join(directory, 'src/index.ts'), 'export const a = 2;');
  expect(isBuilt(directory)).toBe(false);
});

it('rebuilds when a file its tsconfig includes outside src changes', () => {
  writeFileSync(join(directory, 'types/service.d.ts'), 'declare module "t";');
  expect(isBuilt(directory)).toBe(false);
});

it('rebuilds when something else rewrote dist (tsc -b of npm run check, on other sources)', () => {
  const output = join(directory, 'dist/esm/index.js');
  writeFileSync(output, 'export const a = 2;');
  utimesSync(output, new Date(), new Date(Date.now() + 5_000));
  expect(isBuilt(directory)).toBe(false);
});
