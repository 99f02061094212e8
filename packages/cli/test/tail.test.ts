// kpl tail --from TIME against a local Kinesis (kinesalite), across a reshard.
import { setTimeout as sleep } from 'node:timers/promises';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';
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
  it('ends at --limit, in the middle of a page', async () => {
    await kinesis().createStream('limited', 1);
    await put('limited', orders(0, 5));
    const tail = await kpl(
      ['tail', '--stream', 'limited', '--from', 'trim-horizon', '--limit', '2', '--json'],
      { client: kinesis().client },
    );
    expect(tail.code).toBe(0);
    expect(tail.lines.map(({ data }) => JSON.parse(data as string).n)).toEqual([0, 1]);
  });

  it('reads from a time given in seconds since the epoch, and refuses a time it cannot read', async () => {
    await kinesis().createStream('seconds', 1);
    await put('seconds', orders(0, 3));
    const anHourAgo = (Date.now() / 1000 - 3600).toFixed(3);
    const tail = await kpl(
      ['tail', '--stream', 'seconds', '--from', anHourAgo, '--limit', '3', '--json'],
      { client: kinesis().client },
    );
    expect(tail.lines.map(({ data }) => JSON.parse(data as string).n)).toEqual([0, 1, 2]);
    expect(
      await kpl(['tail', '--stream', 'seconds', '--from', 'yesterday'], {
        client: kinesis().client,
      }),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /^kpl tail: --from must be trim-horizon, latest or a time, got yesterday\n/,
      ),
    });
  });

  it('from the latest, reads only the open shards: nothing a closed one led to before', async () => {
    await kinesis().createStream('latest-resharded', 1);
    await put('latest-resharded', orders(0, 4));
    await kinesis().splitShard('latest-resharded');
    // In the children, before the tail starts: not to be shown.
    await put('latest-resharded', orders(4, 4));
    const tail = kpl(
      ['tail', '--stream', 'latest-resharded', '--limit', '1', '--json', '--poll-ms', '20'],
      { client: kinesis().client },
    );
    let ended = false;
    void tail.then(() => {
      ended = true;
    });
    // Put until the tail, which starts from whenever it asks, has seen one.
    for (let n = 100; !ended; n++) {
      await put('latest-resharded', orders(n, 1));
      await sleep(20);
    }
    const [first] = (await tail).lines;
    expect(JSON.parse(first!.data as string).n).toBeGreaterThanOrEqual(100);
  });

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
