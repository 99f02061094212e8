import {
  aggregate,
  computeHashKey,
  deaggregateBytes,
  KplConfigurationError,
  KplInvalidRecordError,
  MAX_HASH_KEY,
  RecordAggregator,
  ShardMap,
} from '@kpl-lambda/core';

/** `count` open shards splitting the hash keys evenly, as ListShards lists a new stream's. */
function listedShards(count: number) {
  const width = (MAX_HASH_KEY + 1n) / BigInt(count);
  return Array.from({ length: count }, (_, i) => ({
    ShardId: `shardId-00000000000${i}`,
    HashKeyRange: {
      StartingHashKey: String(width * BigInt(i)),
      EndingHashKey: String(i === count - 1 ? MAX_HASH_KEY : width * BigInt(i + 1) - 1n),
    },
    SequenceNumberRange: { StartingSequenceNumber: '1' },
  }));
}

/** The shard a hash key falls in, worked out on its own from the decimal ranges. */
function shardHolding(shards: ReturnType<typeof listedShards>, hashKey: string): string {
  const key = BigInt(hashKey);
  return shards.find(
    ({ HashKeyRange: range }) =>
      BigInt(range.StartingHashKey) <= key && key <= BigInt(range.EndingHashKey),
  )!.ShardId;
}

const records = Array.from({ length: 200 }, (_, i) => ({
  partitionKey: `user-${i % 40}`,
  data: `r${i}`,
}));

