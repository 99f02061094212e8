import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisTumblingWindow } from '@kpl-lambda/core';
import type { Context, KinesisStreamEvent } from 'aws-lambda';

/**
 * A Lambda handler for Kinesis events, as Lambda calls it; it may return a promise. With
 * `tumblingWindowInSeconds` the event also has the window's fields ({@link KinesisTumblingWindow}),
 * so a handler typed for `KinesisStreamEvent & KinesisTumblingWindow` fits too.
 */
export type KinesisHandler = {
  // Method syntax, so that a handler of a narrower event (one with the window's fields) fits.
  /** Called with each event and a Lambda context; what it returns is the response. */
  bivarianceHack(
    event: KinesisStreamEvent | (KinesisStreamEvent & KinesisTumblingWindow),
    context: Context,
  ): unknown;
}['bivarianceHack'];

/** What Lambda sends to an on-failure destination for a Kinesis batch it gave up. */
export interface KinesisOnFailureRecord {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'RetryAttemptsExhausted';
    approximateInvokeCount: number;
  };
  responseContext: {
    statusCode: number;
    executedVersion: string;
    functionError?: 'Unhandled';
  };
  version: '1.0';
  timestamp: string;
  KinesisBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

/** Options of {@link KinesisEventSourceMapping}, named as in `AWS::Lambda::EventSourceMapping`. */
export interface KinesisEventSourceMappingOptions {
  /** A Kinesis client for the stream (a local one, or a real one). */
  client: KinesisClient;
  streamName: string;
  /** The handler under test, called as Lambda calls it. */
  handler: KinesisHandler;
  /** Records per invocation. Default 100, as Lambda; at most 10,000. */
  batchSize?: number;
  /** `['ReportBatchItemFailures']` to honour partial batch responses. Default: none. */
  functionResponseTypes?: Array<'ReportBatchItemFailures'>;
  /** Split a failing batch in two and retry the halves. Default `false`. */
  bisectBatchOnFunctionError?: boolean;
  /** Retries of a failing batch before it goes to the destination; -1 retries forever. Default -1. */
  maximumRetryAttempts?: number;
  /** The on-failure destination: receives what Lambda would send to an SQS queue or SNS topic. */
  onFailure?: (record: KinesisOnFailureRecord) => void | Promise<void>;
  /** Used in the context and the destination records. Default `local-function`. */
  functionName?: string;
  /** Default `us-east-1`. */
  awsRegion?: string;
  /** Called after each invocation, for progress reports. */
  onInvoke?: (invocation: InvocationReport) => void;
  /**
   * Batches of one shard in flight at once, 1 to 10, as Lambda's `ParallelizationFactor`: order
   * is kept per partition key of the Kinesis records only. Default 1.
   */
  parallelizationFactor?: number;
  /**
   * Tumbling windows of this many seconds, 1 to 900 (0: none), as Lambda's
   * `TumblingWindowInSeconds`: each event carries the window and the state the last invocation
   * returned. Default 0.
   */
  tumblingWindowInSeconds?: number;
  /** The time in epoch milliseconds, as `Date.now` (the default) gives it: when windows end. */
  clock?: () => number;
}

/** What one invocation was given and how it ended. */
export interface InvocationReport {
  shardId: string;
  /** Kinesis records handed: 0 for the final invocation of a tumbling window. */
  records: number;
  outcome: 'success' | 'partial' | 'error';
  /** Retry number of this batch: 0 for its first delivery. */
  attempt: number;
}

/** Counters of a mapping, since it was made. */
export interface EventSourceMappingCounters {
  invocations: number;
  /** Kinesis records handed to the function, redeliveries included. */
  recordsDelivered: number;
  /** Invocations that delivered records again. */
  retries: number;
  /** Batches split in two after a function error. */
  bisections: number;
  /** Batches sent to the on-failure destination. */
  batchesGivenUp: number;
  /** Handler responses Lambda would not accept (unknown or empty identifiers). */
  invalidResponses: number;
}

/** Options of `KinesisEventSourceMapping.drain()`. */
export interface DrainOptions {
  /** Stop with `KplDrainStoppedError` after this long. Default 60,000 ms; `Infinity`: never. */
  timeoutMs?: number;
  /** Stop with `KplDrainStoppedError` when this aborts. */
  signal?: AbortSignal;
}
