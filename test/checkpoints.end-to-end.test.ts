// Each user record once, end to end: 4,000 user records in aggregates of up to 150 on a local
// stream, one poison record and four that fail twice, delivered with Lambda's retry rules to a
// Middy and a Powertools consumer that keep checkpoints in a local DynamoDB; then a redrive of
// what Lambda gave up.
import { redrive } from '@kpl-lambda/checkpoints/redrive';
import { userRecordJson } from '@kpl-lambda/core';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import { type LocalDynamoDB, startLocalDynamoDB } from '@kpl-lambda/testing-utils';
import { consumers } from './helpers/consumers.js';
import { lambdaMapping } from './helpers/lambdaMapping.js';
import { outcomes } from './helpers/outcomes.js';
import { produce } from './helpers/streams.js';

const USER_RECORDS = 4_000;
const POISON = 1_234;
const FLAKY = new Set([17, 801, 2_222, 3_999]);

let kinesis: LocalKinesis;
let dynamodb: LocalDynamoDB;
beforeAll(async () => {
  [kinesis, dynamodb] = await Promise.all([startLocalKinesis(), startLocalDynamoDB()]);
});
afterAll(async () => {
  await Promise.all([kinesis.stop(), dynamodb.stop()]);
});

describe.each(Object.entries(consumers))('each user record once with %s', (name, consumer) => {
  it('runs every user record once on its successful path, and redrives only the poison', async () => {
    const streamName = `checkpoints-${name}`;
    await kinesis.createStream(streamName, 2);
    const records = Array.from({ length: USER_RECORDS }, (_, i) => ({
      data: { i },
      partitionKey: `key-${i % 97}`,
    }));
    await produce(kinesis, streamName, records, 150);
    const checkpoints = await dynamodb.checkpointStore({ consumerName: name });
    // The poison always fails, the flaky ones twice.
    const { successes, handle } = outcomes<number>(
      (i, attempt) => i === POISON || (FLAKY.has(i) && attempt <= 2),
    );
    const { mapping, givenUp } = lambdaMapping(kinesis, {
      streamName,
      handler: consumer({ checkpoints }, (record) =>
        handle(userRecordJson<{ i: number }>(record).i),
      ),
      batchSize: 20,
      maximumRetryAttempts: 3,
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
