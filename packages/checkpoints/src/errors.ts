import {
  KplConfigurationError,
  type KplConfigurationErrorOptions,
  KplError,
} from '@kpl-lambda/core';
import type { ConfigurationErrorFactory } from '@kpl-lambda/core/internal';

/**
 * Base class of the run-time errors of `@kpl-lambda/checkpoints` (a `KplError`, like every
 * kpl-lambda error; a wrong option is a {@link KplCheckpointsConfigurationError}). A store that
 * fails while a batch is processed never throws into it: the adapters warn and carry on, so
 * nothing is lost.
 *
 * @example
 * ```ts
 * import { KplCheckpointsError } from '@kpl-lambda/checkpoints';
 * if (error instanceof KplCheckpointsError) console.error(error.message);
 * ```
 */
export class KplCheckpointsError extends KplError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KplCheckpointsError';
  }
}

/**
 * A checkpoint store was made with options it cannot work with (`option` names it), such as no
 * `consumerName` outside Lambda.
 *
 * @example
 * ```ts
 * new DynamoDBCheckpointStore({ client, tableName: 'checkpoints' }); // throws outside Lambda
 * ```
 */
export class KplCheckpointsConfigurationError extends KplConfigurationError {
  public constructor(message: string, options: KplConfigurationErrorOptions) {
    super(message, options);
    this.name = 'KplCheckpointsConfigurationError';
  }
}

/** The factory core's option checks make this package's configuration errors with. */
export const configurationError: ConfigurationErrorFactory = (option, message) =>
  new KplCheckpointsConfigurationError(message, { option });

/**
 * A redrive could not read all the records of the batch it was given: the stream no longer has
 * its first record (`sequenceNumber`), trimmed past the stream's retention, or the on-failure
 * object's `payload` does not hold the batch's first or last record. Nothing was run: a redrive
 * never reports as complete a batch whose records it could not read. Redrive from the S3
 * on-failure object's `payload` instead, which holds the records themselves.
 *
 * @example
 * ```ts
 * import { KplRedriveRecordsMissingError } from '@kpl-lambda/checkpoints';
 * if (error instanceof KplRedriveRecordsMissingError) console.error('gone:', error.sequenceNumber);
 * ```
 */
export class KplRedriveRecordsMissingError extends KplCheckpointsError {
  /** The first record of the batch that could not be read. */
  public readonly sequenceNumber: string;

  public constructor(message: string, options: { sequenceNumber: string } & ErrorOptions) {
    super(message, options);
    this.name = 'KplRedriveRecordsMissingError';
    this.sequenceNumber = options.sequenceNumber;
  }
}
