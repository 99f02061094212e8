// orderedGroupsPerShard's pieces: the room a user record keeps for the aggregate of one it may go
// in, the group of each partition key (a function of the key alone), and the keys of an aggregate.
import { aggregate, computeHashKey, MAX_HASH_KEY } from '@kpl-lambda/core';
import fc from 'fast-check';
import {
  AGGREGATE_OF_ONE_OVERHEAD_BYTES,
  OrderedGroups,
  orderedGroupsReserveBytes,
} from '../src/aggregation/OrderedGroups.js';
import { resolveProducerOptions } from '../src/options.js';
import { PartitionKeys } from '../src/routing/PartitionKeys.js';
import { ShardRouter } from '../src/routing/ShardRouter.js';
import { callFailure } from '../src/sending/RetryPolicy.js';
import { toBufferedUserRecord } from '../src/userRecords.js';
import { client, mockStream, shardOf } from './helpers/mockKinesis.js';

/** What an aggregate of one adds to a user record's data and partition key, as Kinesis counts. */
function growthAsAggregateOfOne(partitionKey: string, data: Uint8Array, explicitHashKey?: string) {
  const [wrapped] = aggregate(
    [{ partitionKey, data, ...(explicitHashKey === undefined ? {} : { explicitHashKey }) }],
    { aggregateSingleRecord: true, aggregationMaxBytes: 10_485_760 },
  );
  return wrapped!.data.length - data.length - Buffer.byteLength(partitionKey);
}

describe('the room kept for an aggregate of one', () => {
  it('is never less than what an aggregate of one adds', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 256 }),
        fc.uint8Array({ maxLength: 5_000 }),
        fc.option(fc.bigInt({ min: 0n, max: MAX_HASH_KEY }), { nil: undefined }),
        (partitionKey, data, hashKey) => {
          fc.pre(partitionKey.length <= 256);
          const growth = growthAsAggregateOfOne(partitionKey, data, hashKey?.toString());
          expect(growth).toBeLessThanOrEqual(AGGREGATE_OF_ONE_OVERHEAD_BYTES);
        },
      ),
    );
  });

  it('is all taken by the largest keys and data', () => {
    const data = new Uint8Array(2 ** 21);
    expect(growthAsAggregateOfOne('€'.repeat(256), data, MAX_HASH_KEY.toString())).toBe(
      AGGREGATE_OF_ONE_OVERHEAD_BYTES,
    );
  });

  it('counts the longest group key', () => {
    expect(orderedGroupsReserveBytes(10)).toBe(
      AGGREGATE_OF_ONE_OVERHEAD_BYTES + 'ordered-group-9'.length,
    );
    expect(orderedGroupsReserveBytes(1_000)).toBe(
      AGGREGATE_OF_ONE_OVERHEAD_BYTES + 'ordered-group-999'.length,
    );
  });
});

describe('the groups', () => {
  const groups = new OrderedGroups(8);

  it('spread partition keys over every group', () => {
    const used = new Set(Array.from({ length: 200 }, (_, i) => groups.groupOf(`customer-${i}`)));
    expect([...used].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("key an aggregate by its first user record's group, and route it as that record", () => {
    for (const partitionKey of ['a', 'customer-7', 'ключ']) {
      expect(groups.parentKeysOf({ partitionKey })).toEqual({
        partitionKey: `ordered-group-${groups.groupOf(partitionKey)}`,
        explicitHashKey: computeHashKey(partitionKey),
      });
      expect(groups.parentKeysOf({ partitionKey, explicitHashKey: '42' })).toEqual({
        partitionKey: `ordered-group-${groups.groupOf(partitionKey)}`,
        explicitHashKey: '42',
      });
    }
  });

  it("route a partition key to its shard's group of it, whatever the shards, remembered or not, with or without an explicit hash key", async () => {
    const router = new ShardRouter(60_000, groups);
    const options = resolveProducerOptions({ client, streamName: 'orders' });
    const partitionKeys = new PartitionKeys();
    // More keys than are remembered, and every third record routed by an explicit hash key.
    const records = Array.from({ length: 12_000 }, (_, i) => ({
      partitionKey: `customer-${i % 11_000}`,
      data: 'x',
      explicitHashKey: i % 3 === 0 ? undefined : ((BigInt(i % 97) * MAX_HASH_KEY) / 97n).toString(),
    }));
    for (const shardCount of [undefined, 4, 8]) {
      if (shardCount !== undefined) {
        mockStream(shardCount);
        router.markStale();
        await router.learn(client, { StreamName: 'orders' }, callFailure, 1_000);
      }
      records.forEach((record, i) => {
        const { partitionKey, explicitHashKey } = record;
        const route = router.route(toBufferedUserRecord(record, i, 0, options, partitionKeys));
        const group = `ordered group ${groups.groupOf(partitionKey)}`;
        if (shardCount === undefined) {
          // Without a map: a queue per partition key, or per explicit hash key and group.
          const queue =
            explicitHashKey === undefined
              ? `partition key ${partitionKey}`
              : `${explicitHashKey} ${group}`;
          expect(route).toEqual({ group: queue, shardId: undefined });
        } else {
          const entry = {
            PartitionKey: partitionKey,
            ExplicitHashKey: explicitHashKey,
            Data: undefined,
          };
          const shardId = shardOf(entry, shardCount);
          expect(route).toEqual({ group: `${shardId} ${group}`, shardId });
        }
      });
    }
  });
});
