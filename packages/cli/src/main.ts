import { parseArgs } from 'node:util';
import { KplCliUsageError } from './errors.js';
import { event } from './event.js';
import { inspect } from './inspect.js';
import { put } from './put.js';
import { redrive } from './redrive.js';
import { DATA_FORMATS, type DataFormat } from './render.js';
import { tail } from './tail.js';
import type { CliIo } from './types.js';

const CONNECTION_OPTIONS = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
} as const;

/** The values of {@link CONNECTION_OPTIONS}, for the commands that reach Kinesis. */
function connectionOf(values: Values): {
  endpoint: string | undefined;
  region: string | undefined;
} {
  return {
    endpoint: values.endpoint as string | undefined,
    region: values.region as string | undefined,
  };
}

/** Each command: its options (for `util.parseArgs`), its help, and what it runs. */
const COMMANDS = {
  inspect: {
    usage: 'kpl inspect [FILE|-] [--json] [--data auto|text|json|hex|base64]',
    summary:
      'Shows each Kinesis record of a Lambda event, a GetRecords output, base64 text or raw bytes (aggregated or plain, digest, corrupt reason) and each user record. Exit code 1 when an aggregate is corrupt.',
    options: { json: { type: 'boolean' }, data: { type: 'string' } },
    run: (values: Values, file: string | undefined, io: CliIo) =>
      inspect(file, { json: values.json === true, data: dataFormat(values.data) }, io),
  },
  tail: {
    usage:
      'kpl tail --stream NAME [--endpoint URL] [--region R] [--shard ID] [--from trim-horizon|latest|TIME] [--limit N] [--json] [--data FORMAT]',
    summary:
      "Follows a stream's shards, and their children after a reshard, as user records. Ctrl-C or --limit ends it.",
    options: {
      ...CONNECTION_OPTIONS,
      stream: { type: 'string' },
      shard: { type: 'string' },
      from: { type: 'string' },
      limit: { type: 'string' },
      'poll-ms': { type: 'string' },
      json: { type: 'boolean' },
      data: { type: 'string' },
    },
    run: (values: Values, _file: string | undefined, io: CliIo) =>
      tail(
        {
          stream: required(values, 'stream'),
          ...connectionOf(values),
          shard: values.shard as string | undefined,
          from: (values.from as string | undefined) ?? 'latest',
          limit: count(values, 'limit', 0),
          pollMs: count(values, 'poll-ms', 1000),
          json: values.json === true,
          data: dataFormat(values.data),
        },
        io,
      ),
  },
  put: {
    usage:
      'kpl put --stream NAME [--endpoint URL] [--region R] [--partition-key FIELD] [--raw] [FILE|-]',
    summary:
      'Puts JSON lines (or --raw lines) through the aggregating producer; the partition key is the JSON field named, else random. Exit code 1 when a user record was given up.',
    options: {
      ...CONNECTION_OPTIONS,
      stream: { type: 'string' },
      'partition-key': { type: 'string' },
      raw: { type: 'boolean' },
    },
    run: (values: Values, file: string | undefined, io: CliIo) =>
      put(
        file,
        {
          stream: required(values, 'stream'),
          ...connectionOf(values),
          partitionKey: values['partition-key'] as string | undefined,
          raw: values.raw === true,
        },
        io,
      ),
  },
  event: {
    usage: 'kpl event [FILE|-] [--plain] [--partition-key FIELD] [--per-aggregate N]',
    summary:
      'Prints a Lambda Kinesis event made of the lines (each the data of a user record): KPL aggregates, or --plain records. For sam local invoke -e and unit tests.',
    options: {
      plain: { type: 'boolean' },
      'partition-key': { type: 'string' },
      'per-aggregate': { type: 'string' },
    },
    run: (values: Values, file: string | undefined, io: CliIo) =>
      event(
        file,
        {
          plain: values.plain === true,
          partitionKey: values['partition-key'] as string | undefined,
          perAggregate: count(values, 'per-aggregate', Number.POSITIVE_INFINITY),
        },
        io,
      ),
  },
  redrive: {
    usage:
      'kpl redrive [FILE|-] [--endpoint URL] [--region R] [--table T --consumer NAME] [--to-stream NAME] [--data FORMAT]',
    summary:
      "Reads back the user records of the batches an on-failure destination message names: prints them as JSON lines, or puts them again with --to-stream; with --table and --consumer, skips those the consumer's checkpoints have as done.",
    options: {
      ...CONNECTION_OPTIONS,
      table: { type: 'string' },
      consumer: { type: 'string' },
      'to-stream': { type: 'string' },
      data: { type: 'string' },
    },
    run: (values: Values, file: string | undefined, io: CliIo) =>
      redrive(
        file,
        {
          ...connectionOf(values),
          table: values.table as string | undefined,
          consumer: values.consumer as string | undefined,
          toStream: values['to-stream'] as string | undefined,
          data: dataFormat(values.data),
        },
        io,
      ),
  },
} as const;

type Values = Record<string, string | boolean | undefined>;
type CommandName = keyof typeof COMMANDS;

const HELP = [
  'kpl: KPL-aggregated Kinesis records from the command line',
  '',
  ...Object.values(COMMANDS).flatMap((command) => [
    `  ${command.usage}`,
    `      ${command.summary}`,
  ]),
  '',
  'FILE or - (standard input) is the input. `kpl COMMAND --help` for one command.',
  'Exit codes: 0 done, 1 failed (or what the command says), 2 a command line that cannot run.',
].join('\n');

/**
 * Runs the `kpl` command line (`argv` without node and the script) and resolves with its exit
 * code; writes to `io` only, never exits the process.
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
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${HELP}\n`);
    return name === undefined ? 2 : 0;
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
    const usage =
      error instanceof KplCliUsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(
      usage
        ? `kpl ${name}: ${message}\nUsage: ${command.usage}\n`
        : `kpl ${name}: ${message.split('\n')[0]}\n`,
    );
    return usage ? 2 : 1;
  }
}

function required(values: Values, option: string): string {
  const value = values[option];
  if (typeof value !== 'string' || value === '')
    throw new KplCliUsageError(`--${option} is required`);
  return value;
}

function count(values: Values, option: string, fallback: number): number {
  const value = values[option];
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    throw new KplCliUsageError(`--${option} must be a whole number, got ${String(value)}`);
  }
  return number;
}

function dataFormat(value: string | boolean | undefined): DataFormat {
  if (value === undefined) return 'auto';
  if (!DATA_FORMATS.includes(value as DataFormat)) {
    throw new KplCliUsageError(
      `--data must be one of ${DATA_FORMATS.join(', ')}, got ${String(value)}`,
    );
  }
  return value as DataFormat;
}
