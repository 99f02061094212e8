import { once } from 'node:events';
import { createCheckpointTable } from '@kpl-lambda/checkpoints';
import { KplCliConfigurationError, KplCliError, KplCliUsageError, messageOf } from './errors.js';
import type { CliIo } from './types.js';

/** A stream `kpl local` creates: `--stream NAME[:SHARDS]`. */
export interface LocalStream {
  name: string;
  shards: number;
}

/** What `kpl local` was asked for. */
export interface LocalOptions {
  streams: LocalStream[];
  /** The streams are service-managed (`RecordDistributionStrategy: AUTO`). */
  auto: boolean;
  /** Checkpoint tables of `@kpl-lambda/checkpoints`. */
  tables: string[];
  kinesisPort: number;
  dynamodbPort: number;
}

/** The dummy credentials and the region local clients are given; the services check neither. */
const LOCAL_ENVIRONMENT = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
};

/**
 * `kpl local`: a Kinesis and a DynamoDB on loopback, in memory, with the streams and checkpoint
 * tables asked for, until stopped; prints their endpoints and the variables that point the AWS
 * SDK (and `kpl`, and `kpl-kcl --init` of `@kpl-lambda/kcl`) at them.
 */
export async function local(options: LocalOptions, io: CliIo): Promise<number> {
  const { signal } = io;
  if (signal === undefined) {
    throw new KplCliConfigurationError('kpl local runs until stopped: give io.signal', {
      option: 'signal',
    });
  }
  const { startLocalKinesis, startLocalDynamoDB } = await loadLocalServices();
  const kinesis = await startLocalKinesis({ port: options.kinesisPort }).catch(
    portRefused('--kinesis-port', options.kinesisPort),
  );
  const dynamodb = await startLocalDynamoDB({ port: options.dynamodbPort }).catch(
    async (error: unknown) => {
      await kinesis.stop();
      return portRefused('--dynamodb-port', options.dynamodbPort)(error);
    },
  );
  try {
    const recordDistribution = options.auto ? 'AUTO' : 'USER_PARTITION_KEY';
    for (const { name, shards } of options.streams) {
      await kinesis.createStream(name, shards, { recordDistribution });
    }
    for (const tableName of options.tables) {
      await createCheckpointTable({ client: dynamodb.client, tableName, timeToLive: false });
    }
    const environment = {
      AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      ...LOCAL_ENVIRONMENT,
    };
    const streams = options.streams.map(
      ({ name, shards }) =>
        `stream ${name} (${shards} shard${shards === 1 ? '' : 's'}${options.auto ? ', AUTO' : ''})`,
    );
    const tables = options.tables.map((name) => `checkpoint table ${name}`);
    io.stdout.write(
      [
        `Kinesis   ${kinesis.endpoint}  ${streams.join(', ') || 'no stream'}`,
        `DynamoDB  ${dynamodb.endpoint}  ${tables.join(', ') || 'no table'}`,
        '',
        'For the AWS SDK, the AWS CLI, kpl and the KCL (kpl-kcl --init), in another terminal:',
        `export ${Object.entries(environment)
          .map(([name, value]) => `${name}=${value}`)
          .join(' ')}`,
        '',
        'In memory, on 127.0.0.1 only. Ctrl-C stops it.',
        '',
      ].join('\n'),
    );
    if (!signal.aborted) await once(signal, 'abort');
    io.stdout.write('Stopped: the streams and tables are gone with it.\n');
    return 0;
  } finally {
    await Promise.all([kinesis.stop(), dynamodb.stop()]);
  }
}

/** The local services, loaded when asked for: they need kinesalite and dynalite. */
async function loadLocalServices() {
  try {
    const [{ startLocalKinesis }, { startLocalDynamoDB }] = await Promise.all([
      import('@kpl-lambda/local-event-source-mapping/local-kinesis'),
      import('@kpl-lambda/local-event-source-mapping/local-dynamodb'),
    ]);
    return { startLocalKinesis, startLocalDynamoDB };
  } catch (error) {
    throw new KplCliError(whyNotLoaded(error), { cause: error });
  }
}

/** What to do when the local services cannot be loaded: which package to install, if that is it. */
export function whyNotLoaded(error: unknown): string {
  const message = messageOf(error);
  const missing = /\b(kinesalite|dynalite)\b/.exec(message)?.[1];
  return missing === undefined
    ? message
    : `kpl local runs kinesalite and dynalite, and ${missing} is not installed: npm install --save-dev kinesalite dynalite (beside @kpl-lambda/cli)`;
}

/**
 * Says which flag chooses another port when the one asked for cannot be listened on: taken
 * (`EADDRINUSE`), or below 1024 for a user other than root (`EACCES`).
 */
function portRefused(flag: string, port: number) {
  return (error: unknown): never => {
    throw new KplCliError(
      `port ${port}: ${messageOf(error)}: choose another with ${flag} (0: any free one)`,
      { cause: error },
    );
  };
}

/** `--stream NAME[:SHARDS]`, one shard unless given. */
export function localStreamOf(spec: string): LocalStream {
  const match = /^([^:]+)(?::(\d+))?$/.exec(spec);
  const shards = Number(match?.[2] ?? 1);
  if (match === null || shards < 1) {
    throw new KplCliUsageError(
      `--stream ${spec}: give NAME or NAME:SHARDS (1 or more), e.g. orders:2`,
    );
  }
  return { name: match[1]!, shards };
}
