export { aggregate } from './aggregate.js';
export { CheckedPartitionKey } from './CheckedPartitionKey.js';
export { CheckpointedBatch, parentKey, parentOf } from './CheckpointedBatch.js';
export { consoleLogger } from './consoleLogger.js';
export {
  DEFAULT_MAX_AGGREGATE_BYTES,
  DEFAULT_MAX_DECODED_BYTES,
  KPL_DIGEST_SIZE,
  KPL_MAGIC,
  MAX_DECODED_BYTES,
  MAX_HASH_KEY,
  MAX_KINESIS_RECORD_BYTES,
  MAX_PARTITION_KEY_LENGTH,
  MAX_TIMER_MS,
} from './constants.js';
export { deaggregateBytes, deaggregateSdkRecords } from './deaggregate.js';
export { decodeUserRecord } from './decodedRecords.js';
export { isAggregated } from './decoder.js';
export { canDecompress } from './decompress.js';
export { countUserRecords, doneUserRecords } from './doneUserRecords.js';
export {
  KplConfigurationError,
  type KplConfigurationErrorOptions,
  KplDecodeError,
  KplError,
  KplInvalidRecordError,
  KplPayloadDecodeError,
  KplRecordTooLargeError,
} from './errors.js';
export { assertValidKeys, computeHashKey, computeHashKeyHex, isValidHashKey } from './hashKey.js';
export { deaggregateRecords, iterDeaggregateRecords } from './lambdaRecords.js';
export { absorbRejection, type KplLogger, safeLogger } from './logger.js';
export { assertLogger, loggerOf } from './loggerOption.js';
export {
  addBatchMetrics,
  addMetrics,
  BATCH_METRIC_NAMES,
  type BatchMetrics,
  DECODE_METRIC_NAMES,
  type DecodeMetrics,
  type KplMetrics,
} from './metrics.js';
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
  closestNames,
  deaggregationModeOf,
  optionNames,
} from './options.js';
export { PayloadDecoder, type UserRecordPosition } from './PayloadDecoder.js';
export type * from './payloadTypes.js';
export { RecordAggregator } from './RecordAggregator.js';
export {
  type ListedShard,
  type RoutingKeys,
  type ShardHashKeyRange,
  ShardMap,
} from './ShardMap.js';
export { SubSequenceSet } from './SubSequenceSet.js';
export type * from './types.js';
export {
  type RecordWithBase64Data,
  userRecordData,
  userRecordJson,
  userRecordText,
} from './userRecordData.js';
export { USER_RECORD_FIELDS, type UserRecordField } from './userRecordFields.js';
export {
  isKinesisWindowEvent,
  stateOfResponse,
  WINDOW_PROGRESS_KEY,
  WindowProgress,
  type WindowState,
} from './WindowProgress.js';
