import {
  KplConfigurationError,
  type KplConfigurationErrorOptions,
  KplError,
} from '@kpl-lambda/core';
import type { ConfigurationErrorFactory } from '@kpl-lambda/core/internal';

/**
 * Base class of the run-time errors of `@kpl-lambda/local-event-source-mapping` (a `KplError`,
 * like every kpl-lambda error; a wrong option is a
 * {@link KplEventSourceMappingConfigurationError}).
 *
 * @example
 * ```ts
 * import { KplEventSourceMappingError } from '@kpl-lambda/local-event-source-mapping';
 * await mapping.drain().catch((error) => {
 *   if (error instanceof KplEventSourceMappingError) console.error(error.message);
 * });
 * ```
 */
export class KplEventSourceMappingError extends KplError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KplEventSourceMappingError';
  }
}

/**
 * A mapping, `drain()` or `localKinesisClient` was given options it cannot work with (`option`
 * names the option): an unknown key, a `batchSize` Lambda refuses, no `handler`. Thrown where the
 * options are given.
 *
 * @example
 * ```ts
 * import { KplEventSourceMappingConfigurationError } from '@kpl-lambda/local-event-source-mapping';
 * try {
 *   new KinesisEventSourceMapping({ client, streamName: 'orders', handler, batchSise: 10 });
 * } catch (error) {
 *   // batchSise: did you mean batchSize?
 *   if (error instanceof KplEventSourceMappingConfigurationError) console.error(error.option);
 * }
 * ```
 */
export class KplEventSourceMappingConfigurationError extends KplConfigurationError {
  public constructor(message: string, options: KplConfigurationErrorOptions) {
    super(message, options);
    this.name = 'KplEventSourceMappingConfigurationError';
  }
}

/**
 * `drain()` stopped before every shard was read: its `timeoutMs` passed or its `signal` was
 * aborted (typically: a handler that always fails, with `maximumRetryAttempts: -1`). What was
 * checkpointed stays checkpointed; `drain()` may be called again.
 *
 * @example
 * ```ts
 * await expect(mapping.drain({ timeoutMs: 5_000 })).rejects.toThrow(KplDrainStoppedError);
 * ```
 */
export class KplDrainStoppedError extends KplEventSourceMappingError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KplDrainStoppedError';
  }
}

/** The factory core's option checks make this package's configuration errors with. */
export const configurationError: ConfigurationErrorFactory = (option, message) =>
  new KplEventSourceMappingConfigurationError(message, { option });
