// What checkpoints cost a Lambda invocation: DynamoDB requests and added time, for a full batch
// (20 aggregates of 1,000 user records), against a local DynamoDB (dynalite on loopback), for a
// Middy consumer with checkpoints, the same without, and Powertools idempotency keyed on
// (sequence number, sub-sequence number) per user record, the other way to run each user record
// once. Requests are counted at the SDK client; times are medians of several invocations.
// Run with `npm run bench`.
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createCheckpointTable, DynamoDBCheckpointStore } from '@kpl-lambda/checkpoints';
import { aggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';
import kplDeagg from '@kpl-lambda/middy';
import { KplBatchProcessor } from '@kpl-lambda/powertools';
import middy from '@middy/core';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import dynalite from 'dynalite';
import { medianOf, QUICK } from '../../../scripts/bench.mjs';

// The quick mode takes a tenth of a full batch.
const PARENTS = QUICK ? 2 : 20;
const PER_PARENT = 1_000;
const ROUNDS = QUICK ? 2 : 5;

const server = dynalite({ createTableMs: 0 });
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const requests = new Map();
const client = new DynamoDBClient({
  endpoint: `http://127.0.0.1:${server.address().port}`,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  requestHandler: new NodeHttpHandler(),
});
client.middlewareStack.add(
  (next, context) => async (args) => {
    const name = String(context.commandName).replace(/Command$/, '');
    requests.set(name, (requests.get(name) ?? 0) + 1);
    return next(args);
  },
  { step: 'initialize' },
);
const counted = async (run) => {
  requests.clear();
  const start = performance.now();
  await run();
  const ms = performance.now() - start;
  return { ms, requests: Object.fromEntries(requests) };
};

let events = 0;
/** A full batch with fresh sequence numbers, so that no run finds another's checkpoints. */
const fullBatch = () =>
  kinesisStreamEvent(
    Array.from({ length: PARENTS }, (_, p) =>
      aggregatedRecord(
        Array.from({ length: PER_PARENT }, (_, i) => ({
          partitionKey: `k${i % 100}`,
          data: JSON.stringify({ p, i }),
        })),
      ),
    ),
    {
      firstSequenceNumber: String(
        49590338271490256608559692538361571095921575989136588898n + BigInt(++events * 1_000),
      ),
    },
  );
const failing = (rate) => (record) =>
  (JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString()).i * 7919) % 100 < rate * 100;

async function middyCase(checkpoints, failureRate) {
  const fails = failing(failureRate);
  const handler = middy()
    .use(kplDeagg(checkpoints ? { checkpoints } : {}))
    .handler(async (event) =>
      Promise.allSettled(
        event.Records.map(async (record) => {
          if (fails(record)) throw new Error('fails');
        }),
      ),
    );
  const runs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const event = fullBatch();
    runs.push(await counted(() => handler(event, {})));
  }
  return runs;
}

const tableName = 'checkpoints';
await createCheckpointTable({ client, tableName, timeToLive: false });
const checkpoints = new DynamoDBCheckpointStore({ client, tableName, consumerName: 'bench' });

const results = [];
const report = (name, runs) => {
  const reads = medianOf(
    runs.map((run) => (run.requests.BatchGetItem ?? 0) + (run.requests.GetItem ?? 0)),
  );
  const writes = medianOf(
    runs.map((run) => (run.requests.PutItem ?? 0) + (run.requests.UpdateItem ?? 0)),
  );
  results.push({
    case: name,
    'DynamoDB reads': reads,
    'DynamoDB writes': writes,
    requests: reads + writes,
    'ms per invocation': medianOf(runs.map((run) => run.ms)).toFixed(1),
  });
};
report('no checkpoints, all succeed', await middyCase(undefined, 0));
report('checkpoints, all succeed', await middyCase(checkpoints, 0));
report('no checkpoints, 1% fail', await middyCase(undefined, 0.01));
report('checkpoints, 1% fail', await middyCase(checkpoints, 0.01));

// Powertools idempotency per user record: one invocation of the full batch (it takes long).
await client.send(
  new CreateTableCommand({
    TableName: 'idempotency',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  }),
);
const config = new IdempotencyConfig({
  eventKeyJmesPath: '[kinesis.sequenceNumber, kinesis.subSequenceNumber]',
});
const recordHandler = makeIdempotent(async () => undefined, {
  persistenceStore: new DynamoDBPersistenceLayer({
    tableName: 'idempotency',
    awsSdkV3Client: client,
  }),
  config,
});
const context = {
  awsRequestId: 'bench',
  getRemainingTimeInMillis: () => 900_000,
  functionName: 'bench',
};
config.registerLambdaContext(context);
const idempotent = await counted(() =>
  processPartialResponse(fullBatch(), recordHandler, new KplBatchProcessor(), {
    context,
    processInParallel: false,
  }),
);
report('Powertools idempotency per user record, all succeed', [idempotent]);

client.destroy();
await new Promise((resolve) => server.close(resolve));

const allSucceed = results.find((row) => row.case === 'checkpoints, all succeed');
const onePercent = results.find((row) => row.case === 'checkpoints, 1% fail');
const perRecord = results.at(-1);
console.log(
  `\nCheckpoints for a full batch: ${PARENTS} aggregates x ${PER_PARENT} user records, dynalite on loopback, medians of ${ROUNDS} invocations (Node ${process.versions.node}, ${new Date().toISOString()})`,
);
console.table(results);
const fewer = (row) => (perRecord.requests / Math.max(1, row.requests)).toFixed(0);
console.log(
  `Powertools idempotency per user record: ${perRecord.requests} requests for the batch; checkpoints: ${allSucceed.requests} when all succeed (${fewer(allSucceed)}x fewer), ${onePercent.requests} with 1% failing (${fewer(onePercent)}x fewer, one write per parent Lambda delivers again)`,
);
