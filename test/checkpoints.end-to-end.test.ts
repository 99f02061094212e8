// Each user record once, end to end: 4,000 user records in aggregates of up to 150 on a local
// stream, one poison record and four that fail twice, delivered with Lambda's retry rules to a
// Middy and a Powertools consumer that keep checkpoints in a local DynamoDB; then a redrive of
// what Lambda gave up.
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import { createCheckpointTable, DynamoDBCheckpointStore } from '@kpl-lambda/checkpoints';
import { redrive } from '@kpl-lambda/checkpoints/redrive';
import type { KinesisStreamUserRecord } from '@kpl-lambda/core';
import {
  KinesisEventSourceMapping,
  type KinesisOnFailureRecord,
} from '@kpl-lambda/local-event-source-mapping';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import kplDeagg from '@kpl-lambda/middy';
import { KplBatchProcessor } from '@kpl-lambda/powertools';
import { KinesisProducer } from '@kpl-lambda/producer';
import { type LocalDynamoDB, startLocalDynamoDB } from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';

const USER_RECORDS = 4_000;
const POISON = 1_234;
const FLAKY = new Set([17, 801, 2_222, 3_999]);
const quiet = { debug() {}, warn() {}, error() {} };

let kinesis: LocalKinesis;
let dynamodb: LocalDynamoDB;
beforeAll(async () => {
  [kinesis, dynamodb] = await Promise.all([startLocalKinesis(), startLocalDynamoDB()]);
});
afterAll(async () => {
  await Promise.all([kinesis.stop(), dynamodb.stop()]);
});

/** How each user record fares: the poison always fails, the flaky ones fail twice. */
function outcomes() {
  const successes = new Map<number, number>();
  const attempts = new Map<number, number>();
  const handle = (i: number) => {
    const attempt = (attempts.get(i) ?? 0) + 1;
    attempts.set(i, attempt);
    if (i === POISON || (FLAKY.has(i) && attempt <= 2)) throw new Error(`record ${i} failed`);
    successes.set(i, (successes.get(i) ?? 0) + 1);
  };
  return { successes, attempts, handle };
}
const indexOf = (record: { kinesis: { data: string } }) =>
  (JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString()) as { i: number }).i;

const consumers = {
  middy: (checkpoints: DynamoDBCheckpointStore, handle: (i: number) => void) =>
    middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg({ checkpoints, logger: quiet }))
      .handler<KinesisStreamEvent>(
        async (event) =>
          Promise.allSettled(event.Records.map(async (record) => handle(indexOf(record)))) as never,
      ),
  // The local mapping invokes two shards at once in one process, where Lambda would use two
  // execution environments: a Powertools processor serves one invocation at a time (outside
  // Lambda's InvokeStore), so each invocation gets its own here.
  powertools: (checkpoints: DynamoDBCheckpointStore, handle: (i: number) => void) => {
    const recordHandler = async (record: KinesisStreamUserRecord) => handle(indexOf(record));
    return (event: KinesisStreamEvent, context: Context) =>
      processPartialResponse(
        event,
        recordHandler,
        new KplBatchProcessor({ checkpoints, logger: quiet }),
        { context },
      );
  },
};

describe.each(Object.entries(consumers))('each user record once with %s', (name, consumer) => {
  it('runs every user record once on its successful path, and redrives only the poison', async () => {
    const streamName = `checkpoints-${name}`;
    await kinesis.createStream(streamName, 2);
    const producer = new KinesisProducer({
      client: kinesis.client,
      streamName,
      aggregationMaxCount: 150,
    });
    for (let i = 0; i < USER_RECORDS; i++)
      producer.put({ data: { i }, partitionKey: `key-${i % 97}` });
    expect((await producer.flush()).undeliverable).toEqual([]);

    const tableName = `checkpoints-${name}`;
    await createCheckpointTable({ client: dynamodb.client, tableName, timeToLive: false });
    const checkpoints = new DynamoDBCheckpointStore({
      client: dynamodb.client,
      tableName,
      consumerName: name,
    });
    const { successes, handle } = outcomes();
    const givenUp: KinesisOnFailureRecord[] = [];
    const mapping = new KinesisEventSourceMapping({
      client: kinesis.client,
      streamName,
      handler: consumer(checkpoints, handle) as never,
      batchSize: 20,
      functionResponseTypes: ['ReportBatchItemFailures'],
      maximumRetryAttempts: 3,
      onFailure: (record) => {
        givenUp.push(record);
      },
    });
    await mapping.drain();

    const duplicates = [...successes.values()].filter((count) => count > 1).length;
    const lost = Array.from({ length: USER_RECORDS }, (_, i) => i).filter(
      (i) => i !== POISON && !successes.has(i),
    );
    expect({ duplicates, lost, poisonSucceeded: successes.has(POISON) }).toEqual({
      duplicates: 0,
      lost: [],
      poisonSucceeded: false,
    });
    expect(givenUp).toHaveLength(1);

    // The operator's redrive: the given-up batch's other user records were done meanwhile.
    const redriven: number[] = [];
    const report = await redrive({
      kinesis: kinesis.client,
      checkpoints,
      batchInfo: givenUp[0]!.KinesisBatchInfo,
      handler: (userRecord) => {
        redriven.push((JSON.parse(Buffer.from(userRecord.data).toString()) as { i: number }).i);
      },
    });
    expect(redriven).toEqual([POISON]);
    expect(report).toMatchObject({ ran: 1, failed: [] });
    expect(report.skipped).toBeGreaterThan(0);

    // Redriven once, done: a second redrive runs nothing.
    const again = await redrive({
      kinesis: kinesis.client,
      checkpoints,
      batchInfo: givenUp[0]!.KinesisBatchInfo,
      handler: () => {
        throw new Error('must not run');
      },
    });
    expect(again).toMatchObject({ ran: 0, failed: [] });
  }, 120_000);
});
