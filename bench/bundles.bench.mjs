// What a deployed handler weighs: each minimal handler of bench/handlers bundled as `sam build`
// does with esbuild (platform node, target node22, minified, ESM and CommonJS), its size, what
// is in it by package, and its cold import time (median of 21 fresh Node.js processes, each
// importing the bundle and running it once on a small aggregated event). The empty handler is
// the floor: the cost of a fresh process that no handler can avoid.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';
import { QUICK, updateResults } from '../scripts/bench.mjs';
import { bundleHandler } from './bundle-handler.mjs';

const PROCESSES = QUICK ? 5 : 21;
const handlers = fileURLToPath(new URL('./handlers/', import.meta.url));
const coldStartScript = fileURLToPath(new URL('./cold-start.mjs', import.meta.url));
const outdir = mkdtempSync(join(tmpdir(), 'kpl-bundles-'));
const eventFile = join(outdir, 'event.json');
writeFileSync(
  eventFile,
  JSON.stringify(
    kinesisStreamEvent([
      aggregatedRecord(
        Array.from({ length: 10 }, (_, i) => ({ partitionKey: `k${i}`, data: `{"n":${i}}` })),
      ),
    ]),
  ),
);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kilobytes = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** Median milliseconds to import the bundle and run its handler once, each time in a fresh process. */
function coldStart(outfile) {
  const samples = Array.from({ length: PROCESSES }, () => {
    const run = spawnSync(process.execPath, [coldStartScript, outfile, eventFile], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`${outfile} failed: ${run.stderr.slice(-2000)}`);
    return JSON.parse(run.stdout);
  });
  return median(samples);
}

const names = readdirSync(handlers).map((file) => file.replace(/\.mjs$/, ''));
const rows = [];
const contents = {};
for (const name of ['empty', 'aws-kinesis-agg', 'core', 'middy', 'powertools'].filter((n) =>
  names.includes(n),
)) {
  for (const format of ['esm', 'cjs']) {
    const result = await bundleHandler(name, format, outdir);
    const cold = coldStart(result.outfile);
    rows.push({
      handler: name,
      format,
      size: kilobytes(result.bytes),
      gzip: kilobytes(result.gzip),
      'import+run ms (median)': cold.toFixed(1),
      bytes: result.bytes,
      ms: cold,
    });
    if (format === 'esm')
      contents[name] = Object.fromEntries(
        Object.entries(result.byPackage)
          .sort(([, a], [, b]) => b - a)
          .map(([owner, bytes]) => [owner, kilobytes(bytes)]),
      );
  }
}

const anchor = Object.fromEntries(
  rows.filter((row) => row.handler === 'aws-kinesis-agg').map((row) => [row.format, row]),
);
console.log(
  `Bundles on Node.js ${process.versions.node}: size and cold import+first run, ${PROCESSES} fresh processes each`,
);
console.table(
  rows.map(({ bytes, ms, ...row }) => ({
    ...row,
    'size / aws-kinesis-agg': (bytes / anchor[row.format].bytes).toFixed(2),
    'ms / aws-kinesis-agg': (ms / anchor[row.format].ms).toFixed(2),
  })),
);
console.log('What each ESM bundle holds, by package (bytes in the minified output):');
for (const [name, byPackage] of Object.entries(contents)) console.log(`  ${name}:`, byPackage);

const LABELS = {
  empty: 'nothing imported (the floor)',
  'aws-kinesis-agg': '`aws-kinesis-agg` (`deaggregateSync`)',
  core: '`@kpl-lambda/core` (`deaggregateRecords`)',
  middy: 'Middy 7 + `@kpl-lambda/middy`',
  powertools: 'Powertools batch + `@kpl-lambda/powertools`',
};
const ratio = (row, of) => (row[of] / anchor[row.format][of]).toFixed(2);
const table = [
  '| handler | format | bundle | gzip | cold import + run | vs `aws-kinesis-agg` (size, time) |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (row) =>
      `| ${LABELS[row.handler] ?? row.handler} | ${row.format === 'esm' ? 'ESM' : 'CommonJS'} | ${row.size} | ${row.gzip} | ${row.ms.toFixed(1)} ms | ${row.handler === 'empty' ? '' : `${ratio(row, 'bytes')}, ${ratio(row, 'ms')}`} |`,
  ),
].join('\n');
updateResults(new URL('../BENCHMARKS.md', import.meta.url), 'bundles', table);
