import {
  type AggregatorOptions,
  aggregate,
  DEFAULT_MAX_AGGREGATE_BYTES,
  deaggregateBytes,
  isAggregated,
  KplConfigurationError,
  KplInvalidRecordError,
  KplRecordTooLargeError,
  RecordAggregator,
  type UserRecordInput,
} from '@kpl-lambda/core';

/** Size of a record as Kinesis counts it against the record limit. */
const kinesisBytes = (record: { partitionKey: string; data: Uint8Array }) =>
  record.data.length + Buffer.byteLength(record.partitionKey);

const small = (i: number, bytes = 100): UserRecordInput => ({
  partitionKey: `key-${i}`,
  data: Buffer.alloc(bytes, i % 256),
});

describe('aggregate', () => {
  it('packs small records into one aggregate routed like its first user record', () => {
    const records = [
      { partitionKey: 'first', data: 'a' },
      { partitionKey: 'second', data: 'b', explicitHashKey: '7' },
    ];

    const [aggregated, ...rest] = aggregate(records);

    expect(rest).toEqual([]);
    expect(aggregated!.partitionKey).toBe('first');
    expect(aggregated).not.toHaveProperty('explicitHashKey');
    expect(aggregated!.userRecords).toEqual(records);
    expect(isAggregated(aggregated!.data)).toBe(true);
  });

  it('takes the first user record explicit hash key as the outer one', () => {
    const [aggregated] = aggregate([
      { partitionKey: 'first', data: 'a', explicitHashKey: '99' },
      { partitionKey: 'second', data: 'b' },
    ]);

    expect(aggregated!.explicitHashKey).toBe('99');
  });

  it('sends a lone user record plain, as the KPL does', () => {
    const [single] = aggregate([{ partitionKey: 'k', data: 'hello', explicitHashKey: '5' }]);

    expect(single).toEqual({
      partitionKey: 'k',
      explicitHashKey: '5',
      data: Buffer.from('hello'),
      userRecords: [{ partitionKey: 'k', data: 'hello', explicitHashKey: '5' }],
    });
  });

  it('aggregates a lone user record too with aggregateSingleRecord', () => {
    const [single] = aggregate([{ partitionKey: 'k', data: 'hello' }], {
      aggregateSingleRecord: true,
    });

    expect(isAggregated(single!.data)).toBe(true);
    expect(deaggregateBytes(single!.data, single!)).toMatchObject([
      { partitionKey: 'k', aggregated: true },
    ]);
  });

  it('gives nothing for no records', () => {
    expect(aggregate([])).toEqual([]);
  });

  it('fills each aggregate as far as aggregationMaxBytes allows, counted exactly', () => {
    const records = Array.from({ length: 500 }, (_, i) => small(i));
    const maxBytes = 10_000;

    const aggregated = aggregate(records, { aggregationMaxBytes: maxBytes });

    expect(aggregated.length).toBeGreaterThan(1);
    for (const [i, record] of aggregated.entries()) {
      expect(kinesisBytes(record)).toBeLessThanOrEqual(maxBytes);
      const next = aggregated[i + 1];
      if (next) {
        // The next user record would not have fitted: the aggregate is full, not merely small.
        const withNext = aggregate([...record.userRecords, next.userRecords[0]!], {
          aggregationMaxBytes: 10_485_760,
        });
        expect(kinesisBytes(withNext[0]!)).toBeGreaterThan(maxBytes);
      }
    }
    expect(aggregated.flatMap((record) => record.userRecords)).toEqual(records);
  });

  it('fills 1 MiB aggregates by default', () => {
    const aggregated = aggregate(Array.from({ length: 20_000 }, (_, i) => small(i, 200)));

    expect(
      aggregated.map(kinesisBytes).every((bytes) => bytes <= DEFAULT_MAX_AGGREGATE_BYTES),
    ).toBe(true);
    expect(kinesisBytes(aggregated[0]!)).toBeGreaterThan(DEFAULT_MAX_AGGREGATE_BYTES - 250);
  });

  it('counts partition keys in UTF-8 bytes, not characters', () => {
    const emoji = '🦀'.repeat(60); // 240 bytes, 120 UTF-16 units
    const records = Array.from({ length: 50 }, () => ({ partitionKey: emoji, data: 'x' }));

    for (const record of aggregate(records, { aggregationMaxBytes: 600 })) {
      expect(kinesisBytes(record)).toBeLessThanOrEqual(600);
    }
  });

  it('bounds the user records of each aggregate with aggregationMaxCount', () => {
    const aggregated = aggregate(
      Array.from({ length: 25 }, (_, i) => small(i, 1)),
      { aggregationMaxCount: 10 },
    );

    expect(aggregated.map((record) => record.userRecords.length)).toEqual([10, 10, 5]);
  });

  it('sends plain a record that fits only alone, and aggregates around it', () => {
    const big = { partitionKey: 'big', data: Buffer.alloc(990) };

    const aggregated = aggregate([small(1, 10), big, small(2, 10), small(3, 10)], {
      aggregationMaxBytes: 1000,
    });

    expect(aggregated.map((record) => record.userRecords.length)).toEqual([1, 1, 2]);
    expect(aggregated[1]!.data).toBe(big.data);
  });

  it('never mutates its inputs', () => {
    const records = [small(1), { partitionKey: 'two', data: 'text', explicitHashKey: '1' }];
    const before = structuredClone(records);

    aggregate(records);

    expect(records).toEqual(before);
  });
});

