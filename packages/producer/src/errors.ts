import {
  KplConfigurationError,
  type KplConfigurationErrorOptions,
  KplError,
} from '@kpl-lambda/core';
import type { ProducerRecord, UndeliverableRecord } from './types.js';

/**
 * Base class of the run-time errors of `@kpl-lambda/producer` (a `KplError`, like every
 * kpl-lambda error; a wrong option is a {@link KplProducerConfigurationError}).
 * Records Kinesis would refuse are rejected at `put` with the errors of `@kpl-lambda/core`
 * (`KplInvalidRecordError`, `KplRecordTooLargeError`).
 *
 * @example
 * ```ts
 * import { KplProducerError } from '@kpl-lambda/producer';
 * if (error instanceof KplProducerError) console.error(error.message);
 * ```
 */
export class KplProducerError extends KplError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KplProducerError';
  }
}

/**
 * The producer was configured with options it cannot work with (no stream, a limit outside what
 * Kinesis allows); `option` names the option. A `KplConfigurationError` of `@kpl-lambda/core`.
 *
 * @example
 * ```ts
 * new KinesisProducer({ client, streamName: 'orders', maxRequestBytes: 20_000_000 }); // throws
 * ```
 */
export class KplProducerConfigurationError extends KplConfigurationError {
  public constructor(message: string, options: KplConfigurationErrorOptions) {
    super(message, options);
    this.name = 'KplProducerConfigurationError';
  }
}

/**
 * `put` was called while the producer already holds `maxBufferedRecords` user records or
 * `maxBufferedBytes` bytes: the record was not taken. `put` returns `false` when a record fills
 * the buffer; wait for `whenWritable()` before the next one, and this never happens. What it holds
 * includes the records given up that wait for `flush()` to report them: the message says how many
 * (give the producer `onUndeliverable` to take each as it is given up instead).
 *
 * @example
 * ```ts
 * for (const order of orders) {
 *   if (!producer.put({ data: order })) await producer.whenWritable();
 * }
 * ```
 */
export class KplProducerBufferFullError extends KplProducerError {
  public constructor(heldRecords: number, heldBytes: number, givenUpRecords = 0) {
    const givenUp =
      givenUpRecords === 0
        ? ''
        : `; ${givenUpRecords} of them were given up and wait for flush() to report them (the onUndeliverable option takes each as it is given up instead)`;
    super(
      `The producer holds ${heldRecords} user records (${heldBytes} bytes), its bound${givenUp}: await producer.whenWritable() before putting more`,
    );
    this.name = 'KplProducerBufferFullError';
  }
}

/**
 * What {@link KinesisProducer.putWithResult} rejects with when its record is given up: the record
 * as it was put, and the last error code and message (an {@link UndeliverableRecord}, as
 * `onUndeliverable` and `flush()` report the same record).
 *
 * @example
 * ```ts
 * try {
 *   await producer.putWithResult({ data: order, partitionKey: order.customerId });
 * } catch (error) {
 *   if (error instanceof KplUndeliverableRecordError) console.error(error.errorCode, error.record);
 *   else throw error;
 * }
 * ```
 */
export class KplUndeliverableRecordError extends KplProducerError implements UndeliverableRecord {
  public readonly record: ProducerRecord;
  public readonly errorCode: string;
  public readonly errorMessage: string;

  public constructor({ record, errorCode, errorMessage }: UndeliverableRecord) {
    super(`The record was given up: ${errorCode}: ${errorMessage}`);
    this.name = 'KplUndeliverableRecordError';
    this.record = record;
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
  }
}
