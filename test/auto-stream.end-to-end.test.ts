// Records without partition keys on a service-managed stream (RecordDistributionStrategy AUTO),
// end to end: written with the SDK's PutRecords (the service places them on any shard), read by
// every consumer of this project. The Middy and Powertools consumers get them through the local
// event source mapping, with checkpoints on a local DynamoDB; one record is poison and one fails
// once; `redrive` and `kpl redrive` read back the batch Lambda gave up; `kpl tail` and
// `kpl inspect` show them all.
import { PassThrough, Readable } from 'node:stream';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { redrive } from '@kpl-lambda/checkpoints/redrive';
import { main } from '@kpl-lambda/cli';
import { userRecordJson } from '@kpl-lambda/core';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import { type LocalDynamoDB, startLocalDynamoDB } from '@kpl-lambda/testing-utils';
import { consumers } from './helpers/consumers.js';
import { lambdaMapping } from './helpers/lambdaMapping.js';
import { outcomes } from './helpers/outcomes.js';
import { putRecords } from './helpers/streams.js';

const RECORDS = 120;
const POISON = 77;
const FLAKY = 31;
/** Every fourth record has a key; the others were written without one. */
const keyOf = (i: number) => (i % 4 === 0 ? `k-${i}` : undefined);

let kinesis: LocalKinesis;
let dynamodb: LocalDynamoDB;
beforeAll(async () => {
  // kpl redrive makes its own DynamoDB client: it takes its credentials where the SDK looks.
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  [kinesis, dynamodb] = await Promise.all([startLocalKinesis(), startLocalDynamoDB()]);
});
afterAll(async () => {
  await Promise.all([kinesis.stop(), dynamodb.stop()]);
});

/** An AUTO stream of two shards holding the records, put as a producer without keys puts them. */
async function autoStream(streamName: string) {
  await kinesis.createStream(streamName, 2, { recordDistribution: 'AUTO' });
  const records = Array.from({ length: RECORDS }, (_, i) => {
    const PartitionKey = keyOf(i);
    return { Data: Buffer.from(JSON.stringify({ i })), ...(PartitionKey ? { PartitionKey } : {}) };
  });
  await putRecords(kinesis, streamName, records);
}

/** Runs `kpl ...args`; resolves with its exit code, what it printed, and its JSON lines. */
async function kpl(args: string[], stdin = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await main(args, {
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout,
    stderr,
    env: {},
    kinesisClient: () => kinesis.client,
  });
  const text = Buffer.concat(out).toString('utf8');
  const lines = text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, text, stderr: Buffer.concat(err).toString('utf8'), lines };
}

describe.each(Object.entries(consumers))(
  'records without a partition key, read by %s',
  (name, consumer) => {
    it('runs each once with what Lambda sent as its key, and redrives only the poison', async () => {
      const streamName = `auto-${name}`;
      await autoStream(streamName);
      const checkpoints = await dynamodb.checkpointStore({ consumerName: name });
      // The poison always fails, the flaky one once; `keys` holds what each was keyed by.
      const { successes, handle } = outcomes<number>(
        (i, attempt) => i === POISON || (i === FLAKY && attempt === 1),
      );
      const keys = new Map<number, unknown>();
      const { mapping, givenUp } = lambdaMapping(kinesis, {
        streamName,
        handler: consumer({ checkpoints }, (record) => {
          const { i } = userRecordJson<{ i: number }>(record);
          keys.set(i, record.kinesis.partitionKey);
          handle(i);
        }),
        batchSize: 10,
        maximumRetryAttempts: 2,
      });
      await mapping.drain();

      const all = Array.from({ length: RECORDS }, (_, i) => i);
      expect({
        lost: all.filter((i) => i !== POISON && successes.get(i) !== 1),
        poison: successes.has(POISON),
      }).toEqual({ lost: [], poison: false });
      // Lambda's null for a record without a key; the key for one with.
      expect(all.filter((i) => keys.get(i) !== (keyOf(i) ?? null))).toEqual([]);
      expect(givenUp).toHaveLength(1);
      const batchInfo = givenUp[0]!.KinesisBatchInfo;

      // The operator looks first: only the poison is not done, and it has no key.
      const looked = await kpl(
        [
          'redrive',
          '--table',
          checkpoints.tableName,
          '--consumer',
          name,
          '--dynamodb-endpoint',
          dynamodb.endpoint,
          '--kinesis-endpoint',
          kinesis.endpoint,
          '--region',
          'us-east-1',
        ],
        JSON.stringify(givenUp[0]),
      );
      expect(looked.code).toBe(0);
      expect(looked.lines.map(({ partitionKey, data }) => [partitionKey, data])).toEqual([
        [null, JSON.stringify({ i: POISON })],
      ]);

      const redriven: Array<[string | undefined, number]> = [];
      const report = await redrive({
        kinesis: kinesis.client,
        checkpoints,
        batchInfo,
        handler: (userRecord) => {
          const { i } = JSON.parse(Buffer.from(userRecord.data).toString()) as { i: number };
          redriven.push([userRecord.partitionKey, i]);
        },
      });
      expect(redriven).toEqual([[undefined, POISON]]);
      expect(report).toMatchObject({ ran: 1, failed: [], complete: true });
    }, 60_000);
  },
);

describe('kpl on records without a partition key', () => {
  const streamName = 'auto-kpl';
  beforeAll(() => autoStream(streamName));

  it('kpl tail shows every record of every shard, null where there is no key', async () => {
    const tail = await kpl([
      'tail',
      '--stream',
      streamName,
      '--from',
      'trim-horizon',
      '--limit',
      String(RECORDS),
      '--json',
    ]);
    expect(tail.code).toBe(0);
    const seen = tail.lines
      .map(({ partitionKey, data }) => ({
        partitionKey,
        i: (JSON.parse(data as string) as { i: number }).i,
      }))
      .sort((a, b) => a.i - b.i);
    expect(seen).toEqual(
      Array.from({ length: RECORDS }, (_, i) => ({ partitionKey: keyOf(i) ?? null, i })),
    );
  });

  it('kpl inspect shows them from a GetRecords output of each shard', async () => {
    const { Shards = [] } = await kinesis.client.send(
      new ListShardsCommand({ StreamName: streamName }),
    );
    const seen: Array<{ partitionKey: unknown; i: number }> = [];
    for (const { ShardId } of Shards) {
      const { ShardIterator } = await kinesis.client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const { Records = [] } = await kinesis.client.send(new GetRecordsCommand({ ShardIterator }));
      // As the AWS CLI prints it: Data in base64.
      const output = {
        Records: Records.map((record) => ({
          ...record,
          Data: Buffer.from(record.Data!).toString('base64'),
        })),
      };
      const inspected = await kpl(['inspect', '--json'], JSON.stringify(output));
      expect(inspected.code).toBe(0);
      for (const line of inspected.lines.filter(({ type }) => type === 'userRecord')) {
        seen.push({
          partitionKey: line.partitionKey,
          i: (JSON.parse(line.data as string) as { i: number }).i,
        });
      }
    }
    expect(seen.sort((a, b) => a.i - b.i)).toEqual(
      Array.from({ length: RECORDS }, (_, i) => ({ partitionKey: keyOf(i) ?? null, i })),
    );
  });
});
