import {
  assertCheckpointStore,
  assertKnownOptions,
  assertTypeOf,
  optionNames,
} from '@kpl-lambda/core/internal';
import { KplCheckpointsConfigurationError } from '../errors.js';
import type { RedriveBatchInfo, RedriveOptions } from './types.js';

const E = (option: string, message: string) =>
  new KplCheckpointsConfigurationError(message, { option });

const REDRIVE_OPTIONS = optionNames<RedriveOptions>({
  kinesis: true,
  checkpoints: true,
  batchInfo: true,
  payload: true,
  handler: true,
  recordDone: true,
  signal: true,
});

const BATCH_INFO_FIELDS = optionNames<RedriveBatchInfo>({
  shardId: true,
  startSequenceNumber: true,
  endSequenceNumber: true,
  streamArn: true,
});

/**
 * Refuses options `redrive` cannot work with, naming the option (`batchInfo.shardId` for a field
 * of the on-failure message), before anything is read: a `KinesisBatchInfo` taken from the wrong
 * part of a message would otherwise fail as a TypeError deep inside.
 */
export function assertRedriveOptions(options: RedriveOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw E(
      'options',
      'redrive needs its options: kinesis (or payload), checkpoints, batchInfo, handler',
    );
  }
  assertKnownOptions(options, REDRIVE_OPTIONS, E);
  // With a payload the stream is not read: a client, if given, must still be one.
  if (
    (options.payload === undefined || options.kinesis !== undefined) &&
    typeof (options.kinesis as { send?: unknown } | undefined)?.send !== 'function'
  ) {
    throw E(
      'kinesis',
      'kinesis must be a KinesisClient of the AWS SDK v3 (not needed with payload: the records are in it)',
    );
  }
  if (options.checkpoints === undefined) {
    throw E(
      'checkpoints',
      'checkpoints is required: the store the consumer recorded its progress in',
    );
  }
  assertCheckpointStore(options.checkpoints, E);
  if (typeof options.handler !== 'function') {
    throw E('handler', 'handler must be a function that runs one user record');
  }
  assertTypeOf('recordDone', options.recordDone, 'boolean', E);
  if (options.signal !== undefined && typeof options.signal?.aborted !== 'boolean') {
    throw E('signal', 'signal must be an AbortSignal');
  }
  assertBatchInfo(options.batchInfo);
}

function assertBatchInfo(batchInfo: unknown): asserts batchInfo is RedriveBatchInfo {
  if (typeof batchInfo !== 'object' || batchInfo === null) {
    throw E(
      'batchInfo',
      `batchInfo is required: the KinesisBatchInfo of the on-failure destination's message (${BATCH_INFO_FIELDS.join(', ')}), got ${batchInfo === null ? 'null' : typeof batchInfo}`,
    );
  }
  const info = batchInfo as Record<string, unknown>;
  for (const field of BATCH_INFO_FIELDS) {
    const value = info[field];
    if (typeof value !== 'string' || value === '') {
      throw E(
        `batchInfo.${field}`,
        `batchInfo.${field} is missing: the KinesisBatchInfo of an on-failure message has ${BATCH_INFO_FIELDS.join(', ')}`,
      );
    }
  }
  for (const field of ['startSequenceNumber', 'endSequenceNumber'] as const) {
    if (!/^\d+$/.test(info[field] as string)) {
      throw E(
        `batchInfo.${field}`,
        `batchInfo.${field} must be a sequence number (decimal digits), got ${info[field] as string}`,
      );
    }
  }
}
