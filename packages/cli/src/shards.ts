import { readFile } from 'node:fs/promises';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { ShardMap } from '@kpl-lambda/core';
import { KplCliInputError, KplCliUsageError, messageOf } from './errors.js';
import type { InputRecord } from './inputRecords.js';

/** Every shard of the stream, closed ones too, as ListShards lists them, page by page. */
export async function listShards(client: KinesisClient, stream: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListShardsCommand(
        nextToken === undefined ? { StreamName: stream } : { NextToken: nextToken },
      ),
    );
    /* v8 ignore next -- ListShards answers with Shards, which the SDK types optional */
    shards.push(...(page.Shards ?? []));
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return shards;
}

/**
 * Every record the stream holds now, shard by shard (`only`, or each listed), each from its trim
 * horizon until it is read to its end or to the latest record, or `signal` stops it.
 */
export async function* recordsOfStream(
  client: KinesisClient,
  stream: string,
  shards: readonly Shard[],
  only: string | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<InputRecord> {
  const shardIds = shards.map((shard) => shard.ShardId!);
  if (only !== undefined && !shardIds.includes(only)) {
    throw new KplCliUsageError(`Stream ${stream} has no shard ${only}`);
  }
  for (const shardId of only === undefined ? shardIds : [only]) {
    let { ShardIterator: iterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (iterator && signal?.aborted !== true) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      /* v8 ignore next -- GetRecords answers with Records, which the SDK types optional */
      const records = page.Records ?? [];
      for (const { Data, PartitionKey, SequenceNumber } of records) {
        yield { data: Data!, partitionKey: PartitionKey, sequenceNumber: SequenceNumber, shardId };
      }
      if (records.length === 0 && page.MillisBehindLatest === 0) break;
      iterator = page.NextShardIterator;
    }
  }
}

/** `--shards FILE`: a ListShards output as the AWS CLI prints it, or a list of shards. */
export async function shardMapOfFile(file: string): Promise<ShardMap> {
  try {
    const parsed = JSON.parse((await readFile(file)).toString('utf8')) as unknown;
    const shards = Array.isArray(parsed) ? parsed : (parsed as { Shards?: unknown } | null)?.Shards;
    return new ShardMap(shards as Shard[]);
  } catch (error) {
    throw new KplCliInputError(`--shards ${file}: ${messageOf(error)}`, { cause: error });
  }
}