describe('RecordAggregator', () => {
  it('hands back the full aggregate when the next record does not fit, and the rest on flush', () => {
    const aggregator = new RecordAggregator({ aggregationMaxBytes: 300 });
    const finished = [];
    for (let i = 0; i < 10; i++) {
      const full = aggregator.add(small(i, 50));
      if (full) finished.push(full);
    }

    expect(finished.map((record) => record.userRecords.length)).toEqual([4, 4]);
    expect(aggregator.length).toBe(2);
    expect(aggregator.sizeBytes).toBe(
      kinesisBytes({ partitionKey: 'key-8', data: aggregator.flush()!.data }),
    );
    expect(aggregator.length).toBe(0);
    expect(aggregator.sizeBytes).toBe(0);
    expect(aggregator.flush()).toBeUndefined();
  });

  it('reports the size a lone record would be sent at', () => {
    const aggregator = new RecordAggregator();
    aggregator.add({ partitionKey: 'abc', data: '12345' });

    expect(aggregator.sizeBytes).toBe(8);
  });

  it('rejects a record too large to send even alone', () => {
    const aggregator = new RecordAggregator({ aggregationMaxBytes: 100 });

    expect(() => aggregator.add({ partitionKey: 'k', data: Buffer.alloc(100) })).toThrow(
      KplRecordTooLargeError,
    );
    expect(() => aggregator.add({ partitionKey: 'k', data: Buffer.alloc(100) })).toThrow(
      expect.objectContaining({ recordBytes: 101, maxBytes: 100 }),
    );
    expect(aggregator.length).toBe(0);
  });

  it('counts the aggregate framing of a lone record with aggregateSingleRecord', () => {
    const aggregator = new RecordAggregator({
      aggregationMaxBytes: 100,
      aggregateSingleRecord: true,
    });

    expect(() => aggregator.add({ partitionKey: 'k', data: Buffer.alloc(80) })).toThrow(
      KplRecordTooLargeError,
    );
    aggregator.add({ partitionKey: 'k', data: Buffer.alloc(70) });
    expect(kinesisBytes({ partitionKey: 'k', data: aggregator.flush()!.data })).toBeLessThanOrEqual(
      100,
    );
  });

  it.each([
    ['an empty partition key', { partitionKey: '', data: 'x' }],
    ['a partition key of 257 characters', { partitionKey: 'k'.repeat(257), data: 'x' }],
    ['a non-string partition key', { partitionKey: 42, data: 'x' }],
    ['a negative explicit hash key', { partitionKey: 'k', data: 'x', explicitHashKey: '-1' }],
    [
      'an explicit hash key of 2^128',
      { partitionKey: 'k', data: 'x', explicitHashKey: (1n << 128n).toString() },
    ],
    ['a hex explicit hash key', { partitionKey: 'k', data: 'x', explicitHashKey: '0x10' }],
    ['data that is neither bytes nor a string', { partitionKey: 'k', data: 42 }],
  ])('rejects %s with KplInvalidRecordError', (_, record) => {
    expect(() => new RecordAggregator().add(record as unknown as UserRecordInput)).toThrow(
      KplInvalidRecordError,
    );
  });

  it('accepts a partition key of 256 characters and the largest hash key', () => {
    const aggregator = new RecordAggregator();
    aggregator.add({
      partitionKey: 'k'.repeat(256),
      data: 'x',
      explicitHashKey: ((1n << 128n) - 1n).toString(),
    });
    expect(aggregator.length).toBe(1);
  });

  it.each([
    [{ aggregationMaxBytes: 0 }],
    [{ aggregationMaxBytes: 10_485_761 }],
    [{ aggregationMaxBytes: 1.5 }],
    [{ aggregationMaxCount: 0 }],
    [{ aggregationMaxCount: 2.5 }],
  ])('rejects the options %j', (options) => {
    expect(() => new RecordAggregator(options)).toThrow(KplConfigurationError);
  });

  it.each([
    ['maxBytes', 'aggregationMaxBytes'],
    ['maxRecords', 'aggregationMaxCount'],
  ])('refuses %s, the name before the first release, suggesting %s', (old, current) => {
    expect(() => new RecordAggregator({ [old]: 1_000 } as AggregatorOptions)).toThrow(
      expect.objectContaining({ option: old, message: expect.stringContaining(current) }),
    );
  });

  it('accepts aggregationMaxBytes up to the 10 MiB record limit', () => {
    expect(new RecordAggregator({ aggregationMaxBytes: 10_485_760 }).aggregationMaxBytes).toBe(
      10_485_760,
    );
  });

  it('after keys that did not repeat, writes each key afresh, still counted exactly', () => {
    const aggregator = new RecordAggregator();
    for (let i = 0; i < 1024; i++) {
      aggregator.add({ partitionKey: `unique-${i}`, explicitHashKey: String(i), data: 'x' });
    }
    aggregator.flush();
    const repeated = Array.from({ length: 50 }, () => ({
      partitionKey: 'same',
      explicitHashKey: '42',
      data: 'x',
    }));
    for (const record of repeated) aggregator.add(record);
    const sizeBytes = aggregator.sizeBytes;
    const afresh = aggregator.flush()!;

    const looked = aggregate(repeated)[0]!;
    // 49 more entries in each table: 'same' (tag, length, 4 bytes) and '42' (tag, length, 2).
    expect(afresh.data.length - looked.data.length).toBe(49 * (6 + 4));
    expect(kinesisBytes(afresh)).toBe(sizeBytes);
    expect(deaggregateBytes(afresh.data, afresh)).toEqual(deaggregateBytes(looked.data, looked));
  });
});

