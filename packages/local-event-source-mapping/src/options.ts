import {
  assertIntegerIn,
  assertKnownOptions,
  assertTimerMs,
  assertTypeOf,
  optionNames,
} from '@kpl-lambda/core/internal';
import { configurationError } from './errors.js';
import type { DrainOptions, KinesisEventSourceMappingOptions } from './types.js';

/** How long `drain()` may take by default: a test tool must end, even with endless retries. */
const DEFAULT_DRAIN_TIMEOUT_MS = 60_000;

const E = configurationError;

const MAPPING_OPTIONS = optionNames<KinesisEventSourceMappingOptions>({
  client: true,
  streamName: true,
  handler: true,
  batchSize: true,
  functionResponseTypes: true,
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: true,
  onFailure: true,
  functionName: true,
  awsRegion: true,
  onInvoke: true,
  parallelizationFactor: true,
  tumblingWindowInSeconds: true,
  clock: true,
});

const DRAIN_OPTIONS = optionNames<DrainOptions>({ timeoutMs: true, signal: true });

/** Checks a mapping's options, naming the first that is wrong; returns the bounds with defaults. */
export function resolveMappingOptions(options: KinesisEventSourceMappingOptions): {
  batchSize: number;
  maximumRetryAttempts: number;
  parallelizationFactor: number;
  tumblingWindowInSeconds: number;
} {
  assertKnownOptions(options, MAPPING_OPTIONS, E);
  const {
    batchSize = 100,
    maximumRetryAttempts = -1,
    parallelizationFactor = 1,
    tumblingWindowInSeconds = 0,
  } = options;
  if (typeof options.handler !== 'function') {
    throw E('handler', 'handler must be a function');
  }
  if (typeof (options.client as { send?: unknown } | undefined)?.send !== 'function') {
    throw E('client', 'client must be a KinesisClient of the AWS SDK v3');
  }
  if (typeof options.streamName !== 'string' || options.streamName === '') {
    throw E('streamName', 'streamName must be the name of the stream');
  }
  assertTypeOf('onFailure', options.onFailure, 'function', E);
  assertTypeOf('onInvoke', options.onInvoke, 'function', E);
  assertTypeOf('bisectBatchOnFunctionError', options.bisectBatchOnFunctionError, 'boolean', E);
  assertIntegerIn('batchSize', batchSize, 1, 10_000, E);
  assertIntegerIn('maximumRetryAttempts', maximumRetryAttempts, -1, 10_000, E);
  assertIntegerIn('parallelizationFactor', parallelizationFactor, 1, 10, E);
  assertIntegerIn('tumblingWindowInSeconds', tumblingWindowInSeconds, 0, 900, E);
  assertTypeOf('clock', options.clock, 'function', E);
  if (tumblingWindowInSeconds > 0 && parallelizationFactor > 1) {
    // Lambda's docs say nothing of a window's state shared by concurrent batches: not modelled.
    throw E(
      'parallelizationFactor',
      'tumbling windows with a parallelizationFactor above 1 are not modelled here',
    );
  }
  return { batchSize, maximumRetryAttempts, parallelizationFactor, tumblingWindowInSeconds };
}

/** Checks `drain()`'s options; the timeout is a timer's, so at most about 24.8 days, or never. */
export function resolveDrainOptions(options: DrainOptions): {
  timeoutMs: number;
  signal: AbortSignal | undefined;
} {
  assertKnownOptions(options, DRAIN_OPTIONS, E);
  const { timeoutMs = DEFAULT_DRAIN_TIMEOUT_MS, signal } = options;
  assertTimerMs('timeoutMs', timeoutMs, { never: true }, E);
  return { timeoutMs, signal };
}
