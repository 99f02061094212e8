import type { PayloadDecodeErrorReason } from './payload/payloadTypes.js';
import type { KplDecodeErrorReason } from './types.js';

/**
 * Base class of every kpl-lambda error, and the root of `@kpl-lambda/core`'s own. Each package's
 * run-time errors extend its own root (`KplProducerError`, ...); configuration errors, of every
 * package, extend {@link KplConfigurationError}.
 *
 * @example
 * ```ts
 * import { KplError, deaggregateRecords } from '@kpl-lambda/core';
 * try {
 *   deaggregateRecords(event.Records, { onCorrupt: 'throw' });
 * } catch (error) {
 *   if (error instanceof KplError) console.error(error.name, error.message);
 * }
 * ```
 */
export class KplError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KplError';
  }
}

/**
 * What a configuration error is made with, after its message: the option it names, and what
 * caused it, if anything.
 *
 * @example
 * ```ts
 * import { KplConfigurationError, type KplConfigurationErrorOptions } from '@kpl-lambda/core';
 * const options: KplConfigurationErrorOptions = { option: 'aggregationMaxBytes' };
 * new KplConfigurationError('aggregationMaxBytes must be 1 or more', options);
 * ```
 */
export interface KplConfigurationErrorOptions extends ErrorOptions {
  /** The option that is wrong. */
  option: string;
}

/**
 * An option outside what it may be: an unknown `onCorrupt` mode, a bound that is not a positive
 * integer, a limit past what Kinesis allows. Thrown where the options are given (a constructor,
 * a factory, the call), never later; `option` names the option. Each package's configuration
 * error extends it: `instanceof KplConfigurationError` catches a wrong option of any of them.
 *
 * @example
 * ```ts
 * import { KplConfigurationError, RecordAggregator } from '@kpl-lambda/core';
 * try {
 *   new RecordAggregator({ aggregationMaxBytes: 0 });
 * } catch (error) {
 *   if (error instanceof KplConfigurationError) console.error(error.option, error.message);
 * }
 * ```
 */
export class KplConfigurationError extends KplError {
  /** The option that is wrong. */
  public readonly option: string;

  public constructor(message: string, { option, ...options }: KplConfigurationErrorOptions) {
    super(message, options);
    this.name = 'KplConfigurationError';
    this.option = option;
  }
}

/**
 * An aggregated record whose MD5 digest matches but whose protobuf body cannot be decoded:
 * truncated, missing a required field, an index outside its table, a malformed varint or a
 * length past the end. Thrown only in `onCorrupt: 'throw'` mode; by default such a record
 * passes through unchanged with a `deaggregationError`.
 *
 * @example
 * ```ts
 * import { KplDecodeError, deaggregateRecords } from '@kpl-lambda/core';
 * try {
 *   deaggregateRecords(event.Records, { onCorrupt: 'throw' });
 * } catch (error) {
 *   if (error instanceof KplDecodeError) console.error(error.reason, error.sequenceNumber);
 * }
 * ```
 */
export class KplDecodeError extends KplError {
  /** What is wrong with the aggregate, as a stable code. */
  public readonly reason: KplDecodeErrorReason;
  /** Sequence number of the corrupt parent record, when the caller knows it. */
  public readonly sequenceNumber?: string;

  public constructor(
    message: string,
    {
      reason,
      sequenceNumber,
      ...options
    }: ErrorOptions & { reason: KplDecodeErrorReason; sequenceNumber?: string },
  ) {
    super(message, options);
    this.name = 'KplDecodeError';
    this.reason = reason;
    if (sequenceNumber !== undefined) this.sequenceNumber = sequenceNumber;
  }
}

/**
 * A user record's data that does not decode as the `decode` option says: compressed otherwise
 * or truncated, an envelope that is not one, or more than `maxDecodedBytes` once decompressed.
 * The adapters report such a user record as a handler failure (its parent in
 * `batchItemFailures`), never hand it to the handler, and count it.
 *
 * @example
 * ```ts
 * import { KplPayloadDecodeError, PayloadDecoder } from '@kpl-lambda/core';
 * try {
 *   new PayloadDecoder({ compression: 'gzip' }).decode(bytes);
 * } catch (error) {
 *   if (error instanceof KplPayloadDecodeError) console.error(error.reason, error.message);
 * }
 * ```
 */
export class KplPayloadDecodeError extends KplError {
  /** Why, as a stable code. */
  public readonly reason: PayloadDecodeErrorReason;
  /** The user record's parent sequence number, where it is known. */
  public readonly sequenceNumber?: string;
  /** The user record's sub-sequence number, where it is known. */
  public readonly subSequenceNumber?: number;

  public constructor(
    message: string,
    {
      reason,
      sequenceNumber,
      subSequenceNumber,
      ...options
    }: ErrorOptions & {
      reason: PayloadDecodeErrorReason;
      sequenceNumber?: string;
      subSequenceNumber?: number;
    },
  ) {
    super(message, options);
    this.name = 'KplPayloadDecodeError';
    this.reason = reason;
    if (sequenceNumber !== undefined) this.sequenceNumber = sequenceNumber;
    if (subSequenceNumber !== undefined) this.subSequenceNumber = subSequenceNumber;
  }
}

/**
 * A record given to the API that Kinesis or the KPL format cannot carry: an empty or too long
 * partition key, an explicit hash key that is not a decimal in 0 .. 2^128-1, Lambda record data
 * that is not a base64 string.
 *
 * @example
 * ```ts
 * import { KplInvalidRecordError, aggregate } from '@kpl-lambda/core';
 * try {
 *   aggregate([{ partitionKey: '', data: 'x' }]);
 * } catch (error) {
 *   if (error instanceof KplInvalidRecordError) console.error(error.message);
 * }
 * ```
 */
export class KplInvalidRecordError extends KplError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KplInvalidRecordError';
  }
}

/**
 * A single user record too large to be sent even on its own within `aggregationMaxBytes`
 * (its data plus its partition key).
 *
 * @example
 * ```ts
 * import { KplRecordTooLargeError, RecordAggregator } from '@kpl-lambda/core';
 * const aggregator = new RecordAggregator({ aggregationMaxBytes: 1024 });
 * try {
 *   aggregator.add({ partitionKey: 'k', data: new Uint8Array(2048) });
 * } catch (error) {
 *   if (error instanceof KplRecordTooLargeError) console.error(error.recordBytes, error.maxBytes);
 * }
 * ```
 */
export class KplRecordTooLargeError extends KplInvalidRecordError {
  /** Data bytes plus partition key bytes of the rejected record. */
  public readonly recordBytes: number;
  /** The limit it was checked against. */
  public readonly maxBytes: number;

  public constructor(recordBytes: number, maxBytes: number) {
    super(
      `User record of ${recordBytes} bytes (data plus partition key) exceeds the ${maxBytes} byte record limit`,
    );
    this.name = 'KplRecordTooLargeError';
    this.recordBytes = recordBytes;
    this.maxBytes = maxBytes;
  }
}
