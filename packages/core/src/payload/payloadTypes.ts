// The types of payload decoding: what a user record's data may be wrapped in, and what comes out.

/**
 * How a user record's data is compressed:
 * - `'gzip'`: RFC 1952, as CloudWatch Logs subscriptions and `gzip` write it;
 * - `'zlib'`: RFC 1950, deflate with a zlib header and checksum, as Node.js's `deflate()`, Go's
 *   `compress/zlib` (Fluent Bit's Kinesis Go plugin) and HTTP's `Content-Encoding: deflate` write it;
 * - `'deflate-raw'`: RFC 1951, deflate without a header (`deflateRaw()`);
 * - `'zstd'`: Zstandard, where `node:zlib` has it (Node.js 22.15 and later);
 * - `'none'`: not compressed (for an envelope alone).
 *
 * @example
 * ```ts
 * import type { PayloadCompression } from '@kpl-lambda/core';
 * const fluentBit: PayloadCompression = 'zlib';
 * ```
 */
export type PayloadCompression = 'none' | 'gzip' | 'zlib' | 'deflate-raw' | 'zstd';

/**
 * What a user record's (decompressed) data holds:
 * - `'cloudwatch-logs'`: a CloudWatch Logs subscription envelope (JSON with `messageType` and
 *   `logEvents`): each log event is a record, its `message` the data; `CONTROL_MESSAGE`
 *   envelopes hold none;
 * - `'lines'`: newline-delimited records (Fluent Bit's `simple_aggregation`): each non-empty line
 *   is a record, without its line break;
 * - `'none'`: one record, the data itself.
 *
 * @example
 * ```ts
 * import type { PayloadEnvelope } from '@kpl-lambda/core';
 * const subscription: PayloadEnvelope = 'cloudwatch-logs';
 * ```
 */
export type PayloadEnvelope = 'none' | 'cloudwatch-logs' | 'lines';

/**
 * How to decode each user record's data before the handler sees it (the `decode` option of the
 * adapters, `kpl inspect --decode`). At least one of `compression` and `envelope` is needed.
 *
 * @example
 * ```ts
 * import type { DecodeOptions } from '@kpl-lambda/core';
 * const cloudWatchLogs: DecodeOptions = { envelope: 'cloudwatch-logs' }; // gzip by default
 * const fluentBit: DecodeOptions = { compression: 'zlib', maxDecodedBytes: 1_048_576 };
 * ```
 */
export interface DecodeOptions {
  /** Default `'gzip'` with the `'cloudwatch-logs'` envelope (it is always gzip), else `'none'`. */
  compression?: PayloadCompression;
  /** Default `'none'`: each user record is one record. */
  envelope?: PayloadEnvelope;
  /**
   * The most bytes one user record's data may decode to (default 10 MiB): decompression stops
   * there, and the user record fails as a handler failure would (`TOO_LARGE`), so that a small
   * record that inflates to gigabytes (a decompression bomb) never takes the memory.
   */
  maxDecodedBytes?: number;
}

/**
 * What a CloudWatch Logs subscription envelope says of one log event (its `message` is the
 * record's data).
 *
 * @example
 * ```ts
 * import type { CloudWatchLogsEvent } from '@kpl-lambda/core';
 * const where = (event: CloudWatchLogsEvent) => `${event.logGroup}/${event.logStream}@${event.timestamp}`;
 * ```
 */
export interface CloudWatchLogsEvent {
  /** The log event's ID: unique, an idempotency key of its own. */
  id: string;
  /** When it was logged, in epoch milliseconds. */
  timestamp: number;
  /** The account the log group belongs to. */
  owner: string;
  logGroup: string;
  logStream: string;
  /** The subscription filters that matched (shared by the envelope's records: do not mutate). */
  subscriptionFilters: readonly string[];
}

/**
 * One record decoded from a user record's data.
 *
 * @example
 * ```ts
 * import { PayloadDecoder } from '@kpl-lambda/core';
 * for (const { data, innerIndex } of new PayloadDecoder({ envelope: 'lines' }).decode(bytes)) {
 *   console.log(innerIndex, data.length);
 * }
 * ```
 */
export interface DecodedPayload {
  /** The record's bytes: a view into the decompressed data (read it, do not write to it). */
  data: Uint8Array;
  /** With an envelope: its 0-based position among the envelope's records. */
  innerIndex?: number;
  /** With the `'cloudwatch-logs'` envelope: the log event's fields. */
  cloudWatchLogs?: CloudWatchLogsEvent;
}

/**
 * Stable codes for why a user record's data does not decode.
 *
 * @example
 * ```ts
 * import type { PayloadDecodeErrorReason } from '@kpl-lambda/core';
 * const bomb: PayloadDecodeErrorReason = 'TOO_LARGE';
 * ```
 */
export type PayloadDecodeErrorReason =
  /** It decodes to more than `maxDecodedBytes`. */
  | 'TOO_LARGE'
  /** It is not data of the configured compression: a wrong header, a truncated stream. */
  | 'MALFORMED_COMPRESSION'
  /** Its decompressed data is not the configured envelope (not JSON, a field missing). */
  | 'MALFORMED_ENVELOPE';
