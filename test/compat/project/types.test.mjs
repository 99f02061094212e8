// Our published types, compiled as users compile them: `moduleResolution` node16 (ESM and
// CommonJS), nodenext and bundler, with TypeScript 5 and 7, and `skipLibCheck: false`. No error
// may come from our declarations or the user's code; a peer's own types may fail without
// `skipLibCheck` only where the repository's README says so, quoting the error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const compilers = { 'TypeScript 5': 'typescript', 'TypeScript 7': 'typescript7' };
const configurations = readdirSync(new URL('./types', import.meta.url)).filter((file) =>
  /^tsconfig\.(?!base).+\.json$/.test(file),
);
const readme = readFileSync(process.env.KPL_README, 'utf8');

/** The errors tsc reports, one line each, as "file(line,column): error TSnnnn: message". */
function compile(compiler, configuration) {
  const tsc = join(dirname(require.resolve(`${compiler}/package.json`)), 'bin/tsc');
  const run = spawnSync(
    process.execPath,
    [tsc, '-p', `types/${configuration}`, '--pretty', 'false'],
    {
      encoding: 'utf8',
    },
  );
  return run.stdout.split('\n').filter((line) => line.includes('error TS'));
}

const isInPeerTypes = (line) =>
  line.startsWith('node_modules/') && !line.startsWith('node_modules/@kpl-lambda/');

for (const [label, compiler] of Object.entries(compilers)) {
  describe(`${label} (${require(`${compiler}/package.json`).version})`, () => {
    for (const configuration of configurations) {
      it(`compiles a user's code with ${configuration}, skipLibCheck false`, () => {
        const errors = compile(compiler, configuration);
        assert.deepEqual(
          errors.filter((line) => !isInPeerTypes(line)),
          [],
        );
        for (const line of errors) {
          const quoted = `${line.slice(0, line.indexOf('('))}: ${line.slice(line.indexOf('error TS'))}`;
          assert.ok(readme.includes(quoted), `README.md quotes ${quoted}`);
        }
      });
    }
  });
}
