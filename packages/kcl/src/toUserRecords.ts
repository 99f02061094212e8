import { Buffer } from 'node:buffer';
import { KplKclProtocolError } from './errors.js';
import type { KclUserRecord } from './types.js';

/** A Kinesis sequence number: decimal digits, nothing else. */
const SEQUENCE_NUMBER = /^[0-9]+$/;

/**
 * The user records of a `processRecords` message. A record is refused unless each field is what
 * the daemon sends: never handed on as an empty record or with other bytes than were sent, nor
 * checkpointed at "undefined". A record written without a partition key to a service-managed
 * stream has none: the daemon sends `null`.
 */
export function toUserRecords(records: unknown): KclUserRecord[] {
  if (!Array.isArray(records)) {
    throw new KplKclProtocolError('A processRecords message without its records');
  }
  return records.map(toUserRecord);
}

function toUserRecord(record: Record<string, unknown> | null): KclUserRecord {
  const { data, partitionKey, sequenceNumber, subSequenceNumber, approximateArrivalTimestamp } =
    record ?? {};
  const bytes = typeof data === 'string' ? base64Bytes(data) : undefined;
  const arrival = arrivalOf(approximateArrivalTimestamp);
  if (
    bytes === undefined ||
    !(typeof partitionKey === 'string' || partitionKey == null) ||
    typeof sequenceNumber !== 'string' ||
    !SEQUENCE_NUMBER.test(sequenceNumber) ||
    !isSubSequenceNumber(subSequenceNumber) ||
    arrival === undefined
  ) {
    throw new KplKclProtocolError(
      `A malformed record from the daemon (data is base64, sequenceNumber decimal digits, partitionKey a string or null, subSequenceNumber a whole number from 0 or null, approximateArrivalTimestamp milliseconds or null): ${JSON.stringify(record)?.slice(0, 200)}`,
    );
  }
  return {
    data: bytes,
    partitionKey: partitionKey ?? null,
    sequenceNumber,
    // KCL 1.x sends null for a plain record, 2.x sends 0.
    subSequenceNumber: subSequenceNumber ?? 0,
    approximateArrivalTimestamp: arrival,
  };
}

/**
 * The bytes of base64 as the daemon writes it, or undefined: Node's decoder skips what is not
 * base64, and would hand on other bytes than were sent.
 */
function base64Bytes(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** The arrival time, or undefined when it is none; the epoch stands for one the daemon has not. */
function arrivalOf(milliseconds: unknown): Date | undefined {
  if (milliseconds == null) return new Date(0);
  const date = new Date(typeof milliseconds === 'number' ? milliseconds : Number.NaN);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A sub-sequence number as the daemon sends it: a whole number from 0, or null (KCL 1.x). */
export function isSubSequenceNumber(value: unknown): value is number | null | undefined {
  return value == null || (Number.isSafeInteger(value) && (value as number) >= 0);
}
