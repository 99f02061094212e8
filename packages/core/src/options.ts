import { KplConfigurationError } from './errors.js';
import type { KplMetrics } from './metrics.js';
import type { BatchOnCorrupt, CheckpointStore, OnCorrupt } from './types.js';

/**
 * Throws {@link KplConfigurationError} naming `option` unless `value` is one of `allowed`
 * (`undefined` stands for the default and is always allowed). For the enum options of every
 * kpl-lambda package, checked where the options are given.
 *
 * @example
 * ```ts
 * import { assertOneOf } from '@kpl-lambda/core';
 * assertOneOf('onCorrupt', options.onCorrupt, ['passthrough', 'throw']);
 * ```
 */
export function assertOneOf<T extends string>(
  option: string,
  value: unknown,
  allowed: readonly T[],
  makeError: ConfigurationErrorFactory = coreConfigurationError,
): asserts value is T | undefined {
  if (value !== undefined && !allowed.includes(value as T)) {
    throw makeError(
      option,
      `${option} must be one of ${allowed.map((mode) => `'${mode}'`).join(', ')}, got ${JSON.stringify(value) ?? typeof value}`,
    );
  }
}

/** Makes the configuration error of some kpl-lambda package, naming the option. */
export type ConfigurationErrorFactory = (option: string, message: string) => KplConfigurationError;

const coreConfigurationError: ConfigurationErrorFactory = (option, message) =>
  new KplConfigurationError(option, message);

/**
 * Throws a configuration error naming `option` unless `value` is an integer from `min` to `max`
 * (`Infinity` passes where `max` is `Infinity`: no bound). `undefined` means the default.
 *
 * @example
 * ```ts
 * import { assertIntegerIn } from '@kpl-lambda/core';
 * assertIntegerIn('batchSize', options.batchSize, 1, 10_000);
 * ```
 */
export function assertIntegerIn(
  option: string,
  value: unknown,
  min: number,
  max: number,
  makeError: ConfigurationErrorFactory = coreConfigurationError,
): asserts value is number | undefined {
  if (value === undefined) return;
  const valid =
    typeof value === 'number' &&
    value >= min &&
    value <= max &&
    (Number.isInteger(value) || value === Number.POSITIVE_INFINITY);
  if (!valid) {
    const range = max === Number.POSITIVE_INFINITY ? `${min} or more` : `from ${min} to ${max}`;
    throw makeError(option, `${option} must be an integer ${range}, got ${String(value)}`);
  }
}

/** Throws a configuration error naming `option` unless `value` is of `type` (or undefined). */
export function assertTypeOf(
  option: string,
  value: unknown,
  type: 'boolean' | 'function' | 'string' | 'object',
  makeError: ConfigurationErrorFactory = coreConfigurationError,
): void {
  if (value !== undefined && (typeof value !== type || value === null)) {
    throw makeError(
      option,
      `${option} must be a ${type}, got ${value === null ? 'null' : typeof value}`,
    );
  }
}

/**
 * Throws a configuration error naming `metrics` unless `value` is undefined or has `addMetric`
 * (a Powertools `Metrics`, or any {@link KplMetrics}). For the `metrics` option of every package.
 *
 * @example
 * ```ts
 * import { assertMetrics } from '@kpl-lambda/core';
 * assertMetrics(options.metrics);
 * ```
 */
export function assertMetrics(
  value: unknown,
  makeError: ConfigurationErrorFactory = coreConfigurationError,
): asserts value is KplMetrics | undefined {
  if (
    value !== undefined &&
    typeof (value as Partial<KplMetrics> | null)?.addMetric !== 'function'
  ) {
    throw makeError('metrics', 'metrics must have addMetric (a Powertools Metrics instance fits)');
  }
}

/**
 * Throws a configuration error naming `checkpoints` unless `value` is undefined or a
 * {@link CheckpointStore} (has `load` and `save`). For the adapters' `checkpoints` option.
 *
 * @example
 * ```ts
 * import { assertCheckpointStore } from '@kpl-lambda/core';
 * assertCheckpointStore(options.checkpoints);
 * ```
 */
export function assertCheckpointStore(
  value: unknown,
  makeError: ConfigurationErrorFactory = coreConfigurationError,
): asserts value is CheckpointStore | undefined {
  const store = value as Partial<CheckpointStore> | null | undefined;
  if (
    value !== undefined &&
    (typeof store?.load !== 'function' || typeof store?.save !== 'function')
  ) {
    throw makeError('checkpoints', 'checkpoints must be a CheckpointStore (load and save)');
  }
}

/** The modes of {@link BatchOnCorrupt}, for validation. */
export const BATCH_ON_CORRUPT_MODES: readonly BatchOnCorrupt[] = ['passthrough', 'throw', 'fail'];

/**
 * The deaggregation mode behind a consumer's `onCorrupt`: `'fail'` deaggregates as
 * `'passthrough'` does, and the consumer then reports the records that carry a
 * `deaggregationError`.
 *
 * @example
 * ```ts
 * import { deaggregateRecords, deaggregationModeOf } from '@kpl-lambda/core';
 * const userRecords = deaggregateRecords(event.Records, { onCorrupt: deaggregationModeOf('fail') });
 * ```
 */
export function deaggregationModeOf(onCorrupt: BatchOnCorrupt): OnCorrupt {
  return onCorrupt === 'throw' ? 'throw' : 'passthrough';
}
