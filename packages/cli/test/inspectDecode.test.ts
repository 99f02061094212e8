// kpl inspect --decode: each user record's data decoded as the adapters' decode option does.
import { deflateSync, gzipSync } from 'node:zlib';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { aggregate, canDecompress } from '@kpl-lambda/core';
import {
  aggregatedRecord,
  cloudWatchLogsData,
  kinesisStreamEvent,
  plainRecord,
} from '@kpl-lambda/core/testing';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';
import { kpl } from './helpers/run.js';

const logs = kinesisStreamEvent([
  plainRecord({
    partitionKey: 'g',
    data: cloudWatchLogsData(['{"level":"info"}', 'started'], { firstTimestamp: 1_000 }),
  }),
  plainRecord({
    partitionKey: 'g',
    data: cloudWatchLogsData([], { messageType: 'CONTROL_MESSAGE' }),
  }),
]);

const fluentBit = kinesisStreamEvent([
  aggregatedRecord([
    { partitionKey: 'a', data: deflateSync('{"log":"one"}\n{"log":"two"}\n') },
    { partitionKey: 'b', data: 'not zlib' },
  ]),
]);

describe('kpl inspect --decode', () => {
  it('shows each log event of a CloudWatch Logs envelope, and counts none in a health check', async () => {
    const run = await kpl(['inspect', '--json', '--decode', 'cloudwatch-logs'], {
      stdin: JSON.stringify(logs),
    });
    expect(run.code).toBe(0);
    expect(run.lines).toEqual([
      expect.objectContaining({
        type: 'parent',
        index: 0,
        userRecords: 1,
        decodedRecords: 2,
        decodeFailures: 0,
      }),
      expect.objectContaining({
        type: 'userRecord',
        subSequenceNumber: 0,
        innerIndex: 0,
        format: 'json',
        data: '{"level":"info"}',
        cloudWatchLogs: expect.objectContaining({
          timestamp: 1_000,
          logGroup: '/aws/lambda/orders',
        }),
      }),
      expect.objectContaining({ innerIndex: 1, format: 'text', data: 'started', bytes: 7 }),
      expect.objectContaining({ type: 'parent', index: 1, decodedRecords: 0, decodeFailures: 0 }),
    ]);
  });

  it('shows zlib lines of an aggregate with their inner index, and a user record that does not decode', async () => {
    const run = await kpl(['inspect', '--decode', 'zlib,lines'], {
      stdin: JSON.stringify(fluentBit),
    });
    expect(run.code).toBe(1);
    const [summary, header, ...rows] = run.stdout.trim().split('\n');
    expect(summary).toMatch(
      /aggregate of 2 user records, digest valid, 2 decoded records, 1 user record\(s\) DO NOT DECODE$/,
    );
    expect(header).toMatch(/^ {2}sub +inner +partition key/);
    expect(rows).toEqual([
      expect.stringMatching(/^ {2}0 +0 +a +13 +json \{"log":"one"\}$/),
      expect.stringMatching(/^ {2}0 +1 +a +13 +json \{"log":"two"\}$/),
      expect.stringMatching(
        /^ {2}1 +b +8 +DOES NOT DECODE \(MALFORMED_COMPRESSION\): User record \d+:1 is not zlib data/,
      ),
    ]);
  });

  it('decodes base64 text, which has no sequence number, and names the user record without one', async () => {
    const text = deflateSync('{"n":1}\n{"n":2}\n').toString('base64');
    const run = await kpl(['inspect', '--json', '--decode', 'zlib,lines'], { stdin: text });
    expect(run.code).toBe(0);
    expect(run.lines.slice(1).map(({ sequenceNumber, data }) => [sequenceNumber, data])).toEqual([
      [null, '{"n":1}'],
      [null, '{"n":2}'],
    ]);
    const notZlib = await kpl(['inspect', '--json', '--decode', 'zlib'], {
      stdin: Buffer.from('plain').toString('base64'),
    });
    expect(notZlib.lines[1]).toMatchObject({
      decodeError: expect.stringMatching(/^User record is not zlib data/),
    });
  });

  it('stops a bomb at --max-decoded-bytes, and says so in JSON', async () => {
    const event = kinesisStreamEvent([
      plainRecord({ partitionKey: 'p', data: gzipSync('{"n":1}') }),
      plainRecord({ partitionKey: 'p', data: gzipSync(Buffer.alloc(4 * 1024 * 1024)) }),
    ]);
    const args = ['inspect', '--decode', 'gzip', '--max-decoded-bytes', '1024'];
    const run = await kpl([...args, '--json'], { stdin: JSON.stringify(event) });
    expect(run.code).toBe(1);
    expect(run.lines[1]).toMatchObject({ innerIndex: null, format: 'json', data: '{"n":1}' });
    expect(run.lines[3]).toMatchObject({
      innerIndex: null,
      decodeErrorReason: 'TOO_LARGE',
      decodeError: expect.stringContaining('more than maxDecodedBytes (1024 bytes)'),
      format: 'hex',
    });
    const text = await kpl(args, { stdin: JSON.stringify(event) });
    expect(text.stdout).toMatch(/plain record, 1 decoded record\n/);
  });

  it.each([
    [['--decode', 'json'], '--decode takes a compression'],
    [['--decode', 'gzip,zlib'], '--decode takes a compression'],
    [['--decode', 'gzip', '--max-decoded-bytes', '0'], 'maxDecodedBytes must be an integer from 1'],
    [['--max-decoded-bytes', '10'], 'give --decode'],
  ])('refuses %j as a command line that cannot run', async (args, message) => {
    const run = await kpl(['inspect', ...args], { stdin: JSON.stringify(logs) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('takes zstd where Node.js has it, and says which Node.js lacks it otherwise', async () => {
    const run = await kpl(['inspect', '--decode', 'zstd'], { stdin: JSON.stringify(logs) });
    if (canDecompress('zstd')) {
      // The envelopes are gzip, not zstd.
      expect(run.stdout).toContain('DOES NOT DECODE (MALFORMED_COMPRESSION)');
    } else {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`Node.js ${process.versions.node} lacks`);
    }
  });
});

describe('kpl inspect --stream --decode', () => {
  const kinesis = useLocalKinesis();

  it('decodes what a stream holds: zlib lines in the user records of an aggregate', async () => {
    await kinesis().createStream('logs', 1);
    const [aggregated] = aggregate([
      { partitionKey: 'a', data: deflateSync('{"n":1}\n') },
      { partitionKey: 'b', data: deflateSync('{"n":2}\n{"n":3}\n') },
    ]);
    await kinesis().client.send(
      new PutRecordsCommand({
        StreamName: 'logs',
        Records: [{ PartitionKey: aggregated!.partitionKey, Data: aggregated!.data }],
      }),
    );
    const run = await kpl(['inspect', '--stream', 'logs', '--json', '--decode', 'zlib,lines'], {
      client: kinesis().client,
    });
    expect(run.code).toBe(0);
    expect(
      run.lines
        .filter((line) => line.type === 'userRecord')
        .map((line) => [line.subSequenceNumber, line.innerIndex, line.data]),
    ).toEqual([
      [0, 0, '{"n":1}'],
      [1, 0, '{"n":2}'],
      [1, 1, '{"n":3}'],
    ]);
  }, 30_000);
});
