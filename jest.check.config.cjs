/**
 * The tests of `npm run check`: every package's own (packages/*\/test), except the suites that
 * need Java, those that call `whyNoJava()` (the real KCL daemon: minutes, not seconds). `npm test`
 * runs them all, and the repository's (test/). test/check.test.ts holds this rule to its word.
 */
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const base = require('./jest.config.cjs');

const packages = join(__dirname, 'packages');

const suitesNeedingJava = readdirSync(packages).flatMap((name) => {
  const tests = join(packages, name, 'test');
  if (!existsSync(tests)) return [];
  return readdirSync(tests, { recursive: true })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => join(tests, file))
    .filter((file) => /\bwhyNoJava\(/.test(readFileSync(file, 'utf8')));
});

const asRegExp = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    ...suitesNeedingJava.map((file) => `^${asRegExp(file)}$`),
  ],
};
