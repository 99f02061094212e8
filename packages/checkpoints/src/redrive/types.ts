import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { CheckpointStore, SdkUserRecord } from '@kpl-lambda/core';

/** The part of Lambda's on-failure `KinesisBatchInfo` a redrive reads. */
export interface RedriveBatchInfo {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  streamArn: string;
}

/**
 * One of Lambda's Kinesis event records, as the S3 on-failure object's `payload` holds them:
 * `kinesis.data` is base64.
 */
export interface RedriveEventRecord {
  kinesis: {
    sequenceNumber: string;
    data: string;
    partitionKey?: string;
    approximateArrivalTimestamp?: number;
  };
}

/**
 * The `payload` of an S3 on-failure object: the invocation event Lambda gave up on, with the
 * batch's records. Its JSON text is taken too.
 */
export type RedrivePayload = { Records: readonly RedriveEventRecord[] } | string;

/** A user record handed to the redrive handler: its parent's shard comes with it. */
export type RedriveUserRecord = SdkUserRecord & { shardId: string };

/** Options of {@link redrive}. An unknown key is refused, as a missing field of `batchInfo` is. */
export interface RedriveOptions {
  /** A Kinesis client for the stream; required unless `payload` is given (it is then not used). */
  kinesis?: KinesisClient;
  /** The store the consumer recorded its progress in (the same consumer name). */
  checkpoints: CheckpointStore;
  /** `KinesisBatchInfo` of the on-failure destination's message. */
  batchInfo: RedriveBatchInfo;
  /**
   * The `payload` of the S3 on-failure object (the invocation event, with the batch's records):
   * its records in `batchInfo`'s range are run, and the stream is not read, so a batch can be
   * redriven after the stream's retention. Without it, the batch is read back from the stream.
   */
  payload?: RedrivePayload;
  /** Runs one user record; a throw marks it failed and the redrive goes on. */
  handler: (userRecord: RedriveUserRecord) => unknown;
  /**
   * Record the user records the handler ran as done in `checkpoints`. Default `true`; `false`
   * reads the store without ever writing to it: for a handler that only shows the records
   * (a dry run), which must not make a later redrive skip them.
   */
  recordDone?: boolean;
  /**
   * Stops the redrive between two user records (the one running finishes): what ran is recorded
   * as done, and the report says it is not `complete`.
   */
  signal?: AbortSignal;
}

/** What a redrive did. */
export interface RedriveReport {
  /** User records the handler ran without a throw (recorded as done, unless `recordDone: false`). */
  ran: number;
  /** User records the store had as done: not run. */
  skipped: number;
  /** User records whose handler threw. */
  failed: Array<{ sequenceNumber: string; subSequenceNumber: number; error: unknown }>;
  /**
   * Whether the batch was read to its end. `false` when `signal` stopped it, or when it reached
   * its bound of GetRecords pages: run it again to go on.
   */
  complete: boolean;
}
