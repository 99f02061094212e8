import { includeInInstanceof, KplConfigurationError, KplError } from '@kpl-lambda/core';

/**
 * Base class of the errors of `@kpl-lambda/producer` (a `KplError`, like every kpl-lambda error).
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
  public constructor(option: string, message: string) {
    super(option, message);
    this.name = 'KplProducerConfigurationError';
  }
}

/**
 * `put` was called while the producer already buffers `maxBufferedRecords` user records or
 * `maxBufferedBytes` bytes: the record was not taken. `put` returns `false` when a record fills
 * the buffer; wait for `whenWritable()` before the next one, and this never happens.
 *
 * @example
 * ```ts
 * for (const order of orders) {
 *   if (!producer.put({ data: order })) await producer.whenWritable();
 * }
 * ```
 */
export class KplProducerBufferFullError extends KplProducerError {
  public constructor(bufferedRecords: number, bufferedBytes: number) {
    super(
      `The producer buffers ${bufferedRecords} user records (${bufferedBytes} bytes), its bound: await producer.whenWritable() before putting more`,
    );
    this.name = 'KplProducerBufferFullError';
  }
}

// The configuration error extends core's KplConfigurationError, and stays a KplProducerError, as it was.
includeInInstanceof(KplProducerError, KplProducerConfigurationError);
