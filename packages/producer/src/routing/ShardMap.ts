import { type KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { computeHashKeyHex } from '@kpl-lambda/core';
import { KplProducerError } from '../errors.js';

/** An open shard and the hash keys it takes. */
export interface ShardRange {
  shardId: string;
  startingHashKey: bigint;
  endingHashKey: bigint;
}

/** Shard boundaries as 32 hex digits, as `computeHashKeyHex` gives a partition key's. */
const toHex = (hashKey: bigint): string => hashKey.toString(16).padStart(32, '0');

/** Which open shard takes which hash key, as `ListShards` said at `loadedAt`. */
export class ShardMap {
  public readonly loadedAt: number;
  readonly #shards: ShardRange[];
  readonly #startingHashKeys: string[];

  public constructor(shards: ShardRange[], loadedAt = Date.now()) {
    this.#shards = [...shards].sort((a, b) => (a.startingHashKey < b.startingHashKey ? -1 : 1));
    this.#startingHashKeys = this.#shards.map((shard) => toHex(shard.startingHashKey));
    this.loadedAt = loadedAt;
  }

  /** Lists the stream's shards, page by page, and keeps the open ones. */
  public static async load(
    client: KinesisClient,
    stream: { StreamName?: string; StreamARN?: string },
  ): Promise<ShardMap> {
    const shards: ShardRange[] = [];
    let NextToken: string | undefined;
    do {
      // A request with NextToken must not name the stream again.
      const page = await client.send(
        new ListShardsCommand(NextToken === undefined ? { ...stream } : { NextToken }),
      );
      for (const shard of page.Shards ?? []) {
        const { ShardId, HashKeyRange, SequenceNumberRange } = shard;
        if (SequenceNumberRange?.EndingSequenceNumber !== undefined) continue;
        if (!ShardId || !HashKeyRange?.StartingHashKey || !HashKeyRange.EndingHashKey) continue;
        shards.push({
          shardId: ShardId,
          startingHashKey: BigInt(HashKeyRange.StartingHashKey),
          endingHashKey: BigInt(HashKeyRange.EndingHashKey),
        });
      }
      NextToken = page.NextToken;
    } while (NextToken !== undefined);
    if (shards.length === 0) throw new KplProducerError('ListShards found no open shard');
    return new ShardMap(shards);
  }

  /** The open shard that takes records with this partition key and no explicit hash key. */
  public shardForPartitionKey(partitionKey: string): ShardRange {
    return this.shardForHashKeyHex(computeHashKeyHex(partitionKey));
  }

  /** The open shard whose range holds the (decimal) explicit hash key. */
  public shardForExplicitHashKey(explicitHashKey: string): ShardRange {
    return this.shardForHashKeyHex(toHex(BigInt(explicitHashKey)));
  }

  /** The open shard whose range holds the hash key written as 32 hex digits. */
  public shardForHashKeyHex(hashKey: string): ShardRange {
    const startingHashKeys = this.#startingHashKeys;
    let low = 0;
    let high = startingHashKeys.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (startingHashKeys[middle]! <= hashKey) low = middle;
      else high = middle - 1;
    }
    return this.#shards[low]!;
  }

  /** Whether both maps list the same open shards. */
  public sameShardsAs(other: ShardMap): boolean {
    return (
      this.#shards.length === other.#shards.length &&
      this.#shards.every((shard, i) => shard.shardId === other.#shards[i]!.shardId)
    );
  }
}
