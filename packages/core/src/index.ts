export { aggregate } from './aggregate.js';
export { CheckedPartitionKey } from './CheckedPartitionKey.js';
export { parentKey } from './CheckpointedBatch.js';
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
export { doneUserRecords } from './doneUserRecords.js';
export {
  KplConfigurationError,
  type KplConfigurationErrorOptions,
  KplDecodeError,
  KplError,
  KplInvalidRecordError,
  KplPayloadDecodeError,
  KplRecordTooLargeError,
} from './errors.js';
export { computeHashKey, computeHashKeyHex, isValidHashKey } from './hashKey.js';
export { deaggregateRecords, iterDeaggregateRecords } from './lambdaRecords.js';
export type { KplLogger } from './logger.js';
export {
  BATCH_METRIC_NAMES,
  type BatchMetrics,
  DECODE_METRIC_NAMES,
  type DecodeMetrics,
  type KplMetrics,
} from './metrics.js';
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
export type { WindowState } from './WindowProgress.js';
