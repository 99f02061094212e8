/** One Jest run for every package; sources are mapped so tests need no build. */
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/**
 * Each package's entry points, from its own package.json exports, mapped to its sources: a new
 * package or subpath export needs no change here.
 */
const sourcesOfPackages = Object.fromEntries(
  readdirSync(join(__dirname, 'packages')).flatMap((directory) => {
    const { name, exports } = JSON.parse(
      readFileSync(join(__dirname, 'packages', directory, 'package.json'), 'utf8'),
    );
    return Object.keys(exports)
      .filter((subpath) => subpath !== './package.json')
      .map((subpath) => [
        `^${name}${subpath.slice(1)}$`,
        `<rootDir>/packages/${directory}/src${subpath.slice(1)}/index.ts`,
      ]);
  }),
);

const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  // Many tests talk to local services (kinesalite, dynalite) or child processes: on a busy
  // 2-core runner, Jest's 5 s default fails them without anything being wrong. Tests that wait
  // on a daemon set their own, longer timeout.
  testTimeout: 30_000,
  // Jest's default, a worker fewer than the cores, runs a 2-core runner's suites one at a time,
  // most of them waiting on a local service or a child process.
  maxWorkers: '100%',
  setupFiles: ['<rootDir>/test/setup-env.cjs'],
  resolver: '<rootDir>/test/resolver.cjs',
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // Middy is published as ESM only: let swc turn it into CommonJS like our sources.
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  moduleNameMapper: {
    ...sourcesOfPackages,
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // Type-only files (types.ts, payloadTypes.ts) hold nothing that runs.
  collectCoverageFrom: [
    'packages/*/src/**/*.ts',
    '!**/types.ts',
    '!**/*Types.ts',
    '!packages/testing-utils/**',
  ],
  coverageProvider: 'v8',
  // What `sam build` and its packing leave in the SAM app: copies of package.json files that Jest
  // would otherwise take for modules of the same names.
  modulePathIgnorePatterns: ['/\\.sam-packages/', '/\\.aws-sam/'],
  // Each package at the level it reaches, or higher: a change that lowers one fails the run.
  coverageThreshold: {
    './packages/checkpoints/src/': { statements: 100, branches: 100, functions: 100, lines: 100 },
    './packages/cli/src/': { statements: 100, branches: 100, functions: 100, lines: 100 },
    './packages/kcl/src/': { statements: 100, branches: 100, functions: 100, lines: 100 },
    './packages/core/src/': { statements: 100, branches: 100, functions: 100, lines: 100 },
    './packages/middy/src/': { statements: 100, branches: 100, functions: 100, lines: 100 },
    './packages/powertools/src/': { statements: 100, branches: 100, functions: 100, lines: 100 },
    './packages/producer/src/': { statements: 100, branches: 100, functions: 100, lines: 100 },
    './packages/local-event-source-mapping/src/': {
      statements: 100,
      branches: 100,
      functions: 100,
      lines: 100,
    },
  },
  coverageReporters: ['text-summary', 'lcov'],
};
