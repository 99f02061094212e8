// kpl put against a local Kinesis (kinesalite): whatever stops it, what was put is written and
// reported with the line to resume from, and a resumed put writes no line twice.
import { type AddressInfo, createServer } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { localKinesisClient } from '@kpl-lambda/local-event-source-mapping/client';
import { useLocalKinesis, withConsoleLines } from '@kpl-lambda/testing-utils';
import { kpl } from './helpers/run.js';
import { userRecordsOf } from './helpers/userRecordsOf.js';

const kinesis = useLocalKinesis();
let streams = 0;

async function newStream(): Promise<string> {
  const name = `put-${++streams}`;
  await kinesis().createStream(name, 1);
  return name;
}

const order = (n: number) => JSON.stringify({ n });
const sorted = (texts: string[]) =>
  texts.map((text) => JSON.parse(text).n as number).sort((a, b) => a - b);

describe('kpl put', () => {
  it('stops at a line that is not JSON, after writing the lines before it, and says how to resume', async () => {
    const stream = await newStream();
    const input = [order(1), order(2), order(3), 'oops', order(5), order(6), '', order(8)];

    const stopped = await kpl(['put', '--stream', stream], {
      stdin: input.join('\n'),
      client: kinesis().client,
    });

    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toMatch(/^3 user records written to put-\d+ in /);
    expect(stopped.stderr).toBe(
      'kpl put: line 4: not JSON: pass --raw to put lines as they are\n' +
        'kpl put: stopped at line 4; the lines before it are put. Resume with --skip-lines 3 once line 4 is fixed, or --skip-lines 4 to leave it out (--skip-invalid leaves out every such line)\n',
    );
    expect(sorted(await userRecordsOf(kinesis().client, stream))).toEqual([1, 2, 3]);

    const resumed = await kpl(['put', '--stream', stream, '--skip-lines', '4'], {
      stdin: input.join('\n'),
      client: kinesis().client,
    });
    expect(resumed).toMatchObject({ code: 0, stderr: '' });
    expect(resumed.stdout).toMatch(/^3 user records written/);
    expect(sorted(await userRecordsOf(kinesis().client, stream))).toEqual([1, 2, 3, 5, 6, 8]);
  });

  it('says so when a bad first line stopped it before anything was put', async () => {
    const run = await kpl(['put', '--stream', await newStream()], {
      stdin: 'not json',
      client: kinesis().client,
    });
    expect(run).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        'stopped at line 1; nothing was put. Resume with --skip-lines 0',
      ),
    });
  });

  it('skips and counts the lines that cannot be put with --skip-invalid, and still exits 1', async () => {
    const stream = await newStream();
    const run = await kpl(['put', '--stream', stream, '--skip-invalid'], {
      stdin: [order(1), '{"n":', order(3), 'oops', order(5)].join('\n'),
      client: kinesis().client,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^3 user records written/);
    expect(run.stderr).toBe(
      'kpl put: skipped as invalid: 2 × not JSON: pass --raw to put lines as they are (lines 2, 4)\n',
    );
    expect(sorted(await userRecordsOf(kinesis().client, stream))).toEqual([1, 3, 5]);
  });

  it('stops when interrupted, with the line to resume from, and a resumed put doubles nothing', async () => {
    const stream = await newStream();
    const lines = [order(1), order(2), order(3)];
    const controller = new AbortController();
    // Standard input that never ends, as a terminal's: interrupted once its lines are written.
    const stdin = new PassThrough();
    stdin.write(`${lines.join('\n')}\n`);
    const running = kpl(['put', '--stream', stream], {
      stdin,
      client: kinesis().client,
      signal: controller.signal,
    });
    while ((await userRecordsOf(kinesis().client, stream)).length < lines.length) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    controller.abort();
    const stopped = await running;

    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toMatch(/^3 user records written/);
    expect(stopped.stderr).toBe(
      'kpl put: stopped after line 3 (interrupted): resume with --skip-lines 3\n',
    );
    const resumed = await kpl(['put', '--stream', stream, '--skip-lines', '3'], {
      stdin: [...lines, order(4)].join('\n'),
      client: kinesis().client,
    });
    expect(resumed.stdout).toMatch(/^1 user records written/);
    expect(sorted(await userRecordsOf(kinesis().client, stream))).toEqual([1, 2, 3, 4]);
  });

  it('says from which line to resume when its input breaks after some lines', async () => {
    const stream = await newStream();
    const stdin = Readable.from(
      (async function* () {
        yield `${order(1)}\n${order(2)}\n`;
        throw new Error('EIO: i/o error, read');
      })(),
    );
    const run = await kpl(['put', '--stream', stream], { stdin, client: kinesis().client });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^2 user records written/);
    expect(run.stderr).toBe(
      'kpl put: stopped after line 2: resume with --skip-lines 2\nkpl put: EIO: i/o error, read\n',
    );
    expect(sorted(await userRecordsOf(kinesis().client, stream))).toEqual([1, 2]);
  });

  it('stops at a bad line after lines that could not be written, and says both', async () => {
    const run = await kpl(['put', '--stream', 'missing'], {
      stdin: [order(1), order(2), 'oops'].join('\n'),
      client: kinesis().client,
    });
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')).toEqual([
      'kpl put: not written: 2 × ResourceNotFoundException: Stream missing under account 000000000000 not found. (lines 1-2)',
      'kpl put: line 3: not JSON: pass --raw to put lines as they are',
      'kpl put: stopped at line 3; the lines before it are put (but for those not written, above). Resume with --skip-lines 2 once line 3 is fixed, or --skip-lines 3 to leave it out (--skip-invalid leaves out every such line)',
      '',
    ]);
  });

  it('shows its progress on a terminal, each thousand lines, and clears it for the summary', async () => {
    const stream = await newStream();
    const run = await kpl(['put', '--stream', stream], {
      stdin: Array.from({ length: 2000 }, (_, i) => order(i)).join('\n'),
      client: kinesis().client,
      terminal: {},
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^2000 user records written/);
    expect(run.stderr.split('\r')).toEqual([
      '',
      expect.stringMatching(/^put 1,000 user records, [\d,]+ written$/),
      expect.stringMatching(/^put 2,000 user records, [\d,]+ written$/),
      '\u001b[K',
    ]);
  });

  it('says in one line that it cannot read its input', async () => {
    const run = await kpl(['put', '--stream', 'orders', '/nonexistent/orders.jsonl'], {
      client: kinesis().client,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "kpl put: ENOENT: no such file or directory, open '/nonexistent/orders.jsonl'\n",
    );
  });

  it('groups the undeliverable records by error, with their lines', async () => {
    const run = await kpl(['put', '--stream', 'missing'], {
      stdin: Array.from({ length: 30 }, (_, i) => order(i)).join('\n'),
      client: kinesis().client,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/; 30 undeliverable\n$/);
    expect(run.stderr).toBe(
      'kpl put: not written: 30 × ResourceNotFoundException: Stream missing under account 000000000000 not found. (lines 1-30)\n',
    );
  });

  it('goes on past a producer full of records given up, and reports each one', async () => {
    // More lines than the producer holds (its default maxBufferedRecords), none writable.
    const lines = 100_001;
    const run = await kpl(['put', '--stream', 'missing', '--raw'], {
      stdin: Array.from({ length: lines }, (_, i) => String(i)).join('\n'),
      client: kinesis().client,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^0 user records written to missing .*; 100001 undeliverable\n$/);
    expect(run.stderr).toBe(
      'kpl put: not written: 100,001 × ResourceNotFoundException: Stream missing under account 000000000000 not found. (lines 1-100001)\n',
    );
  });

  it("says the producer's warnings on stderr as its own lines, and nothing on the console", async () => {
    // A Kinesis that is not there: every call the producer makes fails, and is tried again.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const client = localKinesisClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });

    const put = (terminal?: object) =>
      kpl(['put', '--stream', 'orders'], {
        stdin: [order(1), order(2)].join('\n'),
        client,
        ...(terminal && { terminal }),
      });

    const { result: run, lines } = await withConsoleLines(() => put());

    expect(lines).toEqual([]);
    expect(run.code).toBe(1);
    const said = run.stderr.split('\n').slice(0, -1);
    expect(said.every((line) => line.startsWith('kpl put: '))).toBe(true);
    expect(said).toEqual([
      expect.stringMatching(/^kpl put: DescribeStreamSummary failed: .*ECONNREFUSED/),
      expect.stringMatching(/^kpl put: ListShards failed: .*ECONNREFUSED/),
      expect.stringMatching(/^kpl put: not written: 2 × .*ECONNREFUSED.* \(lines 1-2\)$/),
    ]);
    // On a terminal, over its progress line.
    const onTerminal = (await put({})).stderr;
    expect(onTerminal.startsWith('\r\u001b[Kkpl put: DescribeStreamSummary failed: ')).toBe(true);
    client.destroy();
  });

  it('says once, before reading, that a region is needed and how to give it', async () => {
    // No region anywhere the SDK looks: not in the environment, not in a config file.
    for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE'])
      delete process.env[name];
    process.env.AWS_CONFIG_FILE = '/nonexistent/kpl-test-config';
    const run = await kpl(['put', '--stream', 'orders', '--endpoint', kinesis().endpoint], {
      stdin: Array.from({ length: 25 }, (_, i) => order(i)).join('\n'),
    });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(
      /^kpl put: No AWS region: pass --region REGION, or set AWS_REGION \(or a region in ~\/.aws\/config\)\nUsage: kpl put /,
    );
  });
});
