import { decoderOf } from './decodeOption.js';
import type { ConnectionOptions } from './endpoints.js';
import { KplCliUsageError } from './errors.js';
import { event } from './event.js';
import { inspect } from './inspect.js';
import { local, localStreamOf } from './local.js';
import { put } from './put.js';
import { redrive } from './redrive.js';
import { DATA_FORMATS, type DataFormat } from './render.js';
import { tail } from './tail.js';
import type { CliIo } from './types.js';

/** The values `util.parseArgs` gives. */
export type Values = Record<string, string | boolean | string[] | undefined>;

const KINESIS_OPTIONS = {
  endpoint: { type: 'string' },
  'kinesis-endpoint': { type: 'string' },
  region: { type: 'string' },
} as const;

/** The connection flags, for the commands that reach AWS. */
function connectionOf(values: Values): ConnectionOptions {
  return {
    endpoint: values.endpoint as string | undefined,
    kinesisEndpoint: values['kinesis-endpoint'] as string | undefined,
    dynamodbEndpoint: values['dynamodb-endpoint'] as string | undefined,
    s3Endpoint: values['s3-endpoint'] as string | undefined,
    region: values.region as string | undefined,
  };
}

/** Each command: its options (for `util.parseArgs`), its help, and what it runs. */
export const COMMANDS = {
  inspect: {
    usage:
      'kpl inspect [FILE|-] [--shards FILE [--shard ID]] [--json] [--data auto|text|json|hex|base64] [--decode SPEC [--max-decoded-bytes N]]\n  ' +
      'kpl inspect --stream NAME [--endpoint URL] [--region R] [--shard ID] [--json] [--data FORMAT] [--decode SPEC]',
    summary:
      "Shows each Kinesis record of a Lambda event, a GetRecords output, base64 text (wrapped or not) or raw bytes (aggregated or plain, digest, corrupt reason) and each user record. --stream reads every record the stream holds, and flags the user records of an aggregate that hash outside its shard (a KCL consumer drops such an aggregate whole); --shards FILE (a ListShards output) does so for a FILE, each record's shard from its eventID or --shard. --decode decodes each user record's data as the adapters' decode option does: a compression (gzip, zlib, deflate-raw, zstd), an envelope (cloudwatch-logs, lines) or both (zlib,lines), each record shown with its inner index; --max-decoded-bytes N caps each user record (default 10 MiB). Exit code 1 when an aggregate is corrupt or holds a user record outside its shard, a user record does not decode, or the input cannot be read.",
    options: {
      ...KINESIS_OPTIONS,
      json: { type: 'boolean' },
      data: { type: 'string' },
      stream: { type: 'string' },
      shard: { type: 'string' },
      shards: { type: 'string' },
      decode: { type: 'string' },
      'max-decoded-bytes': { type: 'string' },
    },
    run: (values: Values, file: string | undefined, io: CliIo) =>
      inspect(
        file,
        {
          ...connectionOf(values),
          json: values.json === true,
          data: dataFormat(values.data),
          stream: values.stream as string | undefined,
          shard: values.shard as string | undefined,
          shards: values.shards as string | undefined,
          decoder: decoderOf(
            values.decode as string | undefined,
            values['max-decoded-bytes'] === undefined
              ? undefined
              : count(values, 'max-decoded-bytes', 0),
          ),
        },
        io,
      ),
  },
  tail: {
    usage:
      'kpl tail --stream NAME [--endpoint URL] [--region R] [--shard ID] [--from trim-horizon|latest|TIME] [--limit N] [--json] [--data FORMAT]',
    summary:
      "Follows a stream's shards as user records, parents before children after a reshard (from a TIME or the trim horizon, the shards closed since too). Reads only. Ctrl-C or --limit ends it.",
    options: {
      ...KINESIS_OPTIONS,
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
      'kpl put --stream NAME [--endpoint URL] [--region R] [--partition-key FIELD] [--raw] [--skip-lines N] [--skip-invalid] [FILE|-]',
    summary:
      'Writes JSON lines (or --raw lines) to the stream through the aggregating producer; the partition key is the JSON field named, else random. A line that cannot be put stops it (--skip-invalid skips and counts such lines) after what was put is flushed; the summary says which --skip-lines N resumes without writing a line twice. Exit code 1 when a line was not written, 130 when stopped.',
    options: {
      ...KINESIS_OPTIONS,
      stream: { type: 'string' },
      'partition-key': { type: 'string' },
      raw: { type: 'boolean' },
      'skip-lines': { type: 'string' },
      'skip-invalid': { type: 'boolean' },
    },
    run: (values: Values, file: string | undefined, io: CliIo) =>
      put(
        file,
        {
          stream: required(values, 'stream'),
          ...connectionOf(values),
          partitionKey: values['partition-key'] as string | undefined,
          raw: values.raw === true,
          skipLines: count(values, 'skip-lines', 0),
          skipInvalid: values['skip-invalid'] === true,
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
      'kpl redrive [FILE|-|s3://BUCKET/KEY] [--endpoint URL] [--region R] [--s3-endpoint URL] [--table T --consumer NAME [--dynamodb-endpoint URL]] [--to-stream NAME] [--data FORMAT]',
    summary:
      "Reads back the user records of the batches an on-failure destination message names; from an S3 destination's object (a file, or s3://BUCKET/KEY) it takes them from the object's payload, without reading the stream. Without --to-stream it prints them as JSON lines and writes nothing (with --table and --consumer it reads the consumer's checkpoints to skip what is done). With --to-stream it writes each one to that stream, and with --table records it as done once Kinesis confirmed the write. Exit code 1 when a user record failed, 130 when stopped.",
    options: {
      ...KINESIS_OPTIONS,
      'dynamodb-endpoint': { type: 'string' },
      's3-endpoint': { type: 'string' },
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
  local: {
    usage:
      'kpl local [--stream NAME[:SHARDS]]... [--auto] [--table NAME]... [--kinesis-port N] [--dynamodb-port N]',
    summary:
      "Runs a Kinesis (kinesalite) and a DynamoDB (dynalite) on 127.0.0.1, in memory, until Ctrl-C, with the streams (1 shard unless SHARDS; service-managed with --auto) and the checkpoint tables of @kpl-lambda/checkpoints asked for, and prints the variables that point the AWS SDK, kpl and kpl-kcl at them. The Kinesis speaks HTTP/1.1 and HTTP/2 (the KCL daemon's) and serves KCL 3; ports 4567 and 4568 unless given (0: any free one). Needs kinesalite and dynalite installed beside @kpl-lambda/cli.",
    options: {
      stream: { type: 'string', multiple: true },
      auto: { type: 'boolean' },
      table: { type: 'string', multiple: true },
      'kinesis-port': { type: 'string' },
      'dynamodb-port': { type: 'string' },
    },
    run: (values: Values, file: string | undefined, io: CliIo) => {
      if (file !== undefined) throw new KplCliUsageError(`kpl local takes no input, got ${file}`);
      const streams = ((values.stream as string[] | undefined) ?? []).map(localStreamOf);
      if (values.auto === true && streams.length === 0) {
        throw new KplCliUsageError(
          '--auto makes the streams of --stream service-managed: give one',
        );
      }
      return local(
        {
          streams,
          auto: values.auto === true,
          tables: (values.table as string[] | undefined) ?? [],
          kinesisPort: port(values, 'kinesis-port', 4567),
          dynamodbPort: port(values, 'dynamodb-port', 4568),
        },
        io,
      );
    },
  },
} as const;

function port(values: Values, option: string, fallback: number): number {
  const number = count(values, option, fallback);
  if (number > 65_535) throw new KplCliUsageError(`--${option} must be a port, 0 to 65535`);
  return number;
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
  if (value === '' || !Number.isInteger(number) || number < 0) {
    throw new KplCliUsageError(`--${option} must be a whole number, got ${String(value)}`);
  }
  return number;
}

function dataFormat(value: Values[string]): DataFormat {
  if (value === undefined) return 'auto';
  if (!DATA_FORMATS.includes(value as DataFormat)) {
    throw new KplCliUsageError(
      `--data must be one of ${DATA_FORMATS.join(', ')}, got ${String(value)}`,
    );
  }
  return value as DataFormat;
}
