import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import { startLocalKinesis } from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';
import { kpl } from './helpers/run.js';

// kpl put, tail and redrive against a local Kinesis (kinesalite), and the binary itself.
const kinesis = useLocalKinesis();

const orders = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) =>
    JSON.stringify({ orderId: `o-${from + i}`, customerId: `c-${(from + i) % 7}` }),
  );

describe('kpl put against a stream that throttles', () => {
  it('says how many Kinesis records were throttled, and writes them all after their retries', async () => {
    const limited = await startLocalKinesis({
      shardWriteLimits: { bytesPerSecond: 1_048_576, recordsPerSecond: 3 },
    });
    try {
      await limited.createStream('slow', 1);
      // One Kinesis record per line: more than the shard takes in a second.
      const put = await kpl(['put', '--stream', 'slow', '--raw'], {
        stdin: Array.from({ length: 6 }, (_, i) => `line ${i} ${'x'.repeat(60_000)}`).join('\n'),
        client: limited.client,
      });
      expect(put.stdout).toMatch(/^6 user records written to slow .* [1-9]\d* throttled, /);
      expect(limited.throttledRecords).toBeGreaterThan(0);
    } finally {
      await limited.stop();
    }
  }, 60_000);
});

describe('kpl put and kpl tail', () => {
  it('puts JSON lines aggregated, and tails them back in order per key, across a reshard', async () => {
    await kinesis().createStream('orders', 1);
    const put = await kpl(['put', '--stream', 'orders', '--partition-key', 'customerId'], {
      stdin: orders(300).join('\n'),
      client: kinesis().client,
    });
    expect(put.code).toBe(0);
    expect(put.stdout).toMatch(
      /^300 user records written to orders in \d+ Kinesis records \(\d+ PUT payload units, \d+ PutRecords calls, 0 retries, 0 throttled, 0 held for a shard's rate limit, 0 expired\); 0 undeliverable\n$/,
    );
    await kinesis().splitShard('orders');
    expect(
      (
        await kpl(['put', '--stream', 'orders', '--partition-key', 'customerId'], {
          stdin: orders(300, 300).join('\n'),
          client: kinesis().client,
        })
      ).code,
    ).toBe(0);

    const tail = await kpl(
      [
        'tail',
        '--stream',
        'orders',
        '--from',
        'trim-horizon',
        '--limit',
        '600',
        '--json',
        '--poll-ms',
        '20',
      ],
      { client: kinesis().client },
    );
    expect(tail.code).toBe(0);
    const seen = tail.lines.map(
      (line) => JSON.parse(line.data as string) as { orderId: string; customerId: string },
    );
    expect(seen.map((order) => order.orderId).sort()).toEqual(
      orders(600)
        .map((line) => JSON.parse(line).orderId)
        .sort(),
    );
    // Per key, in the order put: the parent shard is read before its children.
    for (let key = 0; key < 7; key++) {
      const ofKey = seen
        .filter((order) => order.customerId === `c-${key}`)
        .map((order) => Number(order.orderId.slice(2)));
      expect(ofKey).toEqual([...ofKey].sort((a, b) => a - b));
    }
    expect(new Set(tail.lines.map((line) => line.shardId)).size).toBe(3);
  }, 30_000);

  it('tails one shard from now until stopped', async () => {
    await kinesis().createStream('latest', 1);
    await kpl(['put', '--stream', 'latest', '--raw'], {
      stdin: 'before',
      client: kinesis().client,
    });
    const controller = new AbortController();
    const tail = kpl(
      ['tail', '--stream', 'latest', '--shard', 'shardId-000000000000', '--poll-ms', '20'],
      { client: kinesis().client, signal: controller.signal },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await kpl(['put', '--stream', 'latest', '--raw'], { stdin: 'after', client: kinesis().client });
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    const run = await tail;
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^shardId-000000000000 \d+:0 \S+ 5 B text after\n$/);
  });

  it('says what is wrong with a stream or shard it cannot read', async () => {
    const noStream = await kpl(['tail', '--stream', 'missing'], { client: kinesis().client });
    expect(noStream.code).toBe(1);
    expect(noStream.stderr).toMatch(/^kpl tail: .*missing.*\n$/);
    const noShard = await kpl(['tail', '--stream', 'latest', '--shard', 'shardId-000000000009'], {
      client: kinesis().client,
    });
    expect(noShard).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Stream latest has no shard shardId-000000000009'),
    });
  });
});

