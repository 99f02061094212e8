// `npm run test:compat`: the consumer packages on the Node.js and peer versions users run them
// with. `npm test` runs everything on the primary Node.js (22) with the newest peers; this runs
// - the repository's focused suites (core, middy, powertools, packaging) with Jest on the other
//   Node.js versions and with the oldest peers the ranges allow, and
// - the packed tarballs in a fresh project per peer set, as ESM and CommonJS, on each Node.js the
//   set supports, and the published types under every moduleResolution with TypeScript 5 and 7.
// Prints each run's counts, then the totals as its last line, "N passed, N failed"; with
// --json=FILE also writes them there.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const NODE = { 20: '20.20.2', 22: '22.23.3', 24: '24.21.0' };
const manifestOf = (directory) =>
  JSON.parse(readFileSync(join(root, directory, 'package.json'), 'utf8'));
const rootLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
const locked = (name) => rootLock[`node_modules/${name}`].version;
const middyDevelopment = manifestOf('packages/middy').devDependencies;
const powertoolsDevelopment = manifestOf('packages/powertools').devDependencies;

/** The peer sets: the oldest each peer range allows, and the newest (those `npm test` uses). */
const PEER_SETS = {
  oldest: {
    nodes: [NODE[20], NODE[22], NODE[24]],
    peers: {
      '@middy/core': '6.4.5',
      '@aws-lambda-powertools/batch': '2.29.0',
      '@aws-lambda-powertools/parser': '2.29.0',
      zod: locked('zod'),
    },
  },
  newest: {
    // Middy 7 needs Node.js 22.
    nodes: [NODE[22], NODE[24]],
    peers: {
      '@middy/core': middyDevelopment['@middy/core'],
      '@aws-lambda-powertools/batch': powertoolsDevelopment['@aws-lambda-powertools/batch'],
      '@aws-lambda-powertools/parser': powertoolsDevelopment['@aws-lambda-powertools/parser'],
      zod: locked('zod'),
    },
  },
};

/** The repository's Jest suites that the consumer packages' users depend on. */
const FOCUSED_SUITES = [
  'packages/core/',
  'packages/middy/',
  'packages/powertools/',
  'test/packaging.test.ts',
];
const JEST_RUNS = [
  { node: NODE[20], peerSet: 'oldest' },
  { node: NODE[22], peerSet: 'oldest' },
  { node: NODE[24], peerSet: 'newest' },
];

const work = mkdtempSync(join(tmpdir(), 'kpl-compat-'));
const totals = { passed: 0, failed: 0, runs: [] };

const npm = (args, cwd) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
/** Runs `node ...args` on the given Node.js version, from the npm registry's `node` package. */
const onNode = (version, args, options) =>
  spawnSync('npx', ['--yes', '-p', `node@${version}`, '--', 'node', ...args], {
    encoding: 'utf8',
    // What the tests print, kept whole: past spawnSync's 1 MiB default it would kill the run.
    maxBuffer: 256 * 1024 * 1024,
    ...options,
  });

function record(label, passed, failed, output) {
  totals.passed += passed;
  totals.failed += failed;
  totals.runs.push({ label, passed, failed });
  console.log(
    `${failed === 0 && passed > 0 ? 'ok  ' : 'FAIL'} ${label}: ${passed} passed, ${failed} failed`,
  );
  if (failed > 0 || passed === 0) console.log(output);
}

/** A folder with only the peers of a set installed, for the resolver Jest uses (test/resolver.cjs). */
function installPeers(name) {
  const folder = join(work, `peers-${name}`);
  mkdirSync(folder);
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({ private: true, dependencies: PEER_SETS[name].peers }),
  );
  npm(['install', '--ignore-scripts'], folder);
  return folder;
}

function runJest({ node, peerSet }) {
  const output = join(work, `jest-${node}-${peerSet}.json`);
  const environment = { ...process.env };
  if (peerSet === 'oldest') environment.KPL_COMPAT_PEERS = peerFolders.oldest;
  const run = onNode(
    node,
    [
      join(root, 'node_modules/jest/bin/jest.js'),
      '--json',
      `--outputFile=${output}`,
      '--coverage=false',
      ...FOCUSED_SUITES,
    ],
    { cwd: root, env: environment },
  );
  const results = JSON.parse(readFileSync(output, 'utf8'));
  record(
    `Jest ${FOCUSED_SUITES.join(' ')} on Node.js ${node}, ${peerSet} peers`,
    results.numPassedTests,
    results.numFailedTests,
    run.stderr,
  );
}

/** The public packages packed as they would be published. */
function packPackages() {
  const folder = join(work, 'tarballs');
  mkdirSync(folder);
  const tarballs = {};
  for (const directory of readdirSync(join(root, 'packages'))) {
    const manifest = manifestOf(join('packages', directory));
    if (manifest.private) continue;
    const [{ filename }] = JSON.parse(
      npm(['pack', '--json', '--pack-destination', folder], join(root, 'packages', directory)),
    );
    tarballs[manifest.name] = `file:${join(folder, filename)}`;
  }
  return tarballs;
}

function makeProject(name, tarballs) {
  const folder = join(work, `project-${name}`);
  cpSync(new URL('./project', import.meta.url), folder, { recursive: true });
  copyFileSync(
    join(root, 'packages/testing-utils/fixtures/kpl-real.json'),
    join(folder, 'kpl-real.json'),
  );
  const dependencies = {
    ...tarballs,
    ...PEER_SETS[name].peers,
    '@types/aws-lambda': locked('@types/aws-lambda'),
    '@types/node': locked('@types/node'),
    typescript: locked('typescript'),
    typescript7: 'npm:typescript@7.0.2',
    // The optional peers of the local-kinesis and local-dynamodb entry points.
    kinesalite: locked('kinesalite'),
    dynalite: locked('dynalite'),
  };
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({ name: `kpl-compat-${name}`, private: true, dependencies }, null, 2),
  );
  npm(['install'], folder);
  return folder;
}

function runProject(name, folder, node, withTypes) {
  const tap = join(work, `project-${name}-${node}.tap`);
  const files = [
    'consumers.test.mjs',
    'consumers.test.cjs',
    ...(withTypes ? ['types.test.mjs'] : []),
  ];
  const run = onNode(
    node,
    [
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { cwd: folder, env: { ...process.env, KPL_README: join(root, 'README.md') } },
  );
  const report = readFileSync(tap, 'utf8');
  const count = (word) => Number(report.match(new RegExp(`^# ${word} (\\d+)$`, 'm'))?.[1] ?? 0);
  record(
    `tarballs in a fresh project on Node.js ${node}, ${name} peers${withTypes ? ', types' : ''}`,
    count('pass'),
    count('fail'),
    run.stdout + run.stderr,
  );
}

const peerFolders = { oldest: installPeers('oldest') };
for (const run of JEST_RUNS) runJest(run);
const tarballs = packPackages();
for (const name of Object.keys(PEER_SETS)) {
  const folder = makeProject(name, tarballs);
  for (const node of PEER_SETS[name].nodes) runProject(name, folder, node, node === NODE[22]);
}

const jsonArgument = process.argv.find((argument) => argument.startsWith('--json='));
if (jsonArgument) writeFileSync(jsonArgument.slice('--json='.length), JSON.stringify(totals));
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exitCode = totals.failed === 0 ? 0 : 1;
