// kpl tail --from TIME against a local Kinesis (kinesalite), across a reshard.
import { setTimeout as sleep } from 'node:timers/promises';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { useLocalKinesis } from './helpers/localKinesis.js';
import { kpl } from './helpers/run.js';

const kinesis = useLocalKinesis();

const orders = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) =>
    JSON.stringify({ n: from + i, key: `k-${(from + i) % 4}` }),
  );

const put = async (stream: string, lines: string[]) => {
  const run = await kpl(['put', '--stream', stream, '--partition-key', 'key'], {
    stdin: lines.join('\n'),
    client: kinesis().client,
  });
  expect(run.code).toBe(0);
};

describe('kpl tail --from TIME', () => {
  it('reads every shard open at that time, the ones closed since first, and nothing before it', async () => {
    await kinesis().createStream('from-time', 1);
    await put('from-time', orders(0, 5));
    // Arrival times are in milliseconds: the time asked for is after the first five.
    await sleep(5);
    const from = new Date().toISOString();
    await put('from-time', orders(5, 5));
    await kinesis().splitShard('from-time');
    await put('from-time', orders(10, 5));

    const tail = await kpl(
      [
        'tail',
        '--stream',
        'from-time',
        '--from',
        from,
        '--limit',
        '10',
        '--json',
        '--poll-ms',
        '20',
      ],
      { client: kinesis().client },
    );

    expect(tail.code).toBe(0);
    const seen = tail.lines.map((line) => ({
      shardId: line.shardId as string,
      ...(JSON.parse(line.data as string) as { n: number; key: string }),
    }));
    expect(seen.map(({ n }) => n).sort((a, b) => a - b)).toEqual([
      5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    ]);
    // The closed parent before its children, so that each key's records come in order.
    expect(seen.slice(0, 5).map(({ shardId }) => shardId)).toEqual(
      Array(5).fill('shardId-000000000000'),
    );
    for (const key of ['k-0', 'k-1', 'k-2', 'k-3']) {
      const ofKey = seen.filter((order) => order.key === key).map(({ n }) => n);
      expect(ofKey).toEqual([...ofKey].sort((a, b) => a - b));
    }
    // Both children were read, each with a record after the time: kinesalite never answers
    // GetShardIterator AT_TIMESTAMP on a shard with none.
    expect(new Set(seen.map(({ shardId }) => shardId)).size).toBe(3);
  }, 20_000);
});

describe('kpl tail', () => {
  it('shows each user record on a line of its own, its line breaks and control characters escaped', async () => {
    await kinesis().createStream('hostile', 1);
    await kinesis().client.send(
      new PutRecordsCommand({
        StreamName: 'hostile',
        Records: [{ PartitionKey: 'k\u001b[2J', Data: Buffer.from('a\nshardId-000000000000 1:0') }],
      }),
    );
    const tail = await kpl(
      ['tail', '--stream', 'hostile', '--from', 'trim-horizon', '--limit', '1'],
      {
        client: kinesis().client,
      },
    );
    expect(tail.code).toBe(0);
    expect(tail.stdout).toMatch(
      /^shardId-000000000000 \d+:0 k\\u001b\[2J 26 B text a\\nshardId-000000000000 1:0\n$/,
    );
  });
});
