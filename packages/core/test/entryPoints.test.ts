import * as core from '@kpl-lambda/core';
import * as internal from '@kpl-lambda/core/internal';

/**
 * The root entry point is what users call, and what the API docs show; what only the other
 * kpl-lambda packages use lives in `@kpl-lambda/core/internal`, outside semver. A helper added
 * to the root by mistake, or a user's function hidden in internal, fails here.
 */
describe('core entry points', () => {
  it('the root exports only what users call', () => {
    expect(Object.keys(core).sort()).toEqual([
      'BATCH_METRIC_NAMES',
      'CheckedPartitionKey',
      'DECODE_METRIC_NAMES',
      'DEFAULT_MAX_AGGREGATE_BYTES',
      'DEFAULT_MAX_DECODED_BYTES',
      'KPL_DIGEST_SIZE',
      'KPL_MAGIC',
      'KplConfigurationError',
      'KplDecodeError',
      'KplError',
      'KplInvalidRecordError',
      'KplPayloadDecodeError',
      'KplRecordTooLargeError',
      'MAX_DECODED_BYTES',
      'MAX_HASH_KEY',
      'MAX_KINESIS_RECORD_BYTES',
      'MAX_PARTITION_KEY_LENGTH',
      'MAX_TIMER_MS',
      'PayloadDecoder',
      'RecordAggregator',
      'ShardMap',
      'SubSequenceSet',
      'aggregate',
      'canDecompress',
      'computeHashKey',
      'computeHashKeyHex',
      'consoleLogger',
      'deaggregateBytes',
      'deaggregateRecords',
      'deaggregateSdkRecords',
      'decodeUserRecord',
      'doneUserRecords',
      'isAggregated',
      'isValidHashKey',
      'iterDeaggregateRecords',
      'parentKey',
      'userRecordData',
      'userRecordJson',
      'userRecordText',
    ]);
  });

  it('internal holds the helpers only the kpl-lambda packages use', () => {
    expect(Object.keys(internal).sort()).toEqual([
      'BATCH_ON_CORRUPT_MODES',
      'CheckpointedBatch',
      'USER_RECORD_FIELDS',
      'WINDOW_PROGRESS_KEY',
      'WindowProgress',
      'absorbRejection',
      'addBatchMetrics',
      'addMetrics',
      'assertCheckpointStore',
      'assertIntegerIn',
      'assertKnownOptions',
      'assertLogger',
      'assertMetrics',
      'assertOneOf',
      'assertTimerMs',
      'assertTypeOf',
      'assertValidKeys',
      'closestNames',
      'countUserRecords',
      'deaggregationModeOf',
      'isKinesisWindowEvent',
      'loggerOf',
      'optionNames',
      'parentOf',
      'safeLogger',
      'shown',
      'stateOfResponse',
    ]);
  });

  it('a CheckedPartitionKey shows its key and size, not the aggregator’s memo', () => {
    const key = new core.CheckedPartitionKey('tenant-42');
    expect(Object.getOwnPropertyNames(core.CheckedPartitionKey.prototype)).toEqual(['constructor']);
    expect(Object.keys(key).sort()).toEqual(['bytes', 'partitionKey']);
  });
});
