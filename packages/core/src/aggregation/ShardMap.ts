import { MAX_HASH_KEY } from '../constants.js';
import { KplConfigurationError } from '../errors.js';
import { assertValidKeys, computeHashKeyHex, isValidHashKey } from '../format/hashKey.js';

/** A shard and the hash keys it takes: decimal strings, as Kinesis writes them, or bigints. */
export interface ShardHashKeyRange {
  shardId: string;
  startingHashKey: string | bigint;
  endingHashKey: string | bigint;
}

/**
 * A shard as `ListShards` (or `DescribeStream`) gives it: the AWS SDK's `Shard` fits as it is. A
 * shard with an `EndingSequenceNumber` was closed by a reshard: it takes no new record.
 */
export interface ListedShard {
  ShardId?: string | undefined;
  HashKeyRange?:
    | { StartingHashKey?: string | undefined; EndingHashKey?: string | undefined }
    | undefined;
  SequenceNumberRange?:
    | { StartingSequenceNumber?: string | undefined; EndingSequenceNumber?: string | undefined }
    | undefined;
}

/** The keys a user record is routed by: its explicit hash key when it has one. */
export interface RoutingKeys {
  partitionKey: string;
  explicitHashKey?: string | undefined;
}

/** A shard's range as 32 hex digits: of one width, they compare as the numbers do. */
interface HexRange {
  shardId: string;
  start: string;
  end: string;
}

const toHex = (hashKey: bigint): string => hashKey.toString(16).padStart(32, '0');
const E = (message: string) => new KplConfigurationError(message, { option: 'shards' });

/**
 * Which shard takes which hash keys, given as data: the `Shards` of `ListShards` (closed shards
 * included, as it lists them), or `{ shardId, startingHashKey, endingHashKey }` of each open
 * shard. The open shards must cover every hash key once, as a stream's do: a map with a gap or an
 * overlap throws `KplConfigurationError`. It knows nothing of a reshard after it was read: read
 * it again then.
 *
 * @example
 * ```ts
 * import { ListShardsCommand } from '@aws-sdk/client-kinesis';
 * import { ShardMap } from '@kpl-lambda/core';
 * const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: 'orders' }));
 * const shards = new ShardMap(Shards);
 * shards.shardIdOf({ partitionKey: 'user-1' }); // 'shardId-000000000001'
 * ```
 */
export class ShardMap {
  /** Every shard given, open or closed, by id. */
  readonly #byId = new Map<string, HexRange>();
  /** The open shards, by starting hash key. */
  readonly #open: HexRange[] = [];

