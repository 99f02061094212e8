// The producer routes each user record with ShardMap; these check its answers against the
// definition: the shard whose hash key range holds the record's hash key.
import { computeHashKey } from '@kpl-lambda/core';
import fc from 'fast-check';
import { ShardMap, type ShardRange } from '../src/routing/ShardMap.js';

const MAX_HASH_KEY = 2n ** 128n - 1n;

/** Shards splitting the hash key space at the given keys, listed out of order on purpose. */
function shardsSplitAt(splits: bigint[]): ShardRange[] {
  const starts = [
    0n,
    ...[...new Set(splits)].filter((key) => key > 0n).sort((a, b) => (a < b ? -1 : 1)),
  ];
  return starts
    .map((start, i) => ({
      shardId: `shardId-${i}`,
      startingHashKey: start,
      endingHashKey: i + 1 < starts.length ? starts[i + 1]! - 1n : MAX_HASH_KEY,
    }))
    .reverse();
}

const holds = (shard: ShardRange, hashKey: bigint) =>
  shard.startingHashKey <= hashKey && hashKey <= shard.endingHashKey;

const hashKeyArbitrary = fc.bigInt({ min: 0n, max: MAX_HASH_KEY });

test('an explicit hash key goes to the shard whose range holds it, at the edges too', () => {
  fc.assert(
    fc.property(fc.array(hashKeyArbitrary, { maxLength: 8 }), hashKeyArbitrary, (splits, key) => {
      const shards = shardsSplitAt(splits);
      const map = new ShardMap(shards);
      expect(holds(map.shardForExplicitHashKey(key.toString()), key)).toBe(true);
      for (const shard of shards) {
        expect(map.shardForExplicitHashKey(shard.startingHashKey.toString())).toBe(shard);
        expect(map.shardForExplicitHashKey(shard.endingHashKey.toString())).toBe(shard);
      }
    }),
  );
});

test('a partition key goes to the shard that holds its MD5 hash key, whatever its characters', () => {
  fc.assert(
    fc.property(
      fc.array(hashKeyArbitrary, { maxLength: 8 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 256 }),
      (splits, partitionKey) => {
        const map = new ShardMap(shardsSplitAt(splits));
        const hashKey = BigInt(computeHashKey(partitionKey));
        expect(holds(map.shardForPartitionKey(partitionKey), hashKey)).toBe(true);
      },
    ),
  );
});
