export { aggregate } from './aggregation/aggregate.js';
export { RecordAggregator } from './aggregation/RecordAggregator.js';
export {
  type ListedShard,
  type RoutingKeys,
  type ShardHashKeyRange,
  ShardMap,
} from './aggregation/ShardMap.js';
export { parentKey } from './checkpoints/CheckpointedBatch.js';
export { doneUserRecords } from './checkpoints/doneUserRecords.js';
export { SubSequenceSet } from './checkpoints/SubSequenceSet.js';
export type { WindowState } from './checkpoints/WindowProgress.js';
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
export { deaggregateBytes, deaggregateSdkRecords } from './deaggregation/deaggregate.js';
export { deaggregateRecords, iterDeaggregateRecords } from './deaggregation/lambdaRecords.js';
export {
  type RecordWithBase64Data,
  userRecordData,
  userRecordJson,
  userRecordText,
} from './deaggregation/userRecordData.js';
export {
  KplConfigurationError,
  type KplConfigurationErrorOptions,
  KplDecodeError,
  KplError,
  KplInvalidRecordError,
  KplPayloadDecodeError,
  KplRecordTooLargeError,
} from './errors.js';
export { CheckedPartitionKey } from './format/CheckedPartitionKey.js';
export { isAggregated } from './format/decoder.js';
export { computeHashKey, computeHashKeyHex, isValidHashKey } from './format/hashKey.js';
export type { KplLogger } from './logger.js';
export {
  BATCH_METRIC_NAMES,
  type BatchMetrics,
  DECODE_METRIC_NAMES,
  type DecodeMetrics,
  type KplMetrics,
} from './metrics.js';
export { decodeUserRecord } from './payload/decodedRecords.js';
export { canDecompress } from './payload/decompress.js';
export { PayloadDecoder, type UserRecordPosition } from './payload/PayloadDecoder.js';
export type * from './payload/payloadTypes.js';
export type * from './types.js';
