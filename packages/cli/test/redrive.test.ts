// kpl redrive with a checkpoint table: the command makes its own Kinesis and DynamoDB clients,
// against kinesalite and dynalite, from its flags or the environment.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListStreamsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { aggregate } from '@kpl-lambda/core';
import { withConsoleLines } from '@kpl-lambda/testing-utils';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { useLocalCheckpointServices } from './helpers/localCheckpointServices.js';
import { kpl } from './helpers/run.js';
import { userRecordsOf } from './helpers/userRecordsOf.js';

const TABLE = 'checkpoints';
const { kinesis, dynamodb } = useLocalCheckpointServices(TABLE, 'local');
let message: string;
beforeAll(async () => {
  await kinesis().createStream('failed', 1);
  const put = await kpl(['put', '--stream', 'failed'], {
    stdin: Array.from({ length: 300 }, (_, n) => JSON.stringify({ n })).join('\n'),
    client: kinesis().client,
  });
  expect(put.code).toBe(0);
  message = JSON.stringify({ KinesisBatchInfo: await batchInfoOfStream('failed') });
});

/** A batch of every record of a one-shard stream, as Lambda's on-failure message names it. */
async function batchInfoOfStream(StreamName: string) {
  const ShardId = 'shardId-000000000000';
  const { ShardIterator } = await kinesis().client.send(
    new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  const { Records = [] } = await kinesis().client.send(new GetRecordsCommand({ ShardIterator }));
  return {
    shardId: ShardId,
    startSequenceNumber: Records[0]!.SequenceNumber!,
    endSequenceNumber: Records.at(-1)!.SequenceNumber!,
    streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${StreamName}`,
  };
}

const checkpointItems = async () =>
  (await dynamodb().client.send(new ScanCommand({ TableName: TABLE }))).Items ?? [];

const local = () => [
  '--kinesis-endpoint',
  kinesis().endpoint,
  '--dynamodb-endpoint',
  dynamodb().endpoint,
  '--region',
  'us-east-1',
];

describe('kpl redrive --table', () => {
  it('only prints without --to-stream: it writes nothing to the table, so the redrive after it redrives every record', async () => {
    const consumer = ['--table', TABLE, '--consumer', 'printed-first'];
    const printed = await kpl(['redrive', ...local(), ...consumer], { stdin: message });
    expect(printed.code).toBe(0);
    expect(printed.lines).toHaveLength(300);
    expect(printed.stderr).toMatch(
      /: 300 printed \(nothing written\), 0 skipped as done, 0 failed\n$/,
    );
    expect(await checkpointItems()).toEqual([]);

    await kinesis().createStream('again', 1);
    const redriven = await kpl(['redrive', ...local(), ...consumer, '--to-stream', 'again'], {
      stdin: message,
    });
    expect(redriven.stderr).toMatch(/: 300 redriven to again, 0 skipped as done, 0 failed\n$/);
    expect(await userRecordsOf(kinesis().client, 'again')).toHaveLength(300);

    // What Kinesis confirmed is recorded: nothing is written twice.
    const twice = await kpl(['redrive', ...local(), ...consumer, '--to-stream', 'again'], {
      stdin: message,
    });
    expect(twice.stderr).toMatch(/: 0 redriven to again, 300 skipped as done, 0 failed\n$/);
    expect(await userRecordsOf(kinesis().client, 'again')).toHaveLength(300);
  });

  it('records nothing as done when the stream refuses the write', async () => {
    const consumer = ['--table', TABLE, '--consumer', 'refused'];
    const { result: refused, lines } = await withConsoleLines(() =>
      kpl(['redrive', ...local(), ...consumer, '--to-stream', 'nowhere'], { stdin: message }),
    );
    // What the producer says goes to the command's stderr, never the console.
    expect(lines).toEqual([]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/: 0 redriven to nowhere, 0 skipped as done, 300 failed\n/);
    expect(refused.stderr).toContain('  failed: 300 × not written: ResourceNotFoundException');
    const printed = await kpl(['redrive', ...local(), ...consumer], { stdin: message });
    expect(printed.lines).toHaveLength(300);
    // 300 writes refused one by one: more than Jest's 5 s on a loaded machine.
  }, 60_000);

  it('takes its endpoints from the variables the AWS SDK reads itself', async () => {
    const env = {
      AWS_ENDPOINT_URL_KINESIS: kinesis().endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb().endpoint,
      AWS_REGION: 'us-east-1',
    };
    const run = await kpl(['redrive', '--table', TABLE, '--consumer', 'from-env'], {
      stdin: message,
      env,
    });
    expect(run).toMatchObject({ code: 0, stderr: expect.stringContaining(': 300 printed') });
    // The SDK reads the same names: its own clients, given no endpoint, go there too.
    Object.assign(process.env, env);
    try {
      const handler = { requestHandler: new NodeHttpHandler() };
      const sdkKinesis = new KinesisClient(handler);
      const sdkDynamoDB = new DynamoDBClient(handler);
      expect((await sdkKinesis.send(new ListStreamsCommand({}))).StreamNames).toContain('failed');
      expect((await sdkDynamoDB.send(new ListTablesCommand({}))).TableNames).toEqual([TABLE]);
      sdkKinesis.destroy();
      sdkDynamoDB.destroy();
    } finally {
      for (const name of Object.keys(env)) delete process.env[name];
    }
  });

  it('takes --endpoint for every service, and a service of its own over it', async () => {
    const run = await kpl(
      [
        'redrive',
        '--endpoint',
        dynamodb().endpoint,
        '--kinesis-endpoint',
        kinesis().endpoint,
        '--region',
        'us-east-1',
        '--table',
        TABLE,
        '--consumer',
        'both',
      ],
      { stdin: message },
    );
    expect(run).toMatchObject({ code: 0, stderr: expect.stringContaining(': 300 printed') });
  });

  it('refuses to call one service locally and the other in AWS', async () => {
    const kinesisOnly = await kpl(
      ['redrive', '--kinesis-endpoint', kinesis().endpoint, '--table', TABLE, '--consumer', 'c'],
      { stdin: message },
    );
    expect(kinesisOnly.code).toBe(2);
    expect(kinesisOnly.stderr.split('\n')[0]).toBe(
      `kpl redrive: Kinesis to ${kinesis().endpoint} (--kinesis-endpoint), but DynamoDB to AWS: give --dynamodb-endpoint URL (or AWS_ENDPOINT_URL_DYNAMODB), or --endpoint URL for every service`,
    );
    const fromEnv = await kpl(['redrive', '--table', TABLE, '--consumer', 'c'], {
      stdin: message,
      env: { AWS_ENDPOINT_URL_DYNAMODB: dynamodb().endpoint },
    });
    expect(fromEnv.stderr.split('\n')[0]).toBe(
      `kpl redrive: DynamoDB to ${dynamodb().endpoint} (AWS_ENDPOINT_URL_DYNAMODB), but Kinesis to AWS: give --kinesis-endpoint URL (or AWS_ENDPOINT_URL_KINESIS), or --endpoint URL for every service`,
    );
    expect(
      (
        await kpl(['redrive', '--endpoint', 'not a url', '--table', TABLE, '--consumer', 'c'], {
          stdin: message,
        })
      ).stderr,
    ).toContain('not a url is not an endpoint URL');
  });
});

describe('kpl redrive', () => {
  it('stops when stopped, says the batch is not finished, and exits 130', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kpl-redrive-')), 'message.json');
    writeFileSync(file, message);
    const controller = new AbortController();
    controller.abort();
    const run = await kpl(['redrive', file, ...local()], { signal: controller.signal });
    expect(run).toMatchObject({ code: 130, stdout: '' });
    expect(run.stderr).toMatch(
      /^shardId-000000000000 \d+\.\.\d+: 0 printed \(nothing written\), 0 skipped as done, 0 failed\n {2}stopped before the end of the batch: run it again to go on\n$/,
    );
  });

  it('puts each user record again with its explicit hash key: to the shard that key chooses', async () => {
    await kinesis().createStream('keyed', 1);
    await kinesis().createStream('keyed-again', 2);
    // One partition key, whose hash is in one shard; each explicit hash key in another.
    const userRecords = [
      { partitionKey: 'a', explicitHashKey: '1', data: 'low' },
      { partitionKey: 'a', explicitHashKey: String(2n ** 128n - 1n), data: 'high' },
    ];
    await kinesis().client.send(
      new PutRecordsCommand({
        StreamName: 'keyed',
        Records: aggregate(userRecords).map(({ partitionKey, data }) => ({
          PartitionKey: partitionKey,
          Data: data,
        })),
      }),
    );
    const keyed = JSON.stringify({ KinesisBatchInfo: await batchInfoOfStream('keyed') });

    const run = await kpl(['redrive', ...local(), '--to-stream', 'keyed-again'], {
      stdin: keyed,
    });

    expect(run.stderr).toMatch(/: 2 redriven to keyed-again, 0 skipped as done, 0 failed\n$/);
    const again = await kpl(
      ['tail', '--stream', 'keyed-again', '--from', 'trim-horizon', '--limit', '2', '--json'],
      { client: kinesis().client },
    );
    expect(Object.fromEntries(again.lines.map(({ data, shardId }) => [data, shardId]))).toEqual({
      low: 'shardId-000000000000',
      high: 'shardId-000000000001',
    });
  });
});
