import { closestNames } from './closestNames.js';
import { MAX_TIMER_MS } from './constants.js';
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
 * import { assertOneOf } from '@kpl-lambda/core/internal';
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
      `${option} must be one of ${allowed.map((mode) => `'${mode}'`).join(', ')}, got ${shown(value)}`,
    );
  }
}

/**
 * Throws a configuration error naming the first key of `options` that is not one of `known`, and
 * the known option closest to it when one is near (a typo): a misspelt option would otherwise run
 * with its default. `undefined` and `null` options have no keys. The one rule every options
 * object of every kpl-lambda package follows, as Middy's `validateOptions` does.
 *
 * @example
 * ```ts
 * import { assertKnownOptions } from '@kpl-lambda/core/internal';
 * assertKnownOptions({ onCorupt: 'throw' }, ['onCorrupt', 'logger']);
 * // KplConfigurationError: Unknown option onCorupt: did you mean onCorrupt?
 * ```
 */
export function assertKnownOptions(
  options: unknown,
  known: readonly string[],
  makeError: ConfigurationErrorFactory = coreConfigurationError,
): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw makeError('options', `The options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = closestNames(key, known);
    throw makeError(
      key,
      near.length === 0
        ? `Unknown option ${key}; the options are ${known.join(', ')}`
        : `Unknown option ${key}: did you mean ${near.join(' or ')}?`,
    );
  }
}

/**
 * The option names of an options type, for {@link assertKnownOptions}: the object lists each
 * name once, and the compiler refuses it when a name is missing or not an option, so that the
 * list can never fall behind the type.
 *
 * @example
 * ```ts
 * import type { DeaggregateOptions } from '@kpl-lambda/core';
 * import { optionNames } from '@kpl-lambda/core/internal';
 * const DEAGGREGATE_OPTIONS = optionNames<DeaggregateOptions>({ onCorrupt: true });
 * ```
 */
export function optionNames<T>(names: { readonly [K in keyof Required<T>]: true }): string[] {
  return Object.keys(names);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * A wrong value, as a refusal shows it, whatever it is: `JSON.stringify` throws on a bigint, and
 * `String` on a symbol or an object without a prototype.
 *
 * @example
 * ```ts
 * shown(Object.create(null)); // 'object'
 * ```
 */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  return value === null ? 'null' : describe(value);
}

/** Makes the configuration error of some kpl-lambda package, naming the option. */
export type ConfigurationErrorFactory = (option: string, message: string) => KplConfigurationError;

const coreConfigurationError: ConfigurationErrorFactory = (option, message) =>
  new KplConfigurationError(message, { option });

/**
 * Throws a configuration error naming `option` unless `value` is an integer from `min` to `max`
 * (`Infinity` passes where `max` is `Infinity`: no bound). `undefined` means the default.
 *
 * @example
 * ```ts
 * import { assertIntegerIn } from '@kpl-lambda/core/internal';
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
    throw makeError(option, `${option} must be an integer ${range}, got ${shown(value)}`);
  }
}

/**
 * Throws a configuration error naming `option` unless `value` is a whole number of milliseconds a
 * timer can wait: from `min` to {@link MAX_TIMER_MS} (about 24.8 days; Node.js fires a longer
 * timer at once), or `Infinity` where `never` is allowed (a timer that is never set).
 * `undefined` means the default.
 *
 * @example
 * ```ts
 * import { assertTimerMs } from '@kpl-lambda/core/internal';
 * assertTimerMs('maxBufferedMs', options.maxBufferedMs, { never: true });
 * ```
 */
export function assertTimerMs(
  option: string,
  value: unknown,
  { min = 0, never = false }: { min?: number; never?: boolean } = {},
  makeError: ConfigurationErrorFactory = coreConfigurationError,
): asserts value is number | undefined {
  if (value === undefined || (never && value === Number.POSITIVE_INFINITY)) return;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < min ||
    value > MAX_TIMER_MS
  ) {
    throw makeError(
      option,
      `${option} must be a whole number of milliseconds from ${min} to ${MAX_TIMER_MS} (about 24.8 days, the longest a timer waits)${never ? ', or Infinity' : ''}, got ${shown(value)}`,
    );
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
      `${option} must be ${type === 'object' ? 'an' : 'a'} ${type}, got ${value === null ? 'null' : typeof value}`,
    );
  }
}

/**
 * Throws a configuration error naming `metrics` unless `value` is undefined or has `addMetric`
 * (a Powertools `Metrics`, or any {@link KplMetrics}). For the `metrics` option of every package.
 *
 * @example
 * ```ts
 * import { assertMetrics } from '@kpl-lambda/core/internal';
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
 * import { assertCheckpointStore } from '@kpl-lambda/core/internal';
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
 * import { deaggregateRecords } from '@kpl-lambda/core';
 * import { deaggregationModeOf } from '@kpl-lambda/core/internal';
 * const userRecords = deaggregateRecords(event.Records, { onCorrupt: deaggregationModeOf('fail') });
 * ```
 */
export function deaggregationModeOf(onCorrupt: BatchOnCorrupt): OnCorrupt {
  return onCorrupt === 'throw' ? 'throw' : 'passthrough';
}
