import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Context, KinesisStreamEvent } from 'aws-lambda';

/** A Lambda handler for Kinesis events, as Lambda calls it; it may return a promise. */
export type KinesisHandler = (event: KinesisStreamEvent, context: Context) => unknown;

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
}

/** What one invocation was given and how it ended. */
export interface InvocationReport {
  shardId: string;
  records: number;
  outcome: 'success' | 'partial' | 'error';
  /** Retry number of this batch: 0 for its first delivery. */
  attempt: number;
}

/** Counters of a mapping, since it was made. */
export interface EventSourceMappingStats {
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
