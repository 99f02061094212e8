// kpl tail, inspect and redrive on a service-managed stream (RecordDistributionStrategy AUTO),
// whose records may have no partition key: GetRecords gives them none.
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { aggregatedRecord, kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';
import { kpl } from './helpers/run.js';

const kinesis = useLocalKinesis();
beforeAll(async () => {
  await kinesis().createStream('auto', 1, { recordDistribution: 'AUTO' });
  await kinesis().client.send(
    new PutRecordsCommand({
      StreamName: 'auto',
      Records: [
        { Data: Buffer.from('{"n":0}') },
        { Data: Buffer.from('{"n":1}'), PartitionKey: 'keyed' },
        // An aggregate put without an outer key: its user records carry theirs.
        {
          Data: aggregatedRecord([
            { partitionKey: 'a', data: '{"n":2}' },
            { partitionKey: 'b', data: '{"n":3}' },
          ]).data,
        },
      ],
    }),
  );
});

async function getRecords() {
  const { ShardIterator } = await kinesis().client.send(
    new GetShardIteratorCommand({
      StreamName: 'auto',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const { Records = [] } = await kinesis().client.send(new GetRecordsCommand({ ShardIterator }));
  return Records;
}

const keysAndData = (lines: Array<Record<string, unknown>>) =>
  lines.map(({ partitionKey, data }) => [partitionKey, data]);

const expected = [
  [null, '{"n":0}'],
  ['keyed', '{"n":1}'],
  ['a', '{"n":2}'],
  ['b', '{"n":3}'],
];

describe('records without a partition key', () => {
  it('kpl tail shows them, partitionKey null in JSON and (none) in text', async () => {
    const tail = ['tail', '--stream', 'auto', '--from', 'trim-horizon', '--limit', '4'];
    const json = await kpl([...tail, '--json'], { client: kinesis().client });
    expect(json.code).toBe(0);
    expect(keysAndData(json.lines)).toEqual(expected);
    const text = await kpl(tail, { client: kinesis().client });
    expect(text.stdout.split('\n')[0]).toMatch(
      /^shardId-000000000000 \d+:0 \(none\) 7 B json \{"n":0\}$/,
    );
  });

  it('kpl inspect shows them, from a GetRecords output or a Lambda event', async () => {
    const records = await getRecords();
    expect(records[0]).not.toHaveProperty('PartitionKey');
    // As the AWS CLI prints a GetRecords output: Data in base64.
    const output = {
      Records: records.map((record) => ({
        ...record,
        Data: Buffer.from(record.Data!).toString('base64'),
      })),
    };
    const fromSdk = await kpl(['inspect', '--json'], { stdin: JSON.stringify(output) });
    expect(fromSdk.code).toBe(0);
    const userRecords = fromSdk.lines.filter((line) => line.type === 'userRecord');
    expect(keysAndData(userRecords)).toEqual(expected);
    expect(fromSdk.lines.filter((line) => line.type === 'parent')).toEqual([
      expect.objectContaining({ partitionKey: null, kind: 'plain' }),
      expect.objectContaining({ partitionKey: 'keyed', kind: 'plain' }),
      expect.objectContaining({ partitionKey: null, kind: 'aggregate', userRecords: 2 }),
    ]);

    const event = kinesisStreamEvent([
      plainRecord({ partitionKey: null, data: '{"n":0}' }),
      aggregatedRecord([{ partitionKey: 'a', data: '{"n":2}' }], { partitionKey: null }),
    ]);
    const fromLambda = await kpl(['inspect'], { stdin: JSON.stringify(event) });
    expect(fromLambda.code).toBe(0);
    expect(fromLambda.stdout).not.toContain('undefined');
    expect(fromLambda.stdout).not.toContain('null');
    expect(fromLambda.stdout.split('\n')[0]).toMatch(
      /^parent 0, sequence number \d+, 7 bytes, plain record$/,
    );
  });

  it('kpl redrive reads them back, and puts them again', async () => {
    const records = await getRecords();
    const message = {
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: records[0]!.SequenceNumber,
        endSequenceNumber: records.at(-1)!.SequenceNumber,
        streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/auto',
      },
    };
    await kinesis().createStream('auto-again', 1, { recordDistribution: 'AUTO' });
    const run = await kpl(['redrive', '--to-stream', 'auto-again'], {
      stdin: JSON.stringify(message),
      client: kinesis().client,
    });
    expect(run.stderr).toMatch(/: 4 redriven to auto-again, 0 skipped as done, 0 failed\n$/);
    expect(run.code).toBe(0);
    expect(keysAndData(run.lines)).toEqual(expected);
    const again = await kpl(
      ['tail', '--stream', 'auto-again', '--from', 'trim-horizon', '--limit', '4', '--json'],
      { client: kinesis().client },
    );
    expect(again.lines.map(({ data }) => data)).toEqual(expected.map(([, data]) => data));
  });
});
