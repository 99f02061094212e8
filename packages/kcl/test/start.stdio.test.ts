// The pipes themselves: start on this process's own stdin and stdout (swapped for pipes of the
// test's while it runs), pipes that fail, and blank lines. The same on a child process, through
// the built package, is in start.test.ts.
import { PassThrough, Writable } from 'node:stream';
import { start } from '@kpl-lambda/kcl';
import { withConsoleLines } from '@kpl-lambda/testing-utils';
import { processRecords } from './helpers/fakeDaemon.js';
import { quiet } from './helpers/startOn.js';

const lines = (...messages: object[]) =>
  messages.map((message) => `${JSON.stringify(message)}\n`).join('');
const status = (action: string) => ({ action: 'status', responseFor: action });

/** Runs `run` with process.stdin reading `input`, and what process.stdout and stderr get. */
async function onOwnStdio(input: string, run: () => Promise<void>) {
  const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  const { write: stdoutWrite } = process.stdout;
  const { write: stderrWrite } = process.stderr;
  const written = { stdout: '', stderr: '' };
  const recorder = (stream: keyof typeof written) =>
    ((chunk: unknown, ...rest: unknown[]) => {
      written[stream] += String(chunk);
      for (const callback of rest) if (typeof callback === 'function') callback();
      return true;
    }) as typeof process.stdout.write;
  const ownStdout = recorder('stdout');
  Object.defineProperty(process, 'stdin', { value: new PassThrough().end(input) });
  process.stdout.write = ownStdout;
  process.stderr.write = recorder('stderr');
  try {
    await run();
    // Put back as it was found, whatever the processor did.
    expect(process.stdout.write).toBe(ownStdout);
  } finally {
    Object.defineProperty(process, 'stdin', stdin);
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
  return written;
}

describe('start on the process’s own stdin and stdout', () => {
  it('reads stdin and answers on stdout, without options', async () => {
    const seen: string[] = [];

    const written = await onOwnStdio(
      lines({ action: 'initialize', shardId: 's' }, processRecords([['1', 0, 'x']])),
      () => start({ processRecord: (record) => void seen.push(String(record.sequenceNumber)) }),
    );

    expect(seen).toEqual(['1']);
    expect(written).toEqual({
      stdout: lines(status('initialize'), status('processRecords')),
      stderr: '',
    });
  });

  it('sends what the processor writes to stdout to stderr, and says so once', async () => {
    let said: string[] = [];

    const written = await onOwnStdio(
      lines(
        processRecords([
          ['1', 0, 'x'],
          ['1', 1, 'y'],
        ]),
      ),
      async () => {
        const { lines: logged } = await withConsoleLines(() =>
          start({ processRecord: () => void process.stdout.write('a careless line\n') }),
        );
        said = logged.map(([method, text]) => `${method} ${JSON.parse(text).message}`);
      },
    );

    expect(written).toEqual({
      stdout: lines(status('processRecords')),
      stderr: 'a careless line\na careless line\n',
    });
    expect(said).toEqual([
      'error Something wrote to stdout, which the KCL daemon reads: it went to stderr. Log to stderr.',
    ]);
  });
});

describe('start on pipes that fail', () => {
  it('rejects with the error of a reply the pipe could not take, and ends nothing', async () => {
    const output = new Writable({
      write: (_chunk, _encoding, callback) => callback(new Error('EPIPE: the daemon is gone')),
    });

    const running = start(
      { processRecord() {} },
      { input: new PassThrough().end(lines({ action: 'leaseLost' })), output, logger: quiet },
    );

    await expect(running).rejects.toThrow('EPIPE: the daemon is gone');
    // The stream's own 'error' event, unheard, would have ended the process by now.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(output.listenerCount('error')).toBe(0);
  });

  it('rejects with the error of an input that fails', async () => {
    const input = new PassThrough();
    const output = new PassThrough();

    const running = start({ processRecord() {} }, { input, output, logger: quiet });
    input.destroy(new Error('stdin broke'));

    await expect(running).rejects.toThrow('stdin broke');
  });
});

describe('start on blank lines', () => {
  it('skips them without a word', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const warnings: unknown[] = [];
    input.end(`\n   \r\n${lines({ action: 'leaseLost' })}\t\n`);

    await start(
      { processRecord() {} },
      { input, output, logger: { ...quiet, warn: (...args) => void warnings.push(args) } },
    );

    expect(String(output.read())).toBe(lines(status('leaseLost')));
    expect(warnings).toEqual([]);
  });
});
