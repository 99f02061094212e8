// Payloads inside user records, end to end: Fluent Bit's zlib lines in KPL aggregates, and
// CloudWatch Logs subscription envelopes, on a local stream of two shards; one logical record
// that fails twice, one user record that does not decode; Lambda's retry rules played by the
// local event source mapping (with parallelization), and checkpoints on a local DynamoDB. The
// unit of a checkpoint is the user record: only the siblings of the failing logical record
// inside its own user record run again.
import { deflateSync, gzipSync } from 'node:zlib';
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { createCheckpointTable, DynamoDBCheckpointStore } from '@kpl-lambda/checkpoints';
import { type DecodeOptions, type KinesisStreamUserRecord, userRecordJson } from '@kpl-lambda/core';
import { cloudWatchLogsData } from '@kpl-lambda/core/testing';
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

const USER_RECORDS = 120;
const PER_USER_RECORD = 5;
const UNDECODABLE = 77;
const FLAKY = 203;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let kinesis: LocalKinesis;
let dynamodb: LocalDynamoDB;
beforeAll(async () => {
  [kinesis, dynamodb] = await Promise.all([startLocalKinesis(), startLocalDynamoDB()]);
});
afterAll(async () => {
  await Promise.all([kinesis.stop(), dynamodb.stop()]);
});

/** The logical records of user record `u`: `{"i": ...}`, five of them. */
const linesOf = (u: number) =>
  Array.from({ length: PER_USER_RECORD }, (_, j) => JSON.stringify({ i: u * PER_USER_RECORD + j }));

/** How each producer writes the user records to the stream. */
const sources: Record<
  string,
  { decode: DecodeOptions; write: (streamName: string) => Promise<void> }
> = {
  // Fluent Bit's Go plugin: each record zlib-compressed, then KPL-aggregated.
  'zlib lines in aggregates': {
    decode: { compression: 'zlib', envelope: 'lines' },
    write: async (streamName) => {
      const producer = new KinesisProducer({
        client: kinesis.client,
        streamName,
        aggregationMaxCount: 15,
      });
      for (let u = 0; u < USER_RECORDS; u++) {
        const data =
          u === UNDECODABLE ? Buffer.from('not zlib') : deflateSync(`${linesOf(u).join('\n')}\n`);
        producer.put({ data, partitionKey: `key-${u % 13}` });
      }
      expect((await producer.flush()).undeliverable).toEqual([]);
    },
  },
  // A CloudWatch Logs subscription: a gzip envelope per Kinesis record, health checks among them.
  'CloudWatch Logs envelopes': {
    decode: { envelope: 'cloudwatch-logs' },
    write: async (streamName) => {
      const records = Array.from({ length: USER_RECORDS }, (_, u) => ({
        PartitionKey: `log-stream-${u % 13}`,
        Data:
          u === UNDECODABLE
            ? gzipSync('{"messageType":"DATA_MESSAGE"}')
            : cloudWatchLogsData(linesOf(u), { logStream: `log-stream-${u % 13}` }),
      }));
      records.splice(40, 0, {
        PartitionKey: 'control',
        Data: cloudWatchLogsData([], { messageType: 'CONTROL_MESSAGE' }),
      });
      for (let i = 0; i < records.length; i += 100) {
        const put = await kinesis.client.send(
          new PutRecordsCommand({ StreamName: streamName, Records: records.slice(i, i + 100) }),
        );
        expect(put.FailedRecordCount).toBe(0);
      }
    },
  },
};

/** The flaky logical record fails its first two runs; `successes` counts every record's. */
function outcomes() {
  const successes = new Map<number, number>();
  const attempts = new Map<number, number>();
  const handle = (record: KinesisStreamUserRecord) => {
    const { i } = userRecordJson<{ i: number }>(record);
    const attempt = (attempts.get(i) ?? 0) + 1;
    attempts.set(i, attempt);
    if (i === FLAKY && attempt <= 2) throw new Error(`record ${i} failed`);
    successes.set(i, (successes.get(i) ?? 0) + 1);
  };
  return { successes, handle };
}

const consumers = {
  middy: (
    decode: DecodeOptions,
    checkpoints: DynamoDBCheckpointStore,
    handle: (r: KinesisStreamUserRecord) => void,
  ) =>
    middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg({ decode, checkpoints, logger: quiet }))
      .handler<KinesisStreamEvent>(
        async (event) =>
          Promise.allSettled(event.Records.map(async (record) => handle(record))) as never,
      ),
  // A processor per invocation: the mapping invokes shards at once in one process.
  powertools:
    (
      decode: DecodeOptions,
      checkpoints: DynamoDBCheckpointStore,
      handle: (r: KinesisStreamUserRecord) => void,
    ) =>
    (event: KinesisStreamEvent, context: Context) =>
      processPartialResponse(
        event,
        async (record: KinesisStreamUserRecord) => handle(record),
        new KplBatchProcessor({ decode, checkpoints, logger: quiet }),
        { context },
      ),
};

describe.each(Object.entries(sources))('decoding %s', (sourceName, source) => {
  it.each(Object.keys(consumers) as Array<keyof typeof consumers>)(
    'with %s runs each logical record once but the flaky one’s siblings, and gives up the user record that does not decode',
    async (consumerName) => {
      const name = `${sourceName.split(' ')[0]!.toLowerCase()}-${consumerName}`;
      await kinesis.createStream(name, 2);
      await source.write(name);
      await createCheckpointTable({ client: dynamodb.client, tableName: name, timeToLive: false });
      const checkpoints = new DynamoDBCheckpointStore({
        client: dynamodb.client,
        tableName: name,
        consumerName: name,
      });
      const { successes, handle } = outcomes();
      const givenUp: KinesisOnFailureRecord[] = [];
      const mapping = new KinesisEventSourceMapping({
        client: kinesis.client,
        streamName: name,
        handler: consumers[consumerName](source.decode, checkpoints, handle) as never,
        batchSize: 7,
        parallelizationFactor: 2,
        functionResponseTypes: ['ReportBatchItemFailures'],
        maximumRetryAttempts: 3,
        onFailure: (record) => {
          givenUp.push(record);
        },
      });
      await mapping.drain();

      const flakyUserRecord = Math.floor(FLAKY / PER_USER_RECORD);
      const expected = Array.from({ length: USER_RECORDS * PER_USER_RECORD }, (_, i) => i).filter(
        (i) => Math.floor(i / PER_USER_RECORD) !== UNDECODABLE,
      );
      const lost = expected.filter((i) => !successes.has(i));
      const again = [...successes].filter(([, count]) => count > 1).map(([i]) => i);
      expect({ lost, extra: successes.size - expected.length }).toEqual({ lost: [], extra: 0 });
      // Only the other records of the flaky record's own user record ran again, on each of its
      // failed deliveries: done user records never did, though their parents came again.
      expect(again.every((i) => Math.floor(i / PER_USER_RECORD) === flakyUserRecord)).toBe(true);
      expect(again.length).toBeGreaterThan(0);
      expect(successes.get(FLAKY)).toBe(1);
      // The user record that does not decode failed on every attempt, and its batch was given up.
      expect(givenUp).toHaveLength(1);
      expect(mapping.counters.retries).toBeGreaterThan(0);
    },
    120_000,
  );
});
