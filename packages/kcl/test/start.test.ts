// The child side of the MultiLangDaemon protocol, in process: the daemon's end is played by
// helpers/fakeDaemon.ts over pipes. The real daemon runs in daemon.test.ts.
import {
  type KclUserRecord,
  KplKclCheckpointError,
  KplKclProtocolError,
  type StartOptions,
  start,
} from '@kpl-lambda/kcl';
import {
  FAILING_LOGGERS,
  withConsoleLines,
  withUnhandledRejections,
} from '@kpl-lambda/testing-utils';
import { fakeDaemon, processRecords } from './helpers/fakeDaemon.js';

const quiet = { info() {}, warn() {}, error() {} };
const text = (record: KclUserRecord) => Buffer.from(record.data).toString();

describe('start: the protocol', () => {
  it('answers every message with its status, and checkpoints where the daemon needs it', async () => {
    const daemon = fakeDaemon();
    const seen: string[] = [];
    const running = start(
      {
        initialize: ({ shardId }) => seen.push(`initialize ${shardId}`),
        processRecord: (record) => {
          seen.push(text(record));
        },
        shutdownRequested: () => seen.push('shutdownRequested'),
        shardEnded: () => seen.push('shardEnded'),
        leaseLost: () => seen.push('leaseLost'),
      },
      { input: daemon.input, output: daemon.output, logger: quiet },
    );

    expect(await daemon.send({ action: 'initialize', shardId: 'shardId-1' })).toEqual([
      { action: 'status', responseFor: 'initialize' },
    ]);
    await daemon.send(
      processRecords([
        ['7', 0, 'a'],
        ['7', 1, 'b'],
      ]),
    );
    // A shutdown request checkpoints at the last user record done, with its sub-sequence number.
    expect(await daemon.send({ action: 'shutdownRequested' })).toEqual([
      { action: 'checkpoint', sequenceNumber: '7', subSequenceNumber: 1 },
      { action: 'status', responseFor: 'shutdownRequested' },
    ]);
    // The end of a shard checkpoints at its end (null: the largest record delivered).
    expect(await daemon.send({ action: 'shardEnded' })).toEqual([
      { action: 'checkpoint', sequenceNumber: null, subSequenceNumber: null },
      { action: 'status', responseFor: 'shardEnded' },
    ]);
    expect(await daemon.send({ action: 'leaseLost' })).toEqual([
      { action: 'status', responseFor: 'leaseLost' },
    ]);
    daemon.end();
    await running;

    expect(seen).toEqual([
      'initialize shardId-1',
      'a',
      'b',
      'shutdownRequested',
      'shardEnded',
      'leaseLost',
    ]);
  });

  it('speaks KCL 1.x: shutdown TERMINATE checkpoints, ZOMBIE does not; a null sub-sequence is 0', async () => {
    const daemon = fakeDaemon();
    const subs: number[] = [];
    const running = start(
      { processRecord: (record) => void subs.push(record.subSequenceNumber) },
      {
        input: daemon.input,
        output: daemon.output,
        logger: quiet,
      },
    );

    await daemon.send(processRecords([['9', null, 'plain']]));
    expect(await daemon.send({ action: 'shutdown', reason: 'ZOMBIE' })).toEqual([
      { action: 'status', responseFor: 'shutdown' },
    ]);
    expect(await daemon.send({ action: 'shutdown', reason: 'TERMINATE' })).toHaveLength(2);
    daemon.end();
    await running;

    expect(subs).toEqual([0]);
  });

  it('checkpoints when processRecord returns true, and every N records', async () => {
    const daemon = fakeDaemon();
    const running = start(
      { processRecord: (record) => text(record) === 'now' },
      { input: daemon.input, output: daemon.output, checkpointEveryRecords: 3, logger: quiet },
    );

    await daemon.send(
      processRecords([
        ['1', 0, 'x'],
        ['1', 1, 'now'],
        ['1', 2, 'x'],
        ['1', 3, 'x'],
        ['1', 4, 'x'],
      ]),
    );
    daemon.end();
    await running;

    expect(daemon.checkpoints.map((c) => `${c.sequenceNumber}:${c.subSequenceNumber}`)).toEqual([
      '1:1',
      '1:4',
    ]);
  });

  it('retries a checkpoint the daemon throttles, and rejects with the error it names', async () => {
    let throttled = 0;
    const daemon = fakeDaemon(() =>
      throttled++ < 2 ? 'ThrottlingException' : 'InvalidStateException',
    );
    const running = start(
      { processRecord: () => true },
      { input: daemon.input, output: daemon.output, baseDelayMs: 1, logger: quiet },
    );

    void daemon.send(processRecords([['1', 0, 'x']]));

    await expect(running).rejects.toThrow(KplKclCheckpointError);
    await expect(running).rejects.toMatchObject({ error: 'InvalidStateException' });
    expect(daemon.checkpoints).toHaveLength(3);
  });

  it('never checkpoints past a user record that keeps failing, and stops', async () => {
    const daemon = fakeDaemon();
    let tries = 0;
    const running = start(
      {
        processRecord: (record) => {
          if (text(record) === 'poison') {
            tries++;
            throw new Error('poison');
          }
        },
      },
      {
        input: daemon.input,
        output: daemon.output,
        checkpointEveryRecords: 1,
        baseDelayMs: 1,
        logger: quiet,
      },
    );

    void daemon.send(
      processRecords([
        ['1', 0, 'ok'],
        ['1', 1, 'poison'],
        ['1', 2, 'ok'],
      ]),
    );

    await expect(running).rejects.toThrow('poison');
    expect(tries).toBe(3);
    expect(daemon.checkpoints.map((c) => c.subSequenceNumber)).toEqual([0]);
  });

  it("goes on past a failing user record with onError: 'skip'", async () => {
    const daemon = fakeDaemon();
    const running = start(
      {
        processRecord: (record) => {
          if (text(record) === 'poison') throw new Error('poison');
        },
      },
      {
        input: daemon.input,
        output: daemon.output,
        onError: () => 'skip',
        maxAttempts: 1,
        logger: quiet,
      },
    );

    expect(
      await daemon.send(
        processRecords([
          ['1', 0, 'poison'],
          ['1', 1, 'ok'],
        ]),
      ),
    ).toHaveLength(1);
    expect(await daemon.send({ action: 'shutdownRequested' })).toEqual([
      { action: 'checkpoint', sequenceNumber: '1', subSequenceNumber: 1 },
      { action: 'status', responseFor: 'shutdownRequested' },
    ]);
    daemon.end();
    await running;
  });

  it('skips lines that are no message, and refuses a checkpoint reply nobody asked for', async () => {
    const daemon = fakeDaemon();
    const warnings: string[] = [];
    const running = start(
      { processRecord: () => undefined },
      {
        input: daemon.input,
        output: daemon.output,
        logger: { ...quiet, warn: (m: string) => void warnings.push(m) },
      },
    );

    daemon.writeRaw('not json');
    daemon.writeRaw('{"no":"action"}');
    expect(await daemon.send({ action: 'initialize', shardId: 's' })).toHaveLength(1);
    daemon.writeRaw('{"action":"checkpoint","error":null}');

    await expect(running).rejects.toThrow(KplKclProtocolError);
    expect(warnings).toHaveLength(2);
  });

  it('hands a batch to processRecords, with a checkpointer', async () => {
    const daemon = fakeDaemon();
    const batches: number[] = [];
    const running = start(
      {
        processRecords: async ({ records, checkpointer }) => {
          batches.push(records.length);
          await checkpointer.checkpoint(records[0]!.sequenceNumber, records[0]!.subSequenceNumber);
        },
      },
      { input: daemon.input, output: daemon.output, logger: quiet },
    );

    await daemon.send(
      processRecords([
        ['5', 0, 'a'],
        ['5', 1, 'b'],
      ]),
    );
    daemon.end();
    await running;

    expect(batches).toEqual([2]);
    expect(daemon.checkpoints).toEqual([
      { action: 'checkpoint', sequenceNumber: '5', subSequenceNumber: 0 },
    ]);
  });
});

