import { type AggregatedRecord, RecordAggregator, type UserRecordInput } from '@kpl-lambda/core';
import fc from 'fast-check';

/** What a caller of its own might keep of each record: here, an order with its position. */
interface Order {
  orderId: string;
  position: number;
}

const userRecordInput = fc.record(
  {
    partitionKey: fc.constantFrom('a', 'b', 'é', 'k'.repeat(256)),
    data: fc.uint8Array({ maxLength: 300 }),
    explicitHashKey: fc.constantFrom('0', '42', '340282366920938463463374607431768211455'),
  },
  { requiredKeys: ['partitionKey', 'data'] },
);

function aggregateAll<T>(
  aggregator: RecordAggregator<T>,
  count: number,
  add: (index: number) => AggregatedRecord<T> | undefined,
): AggregatedRecord<T>[] {
  const finished: AggregatedRecord<T>[] = [];
  for (let index = 0; index < count; index++) {
    const full = add(index);
    if (full !== undefined) finished.push(full);
  }
  const last = aggregator.flush();
  if (last !== undefined) finished.push(last);
  return finished;
}

describe('RecordAggregator with sources', () => {
  it('makes the aggregates the records themselves make, from one input object filled for each', () => {
    fc.assert(
      fc.property(
        fc.array(userRecordInput, { maxLength: 40 }),
        fc.integer({ min: 600, max: 3_000 }),
        fc.boolean(),
        (records, maxBytes, aggregateSingleRecord) => {
          const options = { aggregationMaxBytes: maxBytes, aggregateSingleRecord };
          const plain = new RecordAggregator(options);
          const expected = aggregateAll(plain, records.length, (i) => plain.add(records[i]!));

          const withSources = new RecordAggregator<Order>(options);
          // Every field is written at each add: what the last record left must not leak.
          const input: UserRecordInput = { partitionKey: '', data: new Uint8Array() };
          const orders = records.map((_, position) => ({ orderId: `o-${position}`, position }));
          const actual = aggregateAll(withSources, records.length, (i) => {
            const { partitionKey, data, explicitHashKey } = records[i]!;
            input.partitionKey = partitionKey;
            input.data = data;
            input.explicitHashKey = explicitHashKey;
            return withSources.add(input, orders[i]!);
          });

          const keysAndBytes = ({
            partitionKey,
            explicitHashKey,
            data,
          }: AggregatedRecord<unknown>) => ({
            partitionKey,
            explicitHashKey,
            data: Buffer.from(data).toString('hex'),
          });
          expect(actual.map(keysAndBytes)).toEqual(expected.map(keysAndBytes));
          // Each aggregate holds the sources of its records, in order: the same split as the records.
          const positionOf = new Map<UserRecordInput, number>(records.map((r, i) => [r, i]));
          expect(
            actual.map(({ userRecords }) => userRecords.map(({ position }) => position)),
          ).toEqual(
            expected.map(({ userRecords }) => userRecords.map((record) => positionOf.get(record))),
          );
        },
      ),
    );
  });

  it('keeps the record itself when no source is given', () => {
    const aggregator = new RecordAggregator();
    const record = { partitionKey: 'a', data: 'one' };
    aggregator.add(record);
    expect(aggregator.flush()?.userRecords[0]).toBe(record);
  });

  it('asks for a source when what it keeps is not an input record', () => {
    const aggregator = new RecordAggregator<Order>();
    // @ts-expect-error An Order is not a record to aggregate: the source must be given.
    expect(() => aggregator.add({ orderId: 'o-1', position: 0 })).toThrow();
    aggregator.add({ partitionKey: 'a', data: 'one' }, { orderId: 'o-1', position: 0 });
    expect(aggregator.flush()?.userRecords).toEqual([{ orderId: 'o-1', position: 0 }]);
  });
});
