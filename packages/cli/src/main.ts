import { parseArgs } from 'node:util';
import { assertKnownOptions, optionNames } from '@kpl-lambda/core/internal';
import { COMMANDS, type Values } from './commands.js';
import {
  KplCliConfigurationError,
  KplCliStoppedError,
  KplCliUsageError,
  messageOf,
} from './errors.js';
import type { CliIo } from './types.js';
import { cliVersion } from './version.js';

type CommandName = keyof typeof COMMANDS;

const HELP = [
  'kpl: KPL-aggregated Kinesis records from the command line',
  '',
  ...Object.values(COMMANDS).flatMap((command) => [
    `  ${command.usage}`,
    `      ${command.summary}`,
  ]),
  '',
  'FILE or - (standard input) is the input. `kpl COMMAND --help` for one command; kpl --version.',
  'Endpoints: --endpoint URL for every service a command calls, --kinesis-endpoint and',
  '--dynamodb-endpoint for one, else AWS_ENDPOINT_URL_KINESIS, AWS_ENDPOINT_URL_DYNAMODB,',
  'AWS_ENDPOINT_URL; a command that would call one service locally and another in AWS refuses.',
  'Exit codes: 0 done, 1 failed (or what the command says), 2 a command line that cannot run,',
  '130 stopped (Ctrl-C).',
].join('\n');

const CLI_IO_OPTIONS = optionNames<CliIo>({
  stdin: true,
  stdout: true,
  stderr: true,
  env: true,
  signal: true,
  kinesisClient: true,
});

/**
 * Runs the `kpl` command line (`argv` without node and the script) and resolves with its exit
 * code; writes to `io` only, never exits the process. Rejects with
 * {@link KplCliConfigurationError} for an `io` it cannot use (an unknown key).
 *
 * @example
 * ```ts
 * import { main } from '@kpl-lambda/cli';
 * process.exitCode = await main(['inspect', 'event.json'], {
 *   stdin: process.stdin,
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 *   env: process.env,
 * });
 * ```
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  assertIo(io);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${HELP}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${cliVersion()}\n`);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    io.stderr.write(`kpl: unknown command ${name}. Run kpl --help for the commands.\n`);
    return 2;
  }
  const command = COMMANDS[name as CommandName];
  try {
    const { values, positionals } = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) {
      io.stdout.write(`${command.usage}\n\n${command.summary}\n`);
      return 0;
    }
    if (positionals.length > 1)
      throw new KplCliUsageError(`one input at most, got ${positionals.join(' ')}`);
    return await command.run(values as Values, positionals[0], io);
  } catch (error) {
    // An `io` the command cannot use: no exit code can say it.
    if (error instanceof KplCliConfigurationError) throw error;
    // Stopped while reading its input: nothing was done, nothing to say.
    if (error instanceof KplCliStoppedError) return 130;
    const code = (error as { code?: string } | null)?.code;
    const usage = error instanceof KplCliUsageError || code?.startsWith('ERR_PARSE_ARGS');
    const message =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? unknownOption(error as Error, Object.keys(command.options))
        : messageOf(error);
    io.stderr.write(
      usage
        ? `kpl ${name}: ${message}\nUsage: ${command.usage}\n`
        : `kpl ${name}: ${message.split('\n')[0]}\n`,
    );
    return usage ? 2 : 1;
  }
}

/** The flag `parseArgs` did not know, and the closest one the command has (a typo). */
function unknownOption(error: Error, names: readonly string[]): string {
  const flag = /'(-[^']*)'/.exec(error.message)?.[1];
  const known = ['help', ...names].map((name) => `--${name}`);
  try {
    /* v8 ignore next 2 -- parseArgs quotes the flag it refused, which is refused here too */
    if (flag !== undefined) assertKnownOptions({ [flag]: true }, known);
    return error.message;
  } catch (refusal) {
    return (refusal as Error).message;
  }
}

function assertIo(io: CliIo): void {
  const E = (option: string, message: string) => new KplCliConfigurationError(message, { option });
  if (typeof io !== 'object' || io === null)
    throw E('io', 'main needs io: stdin, stdout, stderr, env');
  assertKnownOptions(io, CLI_IO_OPTIONS, E);
  for (const stream of ['stdin', 'stdout', 'stderr'] as const) {
    if (typeof (io[stream] as { on?: unknown } | undefined)?.on !== 'function') {
      throw E(stream, `io.${stream} must be a stream`);
    }
  }
}
