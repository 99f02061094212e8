// Middy 7's event-batch middlewares and Powertools' Base64Encoded, each in the order that works
// with the deaggregator, end to end: 1,000 JSON user records in aggregates on a local stream,
// three that fail twice, Lambda's retries by the local event source mapping, checkpoints in a
// local DynamoDB. Every user record runs once on its successful path.
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import { Base64Encoded } from '@aws-lambda-powertools/parser/helpers';
import { createCheckpointTable, DynamoDBCheckpointStore } from '@kpl-lambda/checkpoints';
import type { KinesisStreamUserRecord } from '@kpl-lambda/core';
import { KinesisEventSourceMapping } from '@kpl-lambda/local-event-source-mapping';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import kplDeagg from '@kpl-lambda/middy';
import { KplBatchProcessor } from '@kpl-lambda/powertools';
import {
  KinesisUserRecordPayloadSchema,
  KinesisUserRecordSchema,
} from '@kpl-lambda/powertools/schemas';
import { KinesisProducer } from '@kpl-lambda/producer';
import {
  type LocalDynamoDB,
  loadMiddyEventBatch,
  type MiddyEventBatch,
  startLocalDynamoDB,
} from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { z } from 'zod';

const USER_RECORDS = 1_000;
const FLAKY = new Set([3, 444, 999]);
const quiet = { debug() {}, warn() {}, error() {} };
const Item = z.object({ i: z.number().int() });

let kinesis: LocalKinesis;
let dynamodb: LocalDynamoDB;
let batch: MiddyEventBatch;
beforeAll(async () => {
  [kinesis, dynamodb, batch] = await Promise.all([
    startLocalKinesis(),
    startLocalDynamoDB(),
    loadMiddyEventBatch(),
  ]);
});
afterAll(async () => {
  await Promise.all([kinesis.stop(), dynamodb.stop()]);
});

/** The flaky user records fail their first two runs. */
function outcomes() {
  const successes = new Map<number, number>();
  const attempts = new Map<number, number>();
  const handle = (i: number) => {
    const attempt = (attempts.get(i) ?? 0) + 1;
    attempts.set(i, attempt);
    if (FLAKY.has(i) && attempt <= 2) throw new Error(`record ${i} failed`);
    successes.set(i, (successes.get(i) ?? 0) + 1);
  };
  return { successes, handle };
}

const consumers = {
  // event-batch-response before kplDeagg(), event-batch-parser after it.
  middy: (checkpoints: DynamoDBCheckpointStore, handle: (i: number) => void) =>
    middy<KinesisStreamEvent>()
      .use(batch.eventBatchResponse())
      .use(kplDeagg({ checkpoints, logger: quiet }))
      .use(batch.eventBatchParser({ data: batch.parseJson() }))
      .handler<KinesisStreamEvent>(
        batch.eventBatchHandler(async (record) => {
          handle((record.kinesis.data as unknown as { i: number }).i);
        }) as never,
      ),
  // Base64Encoded in the user record schema the processor applies after deaggregation.
  powertools: (checkpoints: DynamoDBCheckpointStore, handle: (i: number) => void) => {
    const schema = KinesisUserRecordSchema.extend({
      kinesis: KinesisUserRecordPayloadSchema.extend({ data: Base64Encoded(Item) }),
    });
    const recordHandler = async (record: KinesisStreamUserRecord) =>
      handle((record.kinesis.data as unknown as z.infer<typeof Item>).i);
    return (event: KinesisStreamEvent, context: Context) =>
      processPartialResponse(
        event,
        recordHandler,
        new KplBatchProcessor({ parser, schema, checkpoints, logger: quiet }),
        { context },
      );
  },
};

describe.each(Object.entries(consumers))('%s in the order that works', (name, consumer) => {
  it('runs every user record once on its successful path', async () => {
    const streamName = `event-batch-${name}`;
    await kinesis.createStream(streamName, 2);
    const producer = new KinesisProducer({
      client: kinesis.client,
      streamName,
      aggregationMaxCount: 40,
    });
    for (let i = 0; i < USER_RECORDS; i++)
      producer.put({ data: { i }, partitionKey: `key-${i % 31}` });
    expect((await producer.flush()).undeliverable).toEqual([]);
    const tableName = `event-batch-${name}`;
    await createCheckpointTable({ client: dynamodb.client, tableName, timeToLive: false });
    const checkpoints = new DynamoDBCheckpointStore({
      client: dynamodb.client,
      tableName,
      consumerName: name,
    });
    const { successes, handle } = outcomes();
    const mapping = new KinesisEventSourceMapping({
      client: kinesis.client,
      streamName,
      handler: consumer(checkpoints, handle) as never,
      batchSize: 10,
      functionResponseTypes: ['ReportBatchItemFailures'],
    });

    await mapping.drain();

    const duplicates = [...successes.values()].filter((count) => count > 1).length;
    expect({ duplicates, done: successes.size }).toEqual({ duplicates: 0, done: USER_RECORDS });
    expect(mapping.counters.retries).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
