import type { KinesisStreamRecordPayload } from 'aws-lambda';
import type { AggregateColumns } from '../format/decoder.js';
import type { KinesisStreamUserRecordPayload } from '../types.js';

/**
 * The `kinesis` payload of a user record that `deaggregateRecords` unpacked from a Lambda record
 * with exactly Lambda's fields: those fields, in Lambda's order, and privately where its bytes
 * are in the aggregate, for {@link userRecordData} to hand them over without a base64 round trip.
 * Private fields are not properties: a spread, `JSON.stringify`, `structuredClone` or a schema
 * sees exactly Lambda's payload, and a copy falls back to decoding `data`.
 */
export class LambdaUserRecordPayload implements KinesisStreamUserRecordPayload {
  declare kinesisSchemaVersion: string;
  declare partitionKey: string;
  declare sequenceNumber: string;
  declare data: string;
  declare approximateArrivalTimestamp: number;
  declare subSequenceNumber: number;
  declare aggregated: boolean;
  declare explicitHashKey?: string;
  readonly #columns: AggregateColumns;
  /** The base64 `data` was given, to tell whether it was replaced since. */
  readonly #encoded: string;

  constructor(parent: KinesisStreamRecordPayload, columns: AggregateColumns, index: number) {
    const encoded = columns.base64Of(index);
    this.kinesisSchemaVersion = parent.kinesisSchemaVersion;
    this.partitionKey = columns.partitionKeys[index]!;
    this.sequenceNumber = parent.sequenceNumber;
    this.data = encoded;
    this.approximateArrivalTimestamp = parent.approximateArrivalTimestamp;
    this.subSequenceNumber = index;
    this.aggregated = true;
    const explicitHashKey = columns.explicitHashKeys[index];
    if (explicitHashKey !== undefined) this.explicitHashKey = explicitHashKey;
    this.#columns = columns;
    this.#encoded = encoded;
  }

  /**
   * The bytes `payload.data` was encoded from, if `payload` is one of ours and its `data` was
   * not replaced since (a middleware may rewrite it in place).
   */
  static bytesOf(payload: object): Buffer | undefined {
    if (!(#columns in payload)) return undefined;
    // The same string as given compares as one pointer.
    if (payload.data !== payload.#encoded) return undefined;
    return payload.#columns.dataOf(payload.subSequenceNumber);
  }
}
