/**
 * Base class of the errors of `@kpl-lambda/producer`. Records Kinesis would refuse are rejected
 * at `put` with the errors of `@kpl-lambda/core` (`KplInvalidRecordError`,
 * `KplRecordTooLargeError`).
 *
 * @example
 * ```ts
 * import { KplProducerError } from '@kpl-lambda/producer';
 * if (error instanceof KplProducerError) console.error(error.message);
 * ```
 */
export class KplProducerError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KplProducerError';
  }
}

/**
 * The producer was configured with options it cannot work with (no stream, a limit outside what
 * Kinesis allows).
 *
 * @example
 * ```ts
 * new KinesisProducer({ client, streamName: 'orders', maxRequestBytes: 20_000_000 }); // throws
 * ```
 */
export class KplProducerConfigurationError extends KplProducerError {
  public constructor(message: string) {
    super(message);
    this.name = 'KplProducerConfigurationError';
  }
}
