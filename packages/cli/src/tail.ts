import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { deaggregateSdkRecords, type SdkUserRecord } from '@kpl-lambda/core';
import { kinesisClientFor } from './awsClients.js';
import type { ConnectionOptions } from './endpoints.js';
import { KplCliUsageError } from './errors.js';
import { writeLine } from './io.js';
import { type DataFormat, oneLine, showData } from './render.js';
import { listShards } from './shards.js';
import type { CliIo } from './types.js';

/** Options of `kpl tail`. */
export interface TailOptions extends ConnectionOptions {
  stream: string;
  shard: string | undefined;
  from: string;
  limit: number;
  pollMs: number;
  json: boolean;
  data: DataFormat;
}

/**
 * `kpl tail --stream NAME`: follows every shard (or `--shard`), deaggregated, and after a
 * reshard the children of each closed shard once all its parents are read, so that a key's user
 * records come in order. Ends after `--limit` user records, or when stopped.
 */
export async function tail(options: TailOptions, io: CliIo): Promise<number> {
  const { client, close } = await kinesisClientFor(options, io);
  try {
    await follow(client, options, io);
    return 0;
  } finally {
    close();
  }
}

async function follow(client: KinesisClient, options: TailOptions, io: CliIo): Promise<void> {
  const start = startingPosition(options.from);
  // A child is read from the time asked for (it may be older), else from its start: all of it
  // came after its parent, which was read.
  const childStart =
    start.ShardIteratorType === 'AT_TIMESTAMP'
      ? start
      : ({ ShardIteratorType: 'TRIM_HORIZON' } as const);
  const shown = { count: 0 };
  const done = new Set<string>();
  const started = new Set<string>();
  const readers: Array<Promise<void>> = [];
  const stopped = () =>
    io.signal?.aborted === true || (options.limit > 0 && shown.count >= options.limit);

  const startShard = (shardId: string, position: Omit<GetShardIteratorCommandInput, 'ShardId'>) => {
    // A merged shard's two parents, closed at once, can each find the other read.
    /* v8 ignore next -- only that race between two readers, which no test can order, comes here */
    if (started.has(shardId)) return;
    started.add(shardId);
    readers.push(
      readShard(client, options, shardId, position, io, shown, stopped).then(async (closed) => {
        done.add(shardId);
        if (!closed || stopped()) return;
        // A closed shard: its children, each once every one of its parents is read.
        for (const child of await listShards(client, options.stream)) {
          const parents = [child.ParentShardId, child.AdjacentParentShardId].filter(
            (id) => id !== undefined,
          );
          if (parents.includes(shardId) && parents.every((id) => done.has(id!))) {
            startShard(child.ShardId!, { StreamName: options.stream, ...childStart });
          }
        }
      }),
    );
  };

  const shards = await listShards(client, options.stream);
  const known = new Set(shards.map((shard) => shard.ShardId));
  for (const shard of shards) {
    if (options.shard !== undefined && shard.ShardId !== options.shard) continue;
    const open = shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
    // From the trim horizon or a time, a shard closed since may hold records to show: every
    // shard is read, and one whose parent is still listed only after that parent. From the
    // latest, only the open shards.
    const hasListedParent = [shard.ParentShardId, shard.AdjacentParentShardId].some(
      (id) => id !== undefined && known.has(id),
    );
    if (
      options.shard === undefined &&
      (start.ShardIteratorType === 'LATEST' ? !open : hasListedParent)
    )
      continue;
    startShard(shard.ShardId!, { StreamName: options.stream, ...start });
  }
  if (options.shard !== undefined && !started.has(options.shard)) {
    throw new KplCliUsageError(`Stream ${options.stream} has no shard ${options.shard}`);
  }
  // Readers started while waiting (children after a reshard) are waited for too.
  for (let i = 0; i < readers.length; i++) await readers[i];
}

/** Reads a shard until it closes (true) or the tail stops (false). */
async function readShard(
  client: KinesisClient,
  options: TailOptions,
  shardId: string,
  position: Omit<GetShardIteratorCommandInput, 'ShardId'>,
  io: CliIo,
  shown: { count: number },
  stopped: () => boolean,
): Promise<boolean> {
  let { ShardIterator: iterator } = await client.send(
    new GetShardIteratorCommand({ ...position, ShardId: shardId }),
  );
  while (iterator !== undefined && iterator !== null && !stopped()) {
    const {
      Records = [],
      NextShardIterator,
      MillisBehindLatest,
    } = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
    for (const userRecord of deaggregateSdkRecords(Records)) {
      if (stopped()) return false;
      shown.count++;
      await writeLine(io.stdout, describe(shardId, userRecord, options));
    }
    iterator = NextShardIterator;
    if (iterator && Records.length === 0 && MillisBehindLatest === 0) {
      await sleep(options.pollMs, undefined, io.signal ? { signal: io.signal } : {}).catch(
        () => undefined,
      );
    }
  }
  return iterator === undefined || iterator === null;
}

function describe(shardId: string, userRecord: SdkUserRecord, options: TailOptions): string {
  const { format, data } = showData(userRecord.data, options.data);
  const fields = {
    shardId,
    sequenceNumber: userRecord.sequenceNumber,
    subSequenceNumber: userRecord.subSequenceNumber,
    // A record written without one to a service-managed stream has none.
    partitionKey: userRecord.partitionKey ?? null,
    explicitHashKey: userRecord.explicitHashKey ?? null,
    bytes: userRecord.data.length,
    format,
    data,
  };
  if (options.json) return JSON.stringify(fields);
  return oneLine(
    `${shardId} ${fields.sequenceNumber}:${fields.subSequenceNumber} ${fields.partitionKey ?? '(none)'} ${fields.bytes} B ${format} ${data}`,
  );
}

/** `--from`: trim-horizon, latest, or a time (ISO 8601, or seconds since the epoch). */
function startingPosition(
  from: string,
): Omit<GetShardIteratorCommandInput, 'ShardId' | 'StreamName'> {
  if (from === 'trim-horizon') return { ShardIteratorType: 'TRIM_HORIZON' };
  if (from === 'latest') return { ShardIteratorType: 'LATEST' };
  const time = /^\d+(\.\d+)?$/.test(from) ? new Date(Number(from) * 1000) : new Date(from);
  if (Number.isNaN(time.getTime())) {
    throw new KplCliUsageError(`--from must be trim-horizon, latest or a time, got ${from}`);
  }
  return { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: time };
}
