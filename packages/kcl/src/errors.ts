import {
  KplConfigurationError,
  type KplConfigurationErrorOptions,
  KplError,
} from '@kpl-lambda/core';

/**
 * Base class of the run-time errors of `@kpl-lambda/kcl` (a `KplError`, like every kpl-lambda
 * error; a wrong option or processor is a {@link KplKclConfigurationError}).
 *
 * @example
 * ```ts
 * import { KplKclError, start } from '@kpl-lambda/kcl';
 * await start(processor).catch((error) => {
 *   if (error instanceof KplKclError) console.error(error.name, error.message);
 *   process.exitCode = 1;
 * });
 * ```
 */
export class KplKclError extends KplError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KplKclError';
  }
}

/**
 * The daemon refused a checkpoint; `error` is the name of the exception it reported
 * (`InvalidStateException`, `ShutdownException`, `ThrottlingException`, ...).
 *
 * @example
 * ```ts
 * try {
 *   await checkpointer.checkpoint();
 * } catch (error) {
 *   if (error instanceof KplKclCheckpointError && error.error === 'ShutdownException') return;
 *   throw error;
 * }
 * ```
 */
export class KplKclCheckpointError extends KplKclError {
  /** The exception the daemon reported. */
  public readonly error: string;

  public constructor(error: string, sequenceNumber: string | null | undefined) {
    super(`The KCL refused the checkpoint at ${sequenceNumber ?? 'the largest record'}: ${error}`);
    this.name = 'KplKclCheckpointError';
    this.error = error;
  }
}

/**
 * The daemon's input ended or broke the protocol (a checkpoint reply where none was asked, an
 * action the daemon does not send, a field of the wrong type, a record without its data,
 * partition key or sequence number).
 *
 * @example
 * ```ts
 * await start(processor).catch((error) => {
 *   if (error instanceof KplKclProtocolError) process.exitCode = 2;
 * });
 * ```
 */
export class KplKclProtocolError extends KplKclError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KplKclProtocolError';
  }
}

/**
 * `start` was given a processor or options it cannot work with; `option` names the option, or
 * `processor`. Thrown before anything is read from the daemon or answered: a processor without
 * `processRecord` (a misspelt one) would otherwise have every record answered and checkpointed
 * without running it.
 *
 * @example
 * ```ts
 * import { KplKclConfigurationError, start } from '@kpl-lambda/kcl';
 *
 * await start({ async processRecord() {} }, { checkpointEveryRecords: 0 }).catch((error) => {
 *   // checkpointEveryRecords must be an integer 1 or more, got 0
 *   if (error instanceof KplKclConfigurationError) console.error(error.option, error.message);
 *   process.exitCode = 1;
 * });
 * ```
 */
export class KplKclConfigurationError extends KplConfigurationError {
  public constructor(message: string, options: KplConfigurationErrorOptions) {
    super(message, options);
    this.name = 'KplKclConfigurationError';
  }
}