  public constructor(shards: Iterable<ShardHashKeyRange | ListedShard>) {
    if (typeof (shards as Partial<Iterable<unknown>> | null)?.[Symbol.iterator] !== 'function') {
      throw E('shards must be a list of shards (the Shards of ListShards)');
    }
    for (const shard of shards) {
      const { range, open } = rangeOf(shard);
      if (this.#byId.has(range.shardId)) throw E(`Shard ${range.shardId} is given twice`);
      this.#byId.set(range.shardId, range);
      if (open) this.#open.push(range);
    }
    this.#open.sort((a, b) => (a.start < b.start ? -1 : 1));
    assertCoversEveryHashKey(this.#open);
  }

  /**
   * The open shard that takes a user record: by its explicit hash key when it has one, else by
   * its partition key's. Throws `KplInvalidRecordError` for keys Kinesis would refuse.
   *
   * @example
   * ```ts
   * import { RecordAggregator, ShardMap } from '@kpl-lambda/core';
   * const shards = new ShardMap(Shards);
   * const aggregators = new Map<string, RecordAggregator>();
   * const shardId = shards.shardIdOf(record);
   * if (!aggregators.has(shardId)) aggregators.set(shardId, new RecordAggregator({ shards }));
   * aggregators.get(shardId)!.add(record);
   * ```
   */
  public shardIdOf(record: RoutingKeys): string {
    const hashKey = hexHashKeyOf(record);
    const open = this.#open;
    let low = 0;
    let high = open.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (open[middle]!.start <= hashKey) low = middle;
      else high = middle - 1;
    }
    return open[low]!.shardId;
  }

  /**
   * Whether the shard's hash key range holds the user record's hash key, as the KCL checks each
   * user record of an aggregate; `undefined` for a shard the map does not know.
   *
   * @example
   * ```ts
   * import { deaggregateBytes, ShardMap } from '@kpl-lambda/core';
   * const shards = new ShardMap(Shards);
   * for (const userRecord of deaggregateBytes(record.Data)) {
   *   if (userRecord.aggregated && !shards.holds(shardId, userRecord as { partitionKey: string })) {
   *     console.warn('the KCL drops this aggregate whole');
   *   }
   * }
   * ```
   */
  public holds(shardId: string, record: RoutingKeys): boolean | undefined {
    const range = this.#byId.get(shardId);
    if (range === undefined) return undefined;
    const hashKey = hexHashKeyOf(record);
    return range.start <= hashKey && hashKey <= range.end;
  }
}

function hexHashKeyOf({ partitionKey, explicitHashKey }: RoutingKeys): string {
  assertValidKeys(partitionKey, explicitHashKey);
  return explicitHashKey === undefined
    ? computeHashKeyHex(partitionKey)
    : toHex(BigInt(explicitHashKey));
}

function rangeOf(shard: ShardHashKeyRange | ListedShard): { range: HexRange; open: boolean } {
  if (typeof shard !== 'object' || shard === null)
    throw E(`A shard must be an object, got ${shard}`);
  const listed = 'ShardId' in shard || 'HashKeyRange' in shard;
  const { shardId, startingHashKey, endingHashKey } = listed
    ? {
        shardId: shard.ShardId,
        startingHashKey: shard.HashKeyRange?.StartingHashKey,
        endingHashKey: shard.HashKeyRange?.EndingHashKey,
      }
    : (shard as Partial<ShardHashKeyRange>);
  if (typeof shardId !== 'string' || shardId === '') {
    throw E(`A shard without its id: ${describe(shard)}`);
  }
  const start = hashKeyOf(shardId, startingHashKey);
  const end = hashKeyOf(shardId, endingHashKey);
  if (start > end) throw E(`Shard ${shardId} starts after it ends`);
  const open =
    !listed || (shard as ListedShard).SequenceNumberRange?.EndingSequenceNumber === undefined;
  return { range: { shardId, start: toHex(start), end: toHex(end) }, open };
}

function hashKeyOf(shardId: string, hashKey: unknown): bigint {
  if (typeof hashKey === 'bigint' && hashKey >= 0n && hashKey <= MAX_HASH_KEY) return hashKey;
  if (typeof hashKey === 'string' && isValidHashKey(hashKey)) return BigInt(hashKey);
  throw E(
    `Shard ${shardId}: a hash key must be a decimal in 0 .. 2^128-1, got ${describe(hashKey)}`,
  );
}

/** The open shards, in order, must leave no hash key to no shard and none to two. */
function assertCoversEveryHashKey(open: readonly HexRange[]): void {
  if (open.length === 0) throw E('No open shard: give the Shards of ListShards');
  let next = 0n;
  for (const { shardId, start, end } of open) {
    const first = BigInt(`0x${start}`);
    if (first < next) throw E(`Shard ${shardId} overlaps the open shard before it`);
    if (first > next) throw E(`No open shard takes hash keys ${next} .. ${first - 1n}`);
    next = BigInt(`0x${end}`) + 1n;
  }
  if (next <= MAX_HASH_KEY) throw E(`No open shard takes hash keys ${next} .. ${MAX_HASH_KEY}`);
}

function describe(value: unknown): string {
  return (
    JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}` : v)) ?? String(value)
  ).slice(0, 120);
}
