// What the local Kinesis gives the KCL daemons (and any client in another process) that kinesalite
// does not: HTTP/2 on the same port, the children of a closed shard, a port of one's choosing.
import { once } from 'node:events';
import { connect } from 'node:http2';
import { createServer } from 'node:net';
import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  KinesisClient,
  ListStreamsCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { KplConfigurationError } from '@kpl-lambda/core';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import { IteratorShards } from '../src/local-kinesis/IteratorShards.js';

let kinesis: LocalKinesis;
beforeAll(async () => {
  kinesis = await startLocalKinesis();
});
afterAll(() => kinesis.stop());

const local = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };

/** A free loopback port, found by taking one and giving it back. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('HTTP/2 beside HTTP/1.1, on one port', () => {
  it('answers the SDK default HTTP/2 handler (h2c, as the KCL 2 and 3 daemons speak)', async () => {
    const http2Client = new KinesisClient({ endpoint: kinesis.endpoint, ...local });
    try {
      await kinesis.createStream('over-http2', 1);
      await http2Client.send(
        new PutRecordCommand({
          StreamName: 'over-http2',
          PartitionKey: 'k',
          Data: Buffer.from('x'),
        }),
      );
      const { StreamNames } = await http2Client.send(new ListStreamsCommand({}));
      expect(StreamNames).toContain('over-http2');
    } finally {
      http2Client.destroy();
    }
  });

  it('stops while a client keeps its HTTP/2 session open, as a daemon does', async () => {
    const other = await startLocalKinesis();
    const session = connect(other.endpoint);
    const stream = session.request({
      ':method': 'POST',
      ':path': '/',
      'x-amz-target': 'Kinesis_20131202.ListStreams',
      'content-type': 'application/x-amz-json-1.1',
    });
    stream.end('{}');
    const [headers] = (await once(stream, 'response')) as [Record<string, unknown>];
    expect(headers[':status']).toBe(200);
    session.on('error', () => {}); // ended by the server: expected
    // Both settle: the server does not wait for the client to hang up, and ends its session.
    await Promise.all([other.stop(), once(session, 'close')]);
  });
});

describe('a closed shard', () => {
  it('ends with its children (ChildShards) in the last GetRecords answer, as Kinesis ends it', async () => {
    await kinesis.createStream('splitting', 1);
    await kinesis.client.send(
      new PutRecordCommand({ StreamName: 'splitting', PartitionKey: 'k', Data: Buffer.from('x') }),
    );
    await kinesis.splitShard('splitting');
    let { ShardIterator } = await kinesis.client.send(
      new GetShardIteratorCommand({
        StreamName: 'splitting',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    let answer: GetRecordsCommandOutput | undefined;
    const records = [];
    while (ShardIterator !== undefined) {
      answer = await kinesis.client.send(new GetRecordsCommand({ ShardIterator }));
      records.push(...(answer.Records ?? []));
      ShardIterator = answer.NextShardIterator;
    }

    expect(records).toHaveLength(1);
    expect(answer?.ChildShards?.map((child) => [child.ShardId, child.ParentShards])).toEqual([
      ['shardId-000000000001', ['shardId-000000000000']],
      ['shardId-000000000002', ['shardId-000000000000']],
    ]);
    expect(answer?.ChildShards?.[0]?.HashKeyRange?.StartingHashKey).toBe('0');
  });

  it('of an iterator it never gave out is answered as kinesalite answers it', async () => {
    await expect(
      kinesis.client.send(new GetRecordsCommand({ ShardIterator: 'AAAA'.repeat(20) })),
    ).rejects.toThrow();
  });
});

describe('which shard an iterator reads', () => {
  afterEach(() => jest.useRealTimers());

  it('is kept for as long as Kinesis keeps an iterator, then forgotten', () => {
    jest.useFakeTimers({ now: 0 });
    const iterators = new IteratorShards();
    const shard = { streamName: 's', shardId: 'shardId-000000000000' };
    iterators.remember('first', shard);
    jest.setSystemTime(6 * 60_000);
    iterators.remember('second', shard);
    expect(iterators.shardOf('first')).toBe(shard);
    jest.setSystemTime(12 * 60_000);
    iterators.remember('third', shard);
    expect(iterators.shardOf('first')).toBeUndefined();
    expect(iterators.shardOf('second')).toBe(shard);
    expect(iterators.shardOf(undefined)).toBeUndefined();
  });
});

describe('CBOR', () => {
  it('is refused, saying how to turn it off, rather than cut off in the middle of an answer', async () => {
    const response = await fetch(kinesis.endpoint, {
      method: 'POST',
      headers: {
        'x-amz-target': 'Kinesis_20131202.ListStreams',
        'content-type': 'application/x-amz-cbor-1.1',
      },
      body: Buffer.from([0xa0]),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      message: expect.stringContaining('CBOR_ENABLED=false'),
    });
  });
});

describe('the port', () => {
  it('is the one asked for', async () => {
    const port = await freePort();
    const other = await startLocalKinesis({ port });
    try {
      expect(other.endpoint).toBe(`http://127.0.0.1:${port}`);
      await expect(other.client.send(new ListStreamsCommand({}))).resolves.toBeDefined();
    } finally {
      await other.stop();
    }
  });

  it('taken, is refused at the start', async () => {
    const taken = Number(new URL(kinesis.endpoint).port);
    await expect(startLocalKinesis({ port: taken })).rejects.toThrow('EADDRINUSE');
  });

  it('must be one', async () => {
    await expect(startLocalKinesis({ port: 70_000 })).rejects.toThrow(KplConfigurationError);
    await expect(startLocalKinesis({ port: '4567' as never })).rejects.toThrow(
      'port must be an integer from 0 to 65535',
    );
  });
});
