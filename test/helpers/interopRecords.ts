// The user records of the interop tests, the stream read back shard by shard, and the accounting
// of what a consumer delivered against what was put.
import {
  type _Record,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { KPL_MAGIC, MAX_HASH_KEY } from '@kpl-lambda/core';
import { KinesisProducer, type KinesisProducerOptions } from '@kpl-lambda/producer';

/** A user record put by the tests; its data ends with its index, so every record is unique. */
export interface InteropRecord {
  index: number;
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
}

/** A user record as a consumer delivered it. */
export interface DeliveredUserRecord {
  partitionKey?: string | null | undefined;
  explicitHashKey?: string | undefined;
  data: Uint8Array;
  sequenceNumber: string;
  subSequenceNumber: number;
  /** From an aggregate; a plain record's explicit hash key is not in what Kinesis returns. */
  aggregated: boolean;
}

/** Explicit hash keys at the ends of the hash key space and at the borders of 4 equal shards. */
const EXPLICIT_HASH_KEYS = [
  0n,
  MAX_HASH_KEY,
  (1n << 126n) - 1n,
  1n << 126n,
  (1n << 127n) - 1n,
  1n << 127n,
  3n * (1n << 126n) - 1n,
  3n * (1n << 126n),
  12_345_678_901_234_567_890_123_456_789n,
].map(String);

const SPECIAL_KEYS = ['k', 'ключ', '🔑 a key with spaces', 'x'.repeat(256)];

/** Seeded, so that a failure can be run again as it was. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * `count` user records over 200 partition keys, one in twenty routed by an explicit hash key
 * (each key keeps its own), keys taken at random so that they interleave. Data: 0 to 300 random
 * bytes, some starting with the KPL's magic bytes, one of 60,000 bytes (more than the KPL
 * aggregates: it sends it alone), each ending with the record's index.
 */
export function interopRecords(count: number): InteropRecord[] {
  const next = random(42_3);
  const keys = [
    ...SPECIAL_KEYS,
    ...Array.from({ length: 200 - SPECIAL_KEYS.length }, (_, k) => `customer-${k}`),
  ];
  return Array.from({ length: count }, (_, index) => {
    const key = Math.floor(next() * keys.length);
    const size = index === Math.floor(count / 2) ? 60_000 : Math.floor(next() * 301);
    const data = new Uint8Array(size + 4);
    for (let i = 0; i < size; i++) data[i] = Math.floor(next() * 256);
    if (index % 50 === 7) data.set(KPL_MAGIC);
    new DataView(data.buffer).setUint32(size, index);
    const explicitHashKey = key % 20 === 5 ? EXPLICIT_HASH_KEYS[Math.floor(key / 20)] : undefined;
    return {
      index,
      partitionKey: keys[key]!,
      ...(explicitHashKey === undefined ? {} : { explicitHashKey }),
      data,
    };
  });
}

/** One shard of a stream as read back from its start. */
export interface ReadShard {
  shardId: string;
  start: bigint;
  end: bigint;
  records: _Record[];
}

/** Every record of every shard, in each shard's order. */
export async function readStream(client: KinesisClient, streamName: string): Promise<ReadShard[]> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  return Promise.all(
    Shards.map(async (shard): Promise<ReadShard> => {
      const records: _Record[] = [];
      let { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      for (;;) {
        const page = await client.send(new GetRecordsCommand({ ShardIterator }));
        if ((page.Records ?? []).length === 0) break;
        records.push(...page.Records!);
        ShardIterator = page.NextShardIterator;
      }
      return {
        shardId: shard.ShardId!,
        start: BigInt(shard.HashKeyRange!.StartingHashKey!),
        end: BigInt(shard.HashKeyRange!.EndingHashKey!),
        records,
      };
    }),
  );
}

/** Writes the records with our producer (default options, or those given) and reads the stream back. */
export async function writeWithOurProducer(
  client: KinesisClient,
  streamName: string,
  records: readonly InteropRecord[],
  options: Partial<KinesisProducerOptions> = {},
): Promise<ReadShard[]> {
  const producer = new KinesisProducer({ client, streamName, ...options });
  for (const { partitionKey, explicitHashKey, data } of records) {
    producer.put({
      partitionKey,
      data,
      ...(explicitHashKey === undefined ? {} : { explicitHashKey }),
    });
  }
  const { undeliverable } = await producer.flush();
  if (undeliverable.length > 0) throw new Error(`${undeliverable.length} records not written`);
  return readStream(client, streamName);
}

/** A user record's keys and bytes; a plain record's without the explicit hash key it cannot show. */
const identity = (
  record: {
    partitionKey?: string | null | undefined;
    explicitHashKey?: string | undefined;
    data: Uint8Array;
  },
  aggregated: boolean,
) =>
  JSON.stringify([
    record.partitionKey,
    aggregated ? (record.explicitHashKey ?? null) : 'plain',
    Buffer.from(record.data).toString('base64'),
  ]);

/** What a consumer delivered, against what was put: each must be there once, byte for byte. */
export interface Accounting {
  /** Indexes of records put and never delivered. */
  missing: number[];
  /** Indexes of records delivered more than once. */
  duplicated: number[];
  /** Delivered user records that match no record put (a key, hash key or byte differs). */
  unknown: number;
  /** Parents whose sub-sequence numbers are not 0, 1, 2, ... in delivery order. */
  subSequenceGaps: string[];
  /** Each record put, by index: the parent's sequence number it was delivered in. */
  sequenceNumbers: string[];
}

/**
 * Accounts for `delivered` (in delivery order) against `put`. Sub-sequence numbers must run 0, 1,
 * 2, ... within each parent in the order the parent's user records were delivered.
 */
export function account(
  put: readonly InteropRecord[],
  delivered: readonly DeliveredUserRecord[],
): Accounting {
  const byIdentity = new Map(
    put.flatMap((record) => [
      [identity(record, true), record.index],
      [identity(record, false), record.index],
    ]),
  );
  const times = new Array<number>(put.length).fill(0);
  const sequenceNumbers = new Array<string>(put.length).fill('');
  const nextSubSequence = new Map<string, number>();
  const subSequenceGaps: string[] = [];
  let unknown = 0;
  for (const record of delivered) {
    const expected = nextSubSequence.get(record.sequenceNumber) ?? 0;
    if (record.subSequenceNumber !== expected) {
      subSequenceGaps.push(`${record.sequenceNumber}: ${record.subSequenceNumber} for ${expected}`);
    }
    nextSubSequence.set(record.sequenceNumber, record.subSequenceNumber + 1);
    const index = byIdentity.get(identity(record, record.aggregated));
    if (index === undefined) {
      unknown++;
      continue;
    }
    times[index]!++;
    sequenceNumbers[index] = record.sequenceNumber;
  }
  return {
    missing: put.filter(({ index }) => times[index] === 0).map(({ index }) => index),
    duplicated: put.filter(({ index }) => times[index]! > 1).map(({ index }) => index),
    unknown,
    subSequenceGaps,
    sequenceNumbers,
  };
}

/** The index a record's data ends with. */
export const indexOf = (data: Uint8Array): number =>
  new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(data.byteLength - 4);

/**
 * Records delivered after a later record of the same partition key, given the indexes of the
 * records in the order consumers of the shards see them, shard after shard (a key lives on one
 * shard here).
 */
export function outOfOrder(
  put: readonly InteropRecord[],
  deliveredIndexes: Iterable<number>,
): number {
  const latest = new Map<string, number>();
  let late = 0;
  for (const index of deliveredIndexes) {
    const key = put[index]!.partitionKey;
    if ((latest.get(key) ?? -1) > index) late++;
    else latest.set(key, index);
  }
  return late;
}
