// npm run demo: the whole path on this machine, with no AWS account.
//
// 1. starts a local Kinesis (kinesalite, in process, in memory, on loopback) with a 2-shard stream,
//    and shows the path of one aggregate (path.mjs);
// 2. writes a few thousand orders with @kpl-lambda/producer, aggregated, one of them poison;
// 3. bundles the example SAM application's two consumers with esbuild, as `sam build` would, and
//    delivers the stream to each through a local event source mapping that behaves like Lambda's
//    (ReportBatchItemFailures, BisectBatchOnFunctionError, MaximumRetryAttempts, on-failure
//    destination);
// 4. reports what happened and checks that every order was processed or given up: exits 1 if not.
//
// With --endpoint URL --stream NAME it writes to, and reads from, that Kinesis stream instead,
// with the default AWS credential chain.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { localKinesisClient } from '@kpl-lambda/local-event-source-mapping/client';
import { startLocalKinesis } from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import { bundleFunctions } from '../sam-app/scripts/bundle.mjs';
import { showOnePath } from './path.mjs';
import { runPipeline } from './pipeline.mjs';

const { values } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    stream: { type: 'string' },
    orders: { type: 'string', default: '5000' },
  },
});
// The consumers' Powertools loggers would print a line per failed order; the report says it all.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
// Their metrics (EMF, a JSON line per invocation) are for CloudWatch, not for this terminal.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const say = (line) => console.log(`  ${line}`);

let local;
let client;
const streamName = values.stream ?? 'orders';
if (values.endpoint) {
  if (!values.stream) throw new Error('--endpoint needs --stream NAME (an existing stream)');
  // HTTP/1.1: a client made with the SDK's defaults fails on a local Kinesis (ERR_HTTP2_ERROR).
  client = localKinesisClient({ endpoint: values.endpoint });
  console.log(`Kinesis at ${values.endpoint}, stream ${streamName}, default AWS credentials`);
} else {
  local = await startLocalKinesis();
  client = local.client;
  await local.createStream(streamName, 2);
  console.log(`Local Kinesis (kinesalite) at ${local.endpoint}: stream ${streamName}, 2 shards`);
  await local.createStream('one-aggregate', 1);
  console.log('\nThe path of one aggregate: three orders for one customer, the second one poison');
  await showOnePath({ client, streamName: 'one-aggregate', say });
  console.log('');
}

const buildDirectory = mkdtempSync(join(tmpdir(), 'kpl-lambda-demo-'));
try {
  console.log('Bundling the example consumers with esbuild, as sam build does');
  const functions = await bundleFunctions(buildDirectory);
  const consumers = {};
  for (const name of ['MiddyConsumerFunction', 'PowertoolsConsumerFunction']) {
    consumers[name] = (await import(functions[name].path)).createHandler;
  }

  console.log(`Writing ${values.orders} orders, then delivering them to both consumers`);
  let lastLine = '';
  const report = await runPipeline({
    client,
    streamName,
    consumers,
    orders: Number(values.orders),
    progress: (line) => {
      if (line !== lastLine) say(line);
      lastLine = line;
    },
  });

  console.log('\nReport');
  console.log(
    `  orders written          ${report.ordersWritten} (in ${report.kinesisRecordsWritten} Kinesis records)`,
  );
  if (report.ordersNotWritten) console.log(`  orders NOT written      ${report.ordersNotWritten}`);
  console.log(`  poison orders           ${report.poisonOrders.join(', ')}`);
  for (const [name, consumer] of Object.entries(report.consumers)) {
    console.log(`  ${name}`);
    console.log(`    orders processed        ${consumer.ordersProcessed}`);
    console.log(
      `    processed more than once ${consumer.processedMoreThanOnce} (siblings and followers of failed records, delivered again)`,
    );
    console.log(`    invocations             ${consumer.invocations}`);
    console.log(`    Kinesis records delivered again ${consumer.kinesisRecordsRedelivered}`);
    console.log(
      `    on-failure destination  ${consumer.batchesGivenUp} batch(es), ${consumer.ordersGivenUp} order(s)${consumer.poisonGivenUp ? ', poison included' : ', POISON MISSING'}`,
    );
    console.log(
      "      (a given-up batch is the poison order's aggregate and what followed it in its batch)",
    );
    console.log(`    lost                    ${consumer.lost.length}`);
  }
  console.log(
    report.ok
      ? '\nCheck passed: every order was processed or reached the on-failure destination; none lost.'
      : '\nCheck FAILED: some orders were neither processed nor given up (see "lost" above).',
  );
  process.exitCode = report.ok ? 0 : 1;
} finally {
  rmSync(buildDirectory, { recursive: true, force: true });
  await local?.stop();
}