describe('ShardMap', () => {
  const shards = listedShards(4);
  const map = new ShardMap(shards);

  it('gives the open shard of a partition key, or of an explicit hash key', () => {
    for (const key of ['a', 'user-1', 'user-2', 'abcd', 'ü']) {
      expect(map.shardIdOf({ partitionKey: key })).toBe(shardHolding(shards, computeHashKey(key)));
    }
    expect(map.shardIdOf({ partitionKey: 'a', explicitHashKey: '0' })).toBe('shardId-000000000000');
    expect(map.shardIdOf({ partitionKey: 'a', explicitHashKey: String(MAX_HASH_KEY) })).toBe(
      'shardId-000000000003',
    );
    const edge = shards[2]!.HashKeyRange.StartingHashKey;
    expect(map.shardIdOf({ partitionKey: 'a', explicitHashKey: edge })).toBe(
      'shardId-000000000002',
    );
    expect(map.shardIdOf({ partitionKey: 'a', explicitHashKey: String(BigInt(edge) - 1n) })).toBe(
      'shardId-000000000001',
    );
  });

  it("tells whether a shard's range holds a user record, closed shards included", () => {
    const [parent] = listedShards(1);
    const closed = { ...parent!, SequenceNumberRange: { EndingSequenceNumber: '9' } };
    const children = listedShards(2).map((shard, i) => ({ ...shard, ShardId: `child-${i}` }));
    const resharded = new ShardMap([closed, ...children]);
    const key = { partitionKey: 'user-1' };
    expect(resharded.holds(closed.ShardId, key)).toBe(true);
    expect(resharded.shardIdOf(key)).toMatch(/^child-/);
    expect(children.map(({ ShardId }) => resharded.holds(ShardId, key)).sort()).toEqual([
      false,
      true,
    ]);
    expect(resharded.holds('shardId-000000000009', key)).toBeUndefined();
  });

  it('takes shards in short, decimal strings or bigints', () => {
    const short = new ShardMap([
      {
        shardId: 'low',
        startingHashKey: 0n,
        endingHashKey: '170141183460469231731687303715884105727',
      },
      {
        shardId: 'high',
        startingHashKey: '170141183460469231731687303715884105728',
        endingHashKey: MAX_HASH_KEY,
      },
    ]);
    expect(short.shardIdOf({ partitionKey: 'a', explicitHashKey: '1' })).toBe('low');
    expect(short.shardIdOf({ partitionKey: 'a', explicitHashKey: String(MAX_HASH_KEY) })).toBe(
      'high',
    );
  });

  it.each<[string, unknown, RegExp]>([
    ['no list', 42, /shards must be a list/],
    ['no shard', [], /No open shard/],
    [
      'a gap',
      listedShards(4).filter((_, i) => i !== 1),
      /No open shard takes hash keys \d+ \.\. \d+/,
    ],
    ['an end left out', listedShards(4).slice(0, 3), /No open shard takes hash keys \d+ \.\. 3402/],
    [
      'an overlap',
      [...listedShards(2), { ...listedShards(1)[0]!, ShardId: 'whole' }],
      /overlaps the open shard before it/,
    ],
    ['a shard twice', [...listedShards(1), ...listedShards(1)], /given twice/],
    [
      'a shard without its id',
      [{ HashKeyRange: listedShards(1)[0]!.HashKeyRange }],
      /without its id/,
    ],
    [
      'a hash key that is no decimal',
      [{ shardId: 's', startingHashKey: '-1', endingHashKey: '5' }],
      /decimal in 0 \.\. 2\^128-1/,
    ],
    [
      'a range backwards',
      [{ shardId: 's', startingHashKey: 5n, endingHashKey: 4n }],
      /starts after it ends/,
    ],
    ['a shard that is no object', [null], /must be an object/],
    [
      'a short shard without its id',
      [{ startingHashKey: 0n, endingHashKey: MAX_HASH_KEY }],
      /without its id: \{"startingHashKey":"0"/,
    ],
    [
      'a range without its end',
      [{ ShardId: 's', HashKeyRange: { StartingHashKey: '0' } }],
      /got undefined/,
    ],
  ])('refuses a map with %s', (_, shards, message) => {
    const made = () => new ShardMap(shards as never);
    expect(made).toThrow(KplConfigurationError);
    expect(made).toThrow(message);
    expect(() => new RecordAggregator({ shards: shards as never })).toThrow(message);
  });

  it('refuses keys Kinesis would refuse', () => {
    expect(() => map.shardIdOf({ partitionKey: '' })).toThrow(KplInvalidRecordError);
    expect(() =>
      map.holds('shardId-000000000000', { partitionKey: 'a', explicitHashKey: 'x' }),
    ).toThrow(KplInvalidRecordError);
  });
});

describe('aggregation per shard', () => {
  const shards = listedShards(4);
  const map = new ShardMap(shards);

  it('aggregate() with shards: each aggregate holds one shard, in order, and says which', () => {
    const aggregated = aggregate(records, { shards });

    expect(aggregated).toHaveLength(4);
    for (const { shardId, partitionKey, explicitHashKey, data, userRecords } of aggregated) {
      // Kinesis routes it by its outer keys: to the shard it says.
      expect(map.shardIdOf({ partitionKey, explicitHashKey })).toBe(shardId);
      for (const userRecord of deaggregateBytes(data)) {
        expect(map.holds(shardId!, userRecord as { partitionKey: string })).toBe(true);
      }
      expect(userRecords).toEqual(records.filter((record) => map.shardIdOf(record) === shardId));
    }
    expect(aggregated.flatMap(({ userRecords }) => userRecords)).toHaveLength(records.length);
    const bounded = aggregate(records, { shards, aggregationMaxCount: 10 });
    const sizes = bounded.map(({ userRecords }) => userRecords.length);
    expect(Math.max(...sizes)).toBe(10);
    expect(sizes.reduce((sum, size) => sum + size)).toBe(records.length);
  });

  it('plain aggregate() mixes shards: what the KCL drops', () => {
    const [mixed] = aggregate(records);
    const outside = deaggregateBytes(mixed!.data).filter(
      (userRecord) => !map.holds(map.shardIdOf(mixed!), userRecord as { partitionKey: string }),
    );
    expect(outside.length).toBeGreaterThan(100);
  });

  it('RecordAggregator with shards finishes an aggregate at a record of another shard', () => {
    const aggregator = new RecordAggregator({ shards: map });
    expect(aggregator.shards).toBe(map);
    const first = { partitionKey: 'user-0', data: 'user-0' };
    const other = records.find((record) => map.shardIdOf(record) !== map.shardIdOf(first));
    expect(aggregator.add(first!)).toBeUndefined();
    expect(aggregator.add({ ...first!, data: 'again' })).toBeUndefined();
    const finished = aggregator.add(other!);
    expect(finished).toMatchObject({
      shardId: map.shardIdOf(first!),
      userRecords: [first, { ...first, data: 'again' }],
    });
    expect(aggregator.flush()).toMatchObject({
      shardId: map.shardIdOf(other!),
      userRecords: [other],
    });
    expect(aggregate(records)[0]).not.toHaveProperty('shardId');
  });

  it('checks the options even without records', () => {
    expect(() => aggregate([], { shards: [] })).toThrow(KplConfigurationError);
    expect(() => aggregate([], { shard: [] } as never)).toThrow(/did you mean shards/);
  });
});
