import {
  type ConfigurationErrorFactory,
  KplConfigurationError,
  type KplConfigurationErrorOptions,
  KplError,
} from '@kpl-lambda/core';

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
