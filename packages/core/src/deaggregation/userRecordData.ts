import { Buffer } from 'node:buffer';
import { LambdaUserRecordPayload } from './LambdaUserRecordPayload.js';

/** What the helpers read: a Lambda Kinesis record, or a user record made of one. */
export interface RecordWithBase64Data {
  kinesis: { data: string };
}

/**
 * A record's data as bytes. For a user record that {@link deaggregateRecords} unpacked, a
 * zero-copy view into its aggregate (no base64 round trip); for any other record, or one whose
 * `data` was replaced, `data` decoded from base64. The view shares memory with the other user
 * records of its aggregate: read it, do not write to it.
 *
 * @example
 * ```ts
 * import { deaggregateRecords, userRecordData } from '@kpl-lambda/core';
 * for (const record of deaggregateRecords(event.Records)) {
 *   const bytes: Uint8Array = userRecordData(record);
 *   console.log(record.kinesis.subSequenceNumber, bytes.length);
 * }
 * ```
 */
export function userRecordData(record: RecordWithBase64Data): Uint8Array {
  return dataOf(record);
}

/** Both ways give a `Buffer`: the text helpers decode it without making another view. */
function dataOf(record: RecordWithBase64Data): Buffer {
  return (
    LambdaUserRecordPayload.bytesOf(record.kinesis) ?? Buffer.from(record.kinesis.data, 'base64')
  );
}

/**
 * A record's data as UTF-8 text (see {@link userRecordData}).
 *
 * @example
 * ```ts
 * import { deaggregateRecords, userRecordText } from '@kpl-lambda/core';
 * for (const record of deaggregateRecords(event.Records)) console.log(userRecordText(record));
 * ```
 */
export function userRecordText(record: RecordWithBase64Data): string {
  return dataOf(record).toString('utf8');
}

/**
 * A record's data parsed as JSON (see {@link userRecordData}); `T` is what the caller expects,
 * not checked: validate untrusted input with a schema.
 *
 * @example
 * ```ts
 * import { deaggregateRecords, userRecordJson } from '@kpl-lambda/core';
 * interface Order { orderId: string; amount: number }
 * for (const record of deaggregateRecords(event.Records)) {
 *   const order = userRecordJson<Order>(record);
 *   console.log(order.orderId, order.amount);
 * }
 * ```
 */
export function userRecordJson<T = unknown>(record: RecordWithBase64Data): T {
  return JSON.parse(userRecordText(record)) as T;
}
