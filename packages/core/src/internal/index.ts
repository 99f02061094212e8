/**
 * What the kpl-lambda packages share and their users do not call: option checks, logger and
 * metrics wrappers, checkpoint and tumbling-window bookkeeping. Import from
 * `@kpl-lambda/core/internal`. Not covered by semver: any release may change it.
 *
 * @example
 * ```ts
 * import { assertKnownOptions, optionNames } from '@kpl-lambda/core/internal';
 * assertKnownOptions(options, optionNames<MyOptions>({ logger: true }), E);
 * ```
 *
 * @packageDocumentation
 */
export { CheckpointedBatch, parentOf } from '../checkpoints/CheckpointedBatch.js';
export { countUserRecords } from '../checkpoints/doneUserRecords.js';
export {
  isKinesisWindowEvent,
  stateOfResponse,
  WINDOW_PROGRESS_KEY,
  WindowProgress,
} from '../checkpoints/WindowProgress.js';
export { closestNames } from '../closestNames.js';
export { USER_RECORD_FIELDS, type UserRecordField } from '../deaggregation/userRecordFields.js';
export { assertValidKeys } from '../format/hashKey.js';
export { absorbRejection, safeLogger } from '../logger.js';
export { assertLogger, loggerOf } from '../loggerOption.js';
export { addBatchMetrics, addMetrics } from '../metrics.js';
export {
  assertCheckpointStore,
  assertIntegerIn,
  assertKnownOptions,
  assertMetrics,
  assertOneOf,
  assertTimerMs,
  assertTypeOf,
  BATCH_ON_CORRUPT_MODES,
  type ConfigurationErrorFactory,
  deaggregationModeOf,
  optionNames,
  shown,
} from '../options.js';
