// Payloads inside user records, end to end: Fluent Bit's zlib lines in KPL aggregates, and
// CloudWatch Logs subscription envelopes, on a local stream of two shards; one logical record
// that fails twice, one user record that does not decode; Lambda's retry rules played by the
// local event source mapping (with parallelization), and checkpoints on a local DynamoDB. The
// unit of a checkpoint is the user record: only the siblings of the failing logical record
// inside its own user record run again.
import { deflateSync, gzipSync } from 'node:zlib';
import { type DecodeOptions, userRecordJson } from '@kpl-lambda/core';
import { cloudWatchLogsData } from '@kpl-lambda/core/testing';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import { type LocalDynamoDB, startLocalDynamoDB } from '@kpl-lambda/testing-utils';
import { consumers } from './helpers/consumers.js';
import { lambdaMapping } from './helpers/lambdaMapping.js';
import { outcomes } from './helpers/outcomes.js';
import { produce, putRecords } from './helpers/streams.js';

const USER_RECORDS = 120;
const PER_USER_RECORD = 5;
const UNDECODABLE = 77;
const FLAKY = 203;

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
    write: (streamName) => {
      const records = Array.from({ length: USER_RECORDS }, (_, u) => ({
        data:
          u === UNDECODABLE ? Buffer.from('not zlib') : deflateSync(`${linesOf(u).join('\n')}\n`),
        partitionKey: `key-${u % 13}`,
      }));
      return produce(kinesis, streamName, records, 15);
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
      await putRecords(kinesis, streamName, records);
    },
  },
};

describe.each(Object.entries(sources))('decoding %s', (sourceName, source) => {
  it.each(Object.keys(consumers) as Array<keyof typeof consumers>)(
    'with %s runs each logical record once but the flaky one’s siblings, and gives up the user record that does not decode',
    async (consumerName) => {
      const name = `${sourceName.split(' ')[0]!.toLowerCase()}-${consumerName}`;
      await kinesis.createStream(name, 2);
      await source.write(name);
      const checkpoints = await dynamodb.checkpointStore({ consumerName: name });
      // The flaky logical record fails its first two runs.
      const { successes, handle } = outcomes<number>((i, attempt) => i === FLAKY && attempt <= 2);
      const { mapping, givenUp } = lambdaMapping(kinesis, {
        streamName: name,
        handler: consumers[consumerName]({ decode: source.decode, checkpoints }, (record) =>
          handle(userRecordJson<{ i: number }>(record).i),
        ),
        batchSize: 7,
        parallelizationFactor: 2,
        maximumRetryAttempts: 3,
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
