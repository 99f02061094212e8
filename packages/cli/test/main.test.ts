import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { KplCliConfigurationError, main } from '@kpl-lambda/cli';
import { kpl } from './helpers/run.js';

describe('kpl, its command line', () => {
  it('refuses an unknown flag, with the closest known one', async () => {
    const typo = await kpl(['put', '--strem', 'orders']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(
      /^kpl put: Unknown option --strem: did you mean --stream\?\nUsage: kpl put /,
    );
    const unknown = await kpl(['tail', '--colour']);
    expect(unknown.stderr).toMatch(
      /^kpl tail: Unknown option --colour; the options are --help, --endpoint, /,
    );
    expect((await kpl(['put', '--skip-lines', '', '--stream', 's'])).stderr).toContain(
      '--skip-lines must be a whole number, got \n',
    );
  });

  it('says its version', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8'));
    expect(await kpl(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('says its version run without a script (node -e), and unknown where it cannot find itself', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8'));
    // A bundle, far from any node_modules.
    const bundle = join(mkdtempSync(join(tmpdir(), 'kpl-bundle-')), 'bundle.js');
    writeFileSync(bundle, '');
    const { argv } = process;
    try {
      process.argv = [argv[0]!];
      expect(await kpl(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
      process.argv = [argv[0]!, bundle];
      expect(await kpl(['--version'])).toMatchObject({ code: 0, stdout: 'unknown\n' });
    } finally {
      process.argv = argv;
    }
  });

  it('refuses a command line without a flag it needs, or with two inputs', async () => {
    expect(await kpl(['tail'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^kpl tail: --stream is required\nUsage: kpl tail /),
    });
    expect(await kpl(['put', '--stream', ''])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^kpl put: --stream is required\n/),
    });
    expect(await kpl(['inspect', 'a.json', 'b.json'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^kpl inspect: one input at most, got a.json b.json\n/),
    });
  });

  it('says which modes write, and where the endpoints come from', async () => {
    const help = await kpl(['redrive', '--help']);
    expect(help.stdout).toContain(
      'Without --to-stream it prints them as JSON lines and writes nothing',
    );
    expect((await kpl(['--help'])).stdout).toContain('AWS_ENDPOINT_URL_DYNAMODB');
  });
});

describe('kpl reading standard input', () => {
  it('says so on a terminal, where a command waiting for input looks hung', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    stdin.end('{"Records":[]}');
    const run = await kpl(['inspect'], { stdin });
    expect(run).toMatchObject({
      code: 0,
      stderr: 'reading standard input; pass a FILE or pipe one in (Ctrl-D ends it)\n',
    });
    expect((await kpl(['inspect'], { stdin: '{"Records":[]}' })).stderr).toBe('');
  });

  it('stops reading when stopped, with exit code 130', async () => {
    const controller = new AbortController();
    const stdin = new PassThrough();
    stdin.write('{"Records": [');
    const running = kpl(['inspect'], { stdin, signal: controller.signal });
    controller.abort();
    expect(await running).toMatchObject({ code: 130, stdout: '', stderr: '' });
    const lines = kpl(['event'], { stdin: new PassThrough(), signal: controller.signal });
    expect((await lines).code).toBe(130);
  });
});

describe('main', () => {
  const io = () => ({
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    env: {},
  });

  it('says in one line what a command threw, an error or anything else, with exit code 1', async () => {
    for (const thrown of [new Error('no client\nhere'), 'no client']) {
      const stderr = new PassThrough();
      const code = await main(['tail', '--stream', 'orders', '--region', 'us-east-1'], {
        ...io(),
        stderr,
        kinesisClient: () => {
          throw thrown;
        },
      });
      expect(code).toBe(1);
      expect(String(stderr.read())).toBe('kpl tail: no client\n');
    }
  });

  it('refuses an io it does not know, naming the key', async () => {
    const refused = await main(['--help'], { ...io(), sigal: undefined } as never).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(KplCliConfigurationError);
    expect(refused).toMatchObject({
      option: 'sigal',
      message: 'Unknown option sigal: did you mean signal?',
    });
    await expect(main(['--help'], { ...io(), stdout: undefined } as never)).rejects.toMatchObject({
      option: 'stdout',
    });
    await expect(main(['--help'], undefined as never)).rejects.toMatchObject({ option: 'io' });
  });
});
