import {
  aggregate,
  CheckedPartitionKey,
  deaggregateBytes,
  KplInvalidRecordError,
  RecordAggregator,
  type UserRecordInput,
} from '@kpl-lambda/core';
import fc from 'fast-check';

/** The same records, each carrying the one checked key of its partition key. */
function withCheckedKeys(records: UserRecordInput[]): UserRecordInput[] {
  const checked = new Map<string, CheckedPartitionKey>();
  return records.map((record) => {
    let key = checked.get(record.partitionKey);
    if (key === undefined) {
      key = new CheckedPartitionKey(record.partitionKey);
      checked.set(record.partitionKey, key);
    }
    return { ...record, checkedPartitionKey: key };
  });
}

const readBack = (aggregated: Array<{ partitionKey: string; data: Uint8Array }>) =>
  aggregated.flatMap((record) =>
    deaggregateBytes(record.data, record).map(({ partitionKey, data }) => ({
      partitionKey,
      data: Buffer.from(data).toString(),
    })),
  );

describe('CheckedPartitionKey', () => {
  it('checks a partition key once, as Kinesis would, and measures it in UTF-8', () => {
    expect(new CheckedPartitionKey('é-1').bytes).toBe(4);
    for (const refused of ['', 'k'.repeat(257), 'lone \ud800']) {
      expect(() => new CheckedPartitionKey(refused)).toThrow(KplInvalidRecordError);
    }
  });

  it('aggregates into the very bytes the keys alone give, over aggregates and key tables', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record(
            {
              partitionKey: fc.constantFrom('a', 'b', 'é', 'key-with-more-characters'),
              data: fc.string({ maxLength: 40 }),
              explicitHashKey: fc.constantFrom('0', '42'),
            },
            { requiredKeys: ['partitionKey', 'data'] },
          ),
          { maxLength: 80 },
        ),
        // Small aggregates: the keys enter many tables, one after the other.
        fc.integer({ min: 100, max: 2_000 }),
        (records, maxBytes) => {
          const plain = aggregate(records, { aggregationMaxBytes: maxBytes });
          const checked = aggregate(withCheckedKeys(records), { aggregationMaxBytes: maxBytes });

          expect(checked.map(({ data }) => Buffer.from(data))).toEqual(
            plain.map(({ data }) => Buffer.from(data)),
          );
        },
      ),
    );
  });

  it('is found in each of two aggregators that take it in turn, at its own index in each', () => {
    const tenant = new CheckedPartitionKey('tenant');
    const [left, right] = [new RecordAggregator(), new RecordAggregator()];
    left.add({ partitionKey: 'first-left', data: 'l0' });
    for (let i = 1; i <= 3; i++) {
      left.add({ partitionKey: 'tenant', checkedPartitionKey: tenant, data: `l${i}` });
      right.add({ partitionKey: 'tenant', checkedPartitionKey: tenant, data: `r${i}` });
    }
    const aggregates = [left.flush()!, right.flush()!];

    expect(readBack(aggregates)).toEqual([
      { partitionKey: 'first-left', data: 'l0' },
      ...[1, 2, 3].map((i) => ({ partitionKey: 'tenant', data: `l${i}` })),
      ...[1, 2, 3].map((i) => ({ partitionKey: 'tenant', data: `r${i}` })),
    ]);
    // Each aggregate writes the key once: as many bytes as without the checked key.
    const plain = [
      aggregate([
        { partitionKey: 'first-left', data: 'l0' },
        ...['l1', 'l2', 'l3'].map(tenantData),
      ]),
      aggregate(['r1', 'r2', 'r3'].map(tenantData)),
    ].flat();
    expect(aggregates.map(({ data }) => data.length)).toEqual(plain.map(({ data }) => data.length));
  });

  it('is written once while the aggregator does not look keys up, where its text alone is not', () => {
    const aggregator = new RecordAggregator({ aggregationMaxCount: 1_024 });
    // An aggregate of 1,024 keys that never repeat: the next ones enter keys without a lookup.
    for (let i = 0; i <= 1_024; i++) aggregator.add({ partitionKey: `unique-${i}`, data: 'u' });
    aggregator.flush();
    const tenant = new CheckedPartitionKey('tenant');
    for (const data of ['a', 'b']) {
      aggregator.add({ partitionKey: 'tenant', checkedPartitionKey: tenant, data });
      aggregator.add({ partitionKey: 'plain', data });
    }
    const { data } = aggregator.flush()!;

    const timesWritten = (key: string) =>
      Buffer.from(data).toString('latin1').split(key).length - 1;
    expect([timesWritten('tenant'), timesWritten('plain')]).toEqual([1, 2]);
    expect(
      readBack([{ partitionKey: 'tenant', data }]).map((record) => record.partitionKey),
    ).toEqual(['tenant', 'plain', 'tenant', 'plain']);
  });

  it('refuses a checked key that is not the record’s own, or not a CheckedPartitionKey', () => {
    const aggregator = new RecordAggregator();
    const other = {
      partitionKey: 'a',
      checkedPartitionKey: new CheckedPartitionKey('b'),
      data: '',
    };
    const forged = {
      partitionKey: 'a',
      checkedPartitionKey: { partitionKey: 'a', bytes: 1 } as unknown as CheckedPartitionKey,
      data: '',
    };

    for (const record of [other, forged]) {
      expect(() => aggregator.add(record)).toThrow(KplInvalidRecordError);
    }
    expect(aggregator.length).toBe(0);
  });
});

function tenantData(data: string): UserRecordInput {
  return { partitionKey: 'tenant', data };
}
