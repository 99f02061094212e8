import { Buffer } from 'node:buffer';
import { KplKclProtocolError } from './errors.js';
import type { KclUserRecord } from './types.js';

/**
 * The user records of a `processRecords` message. A record without its data or sequence number,
 * or with a partition key that is no string, is refused, never handed on as an empty record or
 * checkpointed at "undefined": the daemon always sends them. A record written without a partition
 * key to a service-managed stream has none: the daemon sends `null`.
 */
export function toUserRecords(records: unknown): KclUserRecord[] {
  if (!Array.isArray(records)) {
    throw new KplKclProtocolError('A processRecords message without its records');
  }
  return records.map(toUserRecord);
}

function toUserRecord(record: Record<string, unknown> | null): KclUserRecord {
  const { data, partitionKey, sequenceNumber, subSequenceNumber } = record ?? {};
  if (
    typeof data !== 'string' ||
    !(typeof partitionKey === 'string' || partitionKey == null) ||
    typeof sequenceNumber !== 'string' ||
    !(typeof subSequenceNumber === 'number' || subSequenceNumber == null)
  ) {
    throw new KplKclProtocolError(
      `A malformed record from the daemon (data and sequenceNumber are strings, partitionKey a string or null, subSequenceNumber a number or null): ${JSON.stringify(record)?.slice(0, 200)}`,
    );
  }
  return {
    data: Buffer.from(data, 'base64'),
    partitionKey: partitionKey ?? null,
    sequenceNumber,
    // KCL 1.x sends null for a plain record, 2.x sends 0.
    subSequenceNumber: subSequenceNumber ?? 0,
    approximateArrivalTimestamp: new Date(Number(record?.approximateArrivalTimestamp ?? 0)),
  };
}

/** A sub-sequence number as the daemon sends it: a whole number from 0, or null (KCL 1.x). */
export function isSubSequenceNumber(value: unknown): value is number | null | undefined {
  return value == null || (Number.isSafeInteger(value) && (value as number) >= 0);
}
