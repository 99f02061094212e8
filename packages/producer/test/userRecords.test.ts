import { aggregate } from '@kpl-lambda/core';
import fc from 'fast-check';
import { aggregatedKinesisRecord, plainKinesisRecord } from '../src/aggregation/kinesisRecords.js';
import { type ClosedAggregate, OpenAggregates } from '../src/aggregation/OpenAggregates.js';
import { PartitionKeys } from '../src/routing/PartitionKeys.js';
import type { QueuedKinesisRecord } from '../src/sending/KinesisRecordQueues.js';
import type { ProducerRecord } from '../src/types.js';
import {
  type BufferedUserRecord,
  blankUserRecord,
  heldBytesOfEach,
  toBufferedUserRecord,
  userRecordsReadBack,
} from '../src/userRecords.js';

const options = { partitionKeyFrom: undefined, maxRecordBytes: 1_048_576 };
const aggregateMaxBytes = 1_500;

/** Data a forwarder might re-publish: the bytes of a KPL aggregate, which go alone, wrapped. */
const aggregateBytes = aggregate(
  [
    { partitionKey: 'inner', data: 'a' },
    { partitionKey: 'inner', data: 'b' },
  ],
  { aggregationMaxBytes: 1_000 },
)[0]!.data;

const producerRecord: fc.Arbitrary<ProducerRecord> = fc.record(
  {
    partitionKey: fc.constantFrom('a', 'b', 'é', 'k'.repeat(256)),
    data: fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.record({ id: fc.integer(), note: fc.string() }),
      fc.uint8Array({ maxLength: 2_000 }),
      fc.constant(aggregateBytes),
    ),
    explicitHashKey: fc.constantFrom('0', '42', '340282366920938463463374607431768211455'),
  },
  { requiredKeys: ['partitionKey', 'data'] },
);

/** What a user record is, as it will be aggregated again: all but when it was put. */
const asPut = ({ putAt: _, ...userRecord }: BufferedUserRecord) => ({
  ...userRecord,
  data: Buffer.from(userRecord.data),
  alone: Buffer.from(userRecord.alone),
});

describe('userRecordsReadBack', () => {
  it('gives back every user record of an unsent Kinesis record as it was put, with its source and bytes', () => {
    fc.assert(
      fc.property(fc.array(producerRecord, { minLength: 1, maxLength: 30 }), (records) => {
        const partitionKeys = new PartitionKeys();
        const aggregates = new OpenAggregates({
          aggregationMaxBytes: aggregateMaxBytes,
          aggregationMaxCount: 1_000,
          idleBytes: 0,
        });
        const put: BufferedUserRecord[] = [];
        const queued: QueuedKinesisRecord[] = [];
        const enqueue = (closed: ClosedAggregate | undefined) => {
          if (closed !== undefined) queued.push(aggregatedKinesisRecord(closed, undefined));
        };
        // Measured into one object, as the producer does: nothing may keep it.
        const putting = blankUserRecord();
        records.forEach((record, sequence) => {
          const userRecord = toBufferedUserRecord(
            record,
            sequence,
            1_000 + sequence,
            options,
            partitionKeys,
            putting,
          );
          put.push({ ...userRecord });
          const group = userRecord.explicitHashKey ?? userRecord.partitionKey!;
          if (userRecord.bytes > aggregateMaxBytes) {
            enqueue(aggregates.close(group));
            queued.push(plainKinesisRecord(userRecord, group, undefined, userRecord.putAt));
          } else {
            enqueue(aggregates.add(group, undefined, userRecord));
          }
        });
        aggregates.closeOpenedBy(Number.POSITIVE_INFINITY).forEach(enqueue);

        const readBack = queued.flatMap((kinesisRecord) => {
          const userRecords = userRecordsReadBack(kinesisRecord, options, partitionKeys);
          // They count as put when their Kinesis record's first user record was: never later.
          for (const { putAt } of userRecords) expect(putAt).toBe(kinesisRecord.firstPutAt);
          // Given up, each is held for what it was held for at put, and all for their tally.
          const bytesOfEach = heldBytesOfEach(kinesisRecord, options);
          expect(bytesOfEach).toEqual(userRecords.map(({ bytes }) => bytes));
          expect(bytesOfEach.reduce((sum, bytes) => sum + bytes, 0)).toBe(kinesisRecord.heldBytes);
          return userRecords;
        });
        readBack.sort((a, b) => a.sequence - b.sequence);
        expect(readBack.map(asPut)).toEqual(put.map(asPut));
        readBack.forEach(({ source, putAt }, i) => {
          expect(source).toBe(records[i]);
          expect(putAt).toBeLessThanOrEqual(put[i]!.putAt);
        });
      }),
    );
  });
});
