// The Lambda event both Powertools benchmarks process: small JSON orders in aggregates of 1,000.
import { aggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';

/** A Kinesis event of `userRecords` orders (a multiple of 1,000), in aggregates of 1,000. */
export const orderEventOf = (userRecords) =>
  kinesisStreamEvent(
    Array.from({ length: userRecords / 1_000 }, (_, p) =>
      aggregatedRecord(
        Array.from({ length: 1_000 }, (_, i) => ({
          partitionKey: `customer-${i % 100}`,
          data: JSON.stringify({ orderId: `o-${p}-${i}`, quantity: i }),
        })),
      ),
    ),
  );