describe('a user record whose data is itself an aggregate', () => {
  // A forwarder re-publishing raw Kinesis data: its records' data are KPL aggregates.
  const inner = aggregate([
    { partitionKey: 'inner-1', data: 'a' },
    { partitionKey: 'inner-2', data: 'b' },
  ])[0]!.data;

  it('arrives as it was put when it is alone: wrapped in an aggregate of one', () => {
    const [sent] = aggregate([{ partitionKey: 'forwarded', data: inner }]);

    expect(isAggregated(sent!.data)).toBe(true);
    expect(deaggregateBytes(sent!.data, { partitionKey: 'forwarded' })).toEqual([
      { partitionKey: 'forwarded', data: inner, subSequenceNumber: 0, aggregated: true },
    ]);
  });

  it('arrives as it was put beside a neighbour, as before', () => {
    const [sent] = aggregate([
      { partitionKey: 'forwarded', data: inner },
      { partitionKey: 'other', data: 'c' },
    ]);

    expect(deaggregateBytes(sent!.data, { partitionKey: 'forwarded' })[0]!.data).toEqual(inner);
  });

  it('counts the frame of the wrapping against aggregationMaxBytes', () => {
    const tight = new RecordAggregator({ aggregationMaxBytes: inner.length + 'k'.length });

    expect(() => tight.add({ partitionKey: 'k', data: inner })).toThrow(KplRecordTooLargeError);
  });

  it('still sends plain a lone record that merely starts with the magic bytes', () => {
    const lookalike = Buffer.concat([Buffer.from(inner.subarray(0, 4)), Buffer.alloc(40)]);

    expect(aggregate([{ partitionKey: 'k', data: lookalike }])[0]!.data).toBe(lookalike);
  });
});

describe('RecordAggregator options', () => {
  it.each([[{ aggregateSingleRecord: 'yes' }], [{ aggregationMaxCount: Number.NaN }]])(
    'names the option it refuses in %j',
    (options) => {
      expect(() => new RecordAggregator(options as never)).toThrow(
        expect.objectContaining({ option: Object.keys(options)[0] }),
      );
    },
  );
});
