// Which tests `npm run check` and `npm test` run is a rule, not a list (see CONTRIBUTING.md,
// "Commands"): a new suite lands where the rule says, whoever adds it, and nothing falls between.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..');

/** The test files Jest would run with a configuration, relative to the root. */
function listedBy(config: string): string[] {
  const jest = require.resolve('jest/bin/jest');
  const output = execFileSync(process.execPath, [jest, '--config', config, '--listTests'], {
    cwd: root,
    encoding: 'utf8',
  });
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((file) => relative(root, file))
    .sort();
}

/** Every Jest test file of the repository, committed or new, found without Jest. */
const testFiles = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.test.ts'],
  { cwd: root, encoding: 'utf8' },
)
  .split('\n')
  .filter((line) => line !== '')
  .sort();

const needsJava = (file: string) => /\bwhyNoJava\(/.test(readFileSync(join(root, file), 'utf8'));

it('runs every test file of the repository in `npm test`', () => {
  expect(listedBy('jest.config.cjs')).toEqual(testFiles);
}, 60_000);

it("runs in `npm run check` the packages' tests, except the suites that need Java", () => {
  const packageTests = testFiles.filter((file) => /^packages\/[^/]+\/test\//.test(file));
  expect(packageTests.filter(needsJava)).not.toEqual([]);
  expect(listedBy('jest.check.config.cjs')).toEqual(
    packageTests.filter((file) => !needsJava(file)),
  );
}, 60_000);
