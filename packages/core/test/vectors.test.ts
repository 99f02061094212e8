import { deaggregateBytes, deaggregateRecords, isAggregated, KPL_MAGIC } from '@kpl-lambda/core';
import { kinesisStreamEvent } from '@kpl-lambda/core/testing';
import { loadKplVectors } from '@kpl-lambda/testing-utils';

describe('real KPL output (testing-utils/fixtures/kpl-real.json)', () => {
  const vectors = loadKplVectors();

  it('has the cases it is meant to have', () => {
    expect(vectors.map((vector) => vector.name)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5']);
  });

  it.each(vectors.map((vector) => [vector.description, vector] as const))(
    '%s decodes exactly as listed',
    (_, vector) => {
      const event = kinesisStreamEvent([
        {
          data: Buffer.from(vector.data, 'base64'),
          partitionKey: vector.parent.partitionKey,
          sequenceNumber: vector.parent.sequenceNumber,
        },
      ]);

      const userRecords = deaggregateRecords(event.Records);

      expect(isAggregated(Buffer.from(vector.data, 'base64'))).toBe(vector.aggregated);
      expect(userRecords.map((record) => record.kinesis)).toEqual(
        vector.userRecords.map((expected) => ({
          kinesisSchemaVersion: '1.0',
          approximateArrivalTimestamp: expect.any(Number),
          sequenceNumber: vector.parent.sequenceNumber,
          subSequenceNumber: expected.subSequenceNumber,
          partitionKey: expected.partitionKey,
          ...(expected.explicitHashKey === null
            ? {}
            : { explicitHashKey: expected.explicitHashKey }),
          data: expected.data,
          aggregated: vector.aggregated,
        })),
      );
    },
  );

  it('decodes the same at the bytes level, with views into the parent bytes', () => {
    const vector = vectors.find((candidate) => candidate.name === 'A5')!;
    const bytes = Buffer.from(vector.data, 'base64');

    const userRecords = deaggregateBytes(bytes, vector.parent);

    expect(userRecords).toHaveLength(100);
    expect(userRecords.every((record) => record.data.buffer === bytes.buffer)).toBe(true);
    expect(Buffer.from(userRecords[99]!.data).toString('base64')).toBe(
      vector.userRecords[99]!.data,
    );
  });
});

describe('KPL_MAGIC', () => {
  it('is a copy: a careless write to it breaks no detection', () => {
    const [aggregate] = loadKplVectors().filter((vector) => vector.aggregated);
    const bytes = Buffer.from(aggregate!.data, 'base64');
    const saved = Uint8Array.from(KPL_MAGIC);
    KPL_MAGIC.fill(0);
    try {
      expect(isAggregated(bytes)).toBe(true);
    } finally {
      KPL_MAGIC.set(saved);
    }
  });
});
