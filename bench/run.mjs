// `npm run bench` (after the build): every benchmark in turn, each in a Node.js of its own with
// a collector it can call (memoryOf, scripts/bench.mjs) and the young generation of a 1 GB Lambda
// function; the deaggregation, handler and producer cases run at every size of LAMBDA_SETTINGS.
// `npm run bench -- --quick` runs each briefly; the BENCHMARKS.md tables come from the full run only.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = [
  '../packages/core/bench/deaggregate.bench.mjs',
  '../packages/core/bench/decode.bench.mjs',
  '../packages/powertools/bench/parser.bench.mjs',
  '../packages/powertools/bench/adapter.bench.mjs',
  '../packages/producer/bench/producer.bench.mjs',
  '../packages/producer/bench/hotShard.bench.mjs',
  '../packages/producer/bench/orderedGroups.bench.mjs',
  '../packages/checkpoints/bench/checkpoints.bench.mjs',
  './bundles.bench.mjs',
];
const flags = ['--expose-gc', '--max-semi-space-size=51'];
const quick = process.argv.slice(2).filter((argument) => argument === '--quick');

for (const benchmark of BENCHMARKS) {
  const path = fileURLToPath(new URL(benchmark, import.meta.url));
  console.log(`\n== ${benchmark.replace(/^\.\.\//, '')}`);
  const run = spawnSync(process.execPath, [...flags, path, ...quick], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
