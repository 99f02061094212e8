import { aggregate, deaggregateRecords, type UserRecordInput } from '@kpl-lambda/core';
import { kinesisStreamEvent } from '@kpl-lambda/core/testing';
import { referenceAggregate } from '@kpl-lambda/testing-utils';
import * as awsKinesisAgg from 'aws-kinesis-agg';

interface ReferenceUserRecord {
  partitionKey: string;
  explicitPartitionKey?: string;
  data: string;
}

/** aws-kinesis-agg's synchronous deaggregator, MD5 check on. */
function referenceDeaggregate(data: Uint8Array, partitionKey: string): ReferenceUserRecord[] {
  let result: ReferenceUserRecord[] = [];
  awsKinesisAgg.deaggregateSync(
    {
      data: Buffer.from(data).toString('base64'),
      partitionKey,
      sequenceNumber: '1',
      kinesisSchemaVersion: '1.0',
      approximateArrivalTimestamp: 0,
    },
    true,
    (error: Error | null, userRecords?: ReferenceUserRecord[]) => {
      if (error) throw error;
      result = userRecords ?? [];
    },
  );
  return result;
}

const userRecords: UserRecordInput[] = Array.from({ length: 300 }, (_, i) => ({
  partitionKey: `key-${i % 17}-ü`,
  data: `payload ${i} ${'x'.repeat(i % 50)}`,
  ...(i % 5 === 0 ? { explicitHashKey: `${i + 1}000000000000` } : {}),
}));

describe('interoperability with aws-kinesis-agg', () => {
  it('decodes aggregates made by aws-kinesis-agg', async () => {
    const encoded = await referenceAggregate(userRecords);
    const event = kinesisStreamEvent(
      encoded.map((record) => ({ data: record.data, partitionKey: record.partitionKey })),
    );

    const decoded = deaggregateRecords(event.Records);

    expect(encoded.length).toBeGreaterThan(0);
    expect(
      decoded.map(({ kinesis }) => ({
        partitionKey: kinesis.partitionKey,
        data: Buffer.from(kinesis.data, 'base64').toString(),
        ...(kinesis.explicitHashKey === undefined
          ? {}
          : { explicitHashKey: kinesis.explicitHashKey }),
      })),
    ).toEqual(userRecords);
  });

  it('makes aggregates that aws-kinesis-agg decodes', () => {
    const aggregated = aggregate(userRecords, { aggregationMaxBytes: 4096 });

    const decoded = aggregated.flatMap((record) =>
      referenceDeaggregate(record.data, record.partitionKey),
    );

    expect(aggregated.length).toBeGreaterThan(1);
    expect(
      decoded.map((record) => ({
        partitionKey: record.partitionKey,
        data: Buffer.from(record.data, 'base64').toString(),
      })),
    ).toEqual(userRecords.map(({ partitionKey, data }) => ({ partitionKey, data })));
  });

  it('differs where aws-kinesis-agg is wrong: it reports a hash key for records without one', () => {
    const [aggregated] = aggregate([
      { partitionKey: 'with', data: '1', explicitHashKey: '5' },
      { partitionKey: 'without', data: '2' },
    ]);
    const event = kinesisStreamEvent([{ data: aggregated!.data, partitionKey: 'with' }]);

    expect(referenceDeaggregate(aggregated!.data, 'with')[1]!.explicitPartitionKey).toBe('5');
    expect(deaggregateRecords(event.Records)[1]!.kinesis).not.toHaveProperty('explicitHashKey');
  });
});
