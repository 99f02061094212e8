// Middy 7's event-batch middlewares and Powertools' Base64Encoded, each in the order that works
// with the deaggregator, end to end: 1,000 JSON user records in aggregates on a local stream,
// three that fail twice, Lambda's retries by the local event source mapping, checkpoints in a
// local DynamoDB. Every user record runs once on its successful path.
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import { Base64Encoded } from '@aws-lambda-powertools/parser/helpers';
import type { CheckpointStore, KinesisStreamUserRecord } from '@kpl-lambda/core';
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
import {
  type LocalDynamoDB,
  loadMiddyEventBatch,
  type MiddyEventBatch,
  startLocalDynamoDB,
} from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { z } from 'zod';
import { lambdaMapping } from './helpers/lambdaMapping.js';
import { outcomes } from './helpers/outcomes.js';
import { produce } from './helpers/streams.js';

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

const consumers = {
  // event-batch-response before kplDeagg(), event-batch-parser after it.
  middy: (checkpoints: CheckpointStore, handle: (i: number) => void) =>
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
  powertools: (checkpoints: CheckpointStore, handle: (i: number) => void) => {
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
    const records = Array.from({ length: USER_RECORDS }, (_, i) => ({
      data: { i },
      partitionKey: `key-${i % 31}`,
    }));
    await produce(kinesis, streamName, records, 40);
    const checkpoints = await dynamodb.checkpointStore({ consumerName: name });
    // The flaky user records fail their first two runs.
    const { successes, handle } = outcomes<number>((i, attempt) => FLAKY.has(i) && attempt <= 2);
    const { mapping } = lambdaMapping(kinesis, {
      streamName,
      handler: consumer(checkpoints, handle),
      batchSize: 10,
    });

    await mapping.drain();

    const duplicates = [...successes.values()].filter((count) => count > 1).length;
    expect({ duplicates, done: successes.size }).toEqual({ duplicates: 0, done: USER_RECORDS });
    expect(mapping.counters.retries).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