describe('start on the real stdin and stdout (a child process, the built package)', () => {
  it('keeps the protocol clean when the processor writes to stdout, and says so on stderr', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { start } from '@kpl-lambda/kcl';
         await start({ processRecord: () => { console.log('a careless log line'); } });`,
      ],
      { cwd: __dirname, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdin.end(
      `${JSON.stringify({ action: 'initialize', shardId: 's' })}\n${JSON.stringify(processRecords([['1', 0, 'x']]))}\n`,
    );
    await new Promise((resolve) => child.on('close', resolve));

    expect(
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { action: 'status', responseFor: 'initialize' },
      { action: 'status', responseFor: 'processRecords' },
    ]);
    expect(stderr).toContain('a careless log line');
    expect(stderr).toContain('wrote to stdout');
  });
});

describe('start: timed checkpoints and the default logger', () => {
  it('checkpoints when checkpointEverySeconds passed, and logs a line that is no message on stderr', async () => {
    const daemon = fakeDaemon();
    // The clock the session reads, moved by hand.
    let now = 1_700_000_000_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    let written: string[] = [];
    try {
      const { lines } = await withConsoleLines(async () => {
        const running = start(
          { processRecord: () => undefined },
          { input: daemon.input, output: daemon.output, checkpointEverySeconds: 30 },
        );

        await daemon.send(processRecords([['3', 0, 'a']]));
        now += 29_999;
        await daemon.send(processRecords([['3', 1, 'b']]));
        now += 1;
        await daemon.send(processRecords([['3', 2, 'c']]));
        daemon.writeRaw('not a message');
        daemon.end();
        await running;
      });
      // console.warn writes to stderr: never to stdout, which the daemon reads.
      expect(lines.every(([method]) => method === 'warn' || method === 'error')).toBe(true);
      written = lines.map(([, text]) => text);
    } finally {
      clock.mockRestore();
    }

    expect(daemon.checkpoints).toEqual([
      { action: 'checkpoint', sequenceNumber: '3', subSequenceNumber: 2 },
    ]);
    expect(JSON.parse(written.find((line) => line.includes('Skipped a line'))!)).toMatchObject({
      level: 'WARN',
      line: 'not a message',
    });
  });
});

describe('start: a daemon slow to read', () => {
  it('writes one reply at a time, each after the pipe took the last: no unbounded buffer', async () => {
    const { PassThrough, Writable } = await import('node:stream');
    const input = new PassThrough();
    const written: string[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const output = new Writable({
      highWaterMark: 1,
      write(chunk, _encoding, callback) {
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        setTimeout(() => {
          inFlight--;
          written.push(String(chunk).trim());
          callback();
        }, 5);
      },
    });
    for (const action of ['initialize', 'leaseLost', 'shutdownRequested']) {
      input.write(`${JSON.stringify({ action, shardId: 's' })}\n`);
    }
    input.end();

    await start({ processRecord() {} }, { input, output, logger: quiet });

    expect(written.map((line) => JSON.parse(line).responseFor)).toEqual([
      'initialize',
      'leaseLost',
      'shutdownRequested',
    ]);
    expect(mostInFlight).toBe(1);
  });
});

describe('start: the logging rule of every package', () => {
  const skippedLine = async (logger: StartOptions['logger']) => {
    const daemon = fakeDaemon();
    const options = { input: daemon.input, output: daemon.output, logger };
    const running = start({ processRecord: () => undefined }, options);
    daemon.writeRaw('not a message');
    const replies = await daemon.send({ action: 'initialize', shardId: 's' });
    daemon.end();
    await running;
    return replies;
  };

  it('writes nothing with logger: false', async () => {
    const { lines } = await withConsoleLines(() => skippedLine(false));
    expect(lines).toEqual([]);
  });

  it.each(FAILING_LOGGERS)('answers the daemon the same when the logger %s', async (_, logger) => {
    const quiet = await skippedLine(false);
    const { result, unhandled } = await withUnhandledRejections(() => skippedLine(logger()));
    expect(result).toEqual(quiet);
    expect(unhandled).toEqual([]);
  });
});
