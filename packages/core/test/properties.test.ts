import {
  aggregate,
  deaggregateBytes,
  deaggregateRecords,
  KplDecodeError,
  MAX_HASH_KEY,
} from '@kpl-lambda/core';
import { kinesisStreamEvent } from '@kpl-lambda/core/testing';
import { frame } from '@kpl-lambda/testing-utils';
import fc from 'fast-check';

const userRecord = fc.record(
  {
    // Up to 128 code points: at most 256 UTF-16 units, as Kinesis allows.
    partitionKey: fc.string({ unit: 'binary', minLength: 1, maxLength: 128 }),
    data: fc.oneof(
      { weight: 5, arbitrary: fc.uint8Array({ maxLength: 300 }) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 0, maxLength: 0 }) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 500, maxLength: 900 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
    ),
    explicitHashKey: fc.bigInt(0n, MAX_HASH_KEY).map(String),
  },
  { requiredKeys: ['partitionKey', 'data'] },
);

/** Each Kinesis record within `maxBytes`, as Kinesis counts it: data plus partition key. */
const expectEachWithin = (
  aggregated: Array<{ partitionKey: string; data: Uint8Array }>,
  maxBytes: number,
) => {
  for (const record of aggregated) {
    expect(record.data.length + Buffer.byteLength(record.partitionKey)).toBeLessThanOrEqual(
      maxBytes,
    );
  }
};

const asBytes = (data: Uint8Array | string) =>
  typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);

describe('aggregation properties', () => {
  it('aggregate then deaggregate gives back the inputs, every output within maxBytes', () => {
    fc.assert(
      fc.property(
        fc.array(userRecord, { maxLength: 60 }),
        // The smallest limit that still fits any single generated record.
        fc.integer({ min: 1_500, max: 1_048_576 }),
        (records, maxBytes) => {
          const aggregated = aggregate(records, { aggregationMaxBytes: maxBytes });

          expectEachWithin(aggregated, maxBytes);
          const decoded = aggregated.flatMap((record) => deaggregateBytes(record.data, record));
          expect(
            decoded.map(({ partitionKey, explicitHashKey, data }) => ({
              partitionKey,
              explicitHashKey,
              data: Buffer.from(data),
            })),
          ).toEqual(
            records.map(({ partitionKey, explicitHashKey, data }) => ({
              partitionKey,
              explicitHashKey,
              data: asBytes(data),
            })),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips thousands of keys that stop and start repeating, every output within maxBytes', () => {
    // Runs of unique keys and of keys from a pool, long enough that the key tables stop and
    // start looking keys up (see KeyTable).
    const run = fc.record({
      length: fc.integer({ min: 1, max: 3_000 }),
      pool: fc.option(fc.integer({ min: 1, max: 2_000 }), { nil: undefined }),
      explicitHashKeys: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(run, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 4_000, max: 60_000 }),
        (runs, maxBytes) => {
          let n = 0;
          const records = runs.flatMap(({ length, pool, explicitHashKeys }) =>
            Array.from({ length }, () => {
              const key = pool === undefined ? `unique-${n}` : `pool-${n % pool}`;
              n++;
              return explicitHashKeys
                ? { partitionKey: key, explicitHashKey: String(n % 7 === 0 ? n : 7), data: 'x' }
                : { partitionKey: key, data: 'x' };
            }),
          );
          const aggregated = aggregate(records, { aggregationMaxBytes: maxBytes });

          expectEachWithin(aggregated, maxBytes);
          const decoded = aggregated.flatMap((record) => deaggregateBytes(record.data, record));
          expect(
            decoded.map(({ partitionKey, explicitHashKey }) => [partitionKey, explicitHashKey]),
          ).toEqual(
            records.map(({ partitionKey, explicitHashKey }) => [partitionKey, explicitHashKey]),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('round-trips through a Lambda event, sub-sequence numbers counting within each aggregate', () => {
    fc.assert(
      fc.property(fc.array(userRecord, { minLength: 1, maxLength: 40 }), (records) => {
        const aggregated = aggregate(records, {
          aggregationMaxBytes: 4_000,
          aggregateSingleRecord: true,
        });
        const event = kinesisStreamEvent(aggregated);

        const decoded = deaggregateRecords(event.Records);

        expect(decoded.map((record) => Buffer.from(record.kinesis.data, 'base64'))).toEqual(
          records.map((record) => asBytes(record.data)),
        );
        const expectedSubSequenceNumbers = aggregated.flatMap((record) =>
          record.userRecords.map((_, i) => i),
        );
        expect(decoded.map((record) => record.kinesis.subSequenceNumber)).toEqual(
          expectedSubSequenceNumbers,
        );
      }),
      { numRuns: 100 },
    );
  });
});

/** Bytes a stream can hold: random, random behind a valid frame, or a valid aggregate mutated. */
const hostileBytes = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((body) => frame(body)),
  fc
    .tuple(
      fc.array(userRecord, { minLength: 2, maxLength: 5 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 4,
      }),
    )
    .map(([records, mutations]) => {
      const [aggregated] = aggregate(records, {
        aggregationMaxCount: 5,
        aggregationMaxBytes: 10_485_760,
      });
      // Mutate the body, then frame it anew, so the digest matches and the decoder must cope.
      const body = Buffer.from(aggregated!.data.subarray(4, aggregated!.data.length - 16));
      for (const [position, value] of mutations) body[position % body.length] = value;
      return frame(body);
    }),
  fc.tuple(fc.array(userRecord, { minLength: 2, maxLength: 5 }), fc.nat()).map(([records, cut]) => {
    const [aggregated] = aggregate(records, {
      aggregationMaxCount: 5,
      aggregationMaxBytes: 10_485_760,
    });
    const body = aggregated!.data.subarray(4, aggregated!.data.length - 16);
    return frame(body.subarray(0, cut % body.length));
  }),
);

describe('deaggregation of hostile bytes', () => {
  it('never throws in passthrough mode and never loses the input record', () => {
    fc.assert(
      fc.property(hostileBytes, (bytes) => {
        const userRecords = deaggregateBytes(bytes, { partitionKey: 'outer' });

        expect(userRecords.length).toBeGreaterThan(0);
        if (!userRecords[0]!.aggregated) {
          expect(userRecords).toHaveLength(1);
          expect(Buffer.from(userRecords[0]!.data)).toEqual(Buffer.from(bytes));
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('throws nothing but KplDecodeError in throw mode', () => {
    fc.assert(
      fc.property(hostileBytes, (bytes) => {
        try {
          deaggregateBytes(bytes, { partitionKey: 'outer' }, { onCorrupt: 'throw' });
        } catch (error) {
          expect(error).toBeInstanceOf(KplDecodeError);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps every parent of a Lambda batch', () => {
    fc.assert(
      fc.property(fc.array(hostileBytes, { maxLength: 10 }), (datas) => {
        const event = kinesisStreamEvent(datas.map((data) => ({ data, partitionKey: 'p' })));

        const parents = new Set(
          deaggregateRecords(event.Records).map((record) => record.kinesis.sequenceNumber),
        );

        expect(parents).toEqual(
          new Set(event.Records.map((record) => record.kinesis.sequenceNumber)),
        );
      }),
      { numRuns: 300 },
    );
  });
});
