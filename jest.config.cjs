/** One Jest run for every package; sources are mapped so tests need no build. */
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/setup-env.cjs'],
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // Middy is published as ESM only: let swc turn it into CommonJS like our sources.
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  moduleNameMapper: {
    '^@kpl-lambda/([a-z-]+)/(testing|schemas|local-kinesis)$':
      '<rootDir>/packages/$1/src/$2/index.ts',
    '^@kpl-lambda/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  collectCoverageFrom: ['packages/*/src/**/*.ts', '!**/types.ts', '!packages/testing-utils/**'],
  coverageProvider: 'v8',
  coverageThreshold: {
    './packages/middy/src/': { statements: 100, branches: 100, functions: 100, lines: 100 },
  },
  coverageReporters: ['text-summary', 'lcov'],
};
