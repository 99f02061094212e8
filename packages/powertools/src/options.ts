import { type CheckpointStore, type KplMetrics, PayloadDecoder } from '@kpl-lambda/core';
import {
  assertCheckpointStore,
  assertKnownOptions,
  assertLogger,
  assertMetrics,
  assertOneOf,
  assertTypeOf,
  BATCH_ON_CORRUPT_MODES,
  optionNames,
} from '@kpl-lambda/core/internal';
import { KplBatchConfigurationError } from './errors.js';
import type { BatchProcessorConfig, KplBatchOnCorrupt, KplBatchProcessorOptions } from './types.js';

const E = (option: string, message: string) => new KplBatchConfigurationError(message, { option });

/**
 * Ours, and those of Powertools' own processor configuration: a Powertools that adds one fails
 * this package's build until it is listed here.
 */
const KPL_BATCH_PROCESSOR_OPTIONS = optionNames<
  Omit<KplBatchProcessorOptions, keyof BatchProcessorConfig> &
    Record<keyof BatchProcessorConfig, unknown>
>({
  onCorrupt: true,
  stopOnFirstFailure: true,
  checkpoints: true,
  metrics: true,
  decode: true,
  parser: true,
  schema: true,
  innerSchema: true,
  transformer: true,
  logger: true,
});

/** The processor's options, checked, with Powertools' own configuration apart. */
export interface CheckedOptions {
  readonly onCorrupt: KplBatchOnCorrupt;
  readonly stopOnFirstFailure: boolean;
  readonly checkpoints: CheckpointStore | undefined;
  readonly metrics: KplMetrics | undefined;
  readonly decoder: PayloadDecoder | undefined;
  readonly logger: KplBatchProcessorOptions['logger'];
  readonly config: BatchProcessorConfig;
}

/**
 * Refuses, with a `KplBatchConfigurationError` naming it, an option the processor does not know
 * or cannot work with, before Powertools sees any of them.
 */
export function checkedOptions(options: KplBatchProcessorOptions): CheckedOptions {
  assertKnownOptions(options, KPL_BATCH_PROCESSOR_OPTIONS, E);
  const {
    onCorrupt = 'passthrough',
    stopOnFirstFailure = false,
    checkpoints,
    metrics,
    decode,
    logger,
    ...config
  } = options;
  assertOneOf('onCorrupt', onCorrupt, BATCH_ON_CORRUPT_MODES, E);
  assertTypeOf('stopOnFirstFailure', stopOnFirstFailure, 'boolean', E);
  assertCheckpointStore(checkpoints, E);
  assertMetrics(metrics, E);
  assertTypeOf('decode', decode, 'object', E);
  assertLogger(logger, ['debug', 'warn', 'error'], E);
  const decoder =
    decode === undefined
      ? undefined
      : new PayloadDecoder(decode, (option, message) => E(`decode.${option}`, message));
  return {
    onCorrupt,
    stopOnFirstFailure,
    checkpoints,
    metrics,
    decoder,
    logger,
    config: config as BatchProcessorConfig,
  };
}
