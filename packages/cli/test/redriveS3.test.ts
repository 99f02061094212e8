// kpl redrive from the object an S3 on-failure destination holds (a file, or s3://BUCKET/KEY on
// an S3 server in this process, s3rver): the records come from its payload, so a batch the
// stream no longer has (trimmed past its retention) is still redriven, and recorded as done.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  KinesisEventSourceMapping,
  type KinesisOnFailureRecord,
} from '@kpl-lambda/local-event-source-mapping';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { KinesisStreamEvent } from 'aws-lambda';
import S3rver from 's3rver';
import { useLocalCheckpointServices } from './helpers/localCheckpointServices.js';
import { kpl } from './helpers/run.js';
import { userRecordsOf } from './helpers/userRecordsOf.js';

/** Past the 24 hours a new stream keeps its records. */
const PAST_RETENTION_MS = 25 * 60 * 60 * 1000;
const BUCKET = 'failures';
const KEY = 'aws/lambda/esm-uuid/shardId-000000000000/2025/01/01/2025-01-01T00.00.00-object';

// s3rver's own key, which kinesalite and dynalite take too.
const { kinesis, dynamodb } = useLocalCheckpointServices('checkpoints', 'S3RVER');
let s3: S3rver;
let s3Endpoint: string;
let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'kpl-redrive-s3-'));
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: BUCKET }],
  });
  s3Endpoint = `http://127.0.0.1:${(await s3.run()).port}`;
});
afterAll(async () => {
  await s3.close();
  await rm(directory, { recursive: true, force: true });
});
afterEach(() => jest.restoreAllMocks());

/**
 * Puts records and runs them through the local event source mapping with a handler that always
 * fails: what Lambda would write to an S3 destination, the SQS record and the event given up.
 */
async function givenUpObject(streamName: string, count: number) {
  await kinesis().createStream(streamName, 1);
  const put = await kpl(['put', '--stream', streamName], {
    stdin: Array.from({ length: count }, (_, n) => JSON.stringify({ n })).join('\n'),
    client: kinesis().client,
  });
  expect(put.code).toBe(0);
  let lastEvent: KinesisStreamEvent | undefined;
  const given: Array<KinesisOnFailureRecord & { payload: KinesisStreamEvent }> = [];
  const mapping = new KinesisEventSourceMapping({
    client: kinesis().client,
    streamName,
    maximumRetryAttempts: 0,
    handler: (event) => {
      lastEvent = event;
      throw new Error('the consumer fails');
    },
    onFailure: (record) => {
      given.push({ ...record, payload: lastEvent! });
    },
  });
  await mapping.drain();
  expect(given).toHaveLength(1);
  return given[0]!;
}

const local = () => [
  '--kinesis-endpoint',
  kinesis().endpoint,
  '--dynamodb-endpoint',
  dynamodb().endpoint,
  '--s3-endpoint',
  s3Endpoint,
  '--region',
  'us-east-1',
];

describe('kpl redrive of an S3 on-failure object', () => {
  it('redrives from s3:// a batch the stream no longer has, where the SQS message cannot', async () => {
    const object = await givenUpObject('expired', 5);
    const client = new S3Client({
      endpoint: s3Endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      requestHandler: new NodeHttpHandler(),
    });
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: JSON.stringify(object) }),
    );
    client.destroy();
    await kinesis().createStream('again', 1);
    const now = Date.now();
    jest.spyOn(Date, 'now').mockImplementation(() => now + PAST_RETENTION_MS);
    const consumer = ['--table', 'checkpoints', '--consumer', 'expired'];

    // What an SQS destination has, metadata only: the records are gone with the stream's.
    const { payload: _, ...sqsRecord } = object;
    const fromStream = await kpl(['redrive', ...local(), ...consumer, '--to-stream', 'again'], {
      stdin: JSON.stringify(sqsRecord),
    });
    expect(fromStream.code).toBe(1);
    expect(fromStream.stderr).toContain('nothing redriven: Record');
    expect(fromStream.stderr).toContain('is no longer in the stream');

    const fromS3 = await kpl(
      ['redrive', `s3://${BUCKET}/${KEY}`, ...local(), ...consumer, '--to-stream', 'again'],
      {},
    );
    expect(fromS3.stderr).toMatch(/: 5 redriven to again, 0 skipped as done, 0 failed\n$/);
    expect(fromS3.code).toBe(0);
    expect(await userRecordsOf(kinesis().client, 'again')).toHaveLength(5);

    // Recorded as done: a second redrive writes nothing twice.
    const twice = await kpl(
      ['redrive', `s3://${BUCKET}/${KEY}`, ...local(), ...consumer, '--to-stream', 'again'],
      {},
    );
    expect(twice.stderr).toMatch(/: 0 redriven to again, 5 skipped as done, 0 failed\n$/);
  });

  it('prints the records of the object downloaded to a file', async () => {
    const object = await givenUpObject('downloaded', 3);
    const file = join(directory, 'object.json');
    await writeFile(file, JSON.stringify(object));

    const printed = await kpl(['redrive', file, ...local()], {});

    expect(printed.code).toBe(0);
    expect(printed.lines.map((line) => line.data)).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']);
  });

  it('says what is wrong with an s3:// argument that names no object', async () => {
    const run = await kpl(['redrive', `s3://${BUCKET}`, ...local()], {});
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('give s3://BUCKET/KEY');
  });
});
