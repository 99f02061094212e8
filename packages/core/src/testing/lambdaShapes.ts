import { randomUUID } from 'node:crypto';
import type { Context, KinesisStreamRecord } from 'aws-lambda';
import { toBase64 } from '../format/bytes.js';
import { assertKnownOptions, optionNames } from '../options.js';

/** What a Lambda Kinesis event record is made of. */
export interface LambdaKinesisRecordSpec {
  data: Uint8Array;
  /**
   * `null` for a record written without a partition key to a service-managed stream, as Lambda
   * delivers it; left out, the record has no such field.
   */
  partitionKey?: string | null;
  sequenceNumber: string;
  /** Epoch seconds, as Lambda gives it. */
  approximateArrivalTimestamp: number;
  shardId: string;
  eventSourceARN: string;
  awsRegion: string;
  /** Default `arn:aws:iam::123456789012:role/lambda-kinesis-role`. */
  invokeIdentityArn?: string;
}

/**
 * One record of a Kinesis event exactly as Lambda shapes it: base64 data, `eventID`
 * `shardId-...:sequenceNumber`, the envelope fields in Lambda's order. Typed as
 * `@types/aws-lambda` types it, though `partitionKey` is `null` (or absent) when so given.
 *
 * @example
 * ```ts
 * import { lambdaKinesisRecord } from '@kpl-lambda/core/testing';
 * const record = lambdaKinesisRecord({
 *   data: Buffer.from('{"n":1}'),
 *   partitionKey: 'a',
 *   sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
 *   approximateArrivalTimestamp: Date.now() / 1000,
 *   shardId: 'shardId-000000000000',
 *   eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders',
 *   awsRegion: 'us-east-1',
 * });
 * ```
 */
export function lambdaKinesisRecord(spec: LambdaKinesisRecordSpec): KinesisStreamRecord {
  // Lambda's field order; a partition key left out is no field at all.
  const kinesis = {
    kinesisSchemaVersion: '1.0',
    ...(spec.partitionKey === undefined ? {} : { partitionKey: spec.partitionKey }),
    sequenceNumber: spec.sequenceNumber,
    data: toBase64(spec.data),
    approximateArrivalTimestamp: spec.approximateArrivalTimestamp,
  } as KinesisStreamRecord['kinesis'];
  return {
    kinesis,
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${spec.shardId}:${spec.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn:
      spec.invokeIdentityArn ?? 'arn:aws:iam::123456789012:role/lambda-kinesis-role',
    awsRegion: spec.awsRegion,
    eventSourceARN: spec.eventSourceARN,
  };
}

/** Options of {@link lambdaContext}. */
export interface LambdaContextOptions {
  /** Default `local-function`. */
  functionName?: string;
  /** Default `us-east-1`. */
  awsRegion?: string;
  /** The invocation's time limit, for `getRemainingTimeInMillis`. Default 60,000 ms. */
  timeoutMs?: number;
}

const LAMBDA_CONTEXT_OPTIONS = optionNames<LambdaContextOptions>({
  functionName: true,
  awsRegion: true,
  timeoutMs: true,
});

/**
 * A Lambda `Context` for one invocation, as Lambda fills it: a fresh request id, the function's
 * ARN and log names, and a `getRemainingTimeInMillis` that counts down from now.
 *
 * @example
 * ```ts
 * import { lambdaContext } from '@kpl-lambda/core/testing';
 * await handler(event, lambdaContext({ functionName: 'orders-consumer' }));
 * ```
 */
export function lambdaContext(options: LambdaContextOptions = {}): Context {
  assertKnownOptions(options, LAMBDA_CONTEXT_OPTIONS);
  const { functionName = 'local-function', awsRegion = 'us-east-1', timeoutMs = 60_000 } = options;
  const deadline = Date.now() + timeoutMs;
  const noop = () => undefined;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${awsRegion}:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${randomUUID()}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: noop,
    fail: noop,
    succeed: noop,
  };
}
