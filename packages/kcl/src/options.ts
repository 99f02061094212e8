import { MAX_TIMER_MS } from '@kpl-lambda/core';
import {
  assertIntegerIn,
  assertKnownOptions,
  assertLogger,
  assertTimerMs,
  optionNames,
  shown,
} from '@kpl-lambda/core/internal';
import { KplKclConfigurationError } from './errors.js';
import type { StartOptions } from './types.js';

const START_OPTIONS = optionNames<StartOptions>({
  input: true,
  output: true,
  checkpointEveryRecords: true,
  checkpointEverySeconds: true,
  maxAttempts: true,
  baseDelayMs: true,
  onError: true,
  logger: true,
});

const E = (option: string, message: string) => new KplKclConfigurationError(message, { option });

/**
 * Refuses options `start` would not honour: an unknown key (a typo would run with the default),
 * a value of the wrong type or out of range, and the record retry options with `processRecords`,
 * which gets a whole batch and handles its failures itself.
 */
export function assertStartOptions(
  options: unknown,
  batches: boolean,
): asserts options is StartOptions | undefined | null {
  assertKnownOptions(options, START_OPTIONS, E);
  const {
    input,
    output,
    checkpointEveryRecords,
    checkpointEverySeconds,
    maxAttempts,
    baseDelayMs,
    onError,
    logger,
  } = (options ?? {}) as Record<keyof StartOptions, unknown>;
  if (input !== undefined && !hasMethods(input, 'on', 'read')) {
    throw E('input', 'input must be a readable stream (process.stdin by default)');
  }
  if (output !== undefined && !hasMethods(output, 'on', 'write')) {
    throw E('output', 'output must be a writable stream (process.stdout by default)');
  }
  assertIntegerIn('checkpointEveryRecords', checkpointEveryRecords, 1, Number.POSITIVE_INFINITY, E);
  if (
    checkpointEverySeconds !== undefined &&
    !(
      typeof checkpointEverySeconds === 'number' &&
      checkpointEverySeconds > 0 &&
      checkpointEverySeconds * 1_000 <= MAX_TIMER_MS
    )
  ) {
    throw E(
      'checkpointEverySeconds',
      `checkpointEverySeconds must be a number of seconds above 0 and at most ${MAX_TIMER_MS / 1_000} (about 24.8 days, the longest a timer waits), got ${shown(checkpointEverySeconds)}`,
    );
  }
  assertIntegerIn('maxAttempts', maxAttempts, 1, Number.MAX_SAFE_INTEGER, E);
  assertTimerMs('baseDelayMs', baseDelayMs, {}, E);
  if (
    onError !== undefined &&
    onError !== 'stop' &&
    onError !== 'skip' &&
    typeof onError !== 'function'
  ) {
    throw E('onError', `onError must be 'stop', 'skip' or a function, got ${shown(onError)}`);
  }
  assertLogger(logger, ['info', 'warn', 'error'], E);
  const retryOption =
    maxAttempts !== undefined ? 'maxAttempts' : onError !== undefined ? 'onError' : undefined;
  if (batches && retryOption !== undefined) {
    throw E(
      retryOption,
      `${retryOption} applies to processRecord; processRecords gets a whole batch and handles its failures itself (a throw stops start() without a checkpoint past the batch)`,
    );
  }
}

function hasMethods(value: unknown, ...names: string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function')
  );
}