describe('kpl redrive', () => {
  it('reads back the user records of a given-up batch, and puts them again with --to-stream', async () => {
    await kinesis().createStream('failed', 1);
    await kinesis().createStream('again', 1);
    await kpl(['put', '--stream', 'failed'], {
      stdin: orders(50).join('\n'),
      client: kinesis().client,
    });
    const [first, ...rest] = (
      await kpl(
        ['tail', '--stream', 'failed', '--from', 'trim-horizon', '--limit', '50', '--json'],
        { client: kinesis().client },
      )
    ).lines;
    const last = rest.at(-1) ?? first!;
    const message = {
      requestContext: { condition: 'RetryAttemptsExhausted' },
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: first!.sequenceNumber,
        endSequenceNumber: last.sequenceNumber,
        streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/failed',
      },
    };
    // As an SQS destination delivers it: the record in a message body.
    const run = await kpl(['redrive', '--to-stream', 'again'], {
      stdin: JSON.stringify({ Messages: [{ Body: JSON.stringify(message) }] }),
      client: kinesis().client,
    });
    expect(run.code).toBe(0);
    expect(run.lines).toHaveLength(50);
    expect(run.stderr).toMatch(/: 50 redriven to again, 0 skipped as done, 0 failed\n$/);
    const again = await kpl(
      ['tail', '--stream', 'again', '--from', 'trim-horizon', '--limit', '50', '--json'],
      { client: kinesis().client },
    );
    expect(again.lines.map((line) => line.data).sort()).toEqual(
      run.lines.map((line) => line.data).sort(),
    );
    expect(InMemoryCheckpointStore).toBeDefined();
  });

  it('refuses input that is not an on-failure message, and half a checkpoint store', async () => {
    expect(await kpl(['redrive'], { stdin: '{}', client: kinesis().client })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('it has no KinesisBatchInfo'),
    });
    expect(
      await kpl(['redrive'], { stdin: '{"KinesisBatchInfo":', client: kinesis().client }),
    ).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /^kpl redrive: The input is not JSON \(.+\): give the on-failure destination's message\n$/,
      ),
    });
    const halfBatch = { KinesisBatchInfo: { shardId: 'shardId-000000000000' } };
    expect(
      await kpl(['redrive'], { stdin: JSON.stringify(halfBatch), client: kinesis().client }),
    ).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^kpl redrive: batchInfo.startSequenceNumber is missing: /),
    });
    expect(await kpl(['redrive', '--table', 't'], { stdin: '{}' })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--table and --consumer go together'),
    });
  });
});

describe('the kpl binary', () => {
  it('runs from its bin entry, and ends with the exit code of its command', async () => {
    const bin = join(__dirname, '../bin/kpl.mjs');
    const { stdout } = await promisify(execFile)(process.execPath, [bin, '--help']);
    expect(stdout).toContain('kpl inspect');
    const failure = await promisify(execFile)(process.execPath, [bin, 'tail']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--stream is required'),
    });
    await kinesis().createStream('bin', 1);
    const env = {
      ...process.env,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
    const child = promisify(execFile)(
      process.execPath,
      [bin, 'put', '--stream', 'bin', '--endpoint', kinesis().endpoint, '--raw', '-'],
      { env },
    );
    child.child.stdin!.end('one\ntwo\n');
    expect((await child).stdout).toMatch(/^2 user records written to bin/);
  });
});
