// Where a service-managed stream (recordDistribution AUTO) puts a record: anywhere, whatever its key.
import { randomBytes } from 'node:crypto';

/** A record of a PutRecords or PutRecord request, as its JSON gives it. */
export interface PutEntry {
  Data?: string;
  PartitionKey?: string;
  ExplicitHashKey?: string;
}

/**
 * What kinesalite stores for a record written without a partition key (it needs one): no key a
 * producer sends, since Kinesis keys are text a producer chooses and this one starts with NUL.
 */
export const NO_PARTITION_KEY = '\u0000no partition key';

/** A service-managed stream ignores the keys given: the record lands on any shard. */
export function placedByService(entry: PutEntry): PutEntry {
  return {
    ...entry,
    PartitionKey: entry.PartitionKey ?? NO_PARTITION_KEY,
    ExplicitHashKey: BigInt(`0x${randomBytes(16).toString('hex')}`).toString(),
  };
}
