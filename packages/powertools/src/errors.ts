import {
  KplConfigurationError,
  type KplConfigurationErrorOptions,
  type KplDecodeErrorReason,
  KplError,
} from '@kpl-lambda/core';

/**
 * Base class of the run-time errors of `@kpl-lambda/powertools` (a `KplError`, like every
 * kpl-lambda error; a wrong option is a {@link KplBatchConfigurationError}).
 *
 * @example
 * ```ts
 * import { KplBatchProcessorError } from '@kpl-lambda/powertools';
 * if (error instanceof KplBatchProcessorError) logger.error('KPL batch processing', { error });
 * ```
 */
export class KplBatchProcessorError extends KplError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KplBatchProcessorError';
  }
}

/**
 * The processor was given an option it cannot work with (`option` names it), or options that
 * contradict each other, such as `stopOnFirstFailure` with `processInParallel: true`.
 *
 * @example
 * ```ts
 * // Throws KplBatchConfigurationError: stopping on a failure needs records processed in order.
 * await processPartialResponse(event, handler, new KplBatchProcessor({ stopOnFirstFailure: true }), {
 *   processInParallel: true,
 * });
 * ```
 */
export class KplBatchConfigurationError extends KplConfigurationError {
  public constructor(message: string, options: KplConfigurationErrorOptions) {
    super(message, options);
    this.name = 'KplBatchConfigurationError';
  }
}

/**
 * Why a corrupt aggregate was reported without calling the record handler
 * (`onCorrupt: 'fail'`). The message is the record's `deaggregationError`.
 *
 * @example
 * ```ts
 * const processor = new KplBatchProcessor({ onCorrupt: 'fail' });
 * await processPartialResponse(event, recordHandler, processor);
 * processor.errors.filter((error) => error instanceof KplCorruptAggregateError);
 * ```
 */
export class KplCorruptAggregateError extends KplBatchProcessorError {
  /** What is wrong with the aggregate, as core's stable `KplDecodeError` code. */
  public readonly reason: KplDecodeErrorReason | undefined;

  public constructor(
    deaggregationError: string,
    { reason, ...options }: ErrorOptions & { reason?: KplDecodeErrorReason } = {},
  ) {
    super(deaggregationError, options);
    this.name = 'KplCorruptAggregateError';
    this.reason = reason;
  }
}

/**
 * Why a user record was reported without calling the record handler under
 * `stopOnFirstFailure`: an earlier user record of the batch failed, so Lambda delivers this one
 * again anyway.
 *
 * @example
 * ```ts
 * processor.errors.filter((error) => error instanceof KplSkippedRecordError).length; // records not tried
 * ```
 */
export class KplSkippedRecordError extends KplBatchProcessorError {
  public constructor(sequenceNumber: string, subSequenceNumber: number) {
    super(
      `User record ${sequenceNumber}:${subSequenceNumber} was not processed: an earlier user record failed and Lambda delivers it again`,
    );
    this.name = 'KplSkippedRecordError';
  }
}
