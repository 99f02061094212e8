// One cold start, in the process `bundles.bench.mjs` starts for it: import the bundle given on the
// command line, run its handler once on the event given, print the milliseconds it took.
import { readFileSync } from 'node:fs';

const [bundle, eventFile] = process.argv.slice(2);
const started = performance.now();
const { handler } = await import(bundle);
await handler(JSON.parse(readFileSync(eventFile, 'utf8')), {
  awsRequestId: 'bench',
  getRemainingTimeInMillis: () => 3_000,
});
process.stdout.write(JSON.stringify(performance.now() - started));
