// kpl local: the local Kinesis and DynamoDB a second terminal (or a KCL daemon) uses.
import { createServer } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { KplCliConfigurationError, main } from '@kpl-lambda/cli';
import { localKinesisClient } from '@kpl-lambda/local-event-source-mapping/client';
import { whyNotLoaded } from '../src/local.js';
import { kpl } from './helpers/run.js';

/** `kpl local ...args` until `stop()`; `ready` resolves with the variables it printed. */
function runLocal(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const controller = new AbortController();
  const code = main(['local', '--kinesis-port', '0', '--dynamodb-port', '0', ...args], {
    stdin: Readable.from([]),
    stdout,
    stderr,
    env: {},
    signal: controller.signal,
  });
  const ready = new Promise<Record<string, string>>((resolve, reject) => {
    stdout.on('data', () => {
      const exported = /^export (.*)$/m.exec(out)?.[1];
      if (exported !== undefined) {
        resolve(Object.fromEntries(exported.split(' ').map((pair) => pair.split('=', 2))));
      }
    });
    code.then(() => reject(new Error(`kpl local ended: ${err}`)));
  });
  return {
    ready,
    code,
    output: () => ({ out, err }),
    stop: () => {
      controller.abort();
      return code;
    },
  };
}

/** A loopback port in use while `use` runs. */
async function whileTaken<T>(use: (port: number) => Promise<T>): Promise<T> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await use((server.address() as { port: number }).port);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('kpl local', () => {
  it('runs the streams and tables asked for, prints how to reach them, and stops at Ctrl-C', async () => {
    const run = runLocal(['--stream', 'orders:2', '--stream', 'events', '--table', 'checkpoints']);
    const env = await run.ready;
    expect(Object.keys(env)).toEqual([
      'AWS_ENDPOINT_URL_KINESIS',
      'AWS_ENDPOINT_URL_DYNAMODB',
      'AWS_REGION',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
    ]);
    expect(run.output().out).toMatch(/stream orders \(2 shards\), stream events \(1 shard\)/);

    // Another terminal, with what it printed.
    const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: 'local' };
    const kinesis = localKinesisClient({
      endpoint: env.AWS_ENDPOINT_URL_KINESIS!,
      region: env.AWS_REGION!,
      credentials,
    });
    const dynamodb = new DynamoDBClient({
      endpoint: env.AWS_ENDPOINT_URL_DYNAMODB!,
      region: env.AWS_REGION!,
      credentials,
    });
    try {
      const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: 'orders' }));
      expect(Shards).toHaveLength(2);
      const { StreamDescriptionSummary } = await kinesis.send(
        new DescribeStreamSummaryCommand({ StreamName: 'events' }),
      );
      expect(StreamDescriptionSummary?.RecordDistributionStrategy).toBe('USER_PARTITION_KEY');
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: 'checkpoints' }));
      expect(Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    } finally {
      kinesis.destroy();
      dynamodb.destroy();
    }

    expect(await run.stop()).toBe(0);
    expect(run.output().out).toMatch(/Stopped/);
    await expect(fetch(env.AWS_ENDPOINT_URL_KINESIS!)).rejects.toThrow();
  });

  it('makes the streams service-managed with --auto', async () => {
    const run = runLocal(['--stream', 'events:4', '--auto']);
    try {
      const env = await run.ready;
      const kinesis = localKinesisClient({
        endpoint: env.AWS_ENDPOINT_URL_KINESIS!,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const { StreamDescriptionSummary } = await kinesis.send(
        new DescribeStreamSummaryCommand({ StreamName: 'events' }),
      );
      kinesis.destroy();
      expect(StreamDescriptionSummary?.RecordDistributionStrategy).toBe('AUTO');
      expect(run.output().out).toMatch(/stream events \(4 shards, AUTO\)/);
    } finally {
      await run.stop();
    }
  });

  it('runs with no stream and no table, and says so', async () => {
    const run = runLocal([]);
    try {
      await run.ready;
      expect(run.output().out).toMatch(
        /^Kinesis {3}http:\S+ {2}no stream\nDynamoDB {2}http:\S+ {2}no table\n/,
      );
    } finally {
      expect(await run.stop()).toBe(0);
    }
  });

  it('says which flag to change when a port is taken', async () => {
    await whileTaken(async (taken) => {
      const kinesisTaken = await kpl(['local', '--kinesis-port', String(taken)], {
        signal: new AbortController().signal,
      });
      expect(kinesisTaken).toMatchObject({
        code: 1,
        stderr: `kpl local: port ${taken}: listen EADDRINUSE: address already in use 127.0.0.1:${taken}: choose another with --kinesis-port (0: any free one)\n`,
      });
      const dynamoDBTaken = await kpl(
        ['local', '--kinesis-port', '0', '--dynamodb-port', String(taken)],
        { signal: new AbortController().signal },
      );
      expect(dynamoDBTaken.stderr).toMatch(/--dynamodb-port/);
    });
  });

  it.each([
    [['--stream', 'orders:0'], '--stream orders:0: give NAME or NAME:SHARDS'],
    [['--stream', 'orders:two'], '--stream orders:two: give NAME or NAME:SHARDS'],
    [['--auto'], '--auto makes the streams of --stream service-managed'],
    [['--kinesis-port', '70000'], '--kinesis-port must be a port, 0 to 65535'],
    [['--dynamodb-port', 'x'], '--dynamodb-port must be a whole number'],
    [['file.json'], 'kpl local takes no input, got file.json'],
    [['--steam', 'orders'], '--stream'],
  ])('refuses %j as a command line it cannot run', async (args, message) => {
    const run = await kpl(['local', ...args], { signal: new AbortController().signal });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('needs a signal to be stopped by', async () => {
    await expect(
      main(['local'], {
        stdin: Readable.from([]),
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        env: {},
      }),
    ).rejects.toThrow(KplCliConfigurationError);
  });

  it('says what to install when kinesalite is missing', async () => {
    // kinesalite cannot be uninstalled here: its module fails to load as a missing package does.
    await jest.isolateModulesAsync(async () => {
      jest.doMock('kinesalite', () => {
        throw Object.assign(new Error("Cannot find module 'kinesalite'"), {
          code: 'MODULE_NOT_FOUND',
        });
      });
      const cli = await import('@kpl-lambda/cli');
      const stderr = new PassThrough();
      const code = await cli.main(['local', '--kinesis-port', '0', '--dynamodb-port', '0'], {
        stdin: Readable.from([]),
        stdout: new PassThrough(),
        stderr,
        env: {},
        signal: new AbortController().signal,
      });
      expect(code).toBe(1);
      expect(String(stderr.read())).toBe(
        'kpl local: kpl local runs kinesalite and dynalite, and kinesalite is not installed: npm install --save-dev kinesalite dynalite (beside @kpl-lambda/cli)\n',
      );
    });
  });

  it('says what to install when kinesalite or dynalite is missing', () => {
    let missing: unknown;
    try {
      require('dynalite/not-in-the-package');
    } catch (error) {
      missing = error;
    }
    expect(whyNotLoaded(missing)).toBe(
      'kpl local runs kinesalite and dynalite, and dynalite is not installed: npm install --save-dev kinesalite dynalite (beside @kpl-lambda/cli)',
    );
    expect(whyNotLoaded(new Error('something else'))).toBe('something else');
  });
});
