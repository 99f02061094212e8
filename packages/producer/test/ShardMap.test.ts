// The producer routes each user record with ShardMap; these check its answers against the
// definition: the shard whose hash key range holds the record's hash key.
import { ListShardsCommand } from '@aws-sdk/client-kinesis';
import { computeHashKey } from '@kpl-lambda/core';
import { KplProducerError } from '@kpl-lambda/producer';
import fc from 'fast-check';
import { ShardMap, type ShardRange } from '../src/routing/ShardMap.js';
import { client, kinesis, shards } from './helpers/mockKinesis.js';

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

// ListShards pages, and shards it lists without a range, only the mock can play.
describe('ShardMap.load', () => {
  beforeEach(() => kinesis.reset());
  const stream = { StreamName: 's' };

  it('lists every page, asking for the next by its token alone, and keeps the open shards', async () => {
    const [first, second, closed] = shards(3).Shards;
    kinesis
      .on(ListShardsCommand)
      .resolvesOnce({ Shards: [first!], NextToken: 'page-2' })
      .resolvesOnce({
        Shards: [
          second!,
          {
            ...closed!,
            SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '2' },
          },
        ],
      });

    const map = await ShardMap.load(client, stream);

    expect(kinesis.commandCalls(ListShardsCommand).map(({ args }) => args[0].input)).toEqual([
      stream,
      { NextToken: 'page-2' },
    ]);
    const other = new ShardMap([
      { shardId: 'shardId-0', startingHashKey: 0n, endingHashKey: 1n },
      { shardId: 'shardId-1', startingHashKey: 2n, endingHashKey: 3n },
    ]);
    expect(map.sameShardsAs(other)).toBe(true);
  });

  it('leaves out a shard listed without its hash key range', async () => {
    const [first, second] = shards(2).Shards;
    kinesis
      .on(ListShardsCommand)
      .resolves({ Shards: [first!, { ...second!, HashKeyRange: undefined }] });

    const map = await ShardMap.load(client, stream);

    expect(map.shardForExplicitHashKey((2n ** 128n - 1n).toString()).shardId).toBe('shardId-0');
  });

  it('refuses a stream with no open shard, or an answer that lists none', async () => {
    kinesis.on(ListShardsCommand).resolvesOnce({}).resolvesOnce({ Shards: [] });

    await expect(ShardMap.load(client, stream)).rejects.toThrow(KplProducerError);
    await expect(ShardMap.load(client, stream)).rejects.toThrow('no open shard');
  });
});
