// redrive() from the object an S3 on-failure destination holds: Lambda's metadata plus `payload`,
// the invocation event it gave up on. The records come from the payload: the stream is not read,
// so a batch is redriven even once the stream no longer has it (here: the stream is deleted).
import { DeleteStreamCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import {
  type DynamoDBCheckpointStore,
  InMemoryCheckpointStore,
  KplRedriveRecordsMissingError,
} from '@kpl-lambda/checkpoints';
import { type RedriveOptions, redrive } from '@kpl-lambda/checkpoints/redrive';
import {
  aggregate,
  deaggregateRecords,
  type ParentProgress,
  SubSequenceSet,
  userRecordText,
} from '@kpl-lambda/core';
import {
  KinesisEventSourceMapping,
  type KinesisOnFailureRecord,
} from '@kpl-lambda/local-event-source-mapping';
import { type LocalDynamoDB, startLocalDynamoDB, useLocalKinesis } from '@kpl-lambda/testing-utils';
import type { KinesisStreamEvent } from 'aws-lambda';
import { refusal } from './helpers/refusal.js';

const kinesis = useLocalKinesis();
let dynamodb: LocalDynamoDB;
beforeAll(async () => {
  dynamodb = await startLocalDynamoDB();
});
afterAll(() => dynamodb.stop());

/** What Lambda writes to an S3 on-failure destination: the metadata, and the event it gave up. */
type OnFailureObject = KinesisOnFailureRecord & { payload: KinesisStreamEvent };

/**
 * Two aggregates of four user records `p<parent>-<i>` through the local event source mapping; the
 * consumer records in the store what it did, and `p1-2` always fails, so Lambda gives the batch up.
 */
async function givenUpBatch(streamName: string, checkpoints: DynamoDBCheckpointStore) {
  await kinesis().createStream(streamName, 1);
  await kinesis().client.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: [0, 1].map((p) => ({
        PartitionKey: 'k',
        Data: aggregate(
          [0, 1, 2, 3].map((i) => ({ partitionKey: 'k', data: `p${p}-${i}` })),
          { aggregateSingleRecord: true },
        )[0]!.data,
      })),
    }),
  );
  let lastEvent: KinesisStreamEvent | undefined;
  const objects: OnFailureObject[] = [];
  const mapping = new KinesisEventSourceMapping({
    client: kinesis().client,
    streamName,
    maximumRetryAttempts: 0,
    handler: async (event) => {
      lastEvent = event;
      const done = new Map<string, number[]>();
      let poison = false;
      for (const userRecord of deaggregateRecords(event.Records)) {
        const { sequenceNumber, subSequenceNumber } = userRecord.kinesis;
        if (userRecordText(userRecord) === 'p1-2') poison = true;
        else done.set(sequenceNumber, [...(done.get(sequenceNumber) ?? []), subSequenceNumber]);
      }
      const progress: ParentProgress[] = [...done].map(([sequenceNumber, subs]) => ({
        parent: {
          streamArn: event.Records[0]!.eventSourceARN,
          shardId: 'shardId-000000000000',
          sequenceNumber,
        },
        done: SubSequenceSet.of(subs),
      }));
      await checkpoints.save(progress);
      if (poison) throw new Error('p1-2 cannot be handled');
    },
    // An S3 destination's object: the record an SQS queue gets, and the whole event.
    onFailure: (record) => {
      objects.push({ ...record, payload: lastEvent! });
    },
  });
  await mapping.drain();
  expect(objects).toHaveLength(1);
  return JSON.parse(JSON.stringify(objects[0])) as OnFailureObject;
}

describe('redrive from an S3 on-failure object', () => {
  it("runs the payload's records not done, after the stream is gone, and records them", async () => {
    const checkpoints = await dynamodb.checkpointStore({ consumerName: 'orders' });
    const object = await givenUpBatch('from-payload', checkpoints);
    await kinesis().client.send(new DeleteStreamCommand({ StreamName: 'from-payload' }));
    const ran: string[] = [];
    const run = (payload: RedriveOptions['payload']) =>
      redrive({
        checkpoints,
        batchInfo: object.KinesisBatchInfo,
        payload,
        handler: (userRecord) => {
          ran.push(`${userRecord.shardId} ${Buffer.from(userRecord.data).toString()}`);
        },
      });

    expect(await run(object.payload)).toEqual({ ran: 1, skipped: 7, failed: [], complete: true });
    expect(ran).toEqual(['shardId-000000000000 p1-2']);
    // Its JSON text is taken too; what ran is now done.
    expect(await run(JSON.stringify(object.payload))).toMatchObject({ ran: 0, skipped: 8 });
  });

  it('refuses a payload that lacks the end of the batch, having run nothing', async () => {
    const checkpoints = await dynamodb.checkpointStore({ consumerName: 'partial' });
    const object = await givenUpBatch('partial-payload', checkpoints);
    const ran: unknown[] = [];
    const error = await redrive({
      checkpoints: new InMemoryCheckpointStore(),
      batchInfo: object.KinesisBatchInfo,
      payload: { Records: object.payload.Records.slice(0, 1) },
      handler: (userRecord) => ran.push(userRecord),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KplRedriveRecordsMissingError);
    expect(error).toMatchObject({ sequenceNumber: object.KinesisBatchInfo.endSequenceNumber });
    expect(ran).toEqual([]);
  });
});

describe('redrive payload options', () => {
  const batchInfo = {
    shardId: 'shardId-000000000000',
    startSequenceNumber: '1',
    endSequenceNumber: '2',
    streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders',
  };
  const options = (payload: unknown) => ({
    checkpoints: new InMemoryCheckpointStore(),
    batchInfo,
    payload,
    handler: () => undefined,
  });

  it('names what is not an invocation event of Kinesis records', async () => {
    expect((await refusal(options({ records: [] }))).option).toBe('payload');
    expect((await refusal(options('{"Records":'))).option).toBe('payload');
    const record = (data: unknown) => ({ kinesis: { sequenceNumber: '1', data } });
    expect((await refusal(options({ Records: [record('aGk=\n')] }))).option).toBe(
      'payload.Records[0]',
    );
    expect((await refusal(options({ Records: [record(Buffer.from('hi'))] }))).option).toBe(
      'payload.Records[0]',
    );
    expect((await refusal(options({ Records: [null] }))).option).toBe('payload.Records[0]');
    expect((await refusal(options({ Records: [{}] }))).option).toBe('payload.Records[0]');
    expect((await refusal({ ...options(undefined), payload: undefined })).option).toBe('kinesis');
    expect((await refusal({ ...options({ Records: [] }), kinesis: {} })).option).toBe('kinesis');
  });
});

describe('redrive of payload records with only the fields Lambda always gives', () => {
  it('runs them without partition key or arrival time', async () => {
    const ran: Array<[string | undefined, Date | undefined, string]> = [];

    const report = await redrive({
      checkpoints: new InMemoryCheckpointStore(),
      batchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: '1',
        endSequenceNumber: '1',
        streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders',
      },
      payload: { Records: [{ kinesis: { sequenceNumber: '1', data: 'aGk=' } }] },
      handler: (userRecord) => {
        const { partitionKey, approximateArrivalTimestamp, data } = userRecord;
        ran.push([partitionKey, approximateArrivalTimestamp, Buffer.from(data).toString()]);
      },
    });

    expect(report).toEqual({ ran: 1, skipped: 0, failed: [], complete: true });
    expect(ran).toEqual([[undefined, undefined, 'hi']]);
  });
});
